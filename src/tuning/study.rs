//! [`Study`]: a search's settings and trials, the best one, and its tables (`trials.csv`,
//! KerasTuner's `results_summary`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::journal::StudySettings;
use super::space::{Params, Value, apply};
use super::trial::{self, Trial};
use crate::error::Result;
use crate::io::write_atomic;
use crate::tabular::TabularSpec;

/// The trials file of a study folder.
pub const TRIALS_FILE: &str = "trials.csv";
/// The summary file of a study folder.
pub const SUMMARY_FILE: &str = "summary.txt";

/// The outcome of a search (or of the part of it run before a stop).
#[derive(Debug, Clone)]
pub struct Study {
    pub(crate) settings: StudySettings,
    pub(crate) trials: Vec<Trial>,
    pub(crate) interrupted: bool,
    pub(crate) dir: Option<PathBuf>,
}

impl Study {
    /// The study's settings (what its journal's first line holds).
    pub fn settings(&self) -> &StudySettings {
        &self.settings
    }

    /// Every finished trial, by number.
    pub fn trials(&self) -> &[Trial] {
        &self.trials
    }

    /// The complete trial with the best objective (the lowest number among equals).
    pub fn best(&self) -> Option<&Trial> {
        trial::best(&self.trials, self.settings.direction)
    }

    /// The best trial's settings as a spec (its parameters applied to the base settings, the
    /// study seed as seed): what `best/` is trained with.
    pub fn best_spec(&self) -> Option<TabularSpec> {
        let best = self.best()?;
        let spec = apply(&self.settings.base, &best.params).ok()?;
        Some(TabularSpec { seed: Some(self.settings.seed), ..spec })
    }

    /// Whether the study was stopped (Ctrl-C) before its last trial.
    pub fn interrupted(&self) -> bool {
        self.interrupted
    }

    /// The study folder, when it has one.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Epochs trained over all trials.
    pub fn total_epochs(&self) -> usize {
        self.trials.iter().map(|t| t.epochs).sum()
    }

    /// KerasTuner's `results_summary()`: the 10 best trials, their hyperparameters and score.
    pub fn results_summary(&self) -> String {
        self.results_summary_of(10)
    }

    /// KerasTuner's `results_summary(num_trials)` layout: the `num_trials` best trials,
    /// their hyperparameters and score.
    pub fn results_summary_of(&self, num_trials: usize) -> String {
        let s = &self.settings;
        let mut out = String::from("Results summary\n");
        if let Some(dir) = &self.dir {
            let _ = writeln!(out, "Results in {}", dir.display());
        }
        let _ = writeln!(out, "Showing {num_trials} best trials");
        let _ = writeln!(out, "Objective(name=\"{}\", direction=\"{}\")", s.objective, s.direction);
        let mut ranked: Vec<&Trial> = self.trials.iter().filter(|t| t.complete_value().is_some()).collect();
        ranked.sort_by(|a, b| {
            let (x, y) = (a.value.unwrap_or(f64::NAN), b.value.unwrap_or(f64::NAN));
            let o = x.total_cmp(&y);
            let o = if s.direction == super::Direction::Maximize { o.reverse() } else { o };
            o.then(a.number.cmp(&b.number))
        });
        for t in ranked.into_iter().take(num_trials) {
            let _ = writeln!(out, "\nTrial {:02} summary\nHyperparameters:", t.number);
            for (name, value) in shown(&t.params) {
                let _ = writeln!(out, "{name}: {value}");
            }
            match t.std {
                Some(std) if t.values.len() > 1 => {
                    let _ = writeln!(out, "Score: {} (± {std}, {} fits)", t.value.unwrap_or(f64::NAN), t.values.len());
                }
                _ => {
                    let _ = writeln!(out, "Score: {}", t.value.unwrap_or(f64::NAN));
                }
            }
        }
        let (complete, pruned, failed) = self.counts();
        let _ = writeln!(
            out,
            "\n{complete} complete, {pruned} pruned, {failed} failed trials; {} epochs",
            self.total_epochs()
        );
        out
    }

    /// Trials that completed, were pruned, failed.
    pub fn counts(&self) -> (usize, usize, usize) {
        use super::trial::TrialState::*;
        let n = |s| self.trials.iter().filter(|t| t.state == s).count();
        (n(Complete), n(Pruned), n(Failed))
    }

    /// `trials.csv`: a row per trial — number, every parameter (a layer width beyond
    /// `num_layers` left empty), objective mean and std, epochs run, seconds, state.
    pub fn trials_csv(&self) -> String {
        let names: Vec<&String> = self.settings.space.params.keys().collect();
        let mut out = String::from("number");
        for name in &names {
            let _ = write!(out, ",{name}");
        }
        out.push_str(",objective_mean,objective_std,epochs,seconds,state\n");
        for t in &self.trials {
            let shown = shown(&t.params);
            let _ = write!(out, "{}", t.number);
            for name in &names {
                let cell = shown.iter().find(|(n, _)| n == *name).map(|(_, v)| csv_cell(v)).unwrap_or_default();
                let _ = write!(out, ",{cell}");
            }
            let num = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
            let _ = writeln!(out, ",{},{},{},{:.3},{}", num(t.value), num(t.std), t.epochs, t.seconds, t.state);
        }
        out
    }

    /// Writes `trials.csv` and `summary.txt` into the study folder (atomically).
    pub(crate) fn write_tables(&self) -> Result<()> {
        let Some(dir) = &self.dir else { return Ok(()) };
        write_atomic(&dir.join(TRIALS_FILE), self.trials_csv().as_bytes())?;
        write_atomic(&dir.join(SUMMARY_FILE), self.results_summary().as_bytes())
    }
}

/// The parameters that take effect: widths of layers beyond `num_layers` are left out.
pub fn shown(params: &Params) -> Vec<(String, Value)> {
    let layers = params.get("num_layers").and_then(Value::as_i64);
    params
        .iter()
        .filter(|(name, _)| {
            let layer = name.strip_prefix("units_").and_then(|i| i.parse::<i64>().ok());
            !matches!((layer, layers), (Some(i), Some(n)) if i >= n)
        })
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect()
}

fn csv_cell(v: &Value) -> String {
    let text = v.to_string();
    if text.contains([',', '"', '\n']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}
