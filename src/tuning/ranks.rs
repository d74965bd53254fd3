//! [`Tuner::ranks`]: a study's trials spread over MPI ranks. Every rank holds the data and
//! the same state; batch by batch, every rank proposes the same parameters for the trials
//! that may start, runs its share (trial `i` of the batch on rank `i mod N`, one thread
//! each, as any trial trains), and the finished trials are gathered in rank order, so every
//! rank knows every result before the next batch is proposed. The trials are the ones one
//! process with any number of workers runs; only rank 0 writes the journal and the tables.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::journal::{Event, Journal};
use super::pruner::{PruneView, PrunerKind};
use super::sampler::Sampler;
use super::study::Study;
use super::trial::Trial;
use super::worker::{Context, Job, Outcome, batch_start};
use crate::error::{Error, Result};
use crate::model::Exchange;

/// What a rank reports of one of its trials.
#[derive(Serialize, Deserialize)]
enum Reported {
    Finished(Box<Trial>),
    Interrupted,
    Fatal(String),
}

/// The state of a search that the ranks share, borrowed from [`Tuner::search`].
pub(super) struct Search<'a> {
    pub(super) sampler: &'a Sampler,
    pub(super) total: usize,
    pub(super) batch: usize,
    pub(super) pending: &'a mut BTreeSet<usize>,
    pub(super) finished: &'a mut BTreeMap<usize, Trial>,
    pub(super) journal: &'a mut Option<Journal>,
    pub(super) study: &'a mut Study,
}

/// Runs the pending trials over `ranks`; `on_trial` sees each finished one (in trial order
/// within a batch). Returns whether the study was interrupted.
pub(super) fn run(
    ctx: &Context<'_, '_>,
    ranks: &dyn Exchange,
    search: Search<'_>,
    on_trial: &mut dyn FnMut(&Trial, &Study),
) -> Result<bool> {
    let Search { sampler, total, batch, pending, finished, journal, study } = search;
    let (rank, size) = (ranks.rank(), ranks.size());
    loop {
        let frontier = (0..total).find(|n| !finished.contains_key(n)).unwrap_or(total);
        let ready: Vec<usize> = pending.iter().copied().take_while(|&n| batch_start(n, batch) <= frontier).collect();
        if ready.is_empty() {
            return Ok(false);
        }
        let mut mine = Vec::new();
        for (i, &number) in ready.iter().enumerate() {
            let params = ctx.propose(sampler, number, finished);
            if let Some(j) = journal.as_mut() {
                j.append(&Event::Start { number, params: params.clone() })?;
            }
            if i % size != rank {
                continue;
            }
            let start = batch_start(number, batch);
            let view = (ctx.settings.pruner != PrunerKind::None).then(|| PruneView {
                kind: ctx.settings.pruner,
                direction: ctx.settings.direction,
                earlier: Arc::new(finished.range(..start).map(|(_, t)| t.clone()).collect()),
            });
            let reported = match ctx.run(Job { number, params, view }) {
                Outcome::Finished(trial) => Reported::Finished(Box::new(trial)),
                Outcome::Interrupted => Reported::Interrupted,
                Outcome::Fatal(e) => Reported::Fatal(e.to_string()),
            };
            mine.push((number, reported));
        }
        let bytes = serde_json::to_vec(&mine).map_err(|e| Error::invalid("ranks", "trials", e.to_string()))?;
        let mut interrupted = false;
        for part in ranks.all_gather_bytes(&bytes)? {
            let reports: Vec<(usize, Reported)> = serde_json::from_slice(&part)
                .map_err(|e| Error::invalid("ranks", "trials", format!("arrived malformed: {e}")))?;
            for (number, reported) in reports {
                match reported {
                    Reported::Finished(trial) => {
                        if let Some(j) = journal.as_mut() {
                            j.append(&Event::Trial { trial: trial.clone() })?;
                        }
                        finished.insert(number, *trial);
                    }
                    Reported::Interrupted => interrupted = true,
                    Reported::Fatal(message) => return Err(Error::invalid("trial", number, message)),
                }
            }
        }
        for number in &ready {
            pending.remove(number);
        }
        study.trials = finished.values().cloned().collect();
        for number in &ready {
            if let Some(trial) = finished.get(number) {
                on_trial(trial, study);
            }
        }
        if rank == 0 {
            study.write_tables()?;
        }
        if interrupted {
            return Ok(true);
        }
    }
}
