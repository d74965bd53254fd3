//! Checks at the boundary: shapes and values of user arrays, before any kernel runs.

use ndarray::ArrayView2;

use crate::error::{Error, Result};

/// x and y must have one row per sample, and at least one.
pub(crate) fn check_rows(what: &'static str, x: ArrayView2<f32>, y: ArrayView2<f32>) -> Result<()> {
    if x.nrows() != y.nrows() {
        return Err(Error::RowMismatch { what, x_rows: x.nrows(), y_rows: y.nrows() });
    }
    if x.nrows() == 0 {
        return Err(Error::invalid("x", "0 rows", format!("passed to {what} must have at least one row")));
    }
    Ok(())
}

/// `a` must have `width` columns.
pub(crate) fn check_width(what: &str, a: ArrayView2<f32>, width: usize, hint: &str) -> Result<()> {
    if a.ncols() != width {
        return Err(Error::ColumnMismatch {
            what: what.to_string(),
            expected: width,
            got: a.ncols(),
            hint: hint.to_string(),
        });
    }
    Ok(())
}

/// Every value of `a` must be finite; the error names the first offender's position.
pub(crate) fn check_finite(what: &str, a: ArrayView2<f32>) -> Result<()> {
    match a.indexed_iter().find(|(_, v)| !v.is_finite()) {
        Some(((row, col), &value)) => Err(Error::NonFinite { what: what.to_string(), row, col, value }),
        None => Ok(()),
    }
}
