//! The reading state shared by every pass: [`Reader`] (file, delimiter, missing markers,
//! header names and column kinds), [`Kind`], what a pass produced ([`Pass`]), and the error
//! that names file, line and column.

use super::options::CsvOptions;
use super::parse::parse_f32;
use super::table::Table;
use crate::error::Error;

/// The type a column is read as: declared by the user, or inferred (numeric until a cell is not).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Numeric { declared: bool },
    Categorical,
}

/// Reading state that lives across passes.
pub(super) struct Reader {
    pub(super) file: String,
    pub(super) delimiter: u8,
    pub(super) missing: Vec<Vec<u8>>,
    /// Whether a missing marker is itself a number (`-999`): then numbers need the marker check.
    pub(super) missing_numeric: bool,
    /// (cols,) names from the header.
    pub(super) names: Vec<String>,
    /// (cols,) how each column is read.
    pub(super) kinds: Vec<Kind>,
    /// Set once the fast tokenizer met a quote or `\\r`: later passes use the csv crate.
    pub(super) general: bool,
}

/// What one pass produced.
pub(super) struct Pass {
    /// Rows read.
    pub(super) rows: usize,
    /// Bytes consumed, header included.
    pub(super) bytes: u64,
    /// The table, when storing and no column changed type.
    pub(super) table: Option<Table>,
}

impl Reader {
    pub(super) fn new(file: String, delimiter: u8, missing_values: &[String]) -> Reader {
        let missing: Vec<Vec<u8>> = missing_values.iter().map(|s| s.as_bytes().to_vec()).collect();
        let missing_numeric = missing.iter().any(|m| parse_f32(m).is_some_and(f32::is_finite));
        Reader { file, delimiter, missing, missing_numeric, names: Vec::new(), kinds: Vec::new(), general: false }
    }

    pub(super) fn error(&self, line: Option<u64>, col: Option<usize>, reason: String) -> Error {
        Error::Csv {
            file: self.file.clone(),
            line,
            column: col.map(|c| self.names.get(c).cloned().unwrap_or_else(|| format!("#{}", c + 1))),
            reason,
        }
    }
}

/// What one reading pass does.
#[derive(Debug, Clone, Copy)]
pub(super) enum PassMode<'o> {
    /// The first pass: check the header, apply the declared column types, and infer the types
    /// from at most `rows` rows, storing nothing.
    Infer { rows: usize, options: &'o CsvOptions },
    /// Read every row and keep the cells; `rows_hint` rows are reserved up front.
    Store { rows_hint: usize },
}

impl<'o> PassMode<'o> {
    /// The row limit (`None`: all rows).
    pub(super) fn limit(self) -> Option<usize> {
        match self {
            PassMode::Infer { rows, .. } => Some(rows),
            PassMode::Store { .. } => None,
        }
    }

    /// Rows to reserve when the cells are kept (`None`: they are not).
    pub(super) fn store(self) -> Option<usize> {
        match self {
            PassMode::Infer { .. } => None,
            PassMode::Store { rows_hint } => Some(rows_hint),
        }
    }

    /// The options whose header checks and declared types the first pass applies.
    pub(super) fn header_options(self) -> Option<&'o CsvOptions> {
        match self {
            PassMode::Infer { options, .. } => Some(options),
            PassMode::Store { .. } => None,
        }
    }
}
