//! `CsvLogger`: one CSV row per epoch, flushed as it is written (Keras `CSVLogger`).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;

use super::{Callback, TrainContext};
use crate::error::{Error, Result};
use crate::model::Logs;

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

    /// Appends to an existing file instead of replacing it (for resumed runs).
    pub fn append(mut self, append: bool) -> Self {
        self.append = append;
        self
    }

    /// Field separator (default `,`).
    pub fn separator(mut self, separator: char) -> Self {
        self.separator = separator;
        self
    }

    fn io(&self, source: std::io::Error) -> Error {
        Error::Io { path: self.path.clone(), source }
    }
}

impl Callback for CsvLogger {
    fn on_train_begin(&mut self, _ctx: &mut TrainContext<'_>) -> Result<()> {
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
        let sep = self.separator.to_string();
        let mut out = String::new();
        let keys = match &mut self.keys {
            Some(keys) if !keys.is_empty() => keys.clone(),
            slot => {
                let mut keys: Vec<String> = logs.keys().map(str::to_string).collect();
                keys.sort();
                if slot.is_none() {
                    out += &format!("epoch{sep}{}\n", keys.join(&sep));
                }
                *slot = Some(keys.clone());
                keys
            }
        };
        let values: Vec<String> =
            keys.iter().map(|k| logs.get(k).map_or_else(|| "NA".to_string(), |v| v.to_string())).collect();
        out += &format!("{epoch}{sep}{}\n", values.join(&sep));
        let result = match self.file.as_mut() {
            Some(f) => f.write_all(out.as_bytes()).and_then(|()| f.flush()),
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
