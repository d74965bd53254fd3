//! [`Encoding`]: the fitted recipe from table columns to a feature matrix (numeric columns as
//! they are, categorical ones one-hot with pandas `get_dummies` names).

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::missing::{FillValue, MISSING_HINT};
use super::table::{MISSING_CODE, Slot, Table};
use crate::error::{Error, Result};

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
    /// What a missing cell becomes (fitted by an imputer); `None`: a missing cell is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill: Option<FillValue>,
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
    /// Columns that get a 0/1 missing-value indicator, after all other features
    /// (scikit-learn's `add_indicator`, named `missingindicator_<column>`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<String>,
}

impl Encoding {
    /// Fits an encoding of the named columns of `table` (categories from this table).
    pub fn fit(table: &Table, columns: &[&str], drop_first: bool) -> Result<Encoding> {
        let cols = table.indices(columns)?;
        Ok(Encoding::fit_at(table, &cols, drop_first))
    }

    pub(crate) fn fit_at(table: &Table, cols: &[usize], drop_first: bool) -> Encoding {
        let mut features = Vec::with_capacity(cols.len());
        let mut one_hot = Vec::new();
        for &c in cols {
            let name = table.names[c].clone();
            match table.slots[c] {
                Slot::Numeric(_) => features.push(FeatureSpec { name, kind: FeatureKind::Numeric, fill: None }),
                Slot::Categorical(k) => one_hot.push(FeatureSpec {
                    name,
                    kind: FeatureKind::OneHot { categories: table.categorical[k].levels.clone() },
                    fill: None,
                }),
            }
        }
        features.extend(one_hot);
        Encoding { features, drop_first, indicators: Vec::new() }
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
        names.extend(self.indicators.iter().map(|c| format!("missingindicator_{c}")));
        names
    }

    /// Number of output columns.
    pub fn n_features(&self) -> usize {
        self.features.iter().map(|s| s.width(self.drop_first)).sum::<usize>() + self.indicators.len()
    }

    /// The feature matrix `(rows, n_features)` of `table`, strictly: a category not seen
    /// when fitting is an error (as are a missing column, a missing value, or text in a
    /// numeric column).
    pub fn transform(&self, table: &Table) -> Result<Array2<f32>> {
        Ok(self.transform_with(table, Unseen::Error)?.0)
    }

    /// The feature matrix of `table`, and a warning for each unseen category when `unseen`
    /// is [`Unseen::AllZeros`] (what a deployed model wants: the row still gets an answer).
    /// Columns are found by name, so their order and extra columns do not matter. A column
    /// read with the other type than in fitting is accepted where its cells still fit (numbers
    /// in a one-hot column are matched as text); text in a numeric column is an error.
    pub fn transform_with(&self, table: &Table, unseen: Unseen) -> Result<(Array2<f32>, Vec<String>)> {
        let n = table.n_rows();
        let mut x = Array2::<f32>::zeros((n, self.n_features())); // (rows, features)
        let mut warnings = Vec::new();
        let hint = match unseen {
            Unseen::Error => MISSING_HINT,
            Unseen::AllZeros => {
                "the model has no fill for this column (train with --missing impute, TabularSpec::missing, to learn one); fill or drop it before predicting"
            }
        };
        let skip = usize::from(self.drop_first);
        let mut offset = 0;
        for spec in &self.features {
            let c = table.index_of(&spec.name)?;
            let at = |r: usize, reason: String| Error::Csv {
                file: table.source.clone(),
                line: Some(table.lines[r]),
                column: Some(spec.name.clone()),
                reason,
            };
            match (&spec.kind, table.slots[c]) {
                (FeatureKind::Numeric, Slot::Numeric(j)) => {
                    let fill = match spec.fill {
                        Some(FillValue::Number(v)) => Some(v),
                        _ => None,
                    };
                    for r in 0..n {
                        let v = table.numeric[r * table.width + j];
                        x[[r, offset]] = match (v.is_nan(), fill) {
                            (false, _) => v,
                            (true, Some(f)) => f,
                            (true, None) => return Err(table.missing_error(r, c, hint)),
                        };
                    }
                }
                (FeatureKind::Numeric, Slot::Categorical(k)) => {
                    let cat = &table.categorical[k];
                    if let Some(r) = cat.codes.iter().position(|&code| code != MISSING_CODE) {
                        let level = &cat.levels[cat.codes[r] as usize];
                        return Err(at(
                            r,
                            format!("{level:?} in a column that was numeric when the encoding was fitted"),
                        ));
                    }
                    // Every cell is missing (a column of gaps reads as text only if declared so).
                    match spec.fill {
                        Some(FillValue::Number(v)) => x.column_mut(offset).fill(v),
                        _ if n > 0 => return Err(table.missing_error(0, c, hint)),
                        _ => {}
                    }
                }
                (FeatureKind::OneHot { categories }, slot) => {
                    let fill = match &spec.fill {
                        // An empty name marks a gap whose fill is not among the categories (the
                        // column had no gap when fitted); "" itself is never a category.
                        Some(FillValue::Category(level)) => {
                            Some(categories.binary_search(level).map_err(|_| String::new()))
                        }
                        _ => None,
                    };
                    // Position among the fitted categories of each row's value.
                    let positions: Vec<std::result::Result<usize, String>> = match slot {
                        Slot::Categorical(k) => {
                            let cat = &table.categorical[k];
                            let map: Vec<std::result::Result<usize, String>> =
                                cat.levels.iter().map(|l| categories.binary_search(l).map_err(|_| l.clone())).collect();
                            let mut rows = Vec::with_capacity(n);
                            for (r, &code) in cat.codes.iter().enumerate() {
                                rows.push(match (code, &fill) {
                                    (MISSING_CODE, Some(fill)) => fill.clone(),
                                    (MISSING_CODE, None) => return Err(table.missing_error(r, c, hint)),
                                    (code, _) => map[code as usize].clone(),
                                });
                            }
                            rows
                        }
                        Slot::Numeric(j) => {
                            let mut rows = Vec::with_capacity(n);
                            for r in 0..n {
                                let v = table.numeric[r * table.width + j];
                                rows.push(match (v.is_nan(), &fill) {
                                    (true, Some(fill)) => fill.clone(),
                                    (true, None) => return Err(table.missing_error(r, c, hint)),
                                    (false, _) => {
                                        let text = v.to_string();
                                        categories.binary_search(&text).map_err(|_| text)
                                    }
                                });
                            }
                            rows
                        }
                    };
                    let mut unknown: Vec<&str> = Vec::new();
                    for (r, pos) in positions.iter().enumerate() {
                        match pos {
                            Ok(pos) if *pos >= skip => x[[r, offset + pos - skip]] = 1.0,
                            Ok(_) => {}
                            Err(level) if level.is_empty() && unseen == Unseen::Error => {
                                let why =
                                    "the column had no gap when the encoding was fitted, so its fill is no category";
                                return Err(table.missing_error(r, c, why));
                            }
                            Err(level) if unseen == Unseen::Error => {
                                return Err(at(
                                    r,
                                    format!(
                                        "category {level:?} was not seen when the encoding was fitted (known: {}); add it to the training data or map it to a known one",
                                        categories.join(", ")
                                    ),
                                ));
                            }
                            Err(level) if !unknown.contains(&level.as_str()) => unknown.push(level),
                            Err(_) => {}
                        }
                    }
                    for level in unknown {
                        if level.is_empty() {
                            warnings.push(format!(
                                "column {:?}: missing cells get all-zero dummies (the column had no gap in training)",
                                spec.name
                            ));
                            continue;
                        }
                        warnings.push(format!(
                            "column {:?}: category {level:?} was not seen in training; its rows get all-zero dummies (known: {})",
                            spec.name,
                            categories.join(", ")
                        ));
                    }
                }
            }
            offset += spec.width(self.drop_first);
        }
        for name in &self.indicators {
            let c = table.index_of(name)?;
            for r in 0..n {
                if table.is_missing(r, c) {
                    x[[r, offset]] = 1.0;
                }
            }
            offset += 1;
        }
        Ok((x, warnings))
    }
}

impl FeatureSpec {
    /// Number of feature columns this source column becomes.
    pub(crate) fn width(&self, drop_first: bool) -> usize {
        match &self.kind {
            FeatureKind::Numeric => 1,
            FeatureKind::OneHot { categories } => categories.len().saturating_sub(usize::from(drop_first)),
        }
    }
}

/// What [`Encoding::transform_with`] does with a category that was not seen when fitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unseen {
    /// An error naming the value, line and column (training, evaluation).
    Error,
    /// All-zero dummies for that row, and a warning (prediction on new data).
    AllZeros,
}
