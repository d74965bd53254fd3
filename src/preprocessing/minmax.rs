//! [`MinMaxScaler`]: scale each feature to a range (scikit-learn `MinMaxScaler`, `clip=False`).

use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

use super::check::{finite_matrix, handle_zeros_in_scale, width};
use crate::error::{Error, Result};

/// Scales each column to `feature_range` (default `(0, 1)`):
/// `x * scale_ + min_`, `scale_ = (max - min) / (data_max_ - data_min_)`,
/// `min_ = min - data_min_ * scale_`. A constant column's range counts as 1 (scikit-learn's
/// `_handle_zeros_in_scale`), so it becomes `(x - data_min_) * (max - min) + min`: `min` on
/// the fitted data, `x - data_min_` with the default range. Values outside the fitted range
/// map outside `feature_range` (no clipping). Statistics and arithmetic are `f64`; results `f32`.
///
/// ```
/// use kerust::preprocessing::MinMaxScaler;
/// let x = ndarray::array![[1.0f32, 5.0], [3.0, 5.0]];
/// let mut scaler = MinMaxScaler::new().feature_range(-1.0, 1.0);
/// assert_eq!(scaler.fit_transform(&x)?, ndarray::array![[-1.0f32, -1.0], [1.0, -1.0]]);
/// # Ok::<(), kerust::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinMaxScaler {
    feature_range: (f64, f64),
    fitted: Option<MinMaxState>,
}

/// Fitted attributes, scikit-learn names; each `(features,)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct MinMaxState {
    data_min: Vec<f64>,
    data_max: Vec<f64>,
    data_range: Vec<f64>,
    scale: Vec<f64>,
    min: Vec<f64>,
}

impl MinMaxState {
    /// The fitted attributes for columns spanning `data_min ..= data_max`.
    fn new((lo, hi): (f64, f64), data_min: Vec<f64>, data_max: Vec<f64>) -> Self {
        let data_range: Vec<f64> = data_min.iter().zip(&data_max).map(|(a, b)| b - a).collect();
        let scale: Vec<f64> = data_range.iter().map(|&r| (hi - lo) / handle_zeros_in_scale(r, false)).collect();
        let min = data_min.iter().zip(&scale).map(|(d, s)| lo - d * s).collect();
        MinMaxState { data_min, data_max, data_range, scale, min }
    }
}

impl Default for MinMaxScaler {
    fn default() -> Self {
        MinMaxScaler::new()
    }
}

impl MinMaxScaler {
    /// An unfitted scaler with `feature_range = (0, 1)`.
    pub fn new() -> Self {
        MinMaxScaler { feature_range: (0.0, 1.0), fitted: None }
    }

    /// Sets the target range `(min, max)`; `min < max` is checked by `fit`.
    pub fn feature_range(mut self, min: f32, max: f32) -> Self {
        self.feature_range = (f64::from(min), f64::from(max));
        self
    }

    /// Learns each column's min and max from `x` (rows, features): at least one row, finite.
    pub fn fit(&mut self, x: &Array2<f32>) -> Result<&mut Self> {
        let (lo, hi) = self.feature_range;
        if lo >= hi || !lo.is_finite() || !hi.is_finite() {
            return Err(Error::invalid("feature_range", format!("({lo}, {hi})"), "must be finite with min < max"));
        }
        finite_matrix(x, "x passed to MinMaxScaler.fit")?;
        let column_stat = |f: fn(f64, f64) -> f64| -> Vec<f64> {
            x.axis_iter(Axis(1)).map(|c| c.iter().map(|&v| f64::from(v)).reduce(f).unwrap_or(0.0)).collect()
        };
        self.fitted = Some(MinMaxState::new(self.feature_range, column_stat(f64::min), column_stat(f64::max)));
        Ok(self)
    }

    /// The scaler `fit` gives on all the rows of `parts` together (each fitted on some of
    /// them, with one range): the extremes of the extremes, exactly.
    pub(crate) fn merged(parts: &[&MinMaxScaler]) -> Result<MinMaxScaler> {
        let states = parts.iter().map(|p| p.state("merge")).collect::<Result<Vec<_>>>()?;
        let first = states.first().ok_or(Error::NotFitted { what: "MinMaxScaler", operation: "merge" })?;
        let extreme = |pick: fn(&MinMaxState) -> &Vec<f64>, f: fn(f64, f64) -> f64| -> Vec<f64> {
            (0..first.scale.len()).map(|c| states.iter().map(|s| pick(s)[c]).reduce(f).unwrap_or(0.0)).collect()
        };
        let range = parts[0].feature_range;
        let state = MinMaxState::new(range, extreme(|s| &s.data_min, f64::min), extreme(|s| &s.data_max, f64::max));
        Ok(MinMaxScaler { feature_range: range, fitted: Some(state) })
    }

    /// Scales `x` with the fitted parameters.
    pub fn transform(&self, x: &Array2<f32>) -> Result<Array2<f32>> {
        let s = self.state("transform")?;
        width(x, s.scale.len(), "MinMaxScaler.transform")?;
        finite_matrix(x, "x passed to MinMaxScaler.transform")?;
        Ok(Array2::from_shape_fn(x.dim(), |(r, c)| (f64::from(x[[r, c]]) * s.scale[c] + s.min[c]) as f32))
    }

    /// `fit(x)` then `transform(x)`.
    pub fn fit_transform(&mut self, x: &Array2<f32>) -> Result<Array2<f32>> {
        self.fit(x)?;
        self.transform(x)
    }

    /// Undoes `transform`: `(x - min_) / scale_`.
    pub fn inverse_transform(&self, x: &Array2<f32>) -> Result<Array2<f32>> {
        let s = self.state("inverse_transform")?;
        width(x, s.scale.len(), "MinMaxScaler.inverse_transform")?;
        finite_matrix(x, "x passed to MinMaxScaler.inverse_transform")?;
        Ok(Array2::from_shape_fn(x.dim(), |(r, c)| ((f64::from(x[[r, c]]) - s.min[c]) / s.scale[c]) as f32))
    }

    /// Whether `fit` has run.
    pub fn is_fitted(&self) -> bool {
        self.fitted.is_some()
    }

    /// Per-column minimum seen by `fit` (`data_min_`).
    pub fn data_min(&self) -> Option<&[f64]> {
        self.fitted.as_ref().map(|s| s.data_min.as_slice())
    }

    /// Per-column maximum seen by `fit` (`data_max_`).
    pub fn data_max(&self) -> Option<&[f64]> {
        self.fitted.as_ref().map(|s| s.data_max.as_slice())
    }

    /// `data_max_ - data_min_` (`data_range_`).
    pub fn data_range(&self) -> Option<&[f64]> {
        self.fitted.as_ref().map(|s| s.data_range.as_slice())
    }

    /// Per-column multiplier (`scale_`).
    pub fn scale(&self) -> Option<&[f64]> {
        self.fitted.as_ref().map(|s| s.scale.as_slice())
    }

    /// Per-column offset (`min_`).
    pub fn min(&self) -> Option<&[f64]> {
        self.fitted.as_ref().map(|s| s.min.as_slice())
    }

    fn state(&self, operation: &'static str) -> Result<&MinMaxState> {
        self.fitted.as_ref().ok_or(Error::NotFitted { what: "MinMaxScaler", operation })
    }
}
