//! Evaluating one setting: on the validation split, or over k folds of the training rows,
//! and over several seeds; each fit's objective is its best epoch (as KerasTuner scores).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::Direction;
use super::pruner::{PruneCallback, PruneView};
use crate::callbacks::StopFlag;
use crate::error::{Error, Result};
use crate::model::{FitConfig, History};
use crate::preprocessing::{KFold, StratifiedKFold};
use crate::tabular::TabularSpec;
use crate::tabular::rows::{Prepared, spec_callbacks};
use crate::tabular::{Task, scores};

/// How each setting is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Resampling {
    /// `Some(k)`: k-fold cross-validation over the training rows (scikit-learn's `KFold`, or
    /// `StratifiedKFold` for classification, `shuffle=False`); `None`: the spec's
    /// `validation_split`.
    pub cv: Option<usize>,
    /// Seeds per fold (≥ 1).
    pub repeats: usize,
}

impl Default for Resampling {
    fn default() -> Self {
        Resampling { cv: None, repeats: 1 }
    }
}

/// One fit of an evaluation.
#[derive(Debug, Clone)]
pub struct Fit {
    /// The fold (`None` under the validation split).
    pub fold: Option<usize>,
    /// The repeat (0-based).
    pub repeat: usize,
    /// The seed of its initial weights, shuffling and dropout.
    pub seed: u64,
    /// Its learning curve.
    pub history: History,
    /// The held-out rows' metrics: the fold's (cross-validation) or the test rows'.
    pub metrics: BTreeMap<String, f64>,
}

/// The seed of fit `parts` (e.g. study seed, trial, fold, repeat): SplitMix64 over the parts,
/// so nearby numbers give unrelated seeds.
pub fn derive_seed(parts: &[u64]) -> u64 {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for &p in parts {
        state ^= p;
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        state = z ^ (z >> 31);
    }
    state
}

/// The rows of one evaluation: the study's training rows, and the folds over them.
pub(crate) struct Plan {
    /// Rows that may train (the test rows left out).
    pub(crate) train: Vec<usize>,
    /// The test rows.
    pub(crate) test: Vec<usize>,
    /// `(fit rows, validation rows)` per fold, as rows of the table.
    pub(crate) folds: Option<Vec<(Vec<usize>, Vec<usize>)>>,
    pub(crate) repeats: usize,
}

impl Plan {
    /// The test split of `seed` (as `TabularSpec::fit` makes it) and the folds of `how`.
    pub(crate) fn new(data: &Prepared<'_>, spec: &TabularSpec, how: Resampling, seed: u64) -> Result<Plan> {
        if how.repeats == 0 {
            return Err(Error::invalid("repeats", 0, "must be at least 1"));
        }
        let (train, test) = data.test_split(spec.test_size, spec.test_selection, seed)?;
        let folds = match how.cv {
            None => None,
            Some(k) => {
                if k > train.len() {
                    return Err(Error::invalid(
                        "cv",
                        k,
                        format!("cannot be greater than the number of training rows ({})", train.len()),
                    ));
                }
                let positions = if data.task == Task::Classification {
                    let classes: Vec<usize> = train.iter().map(|&r| data.y[[r, 0]] as usize).collect();
                    StratifiedKFold::new(k).split_classes(&classes)
                } else {
                    KFold::new(k).split(train.len())
                }
                .map_err(|e| match e {
                    Error::InvalidArgument { value, rule, .. } => Error::InvalidArgument { name: "cv", value, rule },
                    e => e,
                })?;
                let rows = |p: &[usize]| p.iter().map(|&i| train[i]).collect::<Vec<_>>();
                Some(positions.iter().map(|(a, b)| (rows(a), rows(b))).collect())
            }
        };
        Ok(Plan { train, test, folds, repeats: how.repeats })
    }

    /// Fits per setting.
    pub(crate) fn fits(&self) -> usize {
        self.folds.as_ref().map_or(1, |f| f.len()) * self.repeats
    }
}

/// What one fit gives the caller, besides its history.
pub(crate) struct FitOutcome {
    pub(crate) fit: Fit,
    /// The objective per epoch, when asked for.
    pub(crate) curve: Vec<f64>,
    pub(crate) pruned: bool,
}

/// What to watch during a fit: the objective's key, the pruner, the user's stop.
#[derive(Default)]
pub(crate) struct Watch<'k> {
    pub(crate) key: Option<&'k str>,
    pub(crate) prune: Option<PruneView>,
    pub(crate) stop: Option<StopFlag>,
}

/// Fit number `index` (fold-major) of `plan` for `spec`, its seed `seed`: trains, records
/// the watched key per epoch (asking the pruner after each), and scores the held-out rows.
pub(crate) fn fit_one(
    data: &Prepared<'_>,
    spec: &TabularSpec,
    plan: &Plan,
    index: usize,
    seed: u64,
    watch: Watch<'_>,
) -> Result<FitOutcome> {
    let Watch { key, prune, stop } = watch;
    let (fold, repeat) = (index / plan.repeats, index % plan.repeats);
    let (fit_rows, val_rows) = match &plan.folds {
        Some(folds) => (&folds[fold].0, Some(&folds[fold].1)),
        None => (&plan.train, None),
    };
    let spec = TabularSpec { seed: Some(seed), ..spec.clone() };
    let (pre, x) = data.preprocess(&spec, fit_rows, &mut Vec::new())?;
    let (x_fit, y_fit) = data.select(&pre, &x, fit_rows)?;
    let (x_out, y_out) = data.select(&pre, &x, val_rows.unwrap_or(&plan.test))?;
    let mut network = data.network(&spec, &pre, seed)?;
    let recorder = Rc::new(RefCell::new(PruneCallback {
        key: key.map(str::to_string),
        view: prune,
        values: Vec::new(),
        pruned: false,
    }));
    let mut callbacks = spec_callbacks(&spec);
    callbacks.push(Box::new(recorder.clone()));
    let config = FitConfig {
        epochs: spec.epochs,
        batch_size: spec.batch_size,
        validation_split: if val_rows.is_some() { 0.0 } else { spec.validation_split },
        validation_data: val_rows.map(|_| (x_out.clone(), y_out.clone())),
        callbacks,
        stop_flag: stop,
        verbose: 0,
        class_weight: spec.class_weight.clone(),
        // The cores go to the trials (`Tuner::workers`), one thread each: a study's results
        // are then the same for every number of workers.
        threads: Some(1),
        ..Default::default()
    };
    let history = network.fit(&x_fit, &y_fit, config)?;
    let predictions = pre.answers(network.predict(&x_out)?, Vec::new());
    let metrics = scores(&y_out, &predictions).unwrap_or_default();
    let recorder = recorder.borrow();
    let fit = Fit { fold: plan.folds.as_ref().map(|_| fold), repeat, seed, history, metrics };
    Ok(FitOutcome { fit, curve: recorder.values.clone(), pruned: recorder.pruned })
}

/// The best value of `curve` in `direction` (NaN epochs skipped; `None` if all are NaN).
pub(crate) fn best_of(curve: &[f64], direction: Direction) -> Option<f64> {
    curve.iter().copied().filter(|v| !v.is_nan()).reduce(|a, b| if direction.better(b, a) { b } else { a })
}

/// Row-wise mean and ±1 std band of several learning curves of `key` (each as long as the
/// shortest).
pub fn curve_band(histories: &[&History], key: &str) -> Option<(Vec<f64>, Vec<f64>)> {
    let curves: Vec<&[f32]> = histories.iter().filter_map(|h| h.get(key)).collect();
    if curves.is_empty() || curves.len() != histories.len() {
        return None;
    }
    let len = curves.iter().map(|c| c.len()).min()?;
    let (mut mean, mut std) = (Vec::with_capacity(len), Vec::with_capacity(len));
    for e in 0..len {
        let column: Vec<f64> = curves.iter().map(|c| f64::from(c[e])).collect();
        let (m, s) = super::trial::mean_std(&column);
        mean.push(m);
        std.push(s);
    }
    Some((mean, std))
}

/// Every fit of `spec` under `how` (seed `seed` splits the test rows and seeds fit 0; the
/// others derive from it), in order: fold-major, then repeat.
pub fn resample(table: &crate::data::Table, target: &str, spec: &TabularSpec, how: Resampling) -> Result<Vec<Fit>> {
    let data = Prepared::new(table, target, spec)?;
    let seed = spec.seed.unwrap_or_else(crate::tabular::random_seed);
    let plan = Plan::new(&data, spec, how, seed)?;
    (0..plan.fits())
        .map(|i| {
            let fit_seed = if i == 0 { seed } else { derive_seed(&[seed, i as u64]) };
            fit_one(&data, spec, &plan, i, fit_seed, Watch::default()).map(|o| o.fit)
        })
        .collect()
}

/// Mean and std (ddof = 0) of each metric over `fits`.
pub fn summarize(fits: &[Fit]) -> BTreeMap<String, (f64, f64)> {
    let mut out = BTreeMap::new();
    let Some(first) = fits.first() else { return out };
    for name in first.metrics.keys() {
        let values: Vec<f64> = fits.iter().filter_map(|f| f.metrics.get(name).copied()).collect();
        out.insert(name.clone(), super::trial::mean_std(&values));
    }
    out
}

/// The `(fit rows, validation rows)` of each fold that `cv = Some(k)` uses for `spec` on
/// `table` (rows of the table, after the test rows of `spec.seed` are held out): scikit-learn's
/// `KFold(k)` over the training rows in their split order, or `StratifiedKFold(k)` for
/// classification.
pub fn cv_folds(
    table: &crate::data::Table,
    target: &str,
    spec: &TabularSpec,
    k: usize,
) -> Result<Vec<(Vec<usize>, Vec<usize>)>> {
    let data = Prepared::new(table, target, spec)?;
    let seed = spec.seed.ok_or_else(|| Error::invalid("seed", "None", "must be set to know the test split"))?;
    let plan = Plan::new(&data, spec, Resampling { cv: Some(k), repeats: 1 }, seed)?;
    let original = |rows: &[usize]| rows.iter().map(|&r| data.cleaned.original(r)).collect::<Vec<_>>();
    Ok(plan.folds.unwrap_or_default().iter().map(|(a, b)| (original(a), original(b))).collect())
}

/// The training rows (test rows held out) of `spec.seed`, in the order folds count them.
pub fn training_rows(table: &crate::data::Table, target: &str, spec: &TabularSpec) -> Result<Vec<usize>> {
    let data = Prepared::new(table, target, spec)?;
    let seed = spec.seed.ok_or_else(|| Error::invalid("seed", "None", "must be set to know the test split"))?;
    let (train, _) = data.test_split(spec.test_size, spec.test_selection, seed)?;
    Ok(train.iter().map(|&r| data.cleaned.original(r)).collect())
}
