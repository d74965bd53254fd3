//! Checkpoints of the tabular workflow: every N epochs, a whole [`TabularModel`] file
//! (network, optimizer state, preprocessor, settings), so a checkpoint predicts on raw CSV
//! and can be continued like the final model.
//!
//! [`TabularModel`]: super::TabularModel

use std::path::PathBuf;

use super::file::{self, Contents};
use crate::callbacks::{Callback, TrainContext, model_checkpoint};
use crate::error::Result;
use crate::model::Logs;

/// Writes `checkpoint-epoch{NNNN}.kerust` into `dir` after every `every`-th epoch (counted
/// from the first epoch of the model, so a continued run keeps the same rhythm).
pub(crate) struct Checkpoint {
    pub(crate) dir: PathBuf,
    pub(crate) every: usize,
    /// What the files say beside the network (`epochs_run` is set at each save).
    pub(crate) contents: Contents,
}

impl Checkpoint {
    /// The file name of the checkpoint after `epochs` epochs.
    pub(crate) fn file_name(epochs: usize) -> String {
        format!("checkpoint-epoch{epochs:04}.kerust")
    }
}

impl Callback for Checkpoint {
    fn on_epoch_end(&mut self, ctx: &mut TrainContext<'_>, epoch: usize, logs: &mut Logs) -> Result<()> {
        let epochs = epoch + 1;
        if !epochs.is_multiple_of(self.every) {
            return Ok(());
        }
        let path = self.dir.join(Checkpoint::file_name(epochs));
        if model_checkpoint::diverged(ctx, logs) {
            eprintln!("Epoch {epochs}: not saving {}: the loss or the weights are NaN or infinite", path.display());
            return Ok(());
        }
        self.contents.epochs_run = epochs;
        let sections = file::sections(&self.contents)?;
        ctx.network().save_sections(&path, &sections, true)
    }
}
