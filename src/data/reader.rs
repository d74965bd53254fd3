//! Reading CSV into a [`Table`]: the `Table::from_*` entry points, delimiter detection, and the
//! passes (infer the column types, then store the cells).

use std::io::Read;
use std::path::Path;

use super::options::CsvOptions;
use super::sniff::detect_delimiter;
use super::source::Source;
use super::state::{Pass, PassMode, Reader};
use super::table::Table;
use crate::error::{Error, Result};

/// Rows read to infer column types before the storing pass.
const INFER_ROWS: usize = 1000;

impl Table {
    /// Reads a CSV file with a header row, detecting the delimiter and column types
    /// (see [`CsvOptions`] for the defaults). Errors name the file, line and column.
    pub fn from_csv(path: impl AsRef<Path>) -> Result<Table> {
        Table::from_csv_with(path, &CsvOptions::default())
    }

    /// [`Table::from_csv`] with options.
    pub fn from_csv_with(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Table> {
        let path = path.as_ref();
        let name = options.source_name.clone().unwrap_or_else(|| path.display().to_string());
        read_table(&Source::File(path), name, options)
    }

    /// Reads CSV from any reader (the whole input is read into memory first).
    pub fn from_reader(reader: impl Read) -> Result<Table> {
        Table::from_reader_with(reader, &CsvOptions::default())
    }

    /// [`Table::from_reader`] with options.
    pub fn from_reader_with(mut reader: impl Read, options: &CsvOptions) -> Result<Table> {
        let name = options.source_name.clone().unwrap_or_else(|| "<reader>".to_string());
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(|e| Error::Csv {
            file: name.clone(),
            line: None,
            column: None,
            reason: format!("cannot read: {e}"),
        })?;
        read_table(&Source::Bytes(&bytes), name, options)
    }

    /// The column names of the CSV (or Parquet) file at `path`, from its first lines (or its
    /// schema) alone: for a file too large to read whole (`--stream`).
    pub fn columns_of(path: impl AsRef<Path>) -> Result<Vec<String>> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let fail = |e: std::io::Error| Error::Csv {
            file: name.clone(),
            line: None,
            column: None,
            reason: format!("cannot read: {e}"),
        };
        let file = std::fs::File::open(path).map_err(fail)?;
        let mut head = Vec::new();
        file.take(1 << 20).read_to_end(&mut head).map_err(fail)?;
        if super::is_parquet(&head) {
            return super::parquet_columns(path);
        }
        // The header and one row: enough for the reader to take it as a table.
        if let Some(second) = head.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(1).map(|(i, _)| i) {
            head.truncate(second + 1);
        }
        let table = Table::from_reader_with(head.as_slice(), &CsvOptions::default().source_name(&name))?;
        Ok(table.names)
    }

    /// Reads CSV held in memory (used by the embedded datasets).
    pub(crate) fn from_bytes(bytes: &[u8], name: &str) -> Result<Table> {
        read_table(&Source::Bytes(bytes), name.to_string(), &CsvOptions::default())
    }
}

impl Reader {
    /// Reads the source once as `mode` says (see `csv_pass` / `fast_pass`); a storing pass
    /// returns a table unless a column turned categorical.
    pub(super) fn pass(&mut self, source: &Source<'_>, mode: PassMode<'_>) -> Result<Pass> {
        if !self.general {
            if let Some(pass) = self.fast_pass(source, mode)? {
                return Ok(pass);
            }
            self.general = true;
        }
        self.csv_pass(source, mode)
    }
}

/// Reads a whole table: infer types on the first rows, then one storing pass (a second one only
/// when a later row turns a column categorical).
fn read_table(source: &Source<'_>, file: String, options: &CsvOptions) -> Result<Table> {
    let (prefix, total_len) = source.prefix_and_len(&file)?;
    let delimiter = match options.delimiter {
        Some(d) if matches!(d, b'"' | b'\n' | b'\r') => {
            return Err(Error::invalid("delimiter", d as char, "must not be a quote or a line break"));
        }
        Some(d) => d,
        None => detect_delimiter(&prefix),
    };
    let mut reader = Reader::new(file, delimiter, &options.missing_values);
    let infer = reader.pass(source, PassMode::Infer { rows: INFER_ROWS, options })?;
    let rows_hint = estimate_rows(infer.rows, infer.bytes, total_len, reader.names.len());
    for _ in 0..2 {
        if let Pass { table: Some(table), .. } = reader.pass(source, PassMode::Store { rows_hint })? {
            return Ok(table);
        }
    }
    // Unreachable: after one full discovery pass no column can change type.
    Err(reader.error(None, None, "column types did not settle; please report this".into()))
}

/// Rows to reserve for, from the bytes per row of the inference pass.
fn estimate_rows(rows: usize, bytes: u64, total_len: u64, n_cols: usize) -> usize {
    let max_rows = total_len / n_cols.max(1) as u64 + 1;
    if rows == 0 || bytes == 0 {
        return 0;
    }
    let est = (total_len as f64 / (bytes as f64 / rows as f64) * 1.02) as u64 + 16;
    est.min(max_rows).min(1 << 32) as usize
}
