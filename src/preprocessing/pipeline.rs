//! [`Pipeline`]: everything that turns raw table rows into model input and model output back
//! into answers — the fitted column encoding, the scaler, the task and the label map. It is
//! saved inside the model file, so a model predicts on a raw CSV forever after.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::{MinMaxScaler, StandardScaler};
use crate::data::{Encoding, LabelMap, Table};
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
