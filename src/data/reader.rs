//! Reading CSV into a [`Table`]: options, delimiter detection, type inference, errors that
//! point at file, line and column.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use super::parse::{Cell, classify, trim};
use super::sniff::detect_delimiter;
use super::table::{Categorical, ColumnType, MISSING_CODE, Slot, Table};
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
            missing_values: ["", "NA", "N/A", "NaN", "nan", "null", "NULL"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
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
        let name = options
            .source_name
            .clone()
            .unwrap_or_else(|| path.display().to_string());
        read_table(&Source::File(path), name, options)
    }

    /// Reads CSV from any reader (the whole input is read into memory first).
    pub fn from_reader(reader: impl Read) -> Result<Table> {
        Table::from_reader_with(reader, &CsvOptions::default())
    }

    /// [`Table::from_reader`] with options.
    pub fn from_reader_with(mut reader: impl Read, options: &CsvOptions) -> Result<Table> {
        let name = options
            .source_name
            .clone()
            .unwrap_or_else(|| "<reader>".to_string());
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
        read_table(
            &Source::Bytes(bytes),
            name.to_string(),
            &CsvOptions::default(),
        )
    }
}

/// Where the bytes come from; both can be read more than once.
enum Source<'a> {
    File(&'a Path),
    Bytes(&'a [u8]),
}

impl Source<'_> {
    fn open(&self, file: &str) -> Result<Box<dyn Read + '_>> {
        match self {
            Source::File(path) => std::fs::File::open(path)
                .map(|f| Box::new(f) as Box<dyn Read>)
                .map_err(|e| io_error(file, e)),
            Source::Bytes(bytes) => Ok(Box::new(*bytes)),
        }
    }

    /// The first 64 KiB (for delimiter detection) and the total size.
    fn prefix_and_len(&self, file: &str) -> Result<(Vec<u8>, u64)> {
        match self {
            Source::Bytes(bytes) => Ok((
                bytes[..bytes.len().min(1 << 16)].to_vec(),
                bytes.len() as u64,
            )),
            Source::File(path) => {
                let f = std::fs::File::open(path).map_err(|e| io_error(file, e))?;
                let len = f.metadata().map_err(|e| io_error(file, e))?.len();
                let mut prefix = Vec::new();
                f.take(1 << 16)
                    .read_to_end(&mut prefix)
                    .map_err(|e| io_error(file, e))?;
                Ok((prefix, len))
            }
        }
    }
}

fn io_error(file: &str, e: std::io::Error) -> Error {
    Error::Csv {
        file: file.to_string(),
        line: None,
        column: None,
        reason: format!("cannot read the file: {e}"),
    }
}

/// The type a column is read as: declared by the user, or inferred (numeric until a cell is not).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Numeric { declared: bool },
    Categorical,
}

/// Reads a whole table: infer types on the first rows, then one storing pass (a second one only
/// when a later row turns a column categorical).
fn read_table(source: &Source<'_>, file: String, options: &CsvOptions) -> Result<Table> {
    let (prefix, total_len) = source.prefix_and_len(&file)?;
    let delimiter = match options.delimiter {
        Some(d) if matches!(d, b'"' | b'\n' | b'\r') => {
            return Err(Error::invalid(
                "delimiter",
                d as char,
                "must not be a quote or a line break",
            ));
        }
        Some(d) => d,
        None => detect_delimiter(&prefix),
    };
    let mut reader = Reader {
        file,
        delimiter,
        missing: options
            .missing_values
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect(),
        names: Vec::new(),
        kinds: Vec::new(),
    };
    let infer = reader.pass(source, Some(INFER_ROWS), None, Some(options))?;
    let rows_hint = estimate_rows(infer.rows, infer.bytes, total_len, reader.names.len());
    for _ in 0..2 {
        if let Pass {
            table: Some(table), ..
        } = reader.pass(source, None, Some(rows_hint), None)?
        {
            return Ok(table);
        }
    }
    // Unreachable: after one full discovery pass no column can change type.
    Err(reader.error(
        None,
        None,
        "column types did not settle; please report this".into(),
    ))
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

struct Reader {
    file: String,
    delimiter: u8,
    missing: Vec<Vec<u8>>,
    /// (cols,) names from the header.
    names: Vec<String>,
    /// (cols,) how each column is read.
    kinds: Vec<Kind>,
}

/// What one pass produced.
struct Pass {
    /// Rows read.
    rows: usize,
    /// Bytes consumed, header included.
    bytes: u64,
    /// The table, when storing and no column changed type.
    table: Option<Table>,
}

/// A categorical column being read: distinct values in first-seen order, and codes.
#[derive(Default)]
struct Interner {
    index: HashMap<Vec<u8>, u32>,
    levels: Vec<String>,
    codes: Vec<u32>,
}

impl Reader {
    /// Reads the source once. With `header_options` (first pass) the header is validated and
    /// the declared types applied; with `store` the cells are kept and a table is returned
    /// unless a column turned categorical (then the rest is only scanned, to settle types).
    fn pass(
        &mut self,
        source: &Source<'_>,
        limit: Option<usize>,
        store: Option<usize>,
        header_options: Option<&CsvOptions>,
    ) -> Result<Pass> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .buffer_capacity(1 << 16)
            .from_reader(source.open(&self.file)?);
        let mut record = csv::ByteRecord::new();
        if !self.read(&mut rdr, &mut record)? {
            return Err(self.error(None, None, "the file is empty; expected a header row with the column names, then one row per sample".into()));
        }
        if let Some(options) = header_options {
            self.read_header(&record, options)?;
        }
        let n_cols = self.names.len();
        let width = self
            .kinds
            .iter()
            .filter(|k| matches!(k, Kind::Numeric { .. }))
            .count();
        let mut storing = store.is_some();
        let rows_hint = store.unwrap_or(0);
        let mut numeric: Vec<f32> = Vec::with_capacity(if storing { rows_hint * width } else { 0 });
        let mut lines: Vec<u64> = Vec::with_capacity(if storing { rows_hint } else { 0 });
        let mut interners: Vec<Interner> = Vec::new();
        interners.resize_with(n_cols - width, Interner::default);
        let mut rows = 0;
        while limit.is_none_or(|l| rows < l) && self.read(&mut rdr, &mut record)? {
            let line = record.position().map(|p| p.line());
            if record.len() != n_cols {
                let col = record.len().min(n_cols); // first absent column, or `#n+1` for extras
                return Err(self.error(line, Some(col), format!(
                    "this row has {} fields but the header has {n_cols}; every row needs exactly one value per column (quote values that contain the delimiter {:?})",
                    record.len(), self.delimiter as char)));
            }
            let mut k = 0;
            for (c, field) in record.iter().enumerate() {
                let cell = trim(field);
                match self.kinds[c] {
                    Kind::Numeric { declared } => match classify(cell, &self.missing) {
                        Cell::Missing if storing => numeric.push(f32::NAN),
                        Cell::Missing => {}
                        Cell::Number(v) if !v.is_finite() => {
                            return Err(self.error(line, Some(c), format!(
                                "{:?} is not a finite f32 number (NaN, infinity, or beyond ±3.4e38); fix the value or mark it as missing",
                                String::from_utf8_lossy(cell))));
                        }
                        Cell::Number(v) if storing => numeric.push(v),
                        Cell::Number(_) => {}
                        Cell::Text if declared => {
                            return Err(self.error(line, Some(c), format!(
                                "{:?} is not a number, but the column was declared numeric; fix the value, mark it as missing, or declare the column categorical",
                                String::from_utf8_lossy(cell))));
                        }
                        Cell::Text => {
                            self.kinds[c] = Kind::Categorical;
                            storing = false;
                        }
                    },
                    Kind::Categorical => {
                        if storing {
                            let code = self.intern(&mut interners[k], cell, line, c)?;
                            interners[k].codes.push(code);
                        }
                        k += 1;
                    }
                }
            }
            if storing {
                lines.push(line.unwrap_or(0));
            }
            rows += 1;
        }
        let bytes = rdr.position().byte();
        if limit.is_none() && rows == 0 {
            return Err(self.error(
                Some(1),
                None,
                "the file has a header but no data rows; add at least one row of values".into(),
            ));
        }
        let table =
            (store.is_some() && storing).then(|| self.build(numeric, width, interners, lines));
        Ok(Pass { rows, bytes, table })
    }

    fn read<R: Read>(
        &self,
        rdr: &mut csv::Reader<R>,
        record: &mut csv::ByteRecord,
    ) -> Result<bool> {
        rdr.read_byte_record(record).map_err(|e| {
            let line = e.position().map(|p| p.line());
            let reason = match e.into_kind() {
                csv::ErrorKind::Io(io) => format!("cannot read the file: {io}"),
                other => format!("malformed CSV: {other:?}"),
            };
            self.error(line, None, reason)
        })
    }

    /// Validates the header: UTF-8, non-empty and unique names; applies declared types.
    fn read_header(&mut self, record: &csv::ByteRecord, options: &CsvOptions) -> Result<()> {
        let mut names: Vec<String> = Vec::with_capacity(record.len());
        for (c, field) in record.iter().enumerate() {
            let field = if c == 0 {
                field.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(field)
            } else {
                field
            };
            let Ok(name) = std::str::from_utf8(trim(field)) else {
                return Err(self.error(Some(1), None, format!(
                    "column #{} has a name that is not valid UTF-8 text; save the file as UTF-8", c + 1)));
            };
            if name.is_empty() {
                return Err(self.error(Some(1), None, format!(
                    "column #{} has an empty name; every column needs a name in the header row (an unnamed first column is often an index written by pandas: save with index=False)", c + 1)));
            }
            if let Some(first) = names.iter().position(|n| n == name) {
                return Err(Error::Csv {
                    file: self.file.clone(),
                    line: Some(1),
                    column: Some(name.to_string()),
                    reason: format!(
                        "duplicate column name (columns #{} and #{}); rename one of them",
                        first + 1,
                        c + 1
                    ),
                });
            }
            names.push(name.to_string());
        }
        let mut kinds = vec![Kind::Numeric { declared: false }; names.len()];
        for (name, column_type) in &options.column_types {
            let Some(c) = names.iter().position(|n| n == name) else {
                return Err(Error::UnknownColumn {
                    name: name.clone(),
                    source_name: self.file.clone(),
                    available: names.join(", "),
                });
            };
            kinds[c] = match column_type {
                ColumnType::Numeric => Kind::Numeric { declared: true },
                ColumnType::Categorical => Kind::Categorical,
            };
        }
        self.names = names;
        self.kinds = kinds;
        Ok(())
    }

    fn intern(
        &self,
        interner: &mut Interner,
        cell: &[u8],
        line: Option<u64>,
        c: usize,
    ) -> Result<u32> {
        if self.missing.iter().any(|m| m.as_slice() == cell) {
            return Ok(MISSING_CODE);
        }
        if let Some(&code) = interner.index.get(cell) {
            return Ok(code);
        }
        let Ok(text) = std::str::from_utf8(cell) else {
            return Err(self.error(
                line,
                Some(c),
                format!(
                    "the value is not valid UTF-8 text (bytes {:?}); save the file as UTF-8",
                    String::from_utf8_lossy(cell)
                ),
            ));
        };
        let code = interner.levels.len() as u32;
        interner.levels.push(text.to_string());
        interner.index.insert(cell.to_vec(), code);
        Ok(code)
    }

    /// Assembles the table; categorical levels get sorted and codes renumbered.
    fn build(
        &self,
        mut numeric: Vec<f32>,
        width: usize,
        interners: Vec<Interner>,
        lines: Vec<u64>,
    ) -> Table {
        numeric.shrink_to_fit();
        let mut categorical = Vec::with_capacity(interners.len());
        for interner in interners {
            let mut order: Vec<u32> = (0..interner.levels.len() as u32).collect();
            order.sort_by(|&a, &b| interner.levels[a as usize].cmp(&interner.levels[b as usize]));
            let mut remap = vec![0u32; order.len()];
            for (new, &old) in order.iter().enumerate() {
                remap[old as usize] = new as u32;
            }
            let mut levels = interner.levels;
            levels.sort();
            let codes = interner
                .codes
                .iter()
                .map(|&c| {
                    if c == MISSING_CODE {
                        c
                    } else {
                        remap[c as usize]
                    }
                })
                .collect();
            categorical.push(Categorical { levels, codes });
        }
        let (mut n_num, mut n_cat) = (0, 0);
        let slots = self
            .kinds
            .iter()
            .map(|k| match k {
                Kind::Numeric { .. } => {
                    n_num += 1;
                    Slot::Numeric(n_num - 1)
                }
                Kind::Categorical => {
                    n_cat += 1;
                    Slot::Categorical(n_cat - 1)
                }
            })
            .collect();
        Table {
            source: self.file.clone(),
            names: self.names.clone(),
            slots,
            numeric,
            width,
            categorical,
            lines,
        }
    }

    fn error(&self, line: Option<u64>, col: Option<usize>, reason: String) -> Error {
        Error::Csv {
            file: self.file.clone(),
            line,
            column: col.map(|c| {
                self.names
                    .get(c)
                    .cloned()
                    .unwrap_or_else(|| format!("#{}", c + 1))
            }),
            reason,
        }
    }
}
