//! [`StandardScaler`]: zero mean, unit variance (scikit-learn `StandardScaler`).

use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

use super::check::{finite_matrix, handle_zeros_in_scale, width};
use crate::error::{Error, Result};

/// Standardises each column: `(x - mean_) / scale_`, with the population variance (ddof = 0)
/// and `scale_ = sqrt(var_)`, or 1 for a constant column (scikit-learn's rule: variance within
/// rounding of zero), so a constant column becomes `x - mean_`. Statistics and arithmetic are
/// `f64`; results `f32`.
///
/// ```
/// use kerust::preprocessing::StandardScaler;
/// let x = ndarray::array![[1.0f32, 7.0], [3.0, 7.0]];
/// let mut scaler = StandardScaler::new();
/// assert_eq!(scaler.fit_transform(&x)?, ndarray::array![[-1.0f32, 0.0], [1.0, 0.0]]);
/// assert_eq!(scaler.var(), Some(&[1.0, 0.0][..]));
/// # Ok::<(), kerust::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandardScaler {
    with_mean: bool,
    with_std: bool,
    fitted: Option<StandardState>,
}

/// Fitted attributes, scikit-learn names; each `(features,)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StandardState {
    mean: Vec<f64>,
    var: Vec<f64>,
    /// Divisor used by `transform` (1 where `with_std` is off or the column is constant).
    scale: Vec<f64>,
    /// Offset used by `transform` (0 where `with_mean` is off).
    offset: Vec<f64>,
    /// Rows seen by `fit` (to merge fits of parts of the rows).
    #[serde(default)]
    rows: usize,
}

impl Default for StandardScaler {
    fn default() -> Self {
        StandardScaler::new()
    }
}

impl StandardScaler {
    /// An unfitted scaler with `with_mean = true`, `with_std = true`.
    pub fn new() -> Self {
        StandardScaler { with_mean: true, with_std: true, fitted: None }
    }

    /// Whether to subtract the mean (default `true`).
    pub fn with_mean(mut self, with_mean: bool) -> Self {
        self.with_mean = with_mean;
        self
    }

    /// Whether to divide by the standard deviation (default `true`).
    pub fn with_std(mut self, with_std: bool) -> Self {
        self.with_std = with_std;
        self
    }

    /// Learns each column's mean and population variance from `x` (rows, features).
    pub fn fit(&mut self, x: &Array2<f32>) -> Result<&mut Self> {
        finite_matrix(x, "x passed to StandardScaler.fit")?;
        let n = x.nrows() as f64;
        let mut state = StandardState { mean: vec![], var: vec![], scale: vec![], offset: vec![], rows: x.nrows() };
        for column in x.axis_iter(Axis(1)) {
            let mean = column.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
            let var = column.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum::<f64>() / n;
            let all_equal = column.iter().all(|&v| v == column[0]);
            self.push_column(&mut state, mean, var, all_equal);
        }
        self.fitted = Some(state);
        Ok(self)
    }

    /// Adds a column of `state.rows` rows with this mean and population variance.
    fn push_column(&self, state: &mut StandardState, mean: f64, var: f64, all_equal: bool) {
        let (n, eps) = (state.rows as f64, f64::EPSILON);
        let constant = all_equal || var <= n * eps * var + (n * mean * eps).powi(2);
        state.scale.push(if self.with_std { handle_zeros_in_scale(var.sqrt(), constant) } else { 1.0 });
        state.offset.push(if self.with_mean { mean } else { 0.0 });
        state.mean.push(mean);
        state.var.push(if all_equal { 0.0 } else { var });
    }

    /// The scaler fitted on all the rows of `parts` together (each fitted on some of them,
    /// with the same options): the moments merged by Chan et al.'s pairwise rule, in `f64`.
    /// A column is constant when it is in every part, with the same value.
    pub(crate) fn merged(parts: &[&StandardScaler]) -> Result<StandardScaler> {
        let states = parts.iter().map(|p| p.state("merge")).collect::<Result<Vec<_>>>()?;
        let first = states.first().ok_or(Error::NotFitted { what: "StandardScaler", operation: "merge" })?;
        let rows: usize = states.iter().map(|s| s.rows).sum();
        let n = rows as f64;
        let merged = StandardScaler { fitted: None, ..parts[0].clone() };
        let mut state = StandardState { mean: vec![], var: vec![], scale: vec![], offset: vec![], rows };
        for c in 0..first.mean.len() {
            let mean = states.iter().map(|s| s.rows as f64 * s.mean[c]).sum::<f64>() / n;
            let m2: f64 = states.iter().map(|s| s.rows as f64 * (s.var[c] + (s.mean[c] - mean).powi(2))).sum();
            let all_equal = states.iter().all(|s| s.var[c] == 0.0 && s.mean[c] == first.mean[c]);
            merged.push_column(&mut state, mean, m2 / n, all_equal);
        }
        Ok(StandardScaler { fitted: Some(state), ..merged })
    }

    /// Standardises `x` with the fitted parameters.
    pub fn transform(&self, x: &Array2<f32>) -> Result<Array2<f32>> {
        let s = self.state("transform")?;
        width(x, s.mean.len(), "StandardScaler.transform")?;
        finite_matrix(x, "x passed to StandardScaler.transform")?;
        Ok(Array2::from_shape_fn(x.dim(), |(r, c)| ((f64::from(x[[r, c]]) - s.offset[c]) / s.scale[c]) as f32))
    }

    /// `fit(x)` then `transform(x)`.
    pub fn fit_transform(&mut self, x: &Array2<f32>) -> Result<Array2<f32>> {
        self.fit(x)?;
        self.transform(x)
    }

    /// Undoes `transform`: `x * scale_ + mean_`.
    pub fn inverse_transform(&self, x: &Array2<f32>) -> Result<Array2<f32>> {
        let s = self.state("inverse_transform")?;
        width(x, s.mean.len(), "StandardScaler.inverse_transform")?;
        finite_matrix(x, "x passed to StandardScaler.inverse_transform")?;
        Ok(Array2::from_shape_fn(x.dim(), |(r, c)| (f64::from(x[[r, c]]) * s.scale[c] + s.offset[c]) as f32))
    }

    /// Whether `fit` has run.
    pub fn is_fitted(&self) -> bool {
        self.fitted.is_some()
    }

    /// Per-column mean (`mean_`).
    pub fn mean(&self) -> Option<&[f64]> {
        self.fitted.as_ref().map(|s| s.mean.as_slice())
    }

    /// Per-column population variance (`var_`, ddof = 0).
    pub fn var(&self) -> Option<&[f64]> {
        self.fitted.as_ref().map(|s| s.var.as_slice())
    }

    /// Per-column divisor (`scale_`: `sqrt(var_)`, 1 for a constant column).
    pub fn scale(&self) -> Option<&[f64]> {
        self.fitted.as_ref().map(|s| s.scale.as_slice())
    }

    fn state(&self, operation: &'static str) -> Result<&StandardState> {
        self.fitted.as_ref().ok_or(Error::NotFitted { what: "StandardScaler", operation })
    }
}
