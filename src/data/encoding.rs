//! [`Encoding`]: the fitted recipe from table columns to a feature matrix (numeric columns as
//! they are, categorical ones one-hot with pandas `get_dummies` names).

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::encode::MISSING_HINT;
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

    pub(super) fn fit_at(table: &Table, cols: &[usize], drop_first: bool) -> Encoding {
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
