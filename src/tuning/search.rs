//! [`Tuner::search`]: the scheduling loop. The calling thread proposes every trial's
//! parameters (in trial order, from the trials of earlier batches), writes the journal and
//! reports progress; worker threads only train.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::Direction;
use super::evaluate::Plan;
use super::journal::{Event, Journal};
use super::pruner::{PruneView, PrunerKind};
use super::sampler::Sampler;
use super::space::Params;
use super::study::Study;
use super::trial::Trial;
use super::tuner::Tuner;
use super::worker::{Context, Job, Outcome, batch_start};
use crate::callbacks::StopFlag;
use crate::data::Table;
use crate::error::{Error, Result};
use crate::tabular::Task;
use crate::tabular::rows::Prepared;

impl Tuner<'_> {
    /// Runs the search on column `target` of `table`.
    pub fn search(mut self, table: &Table, target: &str) -> Result<Study> {
        if self.resuming && target != self.settings.target {
            return Err(Error::Study {
                path: self.dir.clone().unwrap_or_default(),
                reason: format!("was tuned for target {:?}, not {target:?}", self.settings.target),
            });
        }
        self.settings.target = target.to_string();
        if !self.seed_set {
            self.settings.seed = crate::tabular::random_seed();
        }
        self.validate()?;
        let data = Prepared::new(table, target, &self.settings.base)?;
        if !self.direction_set {
            self.settings.direction = Direction::for_key(&self.settings.objective);
        }
        check_objective(&self.settings.objective, data.task)?;
        let plan = Plan::new(&data, &self.settings.base, self.settings.resampling, self.settings.seed)?;
        let sampler = Sampler::new(self.settings.sampler, &self.settings.space)?;
        let total = sampler.limit().map_or(self.settings.trials, |n| n.min(self.settings.trials));
        // Across ranks, only rank 0 writes the study folder.
        let follower = self.ranks.as_ref().is_some_and(|r| r.rank() != 0);
        let mut journal = match (&self.dir, self.resuming) {
            _ if follower => None,
            (Some(dir), true) => Some(Journal::open(dir)?.0),
            (Some(dir), false) => {
                if dir.join(super::journal::JOURNAL_FILE).exists() {
                    return Err(Error::Study {
                        path: dir.clone(),
                        reason: "already holds a study; resume it (Tuner::resume, kerust tune --resume) or choose another folder"
                            .into(),
                    });
                }
                std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.clone(), source })?;
                Some(Journal::create(dir, &self.settings)?)
            }
            (None, _) => None,
        };
        let mut study =
            Study { settings: self.settings.clone(), trials: Vec::new(), interrupted: false, dir: self.dir.clone() };
        let mut finished: BTreeMap<usize, Trial> = BTreeMap::new();
        let mut attempts: BTreeMap<usize, i64> = BTreeMap::new();
        for event in std::mem::take(&mut self.prior) {
            match event {
                Event::Trial { trial } => {
                    finished.insert(trial.number, *trial);
                }
                Event::Start { number, .. } => *attempts.entry(number).or_default() += 1,
                Event::Stop { number } => *attempts.entry(number).or_default() -= 1,
                Event::Study { .. } => {}
            }
        }
        let ctx = Context { settings: &self.settings, data: &data, plan: &plan, stop: self.stop.clone() };
        for (&number, &tries) in &attempts {
            if tries >= 2 && !finished.contains_key(&number) {
                let params = ctx.propose(&sampler, number, &finished);
                let trial = Trial::failed(number, params, "it was running when the study died, twice".into());
                if let Some(j) = journal.as_mut() {
                    j.append(&Event::Trial { trial: Box::new(trial.clone()) })?;
                }
                finished.insert(number, trial);
            }
        }
        let batch = if sampler.kind.uses_results() || self.settings.pruner != PrunerKind::None {
            self.settings.batch
        } else {
            usize::MAX
        };
        let mut pending: BTreeSet<usize> = (0..total).filter(|n| !finished.contains_key(n)).collect();
        if let Some(ranks) = self.ranks.clone().filter(|r| r.size() > 1) {
            let search = super::ranks::Search {
                sampler: &sampler,
                total,
                batch,
                pending: &mut pending,
                finished: &mut finished,
                journal: &mut journal,
                study: &mut study,
            };
            let mut on_trial = |trial: &Trial, study: &Study| {
                if let Some(callback) = self.on_trial.as_mut() {
                    callback(trial, study);
                }
            };
            super::ranks::run(&ctx, ranks.as_ref(), search, &mut on_trial)?;
            study.trials = finished.into_values().collect();
            study.interrupted = study.trials.len() < total;
            if !follower {
                study.write_tables()?;
            }
            return Ok(study);
        }
        let mut proposed: BTreeMap<usize, (Params, f64)> = BTreeMap::new();
        let workers = self.workers.min(pending.len()).max(1);
        let (job_tx, job_rx) = mpsc::channel::<Job>();
        let job_rx = Arc::new(Mutex::new(job_rx));
        let (done_tx, done_rx) = mpsc::channel::<(usize, Outcome)>();
        let mut fatal = None;
        let aborted = AtomicBool::new(false);
        std::thread::scope(|scope| -> Result<()> {
            for _ in 0..workers {
                let (rx, tx, ctx, aborted) = (job_rx.clone(), done_tx.clone(), &ctx, &aborted);
                scope.spawn(move || {
                    loop {
                        let job = match rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = job else { return };
                        let number = job.number;
                        // A job queued before the study was stopped does not start.
                        let outcome = if aborted.load(Ordering::Relaxed) { Outcome::Interrupted } else { ctx.run(job) };
                        if tx.send((number, outcome)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(done_tx);
            // Up to two jobs per worker are handed out, so a worker never waits while this
            // thread fsyncs the journal; which jobs may start is still decided by the batches.
            let in_flight = 2 * workers;
            let mut running = 0usize;
            let mut tables_written = Instant::now();
            let mut stopping = false;
            loop {
                while !stopping && running < in_flight {
                    // The trials that may start: those whose earlier batches have all finished.
                    // Their parameters are fixed by then; of them the costliest goes first
                    // (fewer idle workers at the end), which changes when, never what.
                    let frontier = (0..total).find(|n| !finished.contains_key(n)).unwrap_or(total);
                    let ready: Vec<usize> =
                        pending.iter().copied().take_while(|&n| batch_start(n, batch) <= frontier).collect();
                    for &n in &ready {
                        proposed.entry(n).or_insert_with(|| {
                            let params = ctx.propose(&sampler, n, &finished);
                            let cost = ctx.cost(&params);
                            (params, cost)
                        });
                    }
                    let Some(number) =
                        ready.iter().copied().max_by(|a, b| proposed[a].1.total_cmp(&proposed[b].1).then(b.cmp(a)))
                    else {
                        break;
                    };
                    pending.remove(&number);
                    let start = batch_start(number, batch);
                    let Some((params, _)) = proposed.remove(&number) else { break };
                    if let Some(j) = journal.as_mut() {
                        j.append(&Event::Start { number, params: params.clone() })?;
                    }
                    let view = (self.settings.pruner != PrunerKind::None).then(|| PruneView {
                        kind: self.settings.pruner,
                        direction: self.settings.direction,
                        earlier: Arc::new(finished.range(..start).map(|(_, t)| t.clone()).collect()),
                    });
                    if job_tx.send(Job { number, params, view }).is_err() {
                        break;
                    }
                    running += 1;
                }
                if running == 0 {
                    break;
                }
                let Ok((number, outcome)) = done_rx.recv() else { break };
                running -= 1;
                match outcome {
                    Outcome::Finished(trial) => {
                        if let Some(j) = journal.as_mut() {
                            j.append(&Event::Trial { trial: Box::new(trial.clone()) })?;
                        }
                        finished.insert(number, trial);
                        study.trials = finished.values().cloned().collect();
                        // The tables follow from the journal: rewritten at most once a second
                        // (each rewrite is two fsynced files), and at the end.
                        if tables_written.elapsed().as_secs_f64() >= 1.0 {
                            study.write_tables()?;
                            tables_written = Instant::now();
                        }
                        if let Some(callback) = self.on_trial.as_mut() {
                            callback(&finished[&number], &study);
                        }
                    }
                    Outcome::Interrupted => {
                        if let Some(j) = journal.as_mut() {
                            j.append(&Event::Stop { number })?;
                        }
                        stopping = true;
                        aborted.store(true, Ordering::Relaxed);
                    }
                    Outcome::Fatal(e) => {
                        if let Some(j) = journal.as_mut() {
                            j.append(&Event::Stop { number })?;
                        }
                        fatal.get_or_insert(e);
                        stopping = true;
                        aborted.store(true, Ordering::Relaxed);
                    }
                }
                if self.stop.as_ref().is_some_and(StopFlag::is_requested) {
                    stopping = true;
                    aborted.store(true, Ordering::Relaxed);
                }
            }
            drop(job_tx);
            Ok(())
        })?;
        if let Some(e) = fatal {
            return Err(e);
        }
        study.trials = finished.into_values().collect();
        study.interrupted = study.trials.len() < total;
        study.write_tables()?;
        Ok(study)
    }
}

/// The objective must be a key the tabular fit logs.
fn check_objective(key: &str, task: Task) -> Result<()> {
    let metric = match task {
        Task::Regression => "mean_absolute_error",
        Task::Classification => "accuracy",
    };
    let known = ["loss", metric].iter().flat_map(|k| [k.to_string(), format!("val_{k}")]).collect::<Vec<_>>();
    if known.iter().any(|k| k == key) {
        return Ok(());
    }
    Err(Error::invalid(
        "objective",
        key,
        format!("is not logged by this {task} model; use one of: {}", known.join(", ")),
    ))
}
