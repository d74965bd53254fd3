//! [`SimpleImputer`]: fill missing values (NaN) column by column, scikit-learn's
//! `SimpleImputer(missing_values=np.nan)` with `keep_empty_features=False`.

use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

use crate::data::{Fill, statistic};
use crate::error::{Error, Result};
use crate::names::named;

/// How a missing value is filled (scikit-learn's `strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImputeStrategy {
    /// The column's mean over the rows seen by `fit` (scikit-learn's default).
    #[default]
    Mean,
    /// The column's median (the mean of the two middle values for an even count).
    Median,
    /// The most frequent value; the smallest of equally frequent ones.
    MostFrequent,
    /// A constant, `fill_value` (0 unless set).
    Constant,
}

impl ImputeStrategy {
    /// The statistic of `values` (the non-missing ones), or `fill_value` for `Constant`.
    pub(crate) fn statistic(self, values: Vec<f64>, fill_value: f64) -> Option<f64> {
        match self {
            ImputeStrategy::Mean => statistic(values, &Fill::Mean),
            ImputeStrategy::Median => statistic(values, &Fill::Median),
            ImputeStrategy::MostFrequent => statistic(values, &Fill::MostFrequent),
            ImputeStrategy::Constant => Some(fill_value),
        }
    }
}

named!(
    ImputeStrategy,
    "imputation strategy",
    Mean = "mean",
    Median = "median",
    MostFrequent = "most_frequent",
    Constant = "constant"
);

/// Fills NaN cells of each column with a statistic learned by [`SimpleImputer::fit`] (f64,
/// from that column's non-missing values). A column with no value in `fit` is left out of
/// the output, whatever the strategy (scikit-learn 1.9's `keep_empty_features=False`). With
/// `add_indicator`, 0/1 columns marking the missing cells of every column that had missing
/// values in `fit` follow the imputed columns (scikit-learn's `MissingIndicator`,
/// `features="missing-only"`).
///
/// ```
/// use kerust::preprocessing::{ImputeStrategy, SimpleImputer};
/// let x = ndarray::array![[1.0f32, f32::NAN], [3.0, 4.0], [f32::NAN, 6.0]];
/// let mut imputer = SimpleImputer::new(ImputeStrategy::Mean).add_indicator(true);
/// let filled = imputer.fit_transform(&x)?;
/// assert_eq!(imputer.statistics(), Some(&[2.0, 5.0][..]));
/// assert_eq!(filled.row(2).to_vec(), [2.0, 6.0, 1.0, 0.0]); // then the indicators
/// # Ok::<(), kerust::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimpleImputer {
    strategy: ImputeStrategy,
    fill_value: f64,
    add_indicator: bool,
    fitted: Option<ImputerState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ImputerState {
    /// (features,) the fill of each column; NaN for a column with no value in `fit`.
    statistics: Vec<f64>,
    /// Columns that had missing values in `fit` (the indicator columns, in order).
    missing_features: Vec<usize>,
}

impl SimpleImputer {
    /// An unfitted imputer; `fill_value` 0, no indicator.
    pub fn new(strategy: ImputeStrategy) -> Self {
        SimpleImputer { strategy, fill_value: 0.0, add_indicator: false, fitted: None }
    }

    /// The constant of [`ImputeStrategy::Constant`] (default 0).
    pub fn fill_value(mut self, value: f64) -> Self {
        self.fill_value = value;
        self
    }

    /// Append missing-value indicator columns (default false).
    pub fn add_indicator(mut self, on: bool) -> Self {
        self.add_indicator = on;
        self
    }

    /// Learns each column's fill from the non-NaN values of `x` (rows, features).
    pub fn fit(&mut self, x: &Array2<f32>) -> Result<&mut Self> {
        if x.nrows() == 0 {
            return Err(Error::invalid("x", "0 rows", "(SimpleImputer.fit) must have at least one row"));
        }
        if let Some(((row, col), &value)) = x.indexed_iter().find(|(_, v)| v.is_infinite()) {
            return Err(Error::NonFinite { what: "x passed to SimpleImputer.fit".into(), row, col, value });
        }
        let mut statistics = Vec::with_capacity(x.ncols());
        let mut missing_features = Vec::new();
        for (c, column) in x.axis_iter(Axis(1)).enumerate() {
            let values: Vec<f64> = column.iter().filter(|v| !v.is_nan()).map(|&v| f64::from(v)).collect();
            if values.len() < column.len() {
                missing_features.push(c);
            }
            let fill = if values.is_empty() { None } else { self.strategy.statistic(values, self.fill_value) };
            statistics.push(fill.unwrap_or(f64::NAN));
        }
        self.fitted = Some(ImputerState { statistics, missing_features });
        Ok(self)
    }

    /// `x` with its NaN cells filled (columns without a fill left out), then the indicators.
    pub fn transform(&self, x: &Array2<f32>) -> Result<Array2<f32>> {
        let s = self.fitted.as_ref().ok_or(Error::NotFitted { what: "SimpleImputer", operation: "transform" })?;
        super::check::width(x, s.statistics.len(), "SimpleImputer.transform")?;
        let kept: Vec<usize> = (0..x.ncols()).filter(|&c| !s.statistics[c].is_nan()).collect();
        let indicators = if self.add_indicator { s.missing_features.as_slice() } else { &[] };
        let mut out = Array2::<f32>::zeros((x.nrows(), kept.len() + indicators.len())); // (rows, kept + indicators)
        for (r, row) in x.axis_iter(Axis(0)).enumerate() {
            for (o, &c) in kept.iter().enumerate() {
                out[[r, o]] = if row[c].is_nan() { s.statistics[c] as f32 } else { row[c] };
            }
            for (o, &c) in indicators.iter().enumerate() {
                out[[r, kept.len() + o]] = f32::from(u8::from(row[c].is_nan()));
            }
        }
        Ok(out)
    }

    /// `fit(x)` then `transform(x)`.
    pub fn fit_transform(&mut self, x: &Array2<f32>) -> Result<Array2<f32>> {
        self.fit(x)?;
        self.transform(x)
    }

    /// The fill of each column (`statistics_`); NaN where `fit` saw no value.
    pub fn statistics(&self) -> Option<&[f64]> {
        self.fitted.as_ref().map(|s| s.statistics.as_slice())
    }

    /// The columns that get an indicator (`indicator_.features_`).
    pub fn missing_features(&self) -> Option<&[usize]> {
        self.fitted.as_ref().map(|s| s.missing_features.as_slice())
    }
}
