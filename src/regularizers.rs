//! Weight and activity regularizers: Keras's `L1`, `L2` and `L1L2`.
//!
//! The penalty is Keras's, **without** a ½ factor: `l1 · Σ|w| + l2 · Σw²`. Weight penalties
//! (`kernel_regularizer`, `bias_regularizer`) are added to the loss of every batch, in
//! training and in `evaluate`/validation, so they appear in History's `loss` and `val_loss`.
//! An activity penalty (`activity_regularizer`) is taken on the layer's output and divided
//! by the number of rows of the batch, as Keras does.
//!
//! ```
//! use kerust::prelude::*;
//! use kerust::regularizers::Regularizer;
//! let layer = Dense::new(8).kernel_regularizer(Regularizer::l2(0.01));
//! assert_eq!(Regularizer::l2(0.01).penalty(&[1.0, -2.0]), 0.01 * 5.0);
//! assert_eq!("l1_l2".parse::<Regularizer>()?, Regularizer::l1_l2(0.01, 0.01));
//! # let _ = layer;
//! # Ok::<(), kerust::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;

use ndarray::{ArrayView2, ArrayViewMut2, Zip};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::kernels::shard;

/// A penalty on a tensor, serialized as Keras does (`{"class_name": "L2", "config": {"l2": 0.01}}`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "class_name", content = "config")]
pub enum Regularizer {
    /// `l1 · Σ|w|` (Keras default factor 0.01).
    L1 {
        /// The factor (≥ 0).
        l1: f32,
    },
    /// `l2 · Σw²` (Keras default factor 0.01; no ½).
    L2 {
        /// The factor (≥ 0).
        l2: f32,
    },
    /// `l1 · Σ|w| + l2 · Σw²` (Keras defaults 0 and 0 for the class, 0.01 and 0.01 for the
    /// string `"l1_l2"`).
    L1L2 {
        /// The L1 factor (≥ 0).
        l1: f32,
        /// The L2 factor (≥ 0).
        l2: f32,
    },
}

impl Regularizer {
    /// `L1(l1)`.
    pub fn l1(l1: f32) -> Self {
        Regularizer::L1 { l1 }
    }

    /// `L2(l2)`.
    pub fn l2(l2: f32) -> Self {
        Regularizer::L2 { l2 }
    }

    /// `L1L2(l1, l2)`.
    pub fn l1_l2(l1: f32, l2: f32) -> Self {
        Regularizer::L1L2 { l1, l2 }
    }

    /// The `(l1, l2)` factors.
    pub fn factors(&self) -> (f32, f32) {
        match *self {
            Regularizer::L1 { l1 } => (l1, 0.0),
            Regularizer::L2 { l2 } => (0.0, l2),
            Regularizer::L1L2 { l1, l2 } => (l1, l2),
        }
    }

    /// Errors unless every factor is a finite number ≥ 0 (Keras's rule).
    pub fn validate(&self) -> Result<()> {
        let (l1, l2) = self.factors();
        for (name, v) in [("l1", l1), ("l2", l2)] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(Error::invalid(name, v, "of a regularizer must be a finite number >= 0"));
            }
        }
        Ok(())
    }

    /// `l1 · Σ|w| + l2 · Σw²`, accumulated in f64.
    pub fn penalty<'a>(&self, w: impl IntoIterator<Item = &'a f32>) -> f32 {
        let (l1, l2) = self.factors();
        let (mut abs, mut sq) = (0.0f64, 0.0f64);
        for &v in w {
            abs += v.abs() as f64;
            sq += v as f64 * v as f64;
        }
        (l1 as f64 * abs + l2 as f64 * sq) as f32
    }

    /// The penalty's derivative at one weight: `l1 · sign(w) + 2 l2 · w`, with `sign(0) = 1`:
    /// JAX (Keras's backend for the fixtures) differentiates `|w|` at 0 as 1, which matters
    /// for zero-initialized biases.
    pub fn derivative(&self, w: f32) -> f32 {
        let (l1, l2) = self.factors();
        l1 * sign(w) + 2.0 * l2 * w
    }

    /// Adds `scale ·` [`derivative`](Regularizer::derivative) of each weight to its gradient.
    pub fn add_gradient(&self, w: &[f32], grad: &mut [f32], scale: f32) {
        for (g, &v) in grad.iter_mut().zip(w) {
            *g += scale * self.derivative(v);
        }
    }

    /// The activity penalty of a layer output `out` (batch, units): `penalty(out) / batch`
    /// (on a shard of a batch, the rows of the whole batch: see [`shard`]).
    pub fn activity_penalty(&self, out: ArrayView2<f32>) -> f32 {
        let batch = shard::batch_rows(out.nrows()).max(1) as f32;
        self.penalty(out.iter()) / batch
    }

    /// Adds the activity penalty's gradient to `dout` (batch, units), the gradient of the
    /// loss with respect to the layer output `out`.
    pub fn add_activity_gradient(&self, out: ArrayView2<f32>, mut dout: ArrayViewMut2<f32>) {
        let inv_batch = 1.0 / shard::batch_rows(out.nrows()).max(1) as f32;
        Zip::from(&mut dout).and(&out).for_each(|d, &a| *d += inv_batch * self.derivative(a));
    }
}

/// The derivative of `|v|` as JAX takes it: 1 for `v >= 0`, else -1.
fn sign(v: f32) -> f32 {
    if v >= 0.0 { 1.0 } else { -1.0 }
}

impl fmt::Display for Regularizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Regularizer::L1 { l1 } => write!(f, "L1(l1={l1})"),
            Regularizer::L2 { l2 } => write!(f, "L2(l2={l2})"),
            Regularizer::L1L2 { l1, l2 } => write!(f, "L1L2(l1={l1}, l2={l2})"),
        }
    }
}

impl FromStr for Regularizer {
    type Err = Error;

    /// Keras's string identifiers, with their 0.01 defaults: `l1`, `l2`, `l1_l2`.
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "l1" => Ok(Regularizer::l1(0.01)),
            "l2" => Ok(Regularizer::l2(0.01)),
            "l1_l2" | "l1l2" => Ok(Regularizer::l1_l2(0.01, 0.01)),
            _ => {
                Err(Error::UnknownName { kind: "regularizer", value: s.to_string(), expected: "l1, l2, l1_l2".into() })
            }
        }
    }
}
