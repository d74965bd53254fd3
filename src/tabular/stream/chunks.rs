//! A CSV file cut into chunks of whole records, each read as a [`Table`] on its own: the
//! byte ranges come from one scan with the `csv` crate (so quoted line breaks never cut a
//! record), each chunk is parsed with the file's header in front, and its line numbers are
//! shifted to the file's, so that every error still names the file's line.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::data::{CsvOptions, Table};
use crate::error::{Error, Result};

/// One chunk: bytes `start..end` of the file, holding `rows` records from data row
/// `first_row` (0-based) on.
#[derive(Debug, Clone)]
pub(super) struct Chunk {
    start: u64,
    end: u64,
    pub(super) first_row: u64,
    pub(super) rows: usize,
}

/// A CSV (or, with the `parquet` feature, a Parquet) file and its chunks.
#[derive(Debug)]
pub(super) struct Chunks {
    /// Parquet: chunks are row ranges read through the Arrow reader, not byte ranges.
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    parquet: bool,
    path: PathBuf,
    name: String,
    /// The bytes before the first data record (the header line).
    header: Vec<u8>,
    header_lines: u64,
    pub(super) chunks: Vec<Chunk>,
    /// 1-based file line of each chunk's first byte.
    first_lines: Vec<u64>,
}

impl Chunks {
    /// Scans `path` for chunks of `chunk_rows` records with `delimiter`.
    pub(super) fn scan(path: &Path, name: &str, delimiter: u8, chunk_rows: usize) -> Result<Chunks> {
        let fail = |reason: String| Error::Csv { file: name.to_string(), line: None, column: None, reason };
        let file = File::open(path).map_err(|e| fail(format!("cannot open: {e}")))?;
        let len = file.metadata().map_err(|e| fail(format!("cannot read: {e}")))?.len();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .buffer_capacity(1 << 16)
            .from_reader(BufReader::with_capacity(1 << 16, file));
        let mut record = csv::ByteRecord::new();
        let mut starts = Vec::new(); // (byte, line) of each chunk's first record
        let mut records = 0usize;
        let mut header_end = None;
        loop {
            let more = reader.read_byte_record(&mut record).map_err(|e| {
                let line = e.position().map(|p| p.line());
                Error::Csv { file: name.to_string(), line, column: None, reason: format!("cannot parse: {e}") }
            })?;
            if !more {
                break;
            }
            let at = record.position().map_or((0, 1), |p| (p.byte(), p.line()));
            match header_end {
                None => header_end = Some(reader.position().byte()),
                Some(_) => {
                    if records.is_multiple_of(chunk_rows) {
                        starts.push(at);
                    }
                    records += 1;
                }
            }
        }
        let Some(header_end) = header_end else {
            return Err(fail("the file is empty; it needs a header row and data rows".into()));
        };
        let mut header = vec![0u8; header_end as usize];
        let mut file = File::open(path).map_err(|e| fail(format!("cannot open: {e}")))?;
        file.read_exact(&mut header).map_err(|e| fail(format!("cannot read: {e}")))?;
        let header_lines = header.iter().filter(|&&b| b == b'\n').count() as u64;
        let mut chunks = Vec::with_capacity(starts.len());
        for (k, &(start, _)) in starts.iter().enumerate() {
            // The first chunk starts right after the header (blank lines before a record
            // stay with the chunk that holds it).
            let start = if k == 0 { header_end } else { start };
            let end = starts.get(k + 1).map_or(len, |&(s, _)| s);
            let rows = chunk_rows.min(records - k * chunk_rows);
            chunks.push(Chunk { start, end, first_row: (k * chunk_rows) as u64, rows });
        }
        let first_lines = chunks
            .iter()
            .zip(&starts)
            .map(|(c, &(_, line))| if c.start == header_end { header_lines + 1 } else { line })
            .collect();
        Ok(Chunks {
            parquet: false,
            path: path.to_path_buf(),
            name: name.to_string(),
            header,
            header_lines,
            chunks,
            first_lines,
        })
    }

    /// The chunks of `chunk_rows` rows of the Parquet file at `path`.
    #[cfg(feature = "parquet")]
    pub(super) fn parquet(path: &Path, name: &str, chunk_rows: usize) -> Result<Chunks> {
        let rows = crate::data::parquet_rows(path, name)?;
        let chunks = (0..rows)
            .step_by(chunk_rows)
            .map(|start| Chunk { start: 0, end: 0, first_row: start as u64, rows: chunk_rows.min(rows - start) })
            .collect();
        let (header, first_lines) = (Vec::new(), Vec::new());
        Ok(Chunks {
            parquet: true,
            path: path.to_path_buf(),
            name: name.to_string(),
            header,
            header_lines: 1,
            chunks,
            first_lines,
        })
    }

    /// Data rows in the file.
    pub(super) fn rows(&self) -> u64 {
        self.chunks.last().map_or(0, |c| c.first_row + c.rows as u64)
    }

    /// Chunk `k` as a table read with `options`, its lines those of the file.
    pub(super) fn table(&self, k: usize, options: &CsvOptions) -> Result<Table> {
        let chunk = &self.chunks[k];
        #[cfg(feature = "parquet")]
        if self.parquet {
            return crate::data::read_parquet(&self.path, &self.name, chunk.first_row as usize, Some(chunk.rows));
        }
        let fail = |e: std::io::Error| Error::Csv {
            file: self.name.clone(),
            line: None,
            column: None,
            reason: format!("cannot read: {e} (did the file change during training?)"),
        };
        let mut bytes = Vec::with_capacity(self.header.len() + (chunk.end - chunk.start) as usize);
        bytes.extend_from_slice(&self.header);
        let mut file = File::open(&self.path).map_err(fail)?;
        file.seek(SeekFrom::Start(chunk.start)).map_err(fail)?;
        file.take(chunk.end - chunk.start).read_to_end(&mut bytes).map_err(fail)?;
        // Byte `start` is line `header_lines + 1` of `bytes`, and line `first_lines[k]` of the file.
        let shift = self.first_lines[k] - (self.header_lines + 1);
        let mut table = Table::from_reader_with(bytes.as_slice(), options).map_err(|e| match e {
            Error::Csv { file, line: Some(line), column, reason } if line > self.header_lines => {
                Error::Csv { file, line: Some(line + shift), column, reason }
            }
            other => other,
        })?;
        if table.n_rows() != chunk.rows {
            return Err(Error::Csv {
                file: self.name.clone(),
                line: Some(self.first_lines[k]),
                column: None,
                reason: format!(
                    "a chunk that held {} rows when the file was scanned now reads as {}; did the file change during training?",
                    chunk.rows,
                    table.n_rows()
                ),
            });
        }
        table.shift_lines(shift);
        Ok(table)
    }
}
