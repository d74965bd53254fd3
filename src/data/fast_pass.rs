//! The fast tokenizer for the common case: no quotes and `\n` line endings. It splits lines
//! and fields on bytes directly; on the first quote or `\r` it gives up (`Ok(None)`) and the
//! reader switches to the `csv` crate, which handles everything. Lines it has already handled
//! contain neither, so both tokenizers read them identically.

use std::io::Read;

use super::parse::{parse_prefix, trim};
use super::source::{Source, io_error};
use super::state::{Pass, PassMode, Reader};
use super::store::Sink;
use crate::error::Result;

/// Bytes read from the source at a time.
const CHUNK: usize = 1 << 20;

impl Reader {
    /// One pass without the `csv` crate; `Ok(None)` when the input needs it.
    pub(super) fn fast_pass(&mut self, source: &Source<'_>, mode: PassMode<'_>) -> Result<Option<Pass>> {
        let (limit, store, header_options) = (mode.limit(), mode.store(), mode.header_options());
        let mut input = source.open(&self.file)?;
        let mut buf: Vec<u8> = vec![0; CHUNK]; // buf[..filled]: unread bytes, from a line start
        let mut filled = 0;
        let mut line_no: u64 = 0; // lines consumed so far
        let mut consumed: u64 = 0; // bytes consumed so far
        let mut eof = false;
        let mut sink = None; // Some once the header is read
        let d = self.delimiter;
        'chunks: loop {
            // Refill: keep the partial last line, append a new chunk, check it.
            if !eof {
                if filled == buf.len() {
                    buf.resize(2 * buf.len(), 0); // a line longer than the buffer
                }
                let n = read_full(&mut input, &mut buf[filled..]).map_err(|e| io_error(&self.file, e))?;
                if memchr::memchr2(b'"', b'\r', &buf[filled..filled + n]).is_some() {
                    return Ok(None);
                }
                filled += n;
                eof = n == 0;
            }
            let buf_data = &buf[..filled];
            let mut start = 0;
            while let Some(end) = line_end(&buf_data[start..], eof).map(|e| start + e) {
                let line = &buf_data[start..end];
                let Some(s) = sink.as_mut() else {
                    let fields = line.split(|&b| b == d);
                    line_no += 1;
                    start = (end + 1).min(filled);
                    if !line.is_empty() {
                        if let Some(options) = header_options {
                            self.read_header(fields, options)?;
                        }
                        sink = Some(self.sink(store));
                    }
                    continue;
                };
                if limit.is_some_and(|l| s.rows >= l) {
                    consumed += start as u64;
                    break 'chunks;
                }
                line_no += 1;
                start = (end + 1).min(filled);
                if line.is_empty() {
                    continue; // blank lines are skipped, as the csv crate does
                }
                self.line(s, line, Some(line_no))?;
            }
            consumed += start as u64;
            buf.copy_within(start..filled, 0);
            filled -= start;
            if eof && filled == 0 {
                break;
            }
        }
        let Some(sink) = sink else {
            return Err(self.empty_file());
        };
        self.finish(sink, limit, store, consumed).map(Some)
    }
}

impl Reader {
    /// Types and stores one line: numbers are parsed in place (the parser finds the field's
    /// end), anything else goes through [`Reader::cell`] like the csv crate's fields.
    fn line(&mut self, sink: &mut Sink, line: &[u8], line_no: Option<u64>) -> Result<()> {
        let d = self.delimiter;
        let n_cols = self.names.len();
        let is_space = |b: u8| b == b' ' || (b == b'\t' && d != b'\t');
        let (mut k, mut c, mut pos) = (0, 0, 0);
        loop {
            if c == n_cols {
                return Err(self.ragged(line_no, line.split(|&b| b == d).count()));
            }
            let rest = &line[pos..];
            if self.is_numeric(c) {
                let lead = rest.iter().take_while(|&&b| is_space(b)).count();
                if let Some((v, len)) = parse_prefix(&rest[lead..]) {
                    let mut end = lead + len;
                    while rest.get(end).is_some_and(|&b| is_space(b)) {
                        end += 1;
                    }
                    let at_end = rest.get(end).is_none_or(|&b| b == d);
                    if at_end && v.is_finite() && self.push_number(sink, v) {
                        c += 1;
                        if end == rest.len() {
                            break;
                        }
                        pos += end + 1;
                        continue;
                    }
                }
            }
            let len = memchr::memchr(d, rest).unwrap_or(rest.len());
            self.cell(sink, c, &mut k, trim(&rest[..len]), line_no)?;
            c += 1;
            if len == rest.len() {
                break;
            }
            pos += len + 1;
        }
        self.end_row(sink, c, line_no)
    }
}

/// End of the first line of `buf` (the index of its `\n`, or the buffer's end at EOF).
fn line_end(buf: &[u8], eof: bool) -> Option<usize> {
    match memchr::memchr(b'\n', buf) {
        Some(i) => Some(i),
        None if eof && !buf.is_empty() => Some(buf.len()),
        None => None,
    }
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
fn read_full(input: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
