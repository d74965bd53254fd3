//! What a worker thread does with a trial: apply its parameters, train each fit of the plan
//! (folds × repeats) with its own seed, and turn the curves into a [`Trial`].

use std::collections::BTreeMap;
use std::time::Instant;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::evaluate::{Plan, Watch, best_of, derive_seed, fit_one};
use super::journal::StudySettings;
use super::pruner::{PruneView, PrunerKind};
use super::sampler::Sampler;
use super::space::{Params, apply};
use super::trial::{Trial, TrialState, mean_std};
use crate::callbacks::StopFlag;
use crate::error::Error;
use crate::tabular::rows::Prepared;

/// Salt of the sampling streams (apart from the fits' seeds).
const SAMPLE_STREAM: u64 = 0x005A_4D50_4C45;

/// The first trial of the batch holding trial `number`.
pub(crate) fn batch_start(number: usize, batch: usize) -> usize {
    if batch == usize::MAX { 0 } else { number / batch * batch }
}

pub(crate) struct Job {
    pub(crate) number: usize,
    pub(crate) params: Params,
    pub(crate) view: Option<PruneView>,
}

pub(crate) enum Outcome {
    Finished(Trial),
    /// Stopped by the user: not recorded, runs again on resume.
    Interrupted,
    /// A mistake in the settings that every trial would hit.
    Fatal(Error),
}

/// What workers share.
pub(crate) struct Context<'s, 'd> {
    pub(crate) settings: &'s StudySettings,
    pub(crate) data: &'s Prepared<'d>,
    pub(crate) plan: &'s Plan,
    pub(crate) stop: Option<StopFlag>,
}

impl Context<'_, '_> {
    pub(crate) fn propose(&self, sampler: &Sampler, number: usize, finished: &BTreeMap<usize, Trial>) -> Params {
        let batch = if sampler.kind.uses_results() || self.settings.pruner != PrunerKind::None {
            self.settings.batch
        } else {
            usize::MAX
        };
        let seen: Vec<&Trial> = finished.range(..batch_start(number, batch)).map(|(_, t)| t).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(&[self.settings.seed, SAMPLE_STREAM, number as u64]));
        sampler.propose(&self.settings.space, number, &seen, self.settings.direction, &mut rng)
    }

    /// A rough cost of training `params` (multiply-adds plus a per-step overhead), to start
    /// the longest trials first.
    pub(crate) fn cost(&self, params: &Params) -> f64 {
        let Ok(spec) = apply(&self.settings.base, params) else { return 0.0 };
        let rows = self.plan.train.len() as f64;
        let mut widths = vec![self.data.table().n_cols().max(1)];
        widths.extend(&spec.layers);
        widths.push(1);
        let macs: usize = widths.windows(2).map(|w| w[0] * w[1]).sum();
        let steps = (rows / spec.batch_size.max(1) as f64).ceil();
        (spec.epochs * self.plan.fits()) as f64 * (rows * macs as f64 + steps * 20_000.0)
    }

    pub(crate) fn run(&self, job: Job) -> Outcome {
        let clock = Instant::now();
        let s = self.settings;
        let spec = match apply(&s.base, &job.params).and_then(|spec| spec.validate().map(|_| spec)) {
            Ok(spec) => spec,
            Err(e) => return Outcome::Finished(Trial::failed(job.number, job.params, e.to_string())),
        };
        let (mut values, mut intermediate, mut epochs, mut pruned) = (Vec::new(), Vec::new(), 0, false);
        let mut note = None;
        for index in 0..self.plan.fits() {
            let seed = derive_seed(&[s.seed, job.number as u64, index as u64]);
            let view = if index == 0 { job.view.clone() } else { None };
            let watch = Watch { key: Some(&s.objective), prune: view, stop: self.stop.clone() };
            let outcome = fit_one(self.data, &spec, self.plan, index, seed, watch);
            let outcome = match outcome {
                Ok(o) => o,
                Err(e @ Error::UnknownMonitor { .. }) => return Outcome::Fatal(e),
                Err(e) => return Outcome::Finished(Trial::failed(job.number, job.params, e.to_string())),
            };
            if outcome.fit.history.interrupted() {
                return Outcome::Interrupted;
            }
            epochs += outcome.fit.history.len();
            if outcome.fit.history.diverged() {
                note = Some("the training loss diverged (NaN or infinite)".to_string());
            }
            if index == 0 {
                intermediate = outcome.curve.clone();
            }
            let Some(best) = best_of(&outcome.curve, s.direction) else {
                let reason = format!("{} was NaN at every epoch (the training diverged)", s.objective);
                return Outcome::Finished(Trial::failed(job.number, job.params, reason));
            };
            values.push(best);
            if outcome.pruned {
                pruned = true;
                note = Some(format!("pruned after epoch {}", outcome.curve.len()));
                break;
            }
        }
        let (mean, std) = mean_std(&values);
        let state = if pruned { TrialState::Pruned } else { TrialState::Complete };
        Outcome::Finished(Trial {
            number: job.number,
            params: job.params,
            state,
            value: Some(mean),
            std: Some(std),
            values,
            epochs,
            intermediate,
            seconds: clock.elapsed().as_secs_f64(),
            note,
        })
    }
}
