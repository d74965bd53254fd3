//! Checks at the boundary: shapes and values of user arrays, before any kernel runs.

use ndarray::ArrayView2;

use super::Sequential;
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

impl Sequential {
    /// Checks that the model is compiled (and so built) before `operation`.
    pub(crate) fn ready(&mut self, operation: &'static str) -> Result<()> {
        if self.compiled.is_none() {
            return Err(Error::NotCompiled { operation });
        }
        self.build()
    }

    /// `x` must have the model's input width and finite values.
    pub(crate) fn check_x(&self, what: &str, x: ArrayView2<f32>) -> Result<()> {
        let input = self.input_dim().unwrap_or(0);
        check_width(what, x, input, "; the first layer's input_dim is the number of feature columns")?;
        check_finite(what, x)
    }

    /// `x` and `y` must agree in rows, `x` fit the input, `y` the loss and the output width.
    pub(crate) fn check_xy(&self, what: &'static str, x: ArrayView2<f32>, y: ArrayView2<f32>) -> Result<()> {
        check_rows(what, x, y)?;
        self.check_x(&format!("{what}: x"), x)?;
        let compiled = self.compiled.as_ref().ok_or(Error::NotCompiled { operation: what })?;
        compiled.loss.validate_targets(&format!("{what}: y"), y, self.output_dim())?;
        check_finite(&format!("{what}: y"), y)
    }
}
