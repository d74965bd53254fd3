//! [`Pipeline`]: everything that turns raw table rows into model input and model output back
//! into answers — the fitted column encoding, the scaler, the task and the label map. It is
//! saved inside the model file, so a model predicts on a raw CSV forever after.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::{MinMaxScaler, StandardScaler};
use crate::data::{Encoding, FeatureKind, LabelMap, Table, Value};
use crate::error::{Error, Result};

/// What the model predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// Numbers (one output unit, MSE).
    Regression,
    /// Classes (sigmoid or softmax output, cross-entropy).
    Classification,
}

/// The fitted feature scaler.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scaler {
    /// Features used as they are.
    None,
    /// scikit-learn's `MinMaxScaler`.
    MinMax(MinMaxScaler),
    /// scikit-learn's `StandardScaler`.
    Standard(StandardScaler),
}

impl Scaler {
    /// Applies the fitted scaler.
    pub fn transform(&self, x: &Array2<f32>) -> Result<Array2<f32>> {
        match self {
            Scaler::None => Ok(x.clone()),
            Scaler::MinMax(s) => s.transform(x),
            Scaler::Standard(s) => s.transform(x),
        }
    }
}

/// Raw rows → model input, and model output → answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pipeline {
    /// The target column's name.
    pub target: String,
    /// Regression or classification.
    pub task: Task,
    /// How table columns become feature columns (one-hot categories included).
    pub encoding: Encoding,
    /// The scaler fitted on the training rows.
    pub scaler: Scaler,
    /// Class labels in index order (classification only).
    pub labels: Option<LabelMap>,
}

impl Pipeline {
    /// Model input for every row of `table`: the columns are found by name (order and extra
    /// columns do not matter), encoded as when training, then scaled.
    pub fn transform(&self, table: &Table) -> Result<Array2<f32>> {
        let x = self.encoding.transform(table)?;
        self.scaler.transform(&x)
    }

    /// Model input for new data, forgiving where a deployed model should be: columns are
    /// found by name (any order, extra columns ignored, the target may be absent), and a
    /// category never seen in training becomes all-zero dummies — each such case is reported
    /// in the returned warnings. A missing feature column or a missing value is an error
    /// naming it.
    pub fn transform_new(&self, table: &Table) -> Result<(Array2<f32>, Vec<String>)> {
        let mut x = Array2::<f32>::zeros((table.n_rows(), self.encoding.n_features())); // (rows, features)
        let mut warnings = Vec::new();
        let mut offset = 0;
        let skip = usize::from(self.encoding.drop_first);
        for spec in &self.encoding.features {
            let values = table.column_values(&spec.name)?;
            let missing = |row: usize| Error::Csv {
                file: table.source().to_string(),
                line: table.line(row),
                column: Some(spec.name.clone()),
                reason: "missing value in a feature column; fill or drop it before predicting".into(),
            };
            match &spec.kind {
                FeatureKind::Numeric => {
                    for (row, v) in values.iter().enumerate() {
                        x[[row, offset]] = match v {
                            Value::Number(n) => *n,
                            Value::Missing => return Err(missing(row)),
                            Value::Text(t) => {
                                return Err(Error::Csv {
                                    file: table.source().to_string(),
                                    line: table.line(row),
                                    column: Some(spec.name.clone()),
                                    reason: format!("{t:?} in a column that was numeric in training"),
                                });
                            }
                        };
                    }
                    offset += 1;
                }
                FeatureKind::OneHot { categories } => {
                    let mut unseen: Vec<String> = Vec::new();
                    for (row, v) in values.iter().enumerate() {
                        let text = match v {
                            Value::Text(t) => t.to_string(),
                            Value::Number(n) => n.to_string(),
                            Value::Missing => return Err(missing(row)),
                        };
                        match categories.binary_search(&text) {
                            Ok(pos) if pos >= skip => x[[row, offset + pos - skip]] = 1.0,
                            Ok(_) => {}
                            Err(_) if !unseen.contains(&text) => unseen.push(text),
                            Err(_) => {}
                        }
                    }
                    for u in unseen {
                        warnings.push(format!(
                            "column {:?}: category {u:?} was not seen in training; its rows get all-zero dummies (known: {})",
                            spec.name,
                            categories.join(", ")
                        ));
                    }
                    offset += categories.len().saturating_sub(skip);
                }
            }
        }
        Ok((self.scaler.transform(&x)?, warnings))
    }

    /// The class labels, or an error for a regression pipeline.
    pub fn class_labels(&self) -> Result<&LabelMap> {
        self.labels.as_ref().ok_or_else(|| Error::invalid("task", "regression", "has no class labels"))
    }

    /// For a classifier's output (one sigmoid unit or one softmax unit per class): the class
    /// index of each row and the probability of every class.
    pub fn class_probabilities(&self, output: &Array2<f32>) -> Vec<(usize, Vec<f32>)> {
        output
            .rows()
            .into_iter()
            .map(|row| {
                let probs: Vec<f32> = if row.len() == 1 { vec![1.0 - row[0], row[0]] } else { row.to_vec() };
                let mut best = 0;
                for (i, &p) in probs.iter().enumerate() {
                    if p > probs[best] {
                        best = i;
                    }
                }
                (best, probs)
            })
            .collect()
    }
}
