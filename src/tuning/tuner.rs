//! [`Tuner`]: a study's settings, set one by one, checked, or read back from a study folder
//! to resume it. The search itself is in `search.rs`, a trial's training in `worker.rs`.

use std::path::{Path, PathBuf};

use super::Direction;
use super::evaluate::Resampling;
use super::journal::{Event, Journal, StudySettings};
use super::pruner::PrunerKind;
use super::sampler::SamplerKind;
use super::space::SearchSpace;
use super::study::Study;
use super::trial::Trial;
use crate::callbacks::StopFlag;
use crate::error::{Error, Result};
use crate::tabular::TabularSpec;

/// Trials per batch by default when proposals or pruning use earlier results.
pub const DEFAULT_BATCH: usize = 4;

/// Called after every finished trial with the trial and the study so far.
pub type TrialCallback<'a> = Box<dyn FnMut(&Trial, &Study) + 'a>;

/// A hyperparameter search over [`TabularSpec`] settings.
///
/// `Tuner::new(space).objective("val_loss").max_trials(50).cv(5).workers(2).seed(0)
/// .search(&table, "y")?` gives a [`Study`].
pub struct Tuner<'a> {
    pub(super) settings: StudySettings,
    pub(super) direction_set: bool,
    pub(super) seed_set: bool,
    pub(super) workers: usize,
    pub(super) dir: Option<PathBuf>,
    pub(super) prior: Vec<Event>,
    pub(super) resuming: bool,
    pub(super) stop: Option<StopFlag>,
    pub(super) on_trial: Option<TrialCallback<'a>>,
    pub(super) ranks: Option<std::rc::Rc<dyn crate::model::Exchange>>,
}

impl<'a> Tuner<'a> {
    /// A tuner of `space` over `kerust train`'s default settings: TPE, no pruner, objective
    /// `val_loss` (minimised), 50 trials, the validation split, one worker, a random seed.
    pub fn new(space: SearchSpace) -> Tuner<'a> {
        Tuner {
            settings: StudySettings {
                space,
                sampler: SamplerKind::Tpe,
                pruner: PrunerKind::None,
                objective: "val_loss".into(),
                direction: Direction::Minimize,
                seed: 0,
                trials: 50,
                batch: DEFAULT_BATCH,
                resampling: Resampling::default(),
                base: TabularSpec::default(),
                target: String::new(),
                data: String::new(),
                data_hash: None,
            },
            direction_set: false,
            seed_set: false,
            workers: 1,
            dir: None,
            prior: Vec::new(),
            resuming: false,
            stop: None,
            on_trial: None,
            ranks: None,
        }
    }

    /// Continues the study in folder `dir` with its own settings: finished trials are kept, a
    /// trial that was running when the study died runs once more (twice: it is marked failed).
    pub fn resume(dir: impl AsRef<Path>) -> Result<Tuner<'a>> {
        let dir = dir.as_ref();
        let (_, settings, prior) = Journal::open(dir)?;
        let mut tuner = Tuner::new(settings.space.clone());
        tuner.settings = settings;
        tuner.direction_set = true;
        tuner.seed_set = true;
        tuner.prior = prior;
        tuner.resuming = true;
        tuner.dir = Some(dir.to_path_buf());
        Ok(tuner)
    }

    /// The settings every trial starts from (the space changes some of them).
    pub fn base(mut self, spec: TabularSpec) -> Self {
        self.settings.base = spec;
        self
    }
    /// The History key to score (`val_loss`, `val_mean_absolute_error`, `val_accuracy`, ...);
    /// the direction follows the key unless set.
    pub fn objective(mut self, key: &str) -> Self {
        self.settings.objective = key.to_string();
        self
    }
    /// Whether lower or higher objective values are better.
    pub fn direction(mut self, direction: Direction) -> Self {
        self.settings.direction = direction;
        self.direction_set = true;
        self
    }
    /// How parameters are chosen.
    pub fn sampler(mut self, sampler: SamplerKind) -> Self {
        self.settings.sampler = sampler;
        self
    }
    /// How trials are stopped early.
    pub fn pruner(mut self, pruner: PrunerKind) -> Self {
        self.settings.pruner = pruner;
        self
    }
    /// Trials to run (grid search stops at the end of its grid).
    pub fn max_trials(mut self, trials: usize) -> Self {
        self.settings.trials = trials;
        self
    }
    /// k-fold cross-validation over the training rows instead of the validation split.
    pub fn cv(mut self, k: usize) -> Self {
        self.settings.resampling.cv = Some(k);
        self
    }
    /// Seeds per fold: each trial reports the mean ± std over them.
    pub fn repeats(mut self, repeats: usize) -> Self {
        self.settings.resampling.repeats = repeats;
        self
    }
    /// Spreads the trials over processes (MPI ranks; every rank runs the same search, see
    /// `tuning::ranks`): the study is the one a single process runs, and only rank 0 writes
    /// the study folder.
    pub fn ranks(mut self, ranks: std::rc::Rc<dyn crate::model::Exchange>) -> Self {
        self.ranks = Some(ranks);
        self
    }
    /// Worker threads (trials in parallel); results do not depend on it.
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = workers;
        self
    }
    /// The study seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.settings.seed = seed;
        self.seed_set = true;
        self
    }
    /// Trials per batch (default 4) when TPE or a pruner uses earlier results; results depend
    /// on it, unlike on `workers`.
    pub fn batch(mut self, batch: usize) -> Self {
        self.settings.batch = batch;
        self
    }
    /// The study folder: the journal, `trials.csv` and `summary.txt` are kept there as trials
    /// finish, so the study can be resumed.
    pub fn folder(mut self, dir: impl AsRef<Path>) -> Self {
        self.dir = Some(dir.as_ref().to_path_buf());
        self
    }
    /// Stops the study after the running trials' current batch (they run again on resume).
    pub fn stop_flag(mut self, flag: StopFlag) -> Self {
        self.stop = Some(flag);
        self
    }
    /// Called on the calling thread after every finished trial (progress output).
    pub fn on_trial(mut self, callback: impl FnMut(&Trial, &Study) + 'a) -> Self {
        self.on_trial = Some(Box::new(callback));
        self
    }
    /// Where the data came from and its hash, recorded for `--resume`.
    pub fn data_source(mut self, source: &str, hash: Option<String>) -> Self {
        self.settings.data = source.to_string();
        self.settings.data_hash = hash;
        self
    }

    /// The settings as they stand (a resumed study's own).
    pub fn settings(&self) -> &StudySettings {
        &self.settings
    }

    /// Checks the settings that need no data.
    pub fn validate(&self) -> Result<()> {
        let s = &self.settings;
        if s.trials == 0 {
            return Err(Error::invalid("trials", 0, "must be at least 1"));
        }
        if self.workers == 0 {
            return Err(Error::invalid("workers", 0, "must be at least 1"));
        }
        if s.batch == 0 {
            return Err(Error::invalid("batch", 0, "must be at least 1"));
        }
        if s.resampling.repeats == 0 {
            return Err(Error::invalid("repeats", 0, "must be at least 1"));
        }
        if let Some(k) = s.resampling.cv
            && k < 2
        {
            return Err(Error::invalid("cv", k, "must be at least 2 (folds)"));
        }
        if s.resampling.cv.is_none() && s.base.validation_split == 0.0 && s.objective.starts_with("val_") {
            return Err(Error::invalid(
                "validation_split",
                0,
                format!("must be above 0 for the objective {:?}; or use cross-validation (cv)", s.objective),
            ));
        }
        s.base.validate()?;
        s.space.validate(&s.base)?;
        Ok(())
    }
}
