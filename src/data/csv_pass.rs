//! The general tokenizer: the `csv` crate (quotes, `\r\n`, anything RFC 4180 allows).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::Read;
use std::rc::Rc;

use super::source::Source;
use super::state::{Pass, PassMode, Reader};
use crate::error::Result;

impl Reader {
    /// One pass with the `csv` crate; see [`Reader::pass`].
    pub(super) fn csv_pass(&mut self, source: &Source<'_>, mode: PassMode<'_>) -> Result<Pass> {
        let (limit, store, header_options) = (mode.limit(), mode.store(), mode.header_options());
        // The csv crate's line numbers skip blank lines; count `\n`s before each record instead.
        let newlines = Rc::new(RefCell::new(VecDeque::new()));
        let mut lines_before = 0u64;
        let mut line_of = |record: &csv::ByteRecord| {
            // The reported start is the end of the previous record: skip blank lines after it.
            let mut start = record.position().map_or(0, |p| p.byte());
            let mut queue = newlines.borrow_mut();
            while let Some(&(nl, crlf)) = queue.front() {
                if nl < start {
                    lines_before += 1;
                } else if nl == start || (crlf && nl == start + 1) {
                    lines_before += 1;
                    start = nl + 1; // a blank line
                } else {
                    break;
                }
                queue.pop_front();
            }
            lines_before + 1
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .buffer_capacity(1 << 16)
            .from_reader(NewlineTracker {
                inner: source.open(&self.file)?,
                offset: 0,
                last: 0,
                newlines: Rc::clone(&newlines),
            });
        let mut record = csv::ByteRecord::new();
        if !self.read(&mut rdr, &mut record)? {
            return Err(self.empty_file());
        }
        line_of(&record);
        if let Some(options) = header_options {
            self.read_header(record.iter(), options)?;
        }
        let mut sink = self.sink(store);
        while limit.is_none_or(|l| sink.rows < l) && self.read(&mut rdr, &mut record)? {
            let line = Some(line_of(&record));
            let n = record.len();
            self.row(&mut sink, record.iter(), line, || n)?;
        }
        let bytes = rdr.position().byte();
        self.finish(sink, limit, store, bytes)
    }

    fn read<R: Read>(&self, rdr: &mut csv::Reader<R>, record: &mut csv::ByteRecord) -> Result<bool> {
        rdr.read_byte_record(record).map_err(|e| {
            let line = e.position().map(|p| p.line());
            let reason = match e.into_kind() {
                csv::ErrorKind::Io(io) => format!("cannot read the file: {io}"),
                other => format!("malformed CSV: {other:?}"),
            };
            self.error(line, None, reason)
        })
    }
}

/// Passes bytes through, noting the offset of every `\n` and whether `\r` precedes it (only
/// those not yet matched to a record are kept, so memory stays bounded by the csv reader's
/// buffer).
struct NewlineTracker<R> {
    inner: R,
    offset: u64,
    last: u8,
    newlines: Rc<RefCell<VecDeque<(u64, bool)>>>,
}

impl<R: Read> Read for NewlineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let bytes = &buf[..n];
        let mut queue = self.newlines.borrow_mut();
        for i in memchr::memchr_iter(b'\n', bytes) {
            let before = if i == 0 { self.last } else { bytes[i - 1] };
            queue.push_back((self.offset + i as u64, before == b'\r'));
        }
        if let Some(&b) = bytes.last() {
            self.last = b;
        }
        self.offset += n as u64;
        Ok(n)
    }
}
