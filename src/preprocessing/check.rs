//! Boundary checks shared by the estimators.

use ndarray::Array2;

use crate::error::{Error, Result};

/// Errors unless `x` has at least one row and only finite values.
pub(crate) fn finite_matrix(x: &Array2<f32>, what: &str) -> Result<()> {
    if x.nrows() == 0 {
        return Err(Error::invalid(
            "x",
            format!("shape {:?}", x.shape()),
            format!("({what}) must have at least one row"),
        ));
    }
    if let Some(((row, col), &value)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(Error::NonFinite { what: what.to_string(), row, col, value });
    }
    Ok(())
}

/// Errors unless `x` has `expected` columns (the width seen by `fit`).
pub(crate) fn width(x: &Array2<f32>, expected: usize, what: &'static str) -> Result<()> {
    if x.ncols() != expected {
        return Err(Error::ColumnMismatch {
            what: format!("x passed to {what}"),
            expected,
            got: x.ncols(),
            hint: "; transform arrays with the same features, in the same order, as the array given to fit".into(),
        });
    }
    Ok(())
}

/// scikit-learn's `_handle_zeros_in_scale`: a scale that is (nearly) zero, or flagged
/// constant, becomes 1, so constant columns are shifted but never divided by zero.
pub(crate) fn handle_zeros_in_scale(scale: f64, constant: bool) -> f64 {
    if constant || scale < 10.0 * f64::EPSILON { 1.0 } else { scale }
}
