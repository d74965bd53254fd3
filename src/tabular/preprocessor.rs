//! [`Preprocessor`]: the fitted recipe from raw table rows to model input (column encoding,
//! scaler) and from model output back to answers (task, label map). The same encoder that
//! encoded the training rows encodes every row predicted later.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::predictions::Predictions;
use super::task::Task;
use crate::data::{Encoding, LabelMap, Table, Unseen, Value};
use crate::error::{Error, Result};
use crate::preprocessing::Scaler;

/// Raw rows → model input, and model output → answers. Saved inside a
/// [`TabularModel`](super::TabularModel) file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preprocessor {
    /// The target column's name.
    pub target: String,
    /// Regression or classification.
    pub task: Task,
    /// How table columns become feature columns (one-hot categories included).
    pub encoding: Encoding,
    /// The scaler, fitted on the training rows only.
    pub scaler: Scaler,
    /// Class labels in class-index order (classification only).
    pub labels: Option<LabelMap>,
}

impl Preprocessor {
    /// Number of model inputs.
    pub fn n_features(&self) -> usize {
        self.encoding.n_features()
    }

    /// Names of the model inputs (pandas `get_dummies` naming for one-hot columns).
    pub fn feature_names(&self) -> Vec<String> {
        self.encoding.feature_names()
    }

    /// Model input for every row of `table`: columns found by name (any order; extra columns
    /// and the target are ignored), encoded as in training, then scaled; with the warnings
    /// of [`Encoding::transform_with`] (unseen categories under [`Unseen::AllZeros`]).
    pub fn transform(&self, table: &Table, unseen: Unseen) -> Result<(Array2<f32>, Vec<String>)> {
        let (x, warnings) = self.encoding.transform_with(table, unseen)?;
        Ok((self.scaler.transform(&x)?, warnings))
    }

    /// The target of every row of `table` as the model sees it: the values (regression) or
    /// the class indices by the stored label map (classification). Errors name the line.
    pub fn targets(&self, table: &Table) -> Result<Array2<f32>> {
        let values = table.column_values(&self.target)?;
        let at = |row: usize, reason: String| Error::Csv {
            file: table.source().to_string(),
            line: table.line(row),
            column: Some(self.target.clone()),
            reason,
        };
        let mut y = Array2::zeros((values.len(), 1)); // (rows, 1)
        for (row, v) in values.iter().enumerate() {
            y[[row, 0]] = match (&self.labels, v) {
                (_, Value::Missing) => return Err(at(row, "the target is missing; drop this row".into())),
                (None, Value::Number(n)) => *n,
                (None, Value::Text(t)) => return Err(at(row, format!("{t:?} is not a number (a regression target)"))),
                (Some(labels), v) => {
                    let label = match v {
                        Value::Text(t) => t.to_string(),
                        Value::Number(n) => n.to_string(),
                        Value::Missing => String::new(),
                    };
                    labels.index_of(&label).ok_or_else(|| {
                        at(
                            row,
                            format!(
                                "class {label:?} was not among the training classes ({})",
                                labels.classes().join(", ")
                            ),
                        )
                    })? as f32
                }
            };
        }
        Ok(y)
    }

    /// Answers from the network's output: the values of a regressor, or a classifier's class
    /// probabilities (a single sigmoid unit `p` gives the columns `[1 - p, p]`) with the
    /// most probable class (the first of equal ones) and its label.
    pub(crate) fn answers(&self, output: Array2<f32>, warnings: Vec<String>) -> Predictions {
        let Some(labels) = &self.labels else {
            return Predictions { values: output, classes: None, labels: None, warnings };
        };
        let probabilities = crate::model::class_probabilities(output);
        let classes: Vec<usize> = probabilities.rows().into_iter().map(crate::metrics::argmax).collect();
        let names = classes.iter().map(|&k| labels.label(k).unwrap_or_default().to_string()).collect();
        Predictions { values: probabilities, classes: Some(classes), labels: Some(names), warnings }
    }
}
