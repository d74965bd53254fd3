//! Where the CSV bytes come from ([`Source`]: a file or memory) and the error for a failed read.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

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
    pub(super) fn prefix_and_len(&self, file: &str) -> Result<(Vec<u8>, u64)> {
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
