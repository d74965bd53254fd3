//! [`Table`]: named, typed columns read from a CSV file.

use crate::error::{Error, Result};

/// The type of a column, decided when the CSV is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// Every non-missing cell parsed as a finite number; stored as `f32`.
    Numeric,
    /// Strings (any column with a cell that is not a number, or declared categorical).
    Categorical,
}

impl std::fmt::Display for ColumnType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ColumnType::Numeric => "numeric",
            ColumnType::Categorical => "categorical",
        })
    }
}

/// One cell of a [`Table`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// A numeric cell.
    Number(f32),
    /// A categorical cell.
    Text(&'a str),
    /// A missing value (`""`, `NA`, `NaN`, `null`, ... in the file).
    Missing,
}

/// Where a column's data lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// Index into the row-major numeric block.
    Numeric(usize),
    /// Index into `Table::categorical`.
    Categorical(usize),
}

/// Code of a missing categorical cell.
pub(crate) const MISSING_CODE: u32 = u32::MAX;

/// A dictionary-encoded string column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Categorical {
    /// Distinct values, sorted.
    pub(crate) levels: Vec<String>,
    /// (rows,) index into `levels`, or [`MISSING_CODE`].
    pub(crate) codes: Vec<u32>,
}

/// A table of named, typed columns, read from CSV ([`Table::from_csv`]) or an embedded dataset.
///
/// Numeric columns are stored together, row-major, as `f32` (a missing cell is `NaN`
/// internally; real NaN or infinite values are rejected when reading). Categorical columns are
/// dictionary-encoded with their distinct values sorted. Every row remembers the line of the
/// source it came from, so that later errors (a missing value, an unknown category) can point
/// at the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Where the data came from (a path, `<reader>`, `dataset NAME`), for messages.
    pub(crate) source: String,
    /// (cols,) column names, unique.
    pub(crate) names: Vec<String>,
    /// (cols,) where each column's data lives.
    pub(crate) slots: Vec<Slot>,
    /// (rows, width) numeric cells, row-major; NaN marks a missing value.
    pub(crate) numeric: Vec<f32>,
    /// Number of numeric columns.
    pub(crate) width: usize,
    /// One per categorical column.
    pub(crate) categorical: Vec<Categorical>,
    /// (rows,) 1-based source line of each row (header = line 1).
    pub(crate) lines: Vec<u64>,
}

impl Table {
    /// The column names, in file order (pandas' `df.columns`).
    pub fn columns(&self) -> &[String] {
        &self.names
    }

    /// Number of data rows.
    pub fn n_rows(&self) -> usize {
        self.lines.len()
    }

    /// Number of columns.
    pub fn n_cols(&self) -> usize {
        self.names.len()
    }

    /// `(rows, columns)`, as pandas' `df.shape`.
    pub fn shape(&self) -> (usize, usize) {
        (self.n_rows(), self.n_cols())
    }

    /// Where the table came from (file path, `<reader>`, `dataset NAME`).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The 1-based line of the source that row `row` (0-based) was read from.
    pub fn line(&self, row: usize) -> Option<u64> {
        self.lines.get(row).copied()
    }

    /// Moves every row's source line down by `by` (a part of a file read on its own).
    pub(crate) fn shift_lines(&mut self, by: u64) {
        self.lines.iter_mut().for_each(|l| *l += by);
    }

    /// The type of column `name`.
    pub fn column_type(&self, name: &str) -> Result<ColumnType> {
        Ok(match self.slots[self.index_of(name)?] {
            Slot::Numeric(_) => ColumnType::Numeric,
            Slot::Categorical(_) => ColumnType::Categorical,
        })
    }

    /// The cell at `row` (0-based) of column `name`.
    pub fn value(&self, row: usize, name: &str) -> Result<Value<'_>> {
        let col = self.index_of(name)?;
        if row >= self.n_rows() {
            return Err(Error::invalid(
                "row",
                row,
                format!("must be less than the number of rows ({})", self.n_rows()),
            ));
        }
        Ok(self.cell(row, col))
    }

    /// All cells of column `name`, top to bottom.
    pub fn column_values(&self, name: &str) -> Result<Vec<Value<'_>>> {
        let col = self.index_of(name)?;
        Ok((0..self.n_rows()).map(|r| self.cell(r, col)).collect())
    }

    /// The sorted distinct values of categorical column `name` (pandas `sorted(df[c].unique())`
    /// without missing values); an error for a numeric column.
    pub fn categories(&self, name: &str) -> Result<&[String]> {
        match self.slots[self.index_of(name)?] {
            Slot::Categorical(k) => Ok(&self.categorical[k].levels),
            Slot::Numeric(_) => {
                Err(Error::invalid("column", name, "is numeric; categories() needs a categorical column"))
            }
        }
    }

    /// Number of missing cells in column `name`.
    pub fn missing_count(&self, name: &str) -> Result<usize> {
        let col = self.index_of(name)?;
        Ok((0..self.n_rows()).filter(|&r| self.is_missing(r, col)).count())
    }

    /// A new table with only the named columns, in the order given.
    pub fn select(&self, names: &[&str]) -> Result<Table> {
        let mut cols = Vec::with_capacity(names.len());
        for name in names {
            let c = self.index_of(name)?;
            if cols.contains(&c) {
                return Err(Error::invalid("names", name, "must not repeat a column"));
            }
            cols.push(c);
        }
        Ok(self.take(None, &cols))
    }

    /// A new table without the named columns (pandas `df.drop(columns=...)`).
    pub fn drop(&self, names: &[&str]) -> Result<Table> {
        let mut dropped = Vec::with_capacity(names.len());
        for name in names {
            dropped.push(self.index_of(name)?);
        }
        let keep: Vec<usize> = (0..self.n_cols()).filter(|c| !dropped.contains(c)).collect();
        Ok(self.take(None, &keep))
    }

    /// A new table with only the given rows (0-based positions, in the order given, repeats
    /// allowed): the test rows of a run, say.
    pub fn take_rows(&self, rows: &[usize]) -> Result<Table> {
        if let Some(&bad) = rows.iter().find(|&&r| r >= self.n_rows()) {
            return Err(Error::invalid("rows", bad, format!("must be below the table's {} rows", self.n_rows())));
        }
        let cols: Vec<usize> = (0..self.n_cols()).collect();
        Ok(self.take(Some(rows), &cols))
    }

    /// Index of column `name`, or an error listing the available columns.
    pub(crate) fn index_of(&self, name: &str) -> Result<usize> {
        self.names.iter().position(|n| n == name).ok_or_else(|| Error::UnknownColumn {
            name: name.to_string(),
            source_name: self.source.clone(),
            available: self.names.join(", "),
        })
    }

    /// The cell at (`row`, `col`), both 0-based and in range.
    pub(crate) fn cell(&self, row: usize, col: usize) -> Value<'_> {
        match self.slots[col] {
            Slot::Numeric(j) => {
                let v = self.numeric[row * self.width + j];
                if v.is_nan() { Value::Missing } else { Value::Number(v) }
            }
            Slot::Categorical(k) => {
                let c = &self.categorical[k];
                match c.codes[row] {
                    MISSING_CODE => Value::Missing,
                    code => Value::Text(&c.levels[code as usize]),
                }
            }
        }
    }

    /// Whether the cell at (`row`, `col`) is missing.
    pub(crate) fn is_missing(&self, row: usize, col: usize) -> bool {
        matches!(self.cell(row, col), Value::Missing)
    }

    /// A new table with the given rows (all when `None`) and columns, in the order given.
    /// Categories that no longer occur are dropped.
    pub(crate) fn take(&self, rows: Option<&[usize]>, cols: &[usize]) -> Table {
        let all: Vec<usize>;
        let rows = match rows {
            Some(r) => r,
            None => {
                all = (0..self.n_rows()).collect();
                &all
            }
        };
        let numeric_src: Vec<usize> = cols
            .iter()
            .filter_map(|&c| match self.slots[c] {
                Slot::Numeric(j) => Some(j),
                Slot::Categorical(_) => None,
            })
            .collect();
        let width = numeric_src.len();
        let mut numeric = Vec::with_capacity(rows.len() * width);
        for &r in rows {
            let row = &self.numeric[r * self.width..(r + 1) * self.width];
            numeric.extend(numeric_src.iter().map(|&j| row[j]));
        }
        let (mut slots, mut categorical) = (Vec::new(), Vec::new());
        let mut next_numeric = 0;
        for &c in cols {
            match self.slots[c] {
                Slot::Numeric(_) => {
                    slots.push(Slot::Numeric(next_numeric));
                    next_numeric += 1;
                }
                Slot::Categorical(k) => {
                    slots.push(Slot::Categorical(categorical.len()));
                    let src = &self.categorical[k];
                    let codes = rows.iter().map(|&r| src.codes[r]).collect();
                    categorical.push(prune_levels(&src.levels, codes));
                }
            }
        }
        Table {
            source: self.source.clone(),
            names: cols.iter().map(|&c| self.names[c].clone()).collect(),
            slots,
            numeric,
            width,
            categorical,
            lines: rows.iter().map(|&r| self.lines[r]).collect(),
        }
    }
}

/// Drops levels that no code refers to, renumbering the codes (order is kept, so still sorted).
fn prune_levels(levels: &[String], mut codes: Vec<u32>) -> Categorical {
    let mut used = vec![false; levels.len()];
    for &c in &codes {
        if c != MISSING_CODE {
            used[c as usize] = true;
        }
    }
    let mut remap = vec![MISSING_CODE; levels.len()];
    let mut kept = Vec::new();
    for (i, level) in levels.iter().enumerate() {
        if used[i] {
            remap[i] = kept.len() as u32;
            kept.push(level.clone());
        }
    }
    for c in &mut codes {
        if *c != MISSING_CODE {
            *c = remap[*c as usize];
        }
    }
    Categorical { levels: kept, codes }
}
