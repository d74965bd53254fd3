//! Losses, with Keras's names, formulas and `sum_over_batch_size` reduction.
//!
//! A loss is first computed per sample (the mean over the last axis for the regression losses
//! and binary cross-entropy, the sum over classes for the categorical ones), then averaged over
//! the rows of the batch. [`Loss::gradient`] gives `dL/dy_pred` of that batch mean.
//! Probabilities are clipped to `[1e-7, 1 - 1e-7]` as in Keras.
//!
//! ```
//! use kerust::losses::Loss;
//! use ndarray::array;
//! let loss: Loss = "mse".parse().unwrap();
//! let v = loss.compute(array![[1.0f32], [2.0]].view(), array![[1.5f32], [2.0]].view());
//! assert!((v - 0.125).abs() < 1e-7);
//! ```

mod gradient;

use std::str::FromStr;

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::activations::{Activation, softplus};
use crate::error::{Error, Result};

/// Keras's fuzz factor `keras.config.epsilon()`.
pub const EPSILON: f32 = 1e-7;

/// A loss function. Parses from Keras's names and short aliases (`"mse"`, `"mae"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// `mean((y - p)^2)`.
    MeanSquaredError,
    /// `mean(|y - p|)`.
    MeanAbsoluteError,
    /// `0.5 e^2` where `|e| <= delta`, else `delta (|e| - delta / 2)`; Keras default delta 1.
    Huber {
        /// Where the loss turns from quadratic to linear.
        delta: f32,
    },
    /// `100 mean(|y - p| / max(|y|, 1e-7))`: a percentage, as in Keras.
    MeanAbsolutePercentageError,
    /// `-mean(y log p + (1 - y) log(1 - p))` over the output columns.
    BinaryCrossentropy {
        /// `y_pred` holds logits rather than probabilities.
        from_logits: bool,
    },
    /// `-sum(y log(p / sum p))` over classes; `y` one-hot (or soft labels).
    CategoricalCrossentropy {
        /// `y_pred` holds logits rather than probabilities.
        from_logits: bool,
    },
    /// As categorical cross-entropy, with `y` a single column of class indices.
    SparseCategoricalCrossentropy {
        /// `y_pred` holds logits rather than probabilities.
        from_logits: bool,
    },
}

impl Loss {
    /// Binary cross-entropy on probabilities (the usual choice after a sigmoid output).
    pub const BINARY_CROSSENTROPY: Loss = Loss::BinaryCrossentropy { from_logits: false };
    /// Categorical cross-entropy on probabilities (after a softmax output).
    pub const CATEGORICAL_CROSSENTROPY: Loss = Loss::CategoricalCrossentropy { from_logits: false };
    /// Sparse categorical cross-entropy on probabilities (after a softmax output).
    pub const SPARSE_CATEGORICAL_CROSSENTROPY: Loss = Loss::SparseCategoricalCrossentropy { from_logits: false };
    /// Huber with Keras's default `delta = 1.0`.
    pub const HUBER: Loss = Loss::Huber { delta: 1.0 };

    /// Keras's name for this loss (as History and `compile` configs spell it).
    pub fn name(&self) -> &'static str {
        match self {
            Loss::MeanSquaredError => "mean_squared_error",
            Loss::MeanAbsoluteError => "mean_absolute_error",
            Loss::Huber { .. } => "huber",
            Loss::MeanAbsolutePercentageError => "mean_absolute_percentage_error",
            Loss::BinaryCrossentropy { .. } => "binary_crossentropy",
            Loss::CategoricalCrossentropy { .. } => "categorical_crossentropy",
            Loss::SparseCategoricalCrossentropy { .. } => "sparse_categorical_crossentropy",
        }
    }

    /// Width `y_true` must have for a model with `outputs` output units.
    pub fn target_width(&self, outputs: usize) -> usize {
        match self {
            Loss::SparseCategoricalCrossentropy { .. } => 1,
            _ => outputs,
        }
    }

    /// Checks `y` against the loss: width, and for sparse labels integer classes in range.
    pub fn validate_targets(&self, what: &str, y: ArrayView2<f32>, outputs: usize) -> Result<()> {
        let width = self.target_width(outputs);
        if y.ncols() != width {
            let hint = match self {
                Loss::SparseCategoricalCrossentropy { .. } => {
                    "; sparse_categorical_crossentropy takes one column of class indices".into()
                }
                Loss::CategoricalCrossentropy { .. } if y.ncols() == 1 => {
                    "; for class indices use sparse_categorical_crossentropy, or one-hot y with to_categorical".into()
                }
                _ => format!("; the output layer has {outputs} units, one per target column"),
            };
            return Err(Error::ColumnMismatch { what: what.to_string(), expected: width, got: y.ncols(), hint });
        }
        if let Loss::SparseCategoricalCrossentropy { .. } = self
            && let Some((row, &v)) =
                y.iter().enumerate().find(|(_, v)| v.fract() != 0.0 || **v < 0.0 || **v >= outputs as f32)
        {
            return Err(Error::InvalidTarget {
                what: what.to_string(),
                reason: format!(
                    "row {row} has label {v}, but sparse_categorical_crossentropy needs integer class indices in 0..{outputs} (the output layer has {outputs} units)"
                ),
            });
        }
        Ok(())
    }

    /// Whether the output activation and this loss take the fused gradient `p - y`
    /// (sigmoid + binary cross-entropy, softmax + (sparse) categorical cross-entropy).
    pub fn fuses_with(&self, activation: Activation) -> bool {
        matches!(
            (self, activation),
            (Loss::BinaryCrossentropy { from_logits: false }, Activation::Sigmoid)
                | (
                    Loss::CategoricalCrossentropy { from_logits: false }
                        | Loss::SparseCategoricalCrossentropy { from_logits: false },
                    Activation::Softmax
                )
        )
    }

    /// The loss of one sample: `y` and `p` are one row each.
    pub fn per_sample(&self, y: ArrayView1<f32>, p: ArrayView1<f32>) -> f32 {
        let d = p.len() as f32;
        let mean =
            |f: &dyn Fn(f32, f32) -> f32| -> f32 { y.iter().zip(p.iter()).map(|(&t, &q)| f(t, q)).sum::<f32>() / d };
        match *self {
            Loss::MeanSquaredError => mean(&|t, q| (q - t) * (q - t)),
            Loss::MeanAbsoluteError => mean(&|t, q| (q - t).abs()),
            Loss::Huber { delta } => mean(&|t, q| {
                let e = (q - t).abs();
                if e <= delta { 0.5 * e * e } else { delta * e - 0.5 * delta * delta }
            }),
            Loss::MeanAbsolutePercentageError => 100.0 * mean(&|t, q| (t - q).abs() / t.abs().max(EPSILON)),
            Loss::BinaryCrossentropy { from_logits: false } => mean(&|t, q| {
                let q = q.clamp(EPSILON, 1.0 - EPSILON);
                -(t * q.ln() + (1.0 - t) * (1.0 - q).ln())
            }),
            // max(z, 0) - z y + log1p(e^-|z|) = softplus(z) - z y.
            Loss::BinaryCrossentropy { from_logits: true } => mean(&|t, z| softplus(z) - z * t),
            Loss::CategoricalCrossentropy { from_logits } => categorical(y, p, from_logits),
            Loss::SparseCategoricalCrossentropy { from_logits } => {
                let k = y[0] as usize;
                if from_logits {
                    -log_softmax_at(p, k)
                } else {
                    let sum: f32 = p.sum();
                    -(p[k] / sum).clamp(EPSILON, 1.0 - EPSILON).ln()
                }
            }
        }
    }

    /// The batch loss: the mean of the per-sample losses (Keras `sum_over_batch_size`).
    /// Accumulated in f64, returned as f32.
    pub fn compute(&self, y_true: ArrayView2<f32>, y_pred: ArrayView2<f32>) -> f32 {
        (self.sum(y_true, y_pred) / y_pred.nrows().max(1) as f64) as f32
    }

    /// The batch loss with per-sample weights: `sum(per_sample · w) / rows` — Keras divides
    /// by the number of samples, not by the sum of the weights.
    pub fn compute_weighted(
        &self,
        y_true: ArrayView2<f32>,
        y_pred: ArrayView2<f32>,
        sample_weight: ArrayView1<f32>,
    ) -> f32 {
        let total: f64 = y_true
            .rows()
            .into_iter()
            .zip(y_pred.rows())
            .zip(sample_weight.iter())
            .map(|((t, p), &w)| self.per_sample(t, p) as f64 * w as f64)
            .sum();
        (total / y_pred.nrows().max(1) as f64) as f32
    }

    /// Sum of the per-sample losses over the rows, in f64 (for running means).
    pub fn sum(&self, y_true: ArrayView2<f32>, y_pred: ArrayView2<f32>) -> f64 {
        y_true.rows().into_iter().zip(y_pred.rows()).map(|(t, p)| self.per_sample(t, p) as f64).sum()
    }
}

fn log_softmax_at(z: ArrayView1<f32>, k: usize) -> f32 {
    let max = z.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    let lse = z.iter().map(|&v| (v - max).exp()).sum::<f32>().ln();
    z[k] - max - lse
}

fn categorical(y: ArrayView1<f32>, p: ArrayView1<f32>, from_logits: bool) -> f32 {
    if from_logits {
        -(0..p.len()).map(|k| y[k] * log_softmax_at(p, k)).sum::<f32>()
    } else {
        let s: f32 = p.sum();
        -y.iter().zip(p.iter()).map(|(&t, &q)| t * (q / s).clamp(EPSILON, 1.0 - EPSILON).ln()).sum::<f32>()
    }
}

impl FromStr for Loss {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "mse" | "mean_squared_error" => Loss::MeanSquaredError,
            "mae" | "mean_absolute_error" => Loss::MeanAbsoluteError,
            "huber" | "huber_loss" => Loss::HUBER,
            "mape" | "mean_absolute_percentage_error" => Loss::MeanAbsolutePercentageError,
            "binary_crossentropy" | "bce" => Loss::BINARY_CROSSENTROPY,
            "categorical_crossentropy" | "cce" => Loss::CATEGORICAL_CROSSENTROPY,
            "sparse_categorical_crossentropy" => Loss::SPARSE_CATEGORICAL_CROSSENTROPY,
            _ => {
                return Err(Error::UnknownName {
                    kind: "loss",
                    value: s.to_string(),
                    expected: "mse, mae, huber, mape, binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy (and the long mean_* names)".into(),
                });
            }
        })
    }
}
