//! [`Table::describe`]: a per-column summary, like pandas `df.describe(include="all")`.

use std::fmt;

use super::table::{ColumnType, MISSING_CODE, Slot, Table};

/// Statistics of one column.
#[derive(Debug, Clone, PartialEq)]
pub enum SummaryStats {
    /// A numeric column (NaN when it has no values). `std` is the sample standard deviation
    /// (ddof = 1), as pandas `describe` reports it.
    Numeric {
        /// Smallest value.
        min: f64,
        /// Largest value.
        max: f64,
        /// Mean.
        mean: f64,
        /// Sample standard deviation (NaN for fewer than two values).
        std: f64,
    },
    /// A categorical column.
    Categorical {
        /// `(value, count)` for every distinct value, sorted by value.
        counts: Vec<(String, usize)>,
    },
}

/// The summary of one column.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSummary {
    /// Column name.
    pub name: String,
    /// Column type.
    pub column_type: ColumnType,
    /// Non-missing cells.
    pub count: usize,
    /// Missing cells.
    pub missing: usize,
    /// Statistics by type.
    pub stats: SummaryStats,
}

/// The summary of every column; `Display` prints one line per column.
#[derive(Debug, Clone, PartialEq)]
pub struct Description {
    /// One entry per column, in table order.
    pub columns: Vec<ColumnSummary>,
}

impl Table {
    /// Type, count, missing count, and min/max/mean/std (numeric) or distinct values with
    /// their counts (categorical) of every column.
    pub fn describe(&self) -> Description {
        let n = self.n_rows();
        let columns = (0..self.n_cols())
            .map(|c| {
                let (column_type, count, stats) = match self.slots[c] {
                    Slot::Numeric(j) => {
                        let values: Vec<f64> = (0..n)
                            .map(|r| f64::from(self.numeric[r * self.width + j]))
                            .filter(|v| !v.is_nan())
                            .collect();
                        (ColumnType::Numeric, values.len(), numeric_stats(&values))
                    }
                    Slot::Categorical(k) => {
                        let cat = &self.categorical[k];
                        let mut counts: Vec<(String, usize)> = cat.levels.iter().map(|l| (l.clone(), 0)).collect();
                        cat.codes.iter().filter(|&&x| x != MISSING_CODE).for_each(|&x| counts[x as usize].1 += 1);
                        let count = counts.iter().map(|c| c.1).sum();
                        (ColumnType::Categorical, count, SummaryStats::Categorical { counts })
                    }
                };
                ColumnSummary { name: self.names[c].clone(), column_type, count, missing: n - count, stats }
            })
            .collect();
        Description { columns }
    }
}

fn numeric_stats(values: &[f64]) -> SummaryStats {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    SummaryStats::Numeric {
        min: values.iter().copied().fold(f64::NAN, f64::min),
        max: values.iter().copied().fold(f64::NAN, f64::max),
        mean,
        std: if values.len() > 1 { (ss / (n - 1.0)).sqrt() } else { f64::NAN },
    }
}

impl fmt::Display for Description {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = self.columns.iter().map(|c| c.name.len()).max().unwrap_or(0).max(6);
        writeln!(f, "{:<w$}  {:<11}  {:>7}  {:>7}  summary", "column", "type", "count", "missing")?;
        for c in &self.columns {
            write!(f, "{:<w$}  {:<11}  {:>7}  {:>7}  ", c.name, c.column_type.to_string(), c.count, c.missing)?;
            match &c.stats {
                SummaryStats::Numeric { min, max, mean, std } => {
                    writeln!(f, "min {min:.6} max {max:.6} mean {mean:.6} std {std:.6}")?
                }
                SummaryStats::Categorical { counts } => {
                    let shown: Vec<String> = counts.iter().take(8).map(|(v, k)| format!("{v} ({k})")).collect();
                    let more =
                        if counts.len() > 8 { format!(", … {} more", counts.len() - 8) } else { String::new() };
                    writeln!(f, "{} distinct: {}{more}", counts.len(), shown.join(", "))?
                }
            }
        }
        Ok(())
    }
}
