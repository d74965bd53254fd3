//! Reading CSV into a [`Table`]: options, delimiter detection, type inference, errors that
//! point at file, line and column.

use std::io::Read;
use std::path::Path;

use super::scan::{Pass, Reader};
use super::sniff::detect_delimiter;
use super::table::{ColumnType, Table};
use crate::error::{Error, Result};

/// Rows read to infer column types before the storing pass.
const INFER_ROWS: usize = 1000;

/// How to read a CSV file. `CsvOptions::default()` is what [`Table::from_csv`] uses.
///
/// ```
/// use kerust::data::{ColumnType, CsvOptions, Table};
/// let options = CsvOptions::default()
///     .delimiter(b';')
///     .column_type("zip", ColumnType::Categorical);
/// let table = Table::from_reader_with("zip;price\n01234;1.5\n".as_bytes(), &options)?;
/// assert_eq!(table.column_type("zip")?, ColumnType::Categorical);
/// assert_eq!(table.column_type("price")?, ColumnType::Numeric);
/// # Ok::<(), kerust::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CsvOptions {
    /// Field delimiter; `None` (default) detects it among `,` `;` and tab from the first lines.
    pub delimiter: Option<u8>,
    /// Cells (after trimming spaces) that mean "missing". Default: `""`, `NA`, `N/A`, `NaN`,
    /// `nan`, `null`, `NULL`.
    pub missing_values: Vec<String>,
    /// Column types fixed by the user instead of inferred. A cell that is not a number in a
    /// column declared [`ColumnType::Numeric`] is an error (never a silent switch to
    /// categorical); [`ColumnType::Categorical`] keeps numbers as strings (codes, zip codes).
    pub column_types: Vec<(String, ColumnType)>,
    /// Name used for the source in messages (default: the path, or `<reader>`).
    pub source_name: Option<String>,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: None,
            missing_values: ["", "NA", "N/A", "NaN", "nan", "null", "NULL"].iter().map(|s| s.to_string()).collect(),
            column_types: Vec::new(),
            source_name: None,
        }
    }
}

impl CsvOptions {
    /// Uses `delimiter` instead of detecting it.
    pub fn delimiter(mut self, delimiter: u8) -> Self {
        self.delimiter = Some(delimiter);
        self
    }

    /// Replaces the missing-value markers.
    pub fn missing_values(mut self, markers: &[&str]) -> Self {
        self.missing_values = markers.iter().map(|s| s.to_string()).collect();
        self
    }

    /// Declares the type of column `name`.
    pub fn column_type(mut self, name: &str, column_type: ColumnType) -> Self {
        self.column_types.push((name.to_string(), column_type));
        self
    }

    /// Names the source in error messages.
    pub fn source_name(mut self, name: &str) -> Self {
        self.source_name = Some(name.to_string());
        self
    }
}

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

    /// Reads CSV held in memory (used by the embedded datasets).
    pub(crate) fn from_bytes(bytes: &[u8], name: &str) -> Result<Table> {
        read_table(&Source::Bytes(bytes), name.to_string(), &CsvOptions::default())
    }
}

/// Where the bytes come from; both can be read more than once.
pub(super) enum Source<'a> {
    File(&'a Path),
    Bytes(&'a [u8]),
}

impl Source<'_> {
    pub(super) fn open(&self, file: &str) -> Result<Box<dyn Read + '_>> {
        match self {
            Source::File(path) => {
                std::fs::File::open(path).map(|f| Box::new(f) as Box<dyn Read>).map_err(|e| io_error(file, e))
            }
            Source::Bytes(bytes) => Ok(Box::new(*bytes)),
        }
    }

    /// The first 64 KiB (for delimiter detection) and the total size.
    fn prefix_and_len(&self, file: &str) -> Result<(Vec<u8>, u64)> {
        match self {
            Source::Bytes(bytes) => Ok((bytes[..bytes.len().min(1 << 16)].to_vec(), bytes.len() as u64)),
            Source::File(path) => {
                let f = std::fs::File::open(path).map_err(|e| io_error(file, e))?;
                let len = f.metadata().map_err(|e| io_error(file, e))?.len();
                let mut prefix = Vec::new();
                f.take(1 << 16).read_to_end(&mut prefix).map_err(|e| io_error(file, e))?;
                Ok((prefix, len))
            }
        }
    }
}

pub(super) fn io_error(file: &str, e: std::io::Error) -> Error {
    Error::Csv { file: file.to_string(), line: None, column: None, reason: format!("cannot read the file: {e}") }
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
    let infer = reader.pass(source, Some(INFER_ROWS), None, Some(options))?;
    let rows_hint = estimate_rows(infer.rows, infer.bytes, total_len, reader.names.len());
    for _ in 0..2 {
        if let Pass { table: Some(table), .. } = reader.pass(source, None, Some(rows_hint), None)? {
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
