//! Missing values: the user's policy (error, drop rows, or fill), never a silent guess.

use serde::{Deserialize, Serialize};

use super::table::{MISSING_CODE, Slot, Table};
use crate::error::{Error, Result};

/// The hint of a missing-value error met while encoding for training.
pub(super) const MISSING_HINT: &str =
    "choose EncodeOptions::missing (MissingPolicy::DropRows or MissingPolicy::Fill), or fix the file";

/// What [`Table::encode`] does with missing values in the columns it uses.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum MissingPolicy {
    /// Fail with an [`Error::MissingValue`] naming the first missing cell's line and column
    /// (the default).
    #[default]
    Error,
    /// Drop every row with a missing value in a used column (pandas `dropna`).
    DropRows,
    /// Fill feature columns (statistics from this table); a missing target is still an error.
    Fill(Fill),
}

/// How to fill missing values (scikit-learn `SimpleImputer` strategies).
#[derive(Debug, Clone, PartialEq)]
pub enum Fill {
    /// Column mean (numeric columns only).
    Mean,
    /// Column median, the mean of the two middle values for an even count (numeric only).
    Median,
    /// Most frequent value, the smallest on a tie (numeric and categorical columns).
    MostFrequent,
    /// A constant (numeric columns only).
    Constant(f32),
}

impl Table {
    /// A new table without the rows that have a missing value in any column.
    pub fn drop_missing(&self) -> Table {
        let cols: Vec<usize> = (0..self.n_cols()).collect();
        self.drop_missing_at(&cols)
    }

    /// A new table without the rows that have a missing value in one of `columns`.
    pub fn drop_missing_in(&self, columns: &[&str]) -> Result<Table> {
        let cols = self.indices(columns)?;
        Ok(self.drop_missing_at(&cols))
    }

    /// A new table with the missing values of every column filled by `fill`.
    pub fn fill_missing(&self, fill: &Fill) -> Result<Table> {
        let cols: Vec<usize> = (0..self.n_cols()).collect();
        self.fill_missing_at(&cols, fill)
    }

    /// A new table with the missing values of `columns` filled by `fill`.
    pub fn fill_missing_in(&self, columns: &[&str], fill: &Fill) -> Result<Table> {
        let cols = self.indices(columns)?;
        self.fill_missing_at(&cols, fill)
    }

    pub(crate) fn indices(&self, columns: &[&str]) -> Result<Vec<usize>> {
        columns.iter().map(|c| self.index_of(c)).collect()
    }

    /// The first missing cell (in file order) among `cols`.
    pub(crate) fn first_missing(&self, cols: &[usize]) -> Option<(usize, usize)> {
        (0..self.n_rows()).find_map(|r| cols.iter().find(|&&c| self.is_missing(r, c)).map(|&c| (r, c)))
    }

    /// The error for a missing cell at (`row`, `col`).
    pub(crate) fn missing_error(&self, row: usize, col: usize, hint: &str) -> Error {
        Error::MissingValue {
            file: self.source.clone(),
            line: self.lines[row],
            column: self.names[col].clone(),
            hint: hint.to_string(),
        }
    }

    pub(crate) fn drop_missing_at(&self, cols: &[usize]) -> Table {
        let rows: Vec<usize> = (0..self.n_rows()).filter(|&r| !cols.iter().any(|&c| self.is_missing(r, c))).collect();
        let all: Vec<usize> = (0..self.n_cols()).collect();
        self.take(Some(&rows), &all)
    }

    pub(crate) fn fill_missing_at(&self, cols: &[usize], fill: &Fill) -> Result<Table> {
        let mut out = self.clone();
        for &c in cols {
            let Some(first) = (0..self.n_rows()).find(|&r| self.is_missing(r, c)) else {
                continue;
            };
            match self.slots[c] {
                Slot::Numeric(j) => {
                    let values: Vec<f32> =
                        (0..self.n_rows()).map(|r| self.numeric[r * self.width + j]).filter(|v| !v.is_nan()).collect();
                    let Some(v) = numeric_fill(values, fill) else {
                        return Err(self.missing_error(
                            first,
                            c,
                            "the column has no values to compute a fill from; drop it or use Fill::Constant",
                        ));
                    };
                    for r in 0..out.n_rows() {
                        let cell = &mut out.numeric[r * out.width + j];
                        if cell.is_nan() {
                            *cell = v;
                        }
                    }
                }
                Slot::Categorical(k) => {
                    if *fill != Fill::MostFrequent {
                        return Err(self.missing_error(first, c, &format!(
                            "{fill:?} cannot fill a categorical column; use Fill::MostFrequent or MissingPolicy::DropRows")));
                    }
                    let cat = &mut out.categorical[k];
                    let mut counts = vec![0usize; cat.levels.len()];
                    cat.codes.iter().filter(|&&x| x != MISSING_CODE).for_each(|&x| counts[x as usize] += 1);
                    // max_by_key keeps the last maximum: scan reversed to keep the smallest level.
                    let Some(top) = (0..counts.len()).rev().max_by_key(|&i| counts[i]) else {
                        return Err(self.missing_error(
                            first,
                            c,
                            "the column has no values to compute a fill from; drop it",
                        ));
                    };
                    cat.codes.iter_mut().filter(|x| **x == MISSING_CODE).for_each(|x| *x = top as u32);
                }
            }
        }
        Ok(out)
    }
}

/// The fill value for a numeric column from its non-missing values (`None` when empty).
fn numeric_fill(values: Vec<f32>, fill: &Fill) -> Option<f32> {
    if let Fill::Constant(v) = fill {
        return Some(*v);
    }
    statistic(values.into_iter().map(f64::from).collect(), fill).map(|v| v as f32)
}

/// scikit-learn `SimpleImputer`'s statistic of the non-missing `values`, in f64: the mean,
/// the median (the mean of the two middle values for an even count), or the most frequent
/// value (the smallest of equally frequent ones); `None` when there are no values (a
/// [`Fill::Constant`] gives its constant).
pub(crate) fn statistic(mut values: Vec<f64>, fill: &Fill) -> Option<f64> {
    if let Fill::Constant(v) = fill {
        return Some(f64::from(*v));
    }
    if values.is_empty() {
        return None;
    }
    let n = values.len();
    Some(match fill {
        Fill::Mean => values.iter().sum::<f64>() / n as f64,
        Fill::Median => {
            values.sort_by(f64::total_cmp);
            if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 }
        }
        Fill::MostFrequent => {
            values.sort_by(f64::total_cmp);
            let (mut best, mut best_count) = (values[0], 0);
            let mut i = 0;
            while i < n {
                let j = values[i..].iter().position(|&v| v != values[i]).map_or(n, |p| i + p);
                if j - i > best_count {
                    (best, best_count) = (values[i], j - i);
                }
                i = j;
            }
            best
        }
        Fill::Constant(v) => f64::from(*v),
    })
}

/// What fills a column's missing cells: a number (numeric columns) or a category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FillValue {
    /// A number, for a numeric column.
    Number(f32),
    /// A category (one of the column's, or a new one such as `"missing_value"`).
    Category(String),
}

impl Table {
    /// The number of missing cells of each column, in column order.
    pub fn missing_counts(&self) -> Vec<(String, usize)> {
        (0..self.n_cols())
            .map(|c| (self.names[c].clone(), (0..self.n_rows()).filter(|&r| self.is_missing(r, c)).count()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_follow_simple_imputer() {
        assert_eq!(numeric_fill(vec![1.0, 2.0, 4.0], &Fill::Mean), Some(7.0 / 3.0));
        assert_eq!(numeric_fill(vec![4.0, 1.0, 2.0, 3.0], &Fill::Median), Some(2.5));
        assert_eq!(numeric_fill(vec![3.0, 1.0, 3.0, 1.0, 2.0], &Fill::MostFrequent), Some(1.0));
        assert_eq!(numeric_fill(vec![], &Fill::Mean), None);
        assert_eq!(numeric_fill(vec![], &Fill::Constant(0.5)), Some(0.5));
    }
}
