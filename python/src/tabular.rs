//! The tabular workflow for DataFrames: `TabularSpec` settings (the `settings.toml` names)
//! and a table in CSV form (what `DataFrame.to_csv` writes) in, a `TabularModel` out — the
//! same object, and the same `.kerust` file, as `kerust train`'s.

use std::collections::BTreeMap;

use kerust::callbacks::StopFlag;
use kerust::data::{CsvOptions, Table, Unseen};
use kerust::tabular::{TabularModel as Inner, TabularSpec, TrainOptions};
use numpy::PyArray2;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::arrays::to_numpy;
use crate::errors::{IntoPy, value_error};
use crate::history::{SameThread, history_dict};

/// `predict`'s answer: values, class labels (classification), warnings.
type Answers<'py> = (Bound<'py, PyArray2<f32>>, Option<Vec<String>>, Vec<String>);

/// `fit_tabular`'s answer: model, History, test metrics, warnings.
type Fitted<'py> = (TabularModel, Bound<'py, PyDict>, BTreeMap<String, f64>, Vec<String>);

/// A table from CSV text, named `source` in messages.
fn table(csv: &str, source: &str) -> PyResult<Table> {
    Table::from_reader_with(csv.as_bytes(), &CsvOptions::default().source_name(source)).py()
}

/// A trained tabular model: preprocessing (one-hot, imputation, scaling) and network.
#[pyclass(module = "kerust._kerust", name = "TabularModel", unsendable)]
pub struct TabularModel {
    inner: Inner,
}

#[pymethods]
impl TabularModel {
    /// Loads a `.kerust` file written by `kerust train` or `save`.
    #[staticmethod]
    fn load(path: &str) -> PyResult<Self> {
        Ok(TabularModel { inner: Inner::load(path).py()? })
    }

    /// Saves the whole model (atomically).
    fn save(&self, path: &str) -> PyResult<()> {
        self.inner.save(path).py()
    }

    /// Predictions for the rows of a CSV table: `(values, labels)`; `labels` (class names)
    /// is None for regression. Columns are found by name, in any order.
    fn predict<'py>(&self, py: Python<'py>, csv: &str, source: &str) -> PyResult<Answers<'py>> {
        let predictions = self.inner.predict(&table(csv, source)?).py()?;
        let labels = predictions.labels().map(<[String]>::to_vec);
        let warnings = predictions.warnings().to_vec();
        Ok((to_numpy(py, predictions.values().clone())?, labels, warnings))
    }

    /// The model inputs for the rows of a CSV table (the stored preprocessing applied: what
    /// the network itself is given), with the warnings about unseen categories.
    fn transform<'py>(
        &self,
        py: Python<'py>,
        csv: &str,
        source: &str,
    ) -> PyResult<(Bound<'py, PyArray2<f32>>, Vec<String>)> {
        let (x, warnings) = self.inner.preprocessor().transform(&table(csv, source)?, Unseen::AllZeros).py()?;
        Ok((to_numpy(py, x)?, warnings))
    }

    /// Test metrics on the rows of a CSV table that has the target column.
    fn evaluate(&self, csv: &str, source: &str) -> PyResult<BTreeMap<String, f64>> {
        self.inner.evaluate(&table(csv, source)?).py()
    }

    /// The network's `summary()` table.
    fn summary(&self) -> String {
        self.inner.summary()
    }

    /// The metrics on the held-out test rows of training.
    #[getter]
    fn test_metrics(&self) -> BTreeMap<String, f64> {
        self.inner.test_metrics().clone()
    }

    /// The target column.
    #[getter]
    fn target(&self) -> String {
        self.inner.target().to_string()
    }

    /// `"regression"` or `"classification"`.
    #[getter]
    fn task(&self) -> String {
        self.inner.task().to_string()
    }

    /// The model inputs the columns became (one-hot dummies, missing indicators).
    #[getter]
    fn feature_names(&self) -> Vec<String> {
        self.inner.preprocessor().feature_names()
    }

    /// The settings it was trained with, as JSON (the `settings.toml` names).
    fn spec(&self) -> PyResult<String> {
        serde_json::to_string(self.inner.spec()).map_err(|e| value_error(e.to_string()))
    }
}

/// Trains the tabular workflow. `spec` is a JSON object of `TabularSpec` settings (unknown
/// names are an error naming them). Returns `(model, history, test_metrics, warnings)`.
#[pyfunction]
#[pyo3(signature = (csv, source, target, spec, verbose = 0))]
pub fn fit_tabular<'py>(
    py: Python<'py>,
    csv: &str,
    source: &str,
    target: &str,
    spec: &str,
    verbose: u8,
) -> PyResult<Fitted<'py>> {
    let spec: TabularSpec = serde_json::from_str(spec).map_err(|e| value_error(format!("TabularSpec: {e}")))?;
    spec.validate().py()?;
    let table = table(csv, source)?;
    let options = TrainOptions { verbose, stop_flag: Some(StopFlag::new()), ..Default::default() };
    // `TrainOptions` may hold callbacks (not `Send`); this one holds none and the fit stays
    // on this thread.
    let job = SameThread((spec, table, options));
    let run = py
        .detach(move || {
            let job = job;
            let SameThread((spec, table, options)) = job;
            SameThread(spec.fit_with(&table, target, options))
        })
        .0
        .py()?;
    let history = history_dict(py, &run.history, None)?;
    let metrics = run.model.test_metrics().clone();
    Ok((TabularModel { inner: run.model }, history, metrics, run.warnings))
}
