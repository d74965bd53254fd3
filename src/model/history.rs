//! `History` (per-epoch values of every tracked quantity) and `Logs` (one epoch's values).

use serde::{Deserialize, Serialize};

/// Named values in a fixed order (`loss`, metrics, `val_loss`, `val_` metrics), as Keras
/// passes them to callbacks and returns them from `evaluate`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Logs {
    entries: Vec<(String, f32)>,
}

impl Logs {
    /// Appends or replaces `key`.
    pub fn set(&mut self, key: &str, value: f32) {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key.to_string(), value)),
        }
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<f32> {
        self.entries.iter().find(|(k, _)| k == key).map(|&(_, v)| v)
    }

    /// `(key, value)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, f32)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), *v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// What `fit` returns: for each key (`loss`, each metric, `val_loss`, `val_<metric>`, in that
/// order) one value per epoch.
///
/// ```
/// use kerust::model::{History, Logs};
/// let mut logs = Logs::default();
/// logs.set("loss", 0.5);
/// let mut history = History::default();
/// history.push(0, &logs);
/// assert_eq!(history.get("loss"), Some(&[0.5f32][..]));
/// assert_eq!(history.get("val_loss"), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    keys: Vec<String>,
    values: Vec<Vec<f32>>,
    epochs: Vec<usize>,
    interrupted: bool,
}

impl History {
    /// Records epoch `epoch`'s logs. Keys seen for the first time are added in order.
    pub fn push(&mut self, epoch: usize, logs: &Logs) {
        self.epochs.push(epoch);
        for (key, value) in logs.iter() {
            match self.keys.iter().position(|k| k == key) {
                Some(i) => self.values[i].push(value),
                None => {
                    self.keys.push(key.to_string());
                    self.values.push(vec![value]);
                }
            }
        }
    }

    /// The per-epoch values of `key` (`"loss"`, `"val_loss"`, `"mae"`, ...).
    pub fn get(&self, key: &str) -> Option<&[f32]> {
        self.keys.iter().position(|k| k == key).map(|i| self.values[i].as_slice())
    }

    /// The keys, in Keras's order.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// The epoch indices recorded (0-based), Keras's `history.epoch`.
    pub fn epoch(&self) -> &[usize] {
        &self.epochs
    }

    /// Whether training was stopped from outside (a [`StopFlag`](crate::callbacks::StopFlag),
    /// e.g. Ctrl-C) before its last epoch.
    pub fn interrupted(&self) -> bool {
        self.interrupted
    }

    /// Marks the run as interrupted.
    pub fn set_interrupted(&mut self) {
        self.interrupted = true;
    }

    /// Whether the last recorded training loss is NaN or infinite (the run diverged).
    pub fn diverged(&self) -> bool {
        self.get("loss").and_then(|l| l.last()).is_some_and(|v| !v.is_finite())
    }

    /// Number of epochs recorded.
    pub fn len(&self) -> usize {
        self.epochs.len()
    }

    /// Whether no epoch was recorded.
    pub fn is_empty(&self) -> bool {
        self.epochs.is_empty()
    }

    /// Appends every epoch of `other` (a continued run) after this one's.
    pub fn extend(&mut self, other: &History) {
        for (row, &epoch) in other.epochs.iter().enumerate() {
            let mut logs = Logs::default();
            for (key, values) in other.keys.iter().zip(&other.values) {
                if let Some(&v) = values.get(row) {
                    logs.set(key, v);
                }
            }
            self.push(epoch, &logs);
        }
        self.interrupted = other.interrupted;
    }

    /// Reads what [`History::to_csv`] wrote.
    pub fn from_csv(text: &str) -> crate::Result<History> {
        let bad = |reason: String| crate::Error::invalid("history", "CSV", reason);
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
        let mut records = reader.records();
        let header = match records.next() {
            Some(Ok(header)) => header,
            Some(Err(e)) => return Err(bad(format!("has a bad header: {e}"))),
            None => return Err(bad("is empty".into())),
        };
        if header.get(0) != Some("epoch") {
            return Err(bad("must start with an `epoch` column".into()));
        }
        let mut history = History::default();
        for (n, record) in records.enumerate() {
            let line = n + 2;
            let cells = record.map_err(|e| bad(format!("line {line}: {e}")))?;
            if cells.len() != header.len() {
                return Err(bad(format!("line {line} has {} fields, the header {}", cells.len(), header.len())));
            }
            let epoch = cells[0].parse().map_err(|_| bad(format!("line {line}: bad epoch {:?}", &cells[0])))?;
            let mut logs = Logs::default();
            for (key, cell) in header.iter().zip(cells.iter()).skip(1) {
                if !cell.is_empty() {
                    let v = cell.parse().map_err(|_| bad(format!("line {line}: bad value {cell:?}")))?;
                    logs.set(key, v);
                }
            }
            history.push(epoch, &logs);
        }
        Ok(history)
    }

    /// The history as CSV (through the `csv` crate): a header `epoch,<keys…>`, then one row
    /// per epoch; a value missing for an epoch is an empty field.
    pub fn to_csv(&self) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let header = std::iter::once("epoch").chain(self.keys.iter().map(String::as_str));
        // Writing into a Vec cannot fail.
        let _ = writer.write_record(header);
        for (row, epoch) in self.epochs.iter().enumerate() {
            let values = self.values.iter().map(|v| v.get(row).map_or_else(String::new, f32::to_string));
            let _ = writer.write_record(std::iter::once(epoch.to_string()).chain(values));
        }
        String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}
