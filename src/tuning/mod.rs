//! Model tuning: choosing the setting that minimises the validation error, reproducibly.
//!
//! A [`SearchSpace`] names the [`TabularSpec`](crate::tabular::TabularSpec) fields to vary
//! (`Int`, `Float` linear or log, `Choice`, `Bool`). A [`Tuner`] samples points of it (grid,
//! random or TPE), trains each on the same test split — scored on the validation split, or by
//! k-fold cross-validation, over one or more seeds — and may prune weak trials after any epoch
//! (median or successive halving). Trial i's parameters and seeds derive from the study seed
//! and i, and TPE and the pruners only look at earlier batches of trials: the same seed gives
//! the same trials with one worker or eight.
//!
//! ```
//! use kerust::prelude::*;
//! use kerust::tuning::{Param, SamplerKind, SearchSpace, Tuner};
//!
//! let table = datasets::load("iris")?;
//! let space = SearchSpace::new()
//!     .with("units", Param::choice([8i64, 32]))
//!     .with("learning_rate", Param::log_float(1e-3, 1e-1));
//! let base = TabularSpec { epochs: 10, ..TabularSpec::default() };
//! let study = Tuner::new(space).base(base).sampler(SamplerKind::Random).max_trials(4).seed(0)
//!     .search(&table, "species")?;
//! assert_eq!(study.trials().len(), 4);
//! let best = study.best().expect("a complete trial");
//! assert!(best.value.unwrap() < 1.5, "val_loss {:?}", best.value);
//! println!("{}", study.results_summary_of(3));
//! let spec = study.best_spec().unwrap(); // the base with the best parameters, ready to fit
//! assert!(spec.layers.iter().all(|&u| u == 8 || u == 32));
//! # Ok::<(), kerust::Error>(())
//! ```
//!
//! Without a tuner, the same settings over several seeds or folds (what `kerust train
//! --repeats N` / `--cv K` run): [`resample`] gives every fit with its learning curve and
//! held-out metrics, [`summarize`] their mean ± std.

mod apply;
mod evaluate;
mod journal;
mod pruner;
mod ranks;
mod sampler;
mod search;
mod space;
mod study;
mod tpe;
mod trial;
mod tuner;
mod value;
mod worker;

use serde::{Deserialize, Serialize};

pub use evaluate::{Fit, Resampling, curve_band, cv_folds, derive_seed, resample, summarize, training_rows};
pub use journal::{Event, JOURNAL_FILE, JOURNAL_VERSION, StudySettings};
pub use pruner::{HALVING_FACTOR, MEDIAN_STARTUP_TRIALS, PrunerKind};
pub use sampler::SamplerKind;
pub use space::{MAX_LAYER_PARAMS, Param, Params, SearchSpace, TUNABLE, Value, apply};
pub use study::{SUMMARY_FILE, Study, TRIALS_FILE, shown};
pub use tpe::{TpeConfig, default_weights, gamma};
pub use trial::{Trial, TrialState};
pub use tuner::{DEFAULT_BATCH, TrialCallback, Tuner};

use crate::metrics::Metric;
use crate::names::named;

/// Whether the objective is minimised or maximised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    /// Lower is better (losses, errors).
    #[serde(rename = "min", alias = "minimize")]
    Minimize,
    /// Higher is better (accuracy, R²).
    #[serde(rename = "max", alias = "maximize")]
    Maximize,
}

named!(Direction, "direction", Minimize = "min" | "minimize", Maximize = "max" | "maximize");

impl Direction {
    /// The direction of a History key: losses and errors down, accuracy and R² up.
    pub fn for_key(key: &str) -> Direction {
        let name = key.strip_prefix("val_").unwrap_or(key);
        match name.parse::<Metric>() {
            Ok(metric) if metric.higher_is_better() => Direction::Maximize,
            _ => Direction::Minimize,
        }
    }

    /// Whether `a` is strictly better than `b`.
    pub fn better(self, a: f64, b: f64) -> bool {
        match self {
            Direction::Minimize => a < b,
            Direction::Maximize => a > b,
        }
    }
}
