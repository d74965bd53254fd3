//! `TerminateOnNaN`: stop as soon as a batch loss is NaN or infinite.

use super::{Callback, TrainContext};
use crate::error::Result;
use crate::model::Logs;

/// Stops training at the first batch whose loss is not finite, and says so (Keras prints
/// `Batch N: Invalid loss, terminating training`). The epoch still ends (its logs hold the
/// NaN), so a checkpoint callback must refuse such weights; the History reports it with
/// [`History::diverged`](crate::model::History::diverged).
#[derive(Debug, Clone, Default)]
pub struct TerminateOnNaN {
    /// The batch (0-based) at which training was stopped, if it was.
    pub stopped_batch: Option<usize>,
}

impl TerminateOnNaN {
    /// A new callback.
    pub fn new() -> Self {
        TerminateOnNaN::default()
    }
}

impl Callback for TerminateOnNaN {
    fn on_train_batch_end(&mut self, ctx: &mut TrainContext<'_>, batch: usize, logs: &Logs) -> Result<()> {
        if logs.get("loss").is_some_and(|l| !l.is_finite()) {
            println!("Batch {batch}: Invalid loss, terminating training");
            self.stopped_batch = Some(batch);
            ctx.stop_training();
        }
        Ok(())
    }

    fn wants_batch_logs(&self) -> bool {
        true
    }
}
