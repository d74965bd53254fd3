//! [`LabelMap`]: the stable, sorted mapping between class labels and class indices.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::table::{MISSING_CODE, Slot, Table};
use crate::error::{Error, Result};

/// Class labels in index order: index `i` is the class of the `i`-th smallest label
/// (scikit-learn's `LabelEncoder`: strings sorted lexicographically, integers numerically).
///
/// ```
/// use kerust::data::Table;
/// let table = Table::from_reader("x,y\n1,b\n2,a\n3,b\n".as_bytes())?;
/// let labels = table.label_map("y")?;
/// assert_eq!(labels.classes(), ["a", "b"]);
/// assert_eq!(labels.index_of("b"), Some(1));
/// # Ok::<(), kerust::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelMap {
    classes: Vec<String>,
}

impl LabelMap {
    /// A map from labels already in index order.
    pub fn new(classes: Vec<String>) -> LabelMap {
        LabelMap { classes }
    }

    /// The labels, in class-index order.
    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// Number of classes.
    pub fn len(&self) -> usize {
        self.classes.len()
    }

    /// Whether there are no classes.
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }

    /// The class index of `label`.
    pub fn index_of(&self, label: &str) -> Option<usize> {
        self.classes.iter().position(|c| c == label)
    }

    /// The label of class `index`.
    pub fn label(&self, index: usize) -> Option<&str> {
        self.classes.get(index).map(String::as_str)
    }
}

impl Table {
    /// The label map of a classification target: the sorted distinct strings of a categorical
    /// column, or the sorted distinct integers of a numeric one (a non-integer value is an error).
    pub fn label_map(&self, target: &str) -> Result<LabelMap> {
        Ok(self.class_indices(target)?.1)
    }

    /// `(class index of every row, label map)` for column `target`.
    pub(crate) fn class_indices(&self, target: &str) -> Result<(Vec<usize>, LabelMap)> {
        let col = self.index_of(target)?;
        let hint = "a class target cannot be missing; drop those rows first (MissingPolicy::DropRows or Table::drop_missing_in)";
        match self.slots[col] {
            Slot::Categorical(k) => {
                let cat = &self.categorical[k];
                if let Some(r) = cat.codes.iter().position(|&c| c == MISSING_CODE) {
                    return Err(self.missing_error(r, col, hint));
                }
                let idx = cat.codes.iter().map(|&c| c as usize).collect();
                Ok((idx, LabelMap::new(cat.levels.clone())))
            }
            Slot::Numeric(j) => {
                let values: Vec<f32> = (0..self.n_rows()).map(|r| self.numeric[r * self.width + j]).collect();
                if let Some(r) = values.iter().position(|v| v.is_nan()) {
                    return Err(self.missing_error(r, col, hint));
                }
                if let Some(r) = values.iter().position(|v| v.fract() != 0.0 || v.abs() > 16_777_216.0) {
                    return Err(Error::InvalidTarget {
                        what: format!("{}, line {}, column {target:?}", self.source, self.lines[r]),
                        reason: format!(
                            "{} is not an integer; a class target needs integer or string labels (for regression use TargetEncoding::Values)",
                            values[r]
                        ),
                    });
                }
                let mut distinct = values.clone();
                distinct.sort_by(f32::total_cmp);
                distinct.dedup();
                let idx = values.iter().map(|v| distinct.partition_point(|d| d < v)).collect();
                let classes = distinct.iter().map(|&d| format!("{}", d as i64)).collect();
                Ok((idx, LabelMap::new(classes)))
            }
        }
    }
}

/// `(n, k)` one-hot rows of in-range class indices.
pub(crate) fn one_hot_rows(idx: &[usize], k: usize) -> Array2<f32> {
    let mut out = Array2::<f32>::zeros((idx.len(), k)); // (n, classes)
    for (r, &i) in idx.iter().enumerate() {
        out[[r, i]] = 1.0;
    }
    out
}
