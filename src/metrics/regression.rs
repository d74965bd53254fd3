//! Regression metrics, scikit-learn names and results: inputs `(n, outputs)` `f32`, computed
//! in `f64`, multi-output averaged uniformly (`multioutput='uniform_average'`).

use ndarray::{Array2, Axis};

use crate::error::{Error, Result};

/// Mean squared error: `mean((y_true - y_pred)^2)` per output, then the mean over outputs.
///
/// ```
/// use kerust::metrics::mean_squared_error;
/// let y_true = ndarray::array![[3.0f32], [-0.5], [2.0], [7.0]];
/// let y_pred = ndarray::array![[2.5f32], [0.0], [2.0], [8.0]];
/// assert_eq!(mean_squared_error(&y_true, &y_pred)?, 0.375);
/// # Ok::<(), kerust::Error>(())
/// ```
pub fn mean_squared_error(y_true: &Array2<f32>, y_pred: &Array2<f32>) -> Result<f64> {
    per_output(y_true, y_pred, "mean_squared_error", |t, p| mean(t.iter().zip(p).map(|(t, p)| (t - p).powi(2))))
}

/// Root mean squared error: the square root of each output's MSE, then the mean over outputs
/// (not the root of the overall MSE, as scikit-learn).
pub fn root_mean_squared_error(y_true: &Array2<f32>, y_pred: &Array2<f32>) -> Result<f64> {
    per_output(y_true, y_pred, "root_mean_squared_error", |t, p| {
        mean(t.iter().zip(p).map(|(t, p)| (t - p).powi(2))).sqrt()
    })
}

/// Mean absolute error: `mean(|y_true - y_pred|)` per output, then the mean over outputs.
pub fn mean_absolute_error(y_true: &Array2<f32>, y_pred: &Array2<f32>) -> Result<f64> {
    per_output(y_true, y_pred, "mean_absolute_error", |t, p| mean(t.iter().zip(p).map(|(t, p)| (t - p).abs())))
}

/// Mean absolute percentage error as a **fraction** (scikit-learn; Keras's is percent):
/// `mean(|y_true - y_pred| / max(|y_true|, f64::EPSILON))`. A zero in `y_true` gives a huge
/// value, not an error.
pub fn mean_absolute_percentage_error(y_true: &Array2<f32>, y_pred: &Array2<f32>) -> Result<f64> {
    per_output(y_true, y_pred, "mean_absolute_percentage_error", |t, p| {
        mean(t.iter().zip(p).map(|(t, p)| (t - p).abs() / t.abs().max(f64::EPSILON)))
    })
}

/// Coefficient of determination `1 - SS_res / SS_tot` per output, then the mean. A constant
/// `y_true` gives 1.0 for a perfect prediction and 0.0 otherwise (scikit-learn's
/// `force_finite=True`); fewer than two rows give NaN (scikit-learn warns and returns NaN).
pub fn r2_score(y_true: &Array2<f32>, y_pred: &Array2<f32>) -> Result<f64> {
    Ok(mean(r2_score_raw_values(y_true, y_pred)?.into_iter()))
}

/// [`r2_score`] of each output (`multioutput='raw_values'`).
pub fn r2_score_raw_values(y_true: &Array2<f32>, y_pred: &Array2<f32>) -> Result<Vec<f64>> {
    columns(y_true, y_pred, "r2_score", |t, p| {
        if t.len() < 2 {
            return f64::NAN;
        }
        let t_mean = mean(t.iter().copied());
        let ss_res: f64 = t.iter().zip(p).map(|(t, p)| (t - p).powi(2)).sum();
        let ss_tot: f64 = t.iter().map(|t| (t - t_mean).powi(2)).sum();
        finite_ratio(ss_res, ss_tot)
    })
}

/// Explained variance `1 - Var(y_true - y_pred) / Var(y_true)` per output, then the mean, with
/// the same rule as [`r2_score`] for a constant `y_true`.
pub fn explained_variance_score(y_true: &Array2<f32>, y_pred: &Array2<f32>) -> Result<f64> {
    per_output(y_true, y_pred, "explained_variance_score", |t, p| {
        let diff: Vec<f64> = t.iter().zip(p).map(|(t, p)| t - p).collect();
        let diff_mean = mean(diff.iter().copied());
        let t_mean = mean(t.iter().copied());
        let num = mean(diff.iter().map(|d| (d - diff_mean).powi(2)));
        let den = mean(t.iter().map(|t| (t - t_mean).powi(2)));
        finite_ratio(num, den)
    })
}

/// The largest absolute error `max(|y_true - y_pred|)`; single output only (scikit-learn).
pub fn max_error(y_true: &Array2<f32>, y_pred: &Array2<f32>) -> Result<f64> {
    if y_true.ncols() != 1 {
        return Err(Error::invalid(
            "y_true",
            format!("shape {:?}", y_true.shape()),
            "(max_error) must have one output column; multioutput is not supported",
        ));
    }
    per_output(y_true, y_pred, "max_error", |t, p| t.iter().zip(p).map(|(t, p)| (t - p).abs()).fold(0.0, f64::max))
}

/// `1 - num / den`, with scikit-learn's `force_finite` rule when `den` is 0.
pub(crate) fn finite_ratio(num: f64, den: f64) -> f64 {
    if den != 0.0 {
        1.0 - num / den
    } else if num == 0.0 {
        1.0
    } else {
        0.0
    }
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    sum / n as f64
}

/// Applies `f` to each output column and averages uniformly.
fn per_output(
    y_true: &Array2<f32>,
    y_pred: &Array2<f32>,
    what: &str,
    f: impl Fn(&[f64], &[f64]) -> f64,
) -> Result<f64> {
    Ok(mean(columns(y_true, y_pred, what, f)?.into_iter()))
}

/// Checks shapes and values, then applies `f` to each output column (as `f64`).
fn columns(
    y_true: &Array2<f32>,
    y_pred: &Array2<f32>,
    what: &str,
    f: impl Fn(&[f64], &[f64]) -> f64,
) -> Result<Vec<f64>> {
    check_pair(y_true, y_pred, what)?;
    let to_f64 = |c: ndarray::ArrayView1<f32>| c.iter().map(|&v| f64::from(v)).collect::<Vec<f64>>();
    Ok(y_true.axis_iter(Axis(1)).zip(y_pred.axis_iter(Axis(1))).map(|(t, p)| f(&to_f64(t), &to_f64(p))).collect())
}

/// Same shape, at least one row and one column, finite values.
pub(crate) fn check_pair(y_true: &Array2<f32>, y_pred: &Array2<f32>, what: &str) -> Result<()> {
    if y_true.dim() != y_pred.dim() {
        return Err(Error::invalid(
            "y_pred",
            format!("shape {:?}", y_pred.shape()),
            format!("({what}) must have the shape of y_true, {:?} (rows, outputs)", y_true.shape()),
        ));
    }
    if y_true.is_empty() {
        return Err(Error::invalid(
            "y_true",
            format!("shape {:?}", y_true.shape()),
            format!("({what}) must have at least one row and one column"),
        ));
    }
    for (name, y) in [("y_true", y_true), ("y_pred", y_pred)] {
        if let Some(((row, col), &value)) = y.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(Error::NonFinite { what: format!("{name} passed to {what}"), row, col, value });
        }
    }
    Ok(())
}
