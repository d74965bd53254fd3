//! `CsvLogger`: one CSV row per epoch, flushed as it is written (Keras `CSVLogger`).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;

use super::{Callback, TrainContext};
use crate::error::{Error, Result};
use crate::model::Logs;
use crate::setters::setters;

/// Writes `epoch` and every log key (sorted by name, as Keras does) after each epoch.
/// With `append`, rows go after an existing file's and no second header is written.
#[derive(Debug)]
pub struct CsvLogger {
    path: PathBuf,
    separator: char,
    append: bool,
    keys: Option<Vec<String>>,
    file: Option<File>,
}

impl CsvLogger {
    /// Logs to `path`, separator `,`, replacing an existing file.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        CsvLogger { path: path.into(), separator: ',', append: false, keys: None, file: None }
    }

    setters! {
        /// Appends to an existing file instead of replacing it (for resumed runs).
        append(append: bool) => append = append;
        /// Field separator (default `,`).
        separator(separator: char) => separator = separator;
    }

    fn io(&self, source: std::io::Error) -> Error {
        Error::Io { path: self.path.clone(), source }
    }

    /// One CSV line of `fields` (quoted where a field holds the separator or a quote).
    fn line(&self, fields: &[String]) -> Result<Vec<u8>> {
        let mut writer = csv::WriterBuilder::new().delimiter(self.separator as u8).from_writer(Vec::new());
        writer.write_record(fields).map_err(|e| self.io(e.into()))?;
        writer.into_inner().map_err(|e| self.io(e.into_error()))
    }
}

impl Callback for CsvLogger {
    fn on_train_begin(&mut self, _ctx: &mut TrainContext<'_>) -> Result<()> {
        if !self.separator.is_ascii() || matches!(self.separator, '"' | '\n' | '\r') {
            return Err(Error::invalid(
                "separator",
                self.separator,
                "must be an ASCII character, not a quote or a line break",
            ));
        }
        let has_rows = self.append && std::fs::metadata(&self.path).map(|m| m.len() > 0).unwrap_or(false);
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .append(self.append)
            .truncate(!self.append)
            .open(&self.path)
            .map_err(|e| self.io(e))?;
        self.file = Some(file);
        // An existing file already has its header; keep its key order unknown and write ours.
        self.keys = if has_rows { Some(Vec::new()) } else { None };
        Ok(())
    }

    fn on_epoch_end(&mut self, _ctx: &mut TrainContext<'_>, epoch: usize, logs: &mut Logs) -> Result<()> {
        let mut out = Vec::new();
        let keys = match &mut self.keys {
            Some(keys) if !keys.is_empty() => keys.clone(),
            slot => {
                let mut keys: Vec<String> = logs.keys().map(str::to_string).collect();
                keys.sort();
                let header = std::iter::once("epoch".to_string()).chain(keys.iter().cloned()).collect::<Vec<_>>();
                let write_header = slot.is_none();
                *slot = Some(keys.clone());
                if write_header {
                    out = self.line(&header)?;
                }
                keys
            }
        };
        let values: Vec<String> = std::iter::once(epoch.to_string())
            .chain(keys.iter().map(|k| logs.get(k).map_or_else(|| "NA".to_string(), |v| v.to_string())))
            .collect();
        out.extend(self.line(&values)?);
        let result = match self.file.as_mut() {
            Some(f) => f.write_all(&out).and_then(|()| f.flush()),
            None => Ok(()),
        };
        result.map_err(|e| self.io(e))
    }

    fn on_train_end(&mut self, _ctx: &mut TrainContext<'_>, _logs: &Logs) -> Result<()> {
        if let Some(f) = self.file.take() {
            f.sync_all().map_err(|e| self.io(e))?;
        }
        Ok(())
    }
}
