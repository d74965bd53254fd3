//! `Model`: a kerust `Sequential` for the Python `keras.Sequential` to drive. The Python
//! side keeps Keras's objects (layers, optimizer, callbacks) and hands this class plain
//! configurations and float32 arrays.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::str::FromStr;

use kerust::callbacks::{Callback, StopFlag};
use kerust::losses::Loss;
use kerust::metrics::Metric;
use kerust::model::{ClassWeight, EvaluateConfig, FitConfig, History, Sequential};
use numpy::{PyArray2, PyArrayDyn, PyReadonlyArray1, PyReadonlyArray2, PyReadonlyArrayDyn};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::arrays::{matrix, tensor, to_numpy, to_numpy_dyn, vector};
use crate::bridge::{PyCallback, Shared, SignalCheck};
use crate::callbacks;
use crate::configs;
use crate::errors::{IntoPy, value_error};
use crate::history::{SameThread, history_dict};

/// A kerust `Sequential` model.
#[pyclass(module = "kerust._kerust", name = "Model", unsendable)]
pub struct Model {
    pub(crate) inner: Sequential,
}

#[pymethods]
impl Model {
    /// A model of these layers (a JSON list of layer configurations).
    #[new]
    #[pyo3(signature = (layers, name = "sequential", seed = None))]
    fn new(layers: &str, name: &str, seed: Option<u64>) -> PyResult<Self> {
        let configs = configs::layers(layers)?;
        let mut inner = Sequential::new().with_name(name);
        if let Some(seed) = seed {
            inner = inner.seed(seed);
        }
        for config in &configs {
            inner.add_boxed(config.to_layer());
        }
        inner.build().py()?;
        Ok(Model { inner })
    }

    /// Loads a `.kerust` file (one the CLI or `save` wrote).
    #[staticmethod]
    fn load(path: &str) -> PyResult<Self> {
        Ok(Model { inner: Sequential::load(path).py()? })
    }

    /// Saves architecture, weights, compile configuration and optimizer state (atomically).
    fn save(&self, path: &str) -> PyResult<()> {
        self.inner.save(path).py()
    }

    /// Saves the weights (and layer configurations) only.
    fn save_weights(&self, path: &str) -> PyResult<()> {
        self.inner.save_weights(path).py()
    }

    /// Reads weights written by `save_weights` into this architecture.
    fn load_weights(&mut self, path: &str) -> PyResult<()> {
        self.inner.load_weights(path).py()
    }

    /// Fixes optimizer (JSON configuration or Keras name), loss and metrics.
    fn compile(&mut self, optimizer: &str, loss: &str, metrics: Vec<String>) -> PyResult<()> {
        let optimizer = configs::optimizer(optimizer)?;
        let loss = Loss::from_str(loss).py()?;
        let metrics = metrics.iter().map(|m| Metric::from_str(m)).collect::<kerust::Result<Vec<_>>>().py()?;
        self.inner.compile(optimizer.build(), loss, &metrics).py()
    }

    /// Trains. `callbacks` holds, in order, the Rust-backed callback objects and
    /// `(callback, model, batch_hooks, min_interval)` tuples for Python ones. Returns
    /// `(history, exception)`: `history` a dict with `keys`, `values`, `epochs`; the exception
    /// (or None) is one a callback or Ctrl-C raised, for the caller to re-raise.
    #[pyo3(signature = (x, y, *, epochs, batch_size, shuffle, validation_split, validation_data = None,
                        initial_epoch = 0, class_weight = None, sample_weight = None, callbacks = None))]
    #[allow(clippy::too_many_arguments)]
    fn fit<'py>(
        &mut self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f32>,
        y: PyReadonlyArray2<'py, f32>,
        epochs: usize,
        batch_size: usize,
        shuffle: bool,
        validation_split: f64,
        validation_data: Option<(PyReadonlyArray2<'py, f32>, PyReadonlyArray2<'py, f32>)>,
        initial_epoch: usize,
        class_weight: Option<BTreeMap<usize, f64>>,
        sample_weight: Option<PyReadonlyArray1<'py, f32>>,
        callbacks: Option<Bound<'py, PyList>>,
    ) -> PyResult<(Bound<'py, PyDict>, Option<Py<PyAny>>)> {
        let (x, y) = (matrix(&x)?, matrix(&y)?);
        let train_rows = match &validation_data {
            Some(_) => x.nrows(),
            None if validation_split > 0.0 => (x.nrows() as f64 * (1.0 - validation_split)).floor() as usize,
            None => x.nrows(),
        };
        let steps = train_rows.div_ceil(batch_size.max(1));
        let shared: Shared = Rc::new(RefCell::new(Default::default()));
        let mut rust_callbacks: Vec<Box<dyn Callback>> = vec![Box::new(SignalCheck::new(shared.clone()))];
        let listed: Vec<Bound<'py, PyAny>> = callbacks.map(|l| l.iter().collect()).unwrap_or_default();
        let result = (|| -> PyResult<History> {
            for item in &listed {
                if let Some(callback) = callbacks::lend(item)? {
                    rust_callbacks.push(callback);
                    continue;
                }
                let tuple = item.cast::<PyTuple>().map_err(|_| {
                    value_error(format!("callbacks must be keras.callbacks.Callback objects. Received: {item}"))
                })?;
                let (callback, model, batch_hooks, min_interval): (Py<PyAny>, Py<PyAny>, bool, Option<f64>) =
                    tuple.extract()?;
                rust_callbacks.push(Box::new(PyCallback::new(
                    callback,
                    model,
                    shared.clone(),
                    batch_hooks,
                    min_interval,
                    steps,
                )));
            }
            let validation_data = match validation_data {
                Some((vx, vy)) => Some((matrix(&vx)?, matrix(&vy)?)),
                None => None,
            };
            let sample_weight = sample_weight.map(|w| vector(&w)).transpose()?;
            let config = FitConfig {
                epochs,
                batch_size,
                shuffle,
                validation_split,
                validation_data,
                verbose: 0,
                initial_epoch,
                callbacks: std::mem::take(&mut rust_callbacks),
                stop_flag: None::<StopFlag>,
                class_weight: class_weight
                    .map(|m| ClassWeight::Map(m.into_iter().map(|(k, v)| (k, v as f32)).collect())),
                sample_weight,
                ..Default::default()
            };
            let job = SameThread((&mut self.inner, x, y, config));
            let outcome = py.detach(move || {
                let job = job;
                let SameThread((model, x, y, config)) = job;
                SameThread(model.fit(&x, &y, config))
            });
            outcome.0.py()
        })();
        for item in &listed {
            callbacks::give_back(item);
        }
        let mut outcome = shared.borrow_mut();
        // A Python exception comes first: the Rust error that stopped the loop only says
        // that there was one.
        if !outcome.interrupted
            && let Some(error) = outcome.error.take()
        {
            return Err(error);
        }
        let history = result?;
        let dict = history_dict(py, &history, outcome.unfinished_epoch)?;
        let interrupt = outcome.error.take().map(|e| e.into_value(py).into_any());
        Ok((dict, interrupt))
    }

    /// Predictions for `x`, `batch_size` rows at a time.
    #[pyo3(signature = (x, batch_size = 32))]
    fn predict<'py>(
        &mut self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f32>,
        batch_size: usize,
    ) -> PyResult<Bound<'py, PyArray2<f32>>> {
        let x = matrix(&x)?;
        let job = SameThread((&mut self.inner, x));
        let out = py.detach(move || {
            let job = job;
            let SameThread((model, x)) = job;
            model.predict_batched(&x, batch_size)
        });
        to_numpy(py, out.py()?)
    }

    /// Loss and metrics on `(x, y)`, as `(name, value)` pairs in Keras's order.
    #[pyo3(signature = (x, y, batch_size = 32, sample_weight = None))]
    fn evaluate(
        &mut self,
        x: PyReadonlyArray2<'_, f32>,
        y: PyReadonlyArray2<'_, f32>,
        batch_size: usize,
        sample_weight: Option<PyReadonlyArray1<'_, f32>>,
    ) -> PyResult<Vec<(String, f64)>> {
        let sample_weight = sample_weight.map(|w| vector(&w)).transpose()?;
        let config = EvaluateConfig { batch_size, sample_weight };
        let logs = self.inner.evaluate_with(&matrix(&x)?, &matrix(&y)?, config).py()?;
        Ok(logs.iter().map(|(k, v)| (k.to_string(), v as f64)).collect())
    }

    /// The weights, Keras's order (`kernel`, `bias` of each layer, ...).
    fn get_weights<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyArrayDyn<f32>>>> {
        self.inner.get_weights().into_iter().map(|w| to_numpy_dyn(py, w)).collect()
    }

    /// Replaces the weights (count, shapes and values checked first; nothing changes on error).
    fn set_weights(&mut self, weights: Vec<PyReadonlyArrayDyn<'_, f32>>) -> PyResult<()> {
        let weights = weights.iter().map(tensor).collect::<PyResult<Vec<_>>>()?;
        self.inner.set_weights(&weights).py()
    }

    /// Keras's `summary()` table.
    fn summary(&self) -> String {
        self.inner.summary()
    }

    /// The layer configurations, as a JSON list.
    fn layer_configs(&self) -> PyResult<String> {
        let configs = self.inner.layer_configs().py()?;
        serde_json::to_string(&configs).map_err(|e| value_error(e.to_string()))
    }

    /// The compiled optimizer's configuration (JSON), or None before `compile`.
    fn optimizer_config(&self) -> Option<String> {
        self.inner.optimizer_config().and_then(|c| serde_json::to_string(&c).ok())
    }

    /// The compiled loss's name, or None.
    #[getter]
    fn loss(&self) -> Option<String> {
        self.inner.loss().map(|l| l.to_string())
    }

    /// The compiled metrics' names.
    #[getter]
    fn metrics(&self) -> Vec<String> {
        self.inner.metrics().iter().map(|m| m.name().to_string()).collect()
    }

    /// The optimizer's learning rate (None before `compile`).
    #[getter]
    fn get_learning_rate(&self) -> Option<f64> {
        self.inner.learning_rate().map(f64::from)
    }

    /// Sets the optimizer's learning rate.
    #[setter]
    fn set_learning_rate(&mut self, learning_rate: f64) -> PyResult<()> {
        if !(learning_rate.is_finite() && learning_rate >= 0.0) {
            return Err(value_error(format!(
                "learning_rate must be a finite number >= 0. Received: learning_rate={learning_rate}"
            )));
        }
        self.inner.set_learning_rate(learning_rate as f32);
        Ok(())
    }

    /// Optimizer steps taken.
    #[getter]
    fn iterations(&self) -> u64 {
        self.inner.iterations()
    }

    /// The model name.
    #[getter]
    fn name(&self) -> String {
        self.inner.name().to_string()
    }

    /// The model seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.inner.seed_used()
    }

    /// Parameters, trainable and not.
    fn count_params(&self) -> usize {
        self.inner.count_params()
    }

    /// Width of the input.
    #[getter]
    fn input_dim(&self) -> Option<usize> {
        self.inner.input_dim()
    }

    /// Width of the output.
    #[getter]
    fn output_dim(&self) -> usize {
        self.inner.output_dim()
    }
}
