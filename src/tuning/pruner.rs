//! Pruners: stop a trial whose learning curve already looks worse than earlier trials', after
//! any epoch (through a callback). They only compare with trials of earlier batches, so a
//! decision never depends on which trials happened to finish first.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::Direction;
use super::trial::{Trial, TrialState};
use crate::callbacks::{Callback, TrainContext};
use crate::error::{Error, Result};
use crate::model::Logs;
use crate::names::named;

/// Which pruner a study uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PrunerKind {
    /// Every trial trains to the end.
    #[default]
    None,
    /// Optuna's `MedianPruner` defaults: after 5 complete trials, stop a trial whose best value
    /// so far is worse than the median of the complete trials' values at the same epoch.
    Median,
    /// Optuna's `SuccessiveHalvingPruner` defaults (reduction factor 3, minimum resource
    /// from the first complete trial's length / 100): at epochs r, 3r, 9r, ... only the best
    /// third of the trials that reached that epoch go on.
    Halving,
}

named!(PrunerKind, "pruner", None = "none", Median = "median", Halving = "halving" | "successive_halving");

/// MedianPruner's settings (Optuna's defaults).
pub const MEDIAN_STARTUP_TRIALS: usize = 5;
/// Successive halving's reduction factor.
pub const HALVING_FACTOR: usize = 3;

/// What a pruner knows while a trial trains: the earlier batches' trials.
#[derive(Clone)]
pub(crate) struct PruneView {
    pub(crate) kind: PrunerKind,
    pub(crate) direction: Direction,
    pub(crate) earlier: Arc<Vec<Trial>>,
}

impl PruneView {
    /// Whether to stop a trial whose objective per epoch so far is `own`.
    pub(crate) fn should_prune(&self, own: &[f64]) -> bool {
        let Some(&last) = own.last() else { return false };
        let step = own.len() - 1;
        match self.kind {
            PrunerKind::None => false,
            PrunerKind::Median => {
                let complete: Vec<&Trial> = self.earlier.iter().filter(|t| t.state == TrialState::Complete).collect();
                if complete.len() < MEDIAN_STARTUP_TRIALS {
                    return false;
                }
                let best = own.iter().copied().reduce(|a, b| if self.direction.better(b, a) { b } else { a });
                let best = best.unwrap_or(last);
                if best.is_nan() {
                    return true;
                }
                let mut at_step: Vec<f64> =
                    complete.iter().filter_map(|t| t.intermediate.get(step).copied()).filter(|v| !v.is_nan()).collect();
                if at_step.is_empty() {
                    return false;
                }
                at_step.sort_by(f64::total_cmp);
                let median = percentile(&at_step, 50.0);
                self.direction.better(median, best)
            }
            PrunerKind::Halving => {
                let Some(first) =
                    self.earlier.iter().filter(|t| t.state == TrialState::Complete).min_by_key(|t| t.number)
                else {
                    return false;
                };
                let min_resource = (first.intermediate.len() / 100).max(1);
                let mut rung_step = min_resource;
                while rung_step < step {
                    rung_step *= HALVING_FACTOR;
                }
                if rung_step != step {
                    return false; // not at a rung
                }
                if last.is_nan() {
                    return true;
                }
                let mut competing: Vec<f64> =
                    self.earlier.iter().filter_map(|t| t.intermediate.get(step).copied()).collect();
                competing.push(last);
                competing.sort_by(|a, b| {
                    let o = a.total_cmp(b);
                    if self.direction == Direction::Maximize { o.reverse() } else { o }
                });
                let k = (competing.len() / HALVING_FACTOR).saturating_sub(1);
                let threshold = competing[k];
                self.direction.better(threshold, last)
            }
        }
    }
}

/// numpy's `percentile` (linear interpolation) of sorted `values`.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let pos = q / 100.0 * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Records the objective after every epoch and asks the pruner whether to go on.
pub(crate) struct PruneCallback {
    pub(crate) key: Option<String>,
    pub(crate) view: Option<PruneView>,
    pub(crate) values: Vec<f64>,
    pub(crate) pruned: bool,
}

impl Callback for PruneCallback {
    fn on_epoch_end(&mut self, ctx: &mut TrainContext<'_>, _epoch: usize, logs: &mut Logs) -> Result<()> {
        let Some(key) = &self.key else { return Ok(()) };
        let Some(value) = logs.get(key) else {
            return Err(Error::UnknownMonitor {
                callback: "the tuning objective".into(),
                monitor: key.clone(),
                available: logs.keys().collect::<Vec<_>>().join(", "),
            });
        };
        self.values.push(f64::from(value));
        if self.view.as_ref().is_some_and(|v| v.should_prune(&self.values)) {
            self.pruned = true;
            ctx.stop_training();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tuning::space::Params;

    fn complete(number: usize, curve: &[f64]) -> Trial {
        let mut t = Trial::failed(number, Params::new(), String::new());
        t.state = TrialState::Complete;
        t.value = curve.iter().copied().reduce(f64::min);
        t.intermediate = curve.to_vec();
        t
    }

    #[test]
    fn median_waits_for_five_trials_then_cuts_the_worse_half() {
        let earlier: Vec<Trial> = (0..4).map(|i| complete(i, &[1.0, 0.5])).collect();
        let mut view =
            PruneView { kind: PrunerKind::Median, direction: Direction::Minimize, earlier: Arc::new(earlier) };
        assert!(!view.should_prune(&[9.0]), "4 complete trials: too few");
        let mut earlier: Vec<Trial> = (0..4).map(|i| complete(i, &[1.0, 0.5])).collect();
        earlier.push(complete(4, &[3.0, 2.0]));
        view.earlier = Arc::new(earlier);
        assert!(view.should_prune(&[1.5]), "1.5 is worse than the median 1.0");
        assert!(!view.should_prune(&[1.0]), "equal to the median goes on");
        assert!(!view.should_prune(&[2.0, 0.4]), "the best value so far counts");
        view.direction = Direction::Maximize;
        assert!(!view.should_prune(&[1.5]));
    }

    #[test]
    fn halving_keeps_the_best_third_at_each_rung() {
        let earlier: Vec<Trial> = (0..5).map(|i| complete(i, &[1.0, 1.0 + i as f64, 1.0, 1.0])).collect();
        let view = PruneView { kind: PrunerKind::Halving, direction: Direction::Minimize, earlier: Arc::new(earlier) };
        assert!(!view.should_prune(&[5.0]), "epoch 0 is no rung");
        // At step 1 the competitors are 1, 2, 3, 4, 5 and the own value: the best 6/3 = 2 go on.
        assert!(!view.should_prune(&[0.0, 1.5]));
        assert!(view.should_prune(&[0.0, 2.5]));
        assert!(!view.should_prune(&[0.0, 9.0, 9.0]), "epoch 2 is no rung");
    }

    #[test]
    fn percentile_interpolates_like_numpy() {
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 50.0), 2.5);
        assert_eq!(percentile(&[1.0, 2.0, 3.0], 50.0), 2.0);
    }
}
