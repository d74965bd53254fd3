//! From a [`Table`] to model arrays: features (categoricals one-hot, pandas `get_dummies`
//! naming) and a target (values, class indices or one-hot).

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::labels::LabelMap;
use super::missing::MissingPolicy;
use super::table::{MISSING_CODE, Slot, Table};
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

/// How one source column becomes feature columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FeatureKind {
    /// One feature: the number itself.
    Numeric,
    /// One 0/1 feature per category, named `column_category` (the first one left out under
    /// `drop_first`).
    OneHot {
        /// The categories seen when fitting, sorted.
        categories: Vec<String>,
    },
}

/// A source column and how it is encoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureSpec {
    /// Column name in the table.
    pub name: String,
    /// How it is encoded.
    pub kind: FeatureKind,
}

/// The fitted recipe from table columns to feature matrix; reapply it to new data (a test file,
/// rows to predict) with [`Encoding::transform`] to get the same columns in the same order.
///
/// Numeric columns come first, in table order, then the one-hot columns of each categorical
/// column (pandas `get_dummies` order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Encoding {
    /// Source columns, numeric ones first.
    pub features: Vec<FeatureSpec>,
    /// Whether the first category of each categorical column is left out.
    pub drop_first: bool,
}

impl Encoding {
    /// Fits an encoding of the named columns of `table` (categories from this table).
    pub fn fit(table: &Table, columns: &[&str], drop_first: bool) -> Result<Encoding> {
        let cols = table.indices(columns)?;
        Ok(Encoding::fit_at(table, &cols, drop_first))
    }

    fn fit_at(table: &Table, cols: &[usize], drop_first: bool) -> Encoding {
        let mut features = Vec::with_capacity(cols.len());
        let mut one_hot = Vec::new();
        for &c in cols {
            let name = table.names[c].clone();
            match table.slots[c] {
                Slot::Numeric(_) => features.push(FeatureSpec { name, kind: FeatureKind::Numeric }),
                Slot::Categorical(k) => one_hot.push(FeatureSpec {
                    name,
                    kind: FeatureKind::OneHot { categories: table.categorical[k].levels.clone() },
                }),
            }
        }
        features.extend(one_hot);
        Encoding { features, drop_first }
    }

    /// Output column names: numeric columns as they are, one-hot columns `column_category`.
    pub fn feature_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        for spec in &self.features {
            match &spec.kind {
                FeatureKind::Numeric => names.push(spec.name.clone()),
                FeatureKind::OneHot { categories } => names
                    .extend(categories.iter().skip(usize::from(self.drop_first)).map(|c| format!("{}_{c}", spec.name))),
            }
        }
        names
    }

    /// Number of output columns.
    pub fn n_features(&self) -> usize {
        self.features
            .iter()
            .map(|s| match &s.kind {
                FeatureKind::Numeric => 1,
                FeatureKind::OneHot { categories } => categories.len().saturating_sub(usize::from(self.drop_first)),
            })
            .sum()
    }

    /// The feature matrix `(rows, n_features)` of `table`. Errors: a missing column, a column
    /// of the other type, a missing value, or a category not seen when fitting.
    pub fn transform(&self, table: &Table) -> Result<Array2<f32>> {
        let n = table.n_rows();
        let width = self.n_features();
        let mut x = Array2::<f32>::zeros((n, width)); // (rows, features)
        let mut offset = 0;
        for spec in &self.features {
            let c = table.index_of(&spec.name)?;
            match (&spec.kind, table.slots[c]) {
                (FeatureKind::Numeric, Slot::Numeric(j)) => {
                    for r in 0..n {
                        let v = table.numeric[r * table.width + j];
                        if v.is_nan() {
                            return Err(table.missing_error(r, c, MISSING_HINT));
                        }
                        x[[r, offset]] = v;
                    }
                    offset += 1;
                }
                (FeatureKind::OneHot { categories }, Slot::Categorical(k)) => {
                    let cat = &table.categorical[k];
                    // Position of each table level among the fitted categories.
                    let map: Vec<Option<usize>> = cat.levels.iter().map(|l| categories.binary_search(l).ok()).collect();
                    let skip = usize::from(self.drop_first);
                    for (r, &code) in cat.codes.iter().enumerate() {
                        if code == MISSING_CODE {
                            return Err(table.missing_error(r, c, MISSING_HINT));
                        }
                        let Some(pos) = map[code as usize] else {
                            return Err(Error::Csv {
                                file: table.source.clone(),
                                line: Some(table.lines[r]),
                                column: Some(spec.name.clone()),
                                reason: format!(
                                    "category {:?} was not seen when the encoding was fitted (known: {}); add it to the training data or map it to a known one",
                                    cat.levels[code as usize],
                                    categories.join(", ")
                                ),
                            });
                        };
                        if pos >= skip {
                            x[[r, offset + pos - skip]] = 1.0;
                        }
                    }
                    offset += categories.len().saturating_sub(skip);
                }
                (_, slot) => {
                    let is = if matches!(slot, Slot::Numeric(_)) { "numeric" } else { "categorical" };
                    return Err(Error::Csv {
                        file: table.source.clone(),
                        line: None,
                        column: Some(spec.name.clone()),
                        reason: format!(
                            "the column is {is} here but was the other type when the encoding was fitted; declare its type with CsvOptions::column_type"
                        ),
                    });
                }
            }
        }
        Ok(x)
    }
}

const MISSING_HINT: &str =
    "choose EncodeOptions::missing (MissingPolicy::DropRows or MissingPolicy::Fill), or fix the file";

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

    fn encode_target(&self, target: &str, t: usize, how: TargetEncoding) -> Result<(Array2<f32>, Option<LabelMap>)> {
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
                Ok((crate::preprocessing::one_hot_rows(&idx, labels.len()), Some(labels)))
            }
            _ => {
                let (idx, labels) = self.class_indices(target)?;
                let y = Array2::from_shape_fn((n, 1), |(r, _)| idx[r] as f32);
                Ok((y, Some(labels)))
            }
        }
    }
}
