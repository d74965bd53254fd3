//! The per-row work of a reading pass, shared by the two tokenizers (`csv_pass`, `fast_pass`):
//! the sink, per-cell typing and storage, row-length checks, the end of a pass, and errors that
//! name file, line and column.

use super::parse::{Cell, classify, parse_f32, trim};
use super::state::{Kind, Pass, Reader};
use super::store::{Interner, Sink};
use crate::error::{Error, Result};

impl Reader {
    /// An empty sink for a pass; reserves `store` rows when storing.
    pub(super) fn sink(&self, store: Option<usize>) -> Sink {
        let width = self.kinds.iter().filter(|k| matches!(k, Kind::Numeric { .. })).count();
        let rows = store.unwrap_or(0);
        let mut interners = Vec::new();
        interners.resize_with(self.names.len() - width, Interner::default);
        Sink {
            storing: store.is_some(),
            numeric: Vec::with_capacity(rows * width),
            lines: Vec::with_capacity(rows),
            interners,
            rows: 0,
        }
    }

    /// Types and stores one data row. `count` gives the row's field count (for messages).
    pub(super) fn row<'a>(
        &mut self,
        sink: &mut Sink,
        fields: impl Iterator<Item = &'a [u8]>,
        line: Option<u64>,
        count: impl Fn() -> usize,
    ) -> Result<()> {
        let n_cols = self.names.len();
        let mut k = 0;
        let mut c = 0;
        for field in fields {
            if c == n_cols {
                return Err(self.ragged(line, count()));
            }
            self.cell(sink, c, &mut k, trim(field), line)?;
            c += 1;
        }
        self.end_row(sink, c, line)
    }

    /// Ends a row of `fields` fields: checks the count, records the line.
    pub(super) fn end_row(&self, sink: &mut Sink, fields: usize, line: Option<u64>) -> Result<()> {
        if fields != self.names.len() {
            return Err(self.ragged(line, fields));
        }
        if sink.storing {
            sink.lines.push(line.unwrap_or(0));
        }
        sink.rows += 1;
        Ok(())
    }

    /// Whether column `c` is (still) read as numeric.
    #[inline]
    pub(super) fn is_numeric(&self, c: usize) -> bool {
        matches!(self.kinds[c], Kind::Numeric { .. })
    }

    /// Stores a finite number that no missing marker equals (the fast tokenizer's shortcut).
    #[inline]
    pub(super) fn push_number(&self, sink: &mut Sink, v: f32) -> bool {
        if self.missing_numeric {
            return false;
        }
        if sink.storing {
            sink.numeric.push(v);
        }
        true
    }

    /// Types and stores the trimmed cell of column `c`; `k` counts categorical columns so far.
    pub(super) fn cell(
        &mut self,
        sink: &mut Sink,
        c: usize,
        k: &mut usize,
        cell: &[u8],
        line: Option<u64>,
    ) -> Result<()> {
        match self.kinds[c] {
            Kind::Numeric { declared } => {
                let parsed = match parse_f32(cell) {
                    Some(v) if v.is_finite() && !self.missing_numeric => Cell::Number(v),
                    _ => classify(cell, &self.missing),
                };
                match parsed {
                    Cell::Missing if sink.storing => sink.numeric.push(f32::NAN),
                    Cell::Missing => {}
                    Cell::Number(v) if !v.is_finite() => {
                        return Err(self.error(line, Some(c), format!(
                            "{:?} is not a finite f32 number (NaN, infinity, or beyond ±3.4e38); fix the value or mark it as missing",
                            String::from_utf8_lossy(cell))));
                    }
                    Cell::Number(v) if sink.storing => sink.numeric.push(v),
                    Cell::Number(_) => {}
                    Cell::Text if declared => {
                        return Err(self.error(line, Some(c), format!(
                            "{:?} is not a number, but the column was declared numeric; fix the value, mark it as missing, or declare the column categorical",
                            String::from_utf8_lossy(cell))));
                    }
                    Cell::Text => {
                        self.kinds[c] = Kind::Categorical;
                        sink.storing = false;
                    }
                }
            }
            Kind::Categorical => {
                if sink.storing {
                    let code = self.intern(&mut sink.interners[*k], cell, line, c)?;
                    sink.interners[*k].codes.push(code);
                }
                *k += 1;
            }
        }
        Ok(())
    }

    pub(super) fn ragged(&self, line: Option<u64>, got: usize) -> Error {
        let n_cols = self.names.len();
        self.error(line, Some(got.min(n_cols)), format!(
            "this row has {got} fields but the header has {n_cols}; every row needs exactly one value per column (quote values that contain the delimiter {:?})",
            self.delimiter as char))
    }
    /// Ends a pass: checks that a full pass saw data, and builds the table when storing.
    pub(super) fn finish(&self, sink: Sink, limit: Option<usize>, store: Option<usize>, bytes: u64) -> Result<Pass> {
        if limit.is_none() && sink.rows == 0 {
            return Err(self.error(
                Some(1),
                None,
                "the file has a header but no data rows; add at least one row of values".into(),
            ));
        }
        let rows = sink.rows;
        let table = (store.is_some() && sink.storing).then(|| self.build(sink));
        Ok(Pass { rows, bytes, table })
    }

    pub(super) fn empty_file(&self) -> Error {
        self.error(
            None,
            None,
            "the file is empty; expected a header row with the column names, then one row per sample".into(),
        )
    }
}
