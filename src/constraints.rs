//! Weight constraints: Keras's `MaxNorm` and `NonNeg`, applied to a weight after every
//! optimizer step (`kernel_constraint`, `bias_constraint` of [`Dense`](crate::layers::Dense)).
//!
//! ```
//! use kerust::constraints::Constraint;
//! use ndarray::array;
//! let mut w = array![[3.0f32, -1.0], [4.0, 0.5]];
//! Constraint::NonNeg {}.apply(w.view_mut().into_dyn());
//! assert_eq!(w, array![[3.0, 0.0], [4.0, 0.5]]);
//! Constraint::max_norm(1.0).apply(w.view_mut().into_dyn()); // column norms 5 and 0.5
//! assert!((w[[0, 0]] - 0.6).abs() < 1e-6 && (w[[1, 1]] - 0.5).abs() < 1e-6);
//! ```

use ndarray::{ArrayViewMutD, Axis};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::losses::EPSILON;

/// A projection applied to a weight after each update, serialized as Keras does
/// (`{"class_name": "MaxNorm", "config": {"max_value": 2.0, "axis": 0}}`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "class_name", content = "config")]
pub enum Constraint {
    /// Rescales each slice along `axis` to a norm of at most `max_value`:
    /// `w · clip(‖w‖, 0, max_value) / (1e-7 + ‖w‖)` (Keras defaults `max_value = 2`,
    /// `axis = 0`: for a Dense kernel `(in, units)`, the incoming weights of each unit).
    MaxNorm {
        /// The largest norm allowed (≥ 0).
        max_value: f32,
        /// The axis the norms are taken over; negative counts from the end.
        axis: i32,
    },
    /// `max(w, 0)`.
    NonNeg {},
}

impl Constraint {
    /// `MaxNorm(max_value, axis=0)`.
    pub fn max_norm(max_value: f32) -> Self {
        Constraint::MaxNorm { max_value, axis: 0 }
    }

    /// Errors if `max_value` is negative or not finite, or `axis` does not exist in a
    /// weight of `ndim` dimensions.
    pub fn validate(&self, ndim: usize) -> Result<()> {
        if let Constraint::MaxNorm { max_value, axis } = *self {
            if !(max_value.is_finite() && max_value >= 0.0) {
                return Err(Error::invalid("max_value", max_value, "of MaxNorm must be a finite number >= 0"));
            }
            if resolve_axis(axis, ndim).is_none() {
                return Err(Error::invalid(
                    "axis",
                    axis,
                    format!("of MaxNorm must name an axis of a {ndim}-dimensional weight"),
                ));
            }
        }
        Ok(())
    }

    /// Applies the constraint in place. `w` must have passed [`Constraint::validate`].
    pub fn apply(&self, mut w: ArrayViewMutD<f32>) {
        match *self {
            Constraint::NonNeg {} => w.mapv_inplace(|v| v.max(0.0)),
            Constraint::MaxNorm { max_value, axis } => {
                let Some(axis) = resolve_axis(axis, w.ndim()) else { return };
                for mut lane in w.lanes_mut(Axis(axis)) {
                    let norm = lane.iter().map(|v| v * v).sum::<f32>().sqrt();
                    let factor = norm.clamp(0.0, max_value) / (EPSILON + norm);
                    lane.mapv_inplace(|v| v * factor);
                }
            }
        }
    }
}

fn resolve_axis(axis: i32, ndim: usize) -> Option<usize> {
    let n = ndim as i32;
    let a = if axis < 0 { axis + n } else { axis };
    (0..n).contains(&a).then_some(a as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn max_norm_axis_and_validation() {
        let mut w = array![[3.0f32, 4.0], [0.0, 0.0]];
        Constraint::MaxNorm { max_value: 1.0, axis: 1 }.apply(w.view_mut().into_dyn());
        assert!((w[[0, 0]] - 0.6).abs() < 1e-6 && (w[[0, 1]] - 0.8).abs() < 1e-6);
        assert_eq!(w.row(1).to_vec(), vec![0.0, 0.0]);
        assert!(Constraint::max_norm(-1.0).validate(2).is_err());
        assert!(Constraint::MaxNorm { max_value: 1.0, axis: 2 }.validate(2).is_err());
        assert!(Constraint::MaxNorm { max_value: 1.0, axis: -1 }.validate(1).is_ok());
        let json = serde_json::to_string(&Constraint::NonNeg {}).unwrap();
        assert_eq!(json, r#"{"class_name":"NonNeg","config":{}}"#);
    }
}
