//! One trial of a study: its parameters, how it ended and what it scored.

use serde::{Deserialize, Serialize};

use super::Direction;
use super::space::Params;
use crate::names::named;

/// How a trial ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrialState {
    /// Trained to the end; its objective counts.
    Complete,
    /// Stopped early by the pruner; its objective is the best value it reached.
    Pruned,
    /// Its settings could not train (e.g. the loss became NaN), or it was running twice when
    /// the study died; it never counts as best.
    Failed,
}

named!(TrialState, "trial state", Complete = "complete", Pruned = "pruned", Failed = "failed");

/// A finished trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    /// 0-based; it fixes the trial's seeds and, for grid search, its point.
    pub number: usize,
    /// The point of the space it tried.
    pub params: Params,
    /// How it ended.
    pub state: TrialState,
    /// The objective: the mean over its evaluations (folds × repeats) of each one's best
    /// epoch. `None` when it failed.
    pub value: Option<f64>,
    /// Standard deviation (ddof = 0, as scikit-learn's `std_test_score`) over evaluations.
    pub std: Option<f64>,
    /// The objective of each evaluation, fold-major (fold 0's repeats first).
    #[serde(with = "nan_as_null")]
    pub values: Vec<f64>,
    /// Epochs trained, summed over its evaluations.
    pub epochs: usize,
    /// The objective after every epoch of its first evaluation: what the pruner saw.
    #[serde(with = "nan_as_null")]
    pub intermediate: Vec<f64>,
    /// Wall seconds it took.
    pub seconds: f64,
    /// Why it failed (or was pruned), in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Trial {
    /// A failed trial with `reason`.
    pub(crate) fn failed(number: usize, params: Params, reason: String) -> Trial {
        Trial {
            number,
            params,
            state: TrialState::Failed,
            value: None,
            std: None,
            values: Vec::new(),
            epochs: 0,
            intermediate: Vec::new(),
            seconds: 0.0,
            note: Some(reason),
        }
    }

    /// Its objective if it is complete (only complete trials compete for best).
    pub fn complete_value(&self) -> Option<f64> {
        (self.state == TrialState::Complete).then_some(self.value).flatten()
    }
}

/// The best complete trial of `trials` (the lowest number among equals).
pub(crate) fn best<'a>(trials: impl IntoIterator<Item = &'a Trial>, direction: Direction) -> Option<&'a Trial> {
    let mut best: Option<(&Trial, f64)> = None;
    for trial in trials {
        let Some(v) = trial.complete_value() else { continue };
        let better = match best {
            None => true,
            Some((b, bv)) => direction.better(v, bv) || (v == bv && trial.number < b.number),
        };
        if better {
            best = Some((trial, v));
        }
    }
    best.map(|(t, _)| t)
}

/// Mean and standard deviation (ddof = 0).
pub(crate) fn mean_std(values: &[f64]) -> (f64, f64) {
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// JSON has no NaN: a diverged epoch's value is written as `null` and read back as NaN.
mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn serialize<S: Serializer>(values: &[f64], s: S) -> Result<S::Ok, S::Error> {
        let v: Vec<Option<f64>> = values.iter().map(|&x| x.is_finite().then_some(x)).collect();
        v.serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        let v: Vec<Option<f64>> = Vec::deserialize(d)?;
        Ok(v.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect())
    }
}
