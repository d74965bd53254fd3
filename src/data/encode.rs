//! From a [`Table`] to model arrays: features (categoricals one-hot, pandas `get_dummies`
//! naming) and a target (values, class indices or one-hot).

use ndarray::Array2;

use super::encoding::Encoding;
use super::labels::{LabelMap, one_hot_rows};
use super::missing::{MISSING_HINT, MissingPolicy};
use super::table::{Slot, Table};
use crate::error::{Error, Result};

/// How [`Table::encode`] turns the target column into `y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TargetEncoding {
    /// A numeric column as values; a categorical one as class indices (the default).
    #[default]
    Auto,
    /// The values of a numeric column, `(n, 1)` (regression); a categorical column is an error.
    Values,
    /// Class indices `(n, 1)` from strings or integers, by the sorted [`LabelMap`].
    ClassIndices,
    /// One-hot rows `(n, classes)` by the sorted [`LabelMap`] (Keras `to_categorical`).
    OneHot,
}

/// Options of [`Table::encode`]; the default is what [`Table::features_target`] uses.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EncodeOptions {
    /// Drop the first (smallest) category of every categorical feature (pandas
    /// `get_dummies(drop_first=True)`); default `false`.
    pub drop_first: bool,
    /// What to do with missing values; default [`MissingPolicy::Error`].
    pub missing: MissingPolicy,
    /// How to encode the target; default [`TargetEncoding::Auto`].
    pub target: TargetEncoding,
}

impl EncodeOptions {
    /// Sets [`EncodeOptions::drop_first`].
    pub fn drop_first(mut self, drop_first: bool) -> Self {
        self.drop_first = drop_first;
        self
    }

    /// Sets [`EncodeOptions::missing`].
    pub fn missing(mut self, missing: MissingPolicy) -> Self {
        self.missing = missing;
        self
    }

    /// Sets [`EncodeOptions::target`].
    pub fn target(mut self, target: TargetEncoding) -> Self {
        self.target = target;
        self
    }
}

/// What [`Table::encode`] returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    /// Features `(rows, features)`.
    pub x: Array2<f32>,
    /// Target `(rows, 1)`, or `(rows, classes)` for [`TargetEncoding::OneHot`].
    pub y: Array2<f32>,
    /// The encoding of the feature columns (names, categories), to reapply to new data.
    pub encoding: Encoding,
    /// Output feature names (pandas `get_dummies` naming).
    pub feature_names: Vec<String>,
    /// The target column name.
    pub target: String,
    /// The label map of a class target (`None` for values).
    pub labels: Option<LabelMap>,
}

impl Table {
    /// `(x, y)` for column `target`: every other column is a feature (categoricals one-hot),
    /// `y` is `(rows, 1)` (values of a numeric target, class indices of a string target).
    /// A missing value is an error; see [`Table::encode`] for the other choices.
    pub fn features_target(&self, target: &str) -> Result<(Array2<f32>, Array2<f32>)> {
        let e = self.encode(target, &EncodeOptions::default())?;
        Ok((e.x, e.y))
    }

    /// [`Table::features_target`] consuming the table: when every column is numeric and none
    /// is missing, `x` reuses the table's memory (no second copy of the data).
    pub fn into_features_target(self, target: &str) -> Result<(Array2<f32>, Array2<f32>)> {
        let t = self.index_of(target)?;
        let all_numeric = self.categorical.is_empty() && self.width == self.n_cols();
        // A fold (not `any`) so that the scan vectorizes.
        let has_missing = self.numeric.iter().fold(false, |acc, v| acc | v.is_nan());
        if !all_numeric || has_missing {
            return self.features_target(target);
        }
        let (n, m) = (self.n_rows(), self.width);
        let Slot::Numeric(jt) = self.slots[t] else {
            return self.features_target(target);
        };
        let mut buf = self.numeric; // (n, m) row-major
        let y: Vec<f32> = (0..n).map(|r| buf[r * m + jt]).collect();
        for r in 0..n {
            // Row r moves left to r * (m - 1); source indices are never below destinations.
            buf.copy_within(r * m..r * m + jt, r * (m - 1));
            buf.copy_within(r * m + jt + 1..(r + 1) * m, r * (m - 1) + jt);
        }
        buf.truncate(n * (m - 1));
        buf.shrink_to_fit();
        let x = Array2::from_shape_vec((n, m - 1), buf)
            .map_err(|e| Error::invalid("table", e, "has an inconsistent shape"))?;
        let y =
            Array2::from_shape_vec((n, 1), y).map_err(|e| Error::invalid("table", e, "has an inconsistent shape"))?;
        Ok((x, y))
    }

    /// Features and target with options (drop_first, missing-value policy, target encoding),
    /// plus the names and the fitted [`Encoding`].
    pub fn encode(&self, target: &str, options: &EncodeOptions) -> Result<Encoded> {
        let t = self.index_of(target)?;
        let features: Vec<usize> = (0..self.n_cols()).filter(|&c| c != t).collect();
        let used: Vec<usize> = (0..self.n_cols()).collect();
        let cleaned;
        let table = match &options.missing {
            MissingPolicy::Error => {
                if let Some((r, c)) = self.first_missing(&used) {
                    return Err(self.missing_error(r, c, MISSING_HINT));
                }
                self
            }
            MissingPolicy::DropRows => {
                cleaned = self.drop_missing_at(&used);
                &cleaned
            }
            MissingPolicy::Fill(fill) => {
                if let Some((r, c)) = self.first_missing(&[t]) {
                    return Err(self.missing_error(
                        r,
                        c,
                        "the target cannot be filled; drop rows with a missing target first (Table::drop_missing_in)",
                    ));
                }
                cleaned = self.fill_missing_at(&features, fill)?;
                &cleaned
            }
        };
        if table.n_rows() == 0 {
            return Err(Error::invalid(
                "missing",
                "DropRows",
                format!("left no rows of {}; fill the missing values instead", self.source),
            ));
        }
        let encoding = Encoding::fit_at(table, &features, options.drop_first);
        let x = encoding.transform(table)?;
        let (y, labels) = table.encode_target(target, t, options.target)?;
        Ok(Encoded { x, y, feature_names: encoding.feature_names(), encoding, target: target.to_string(), labels })
    }

    /// `y` of column `target` (at index `t`) and its label map, encoded as `how` says.
    pub(crate) fn encode_target(
        &self,
        target: &str,
        t: usize,
        how: TargetEncoding,
    ) -> Result<(Array2<f32>, Option<LabelMap>)> {
        let n = self.n_rows();
        match (how, self.slots[t]) {
            (TargetEncoding::Auto | TargetEncoding::Values, Slot::Numeric(j)) => {
                let y = Array2::from_shape_fn((n, 1), |(r, _)| self.numeric[r * self.width + j]);
                Ok((y, None))
            }
            (TargetEncoding::Values, Slot::Categorical(_)) => Err(Error::InvalidTarget {
                what: format!("{}, column {target:?}", self.source),
                reason: "the target is categorical (strings), so it has no numeric values; use TargetEncoding::ClassIndices or TargetEncoding::OneHot for classification".into(),
            }),
            (TargetEncoding::OneHot, _) => {
                let (idx, labels) = self.class_indices(target)?;
                Ok((one_hot_rows(&idx, labels.len()), Some(labels)))
            }
            _ => {
                let (idx, labels) = self.class_indices(target)?;
                let y = Array2::from_shape_fn((n, 1), |(r, _)| idx[r] as f32);
                Ok((y, Some(labels)))
            }
        }
    }
}
