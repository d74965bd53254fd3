//! The study's journal, `journal.jsonl`: the settings on the first line, then an event per
//! line (a trial started, finished, or was stopped by the user). Each line is one `write` on a
//! file opened for appending (a finished trial's also fsynced), so a kill leaves every earlier
//! line whole; a torn last line is dropped when the journal is read back.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Direction;
use super::evaluate::Resampling;
use super::pruner::PrunerKind;
use super::sampler::SamplerKind;
use super::space::{Params, SearchSpace};
use super::trial::Trial;
use crate::error::{Error, Result};
use crate::io::write_atomic;
use crate::tabular::TabularSpec;

/// The journal's file name inside a study folder.
pub const JOURNAL_FILE: &str = "journal.jsonl";
/// The version of the journal format this build writes and reads.
pub const JOURNAL_VERSION: u32 = 1;

/// Everything that defines a study: resuming it needs nothing else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudySettings {
    /// The parameters searched.
    pub space: SearchSpace,
    /// How parameters are chosen.
    pub sampler: SamplerKind,
    /// How trials are stopped early.
    pub pruner: PrunerKind,
    /// The History key scored (`val_loss` by default).
    pub objective: String,
    /// Whether lower or higher objective values are better.
    pub direction: Direction,
    /// The study seed: the test split, and every trial's seeds with its number.
    pub seed: u64,
    /// Trials to run in all.
    pub trials: usize,
    /// Trials per batch: a TPE proposal or a pruning decision sees only earlier batches.
    pub batch: usize,
    /// Validation split or k folds, and seeds per fold.
    pub resampling: Resampling,
    /// The settings the space varies.
    pub base: TabularSpec,
    /// The target column.
    pub target: String,
    /// Where the data came from (a path, or `dataset:NAME`), for `--resume`.
    pub data: String,
    /// A hash of the data (the CLI's SHA-256 of the CSV), checked on resume.
    #[serde(default)]
    pub data_hash: Option<String>,
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "lowercase")]
pub enum Event {
    /// The first line.
    Study {
        /// Format version.
        version: u32,
        /// The study's settings.
        settings: Box<StudySettings>,
    },
    /// A trial began (a trial started twice without finishing is marked failed).
    Start {
        /// Its number.
        number: usize,
        /// Its parameters.
        params: Params,
    },
    /// A trial finished (complete, pruned or failed).
    Trial {
        /// The finished trial.
        trial: Box<Trial>,
    },
    /// The user stopped the study while this trial ran (Ctrl-C): it will run again on resume,
    /// and this start does not count as an attempt.
    Stop {
        /// Its number.
        number: usize,
    },
}

/// A journal opened for appending.
pub(crate) struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    /// Starts a new journal in `dir` with `settings`.
    pub(crate) fn create(dir: &Path, settings: &StudySettings) -> Result<Journal> {
        let path = dir.join(JOURNAL_FILE);
        let header = Event::Study { version: JOURNAL_VERSION, settings: Box::new(settings.clone()) };
        write_atomic(&path, line(&header)?.as_bytes())?;
        Journal::append_to(path)
    }

    /// Reads the journal of `dir` back: settings and events. A torn last line (a kill during
    /// a write) is dropped, and the file rewritten without it.
    pub(crate) fn open(dir: &Path) -> Result<(Journal, StudySettings, Vec<Event>)> {
        let path = dir.join(JOURNAL_FILE);
        let not_study = |reason: String| Error::Study { path: dir.to_path_buf(), reason };
        if !dir.is_dir() {
            return Err(not_study("is not a folder; --resume takes the folder a `kerust tune` run wrote".into()));
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|_| not_study(format!("has no readable {JOURNAL_FILE}; it is not a study folder")))?;
        let mut events = Vec::new();
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let mut torn = false;
        for (i, raw) in lines.iter().enumerate() {
            match serde_json::from_str::<Event>(raw.trim_end()) {
                Ok(event) if raw.ends_with('\n') => events.push(event),
                _ if i + 1 == lines.len() && i > 0 => torn = true,
                Err(e) => return Err(not_study(format!("{JOURNAL_FILE} line {} is damaged: {e}", i + 1))),
                Ok(_) => return Err(not_study(format!("{JOURNAL_FILE} line {} is incomplete", i + 1))),
            }
        }
        let settings = match events.first() {
            Some(Event::Study { version, settings }) if *version <= JOURNAL_VERSION => (**settings).clone(),
            Some(Event::Study { version, .. }) => {
                return Err(not_study(format!(
                    "was written by a newer kerust (journal version {version}); upgrade kerust to resume it"
                )));
            }
            _ => return Err(not_study(format!("{JOURNAL_FILE} does not start with the study's settings"))),
        };
        if torn {
            let kept: String = lines[..lines.len() - 1].concat();
            write_atomic(&path, kept.as_bytes())?;
        }
        Ok((Journal::append_to(path)?, settings, events.split_off(1)))
    }

    fn append_to(path: PathBuf) -> Result<Journal> {
        let file =
            OpenOptions::new().append(true).open(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
        Ok(Journal { path, file })
    }

    /// Appends `event` as one line. A finished trial is fsynced (it survives a power cut);
    /// the other events only need to survive the process, which a written line does, and an
    /// fsync costs more than a small trial (measured: about 6 ms each here).
    pub(crate) fn append(&mut self, event: &Event) -> Result<()> {
        let io = |source| Error::Io { path: self.path.clone(), source };
        self.file.write_all(line(event)?.as_bytes()).map_err(io)?;
        if matches!(event, Event::Trial { .. }) {
            self.file.sync_data().map_err(|source| Error::Io { path: self.path.clone(), source })?;
        }
        Ok(())
    }
}

fn line(event: &Event) -> Result<String> {
    let mut text = serde_json::to_string(event)
        .map_err(|e| Error::Study { path: PathBuf::from(JOURNAL_FILE), reason: format!("cannot be written: {e}") })?;
    text.push('\n');
    Ok(text)
}
