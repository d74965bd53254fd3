//! Callbacks: hooks into `fit` with Keras's names, defaults and semantics.
//!
//! A callback gets a [`TrainContext`] (stop training, read or set the learning rate and the
//! weights) at the start and end of training, of each epoch and of each batch. Built-ins:
//! [`EarlyStopping`], [`ReduceLROnPlateau`], [`LearningRateScheduler`] (with the schedules
//! [`ExponentialDecay`], [`PiecewiseConstantDecay`], [`CosineDecay`]), [`ModelCheckpoint`],
//! [`CsvLogger`], [`TerminateOnNaN`]. `History` is recorded by `fit` itself, after every callback has run,
//! so keys that callbacks add (`learning_rate`) land in it.
//!
//! ```
//! use kerust::prelude::*;
//! use kerust::callbacks::EarlyStopping;
//! let stop = EarlyStopping::new().patience(5).restore_best_weights(true);
//! let config = FitConfig { epochs: 200, validation_split: 0.2, callbacks: vec![Box::new(stop)], ..Default::default() };
//! # let _ = config;
//! ```

mod context;
mod csv_logger;
mod early_stopping;
mod interrupt;
pub(crate) mod model_checkpoint;
mod monitor;
mod reduce_lr_on_plateau;
mod schedules;
mod terminate_on_nan;

pub use context::TrainContext;
pub use csv_logger::CsvLogger;
pub use early_stopping::EarlyStopping;
pub use interrupt::StopFlag;
pub use model_checkpoint::ModelCheckpoint;
pub use monitor::Mode;
pub use reduce_lr_on_plateau::ReduceLROnPlateau;
pub use schedules::{
    CosineDecay, ExponentialDecay, LearningRateSchedule, LearningRateScheduler, PiecewiseConstantDecay,
};
pub use terminate_on_nan::TerminateOnNaN;

use crate::error::Result;
use crate::model::Logs;

/// A hook into the training loop. Every method has a no-op default.
///
/// Errors returned by a hook stop `fit` and are returned from it.
pub trait Callback {
    /// Before the first epoch.
    fn on_train_begin(&mut self, _ctx: &mut TrainContext<'_>) -> Result<()> {
        Ok(())
    }
    /// After the last epoch (also after an early stop or an interruption); `logs` are the
    /// last epoch's.
    fn on_train_end(&mut self, _ctx: &mut TrainContext<'_>, _logs: &Logs) -> Result<()> {
        Ok(())
    }
    /// Before epoch `epoch` (0-based, counting from `initial_epoch`).
    fn on_epoch_begin(&mut self, _ctx: &mut TrainContext<'_>, _epoch: usize) -> Result<()> {
        Ok(())
    }
    /// After epoch `epoch`, with its logs (`loss`, metrics, `val_*`); keys added here go into
    /// History.
    fn on_epoch_end(&mut self, _ctx: &mut TrainContext<'_>, _epoch: usize, _logs: &mut Logs) -> Result<()> {
        Ok(())
    }
    /// Before batch `batch` of the current epoch.
    fn on_train_batch_begin(&mut self, _ctx: &mut TrainContext<'_>, _batch: usize) -> Result<()> {
        Ok(())
    }
    /// After batch `batch`, with the running logs of the epoch so far.
    fn on_train_batch_end(&mut self, _ctx: &mut TrainContext<'_>, _batch: usize, _logs: &Logs) -> Result<()> {
        Ok(())
    }
    /// Whether this callback reads batch logs (building them costs a little per step).
    fn wants_batch_logs(&self) -> bool {
        false
    }
}

/// A callback shared with the caller (to read its state after `fit`, e.g. `stopped_epoch`).
impl<C: Callback> Callback for std::rc::Rc<std::cell::RefCell<C>> {
    fn on_train_begin(&mut self, ctx: &mut TrainContext<'_>) -> Result<()> {
        self.borrow_mut().on_train_begin(ctx)
    }
    fn on_train_end(&mut self, ctx: &mut TrainContext<'_>, logs: &Logs) -> Result<()> {
        self.borrow_mut().on_train_end(ctx, logs)
    }
    fn on_epoch_begin(&mut self, ctx: &mut TrainContext<'_>, epoch: usize) -> Result<()> {
        self.borrow_mut().on_epoch_begin(ctx, epoch)
    }
    fn on_epoch_end(&mut self, ctx: &mut TrainContext<'_>, epoch: usize, logs: &mut Logs) -> Result<()> {
        self.borrow_mut().on_epoch_end(ctx, epoch, logs)
    }
    fn on_train_batch_begin(&mut self, ctx: &mut TrainContext<'_>, batch: usize) -> Result<()> {
        self.borrow_mut().on_train_batch_begin(ctx, batch)
    }
    fn on_train_batch_end(&mut self, ctx: &mut TrainContext<'_>, batch: usize, logs: &Logs) -> Result<()> {
        self.borrow_mut().on_train_batch_end(ctx, batch, logs)
    }
    fn wants_batch_logs(&self) -> bool {
        self.borrow().wants_batch_logs()
    }
}
