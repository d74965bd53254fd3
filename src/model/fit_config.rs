//! [`FitConfig`]: the settings of one `fit` call, with Keras's defaults, checked before
//! training starts.

use ndarray::{Array1, Array2};

use super::ClassWeight;
use crate::callbacks::{Callback, StopFlag};
use crate::error::{Error, Result};

/// Settings of one `fit` call. Defaults are Keras's: 1 epoch, batch 32, shuffled, no
/// validation, progress bar.
///
/// ```
/// use kerust::model::FitConfig;
/// let config = FitConfig { epochs: 100, validation_split: 0.2, verbose: 0, ..Default::default() };
/// assert_eq!(config.batch_size, 32);
/// ```
pub struct FitConfig {
    /// Passes over the training data (≥ 1).
    pub epochs: usize,
    /// Rows per optimizer step (≥ 1); the last, partial batch is kept.
    pub batch_size: usize,
    /// Reshuffle the training rows before every epoch.
    pub shuffle: bool,
    /// Fraction in `[0, 1)` of rows, taken from the END of `x`/`y` before shuffling, held
    /// out to compute `val_loss` (Keras: `split_at = floor(n (1 - s))`). 0 = none.
    pub validation_split: f64,
    /// Explicit validation data `(x_val, y_val)`; takes precedence over `validation_split`.
    pub validation_data: Option<(Array2<f32>, Array2<f32>)>,
    /// Seed of the shuffling; `None` uses the model's seed.
    pub seed: Option<u64>,
    /// 0 silent, 1 a progress bar per epoch, 2 one line per epoch.
    pub verbose: u8,
    /// Epoch to start from (to resume a run; History counts epochs from here). The rows are
    /// shuffled as epoch `initial_epoch` of an uninterrupted run would shuffle them, so a
    /// model saved after epoch k and continued from k trains as if never stopped (Dropout
    /// masks aside: their generator starts afresh).
    pub initial_epoch: usize,
    /// Hooks called during training, in order, before History and the progress output.
    pub callbacks: Vec<Box<dyn Callback>>,
    /// A flag that stops training after the current batch when set (e.g. `StopFlag::ctrl_c()`).
    pub stop_flag: Option<StopFlag>,
    /// Weights per class of the training rows (Keras's `class_weight`; validation rows are
    /// not weighted). Exclusive with `sample_weight`.
    pub class_weight: Option<ClassWeight>,
    /// One weight ≥ 0 per row of `x` (Keras's `sample_weight`): the batch loss becomes
    /// `Σ loss_i w_i / rows` (metrics stay unweighted, as Keras's `metrics`). With
    /// `validation_split`, the last rows' weights weigh `val_loss`.
    pub sample_weight: Option<Array1<f32>>,
    /// Compute threads (≥ 1); `None` = every core this process may use. When the work of
    /// a step pays for it (see `min_shard_work`), each batch is split into one row range per
    /// thread, computed at once and added in a fixed order (data parallelism); otherwise the
    /// step runs on the calling thread, handing only products of ≥ 2²⁶ flop to the other
    /// threads. Same seed, data and thread count: bit-identical weights and History; another
    /// thread count changes the order of the sums only. During `fit` the compute threads run
    /// with flush-to-zero / denormals-are-zero (subnormal floats become 0), restored when
    /// `fit` returns.
    pub threads: Option<usize>,
    /// The least work per thread and step, in rows × trainable parameters, for which a batch
    /// is split over the threads (default [`MIN_SHARD_WORK`](crate::model::MIN_SHARD_WORK),
    /// measured on this project's benchmark machine); 0 splits whenever `threads` > 1.
    pub min_shard_work: usize,
    /// Data parallelism across processes (e.g. MPI ranks, [`MpiRanks`](crate::distributed)
    /// with the `mpi` feature): every rank runs this `fit` on the same data and seed, rank 0's
    /// initial weights are broadcast, each rank computes its shard of every batch, and the
    /// gradients are summed in rank order, so that N ranks give the weights of one process
    /// splitting each batch over N threads. `None` (default): this process alone. Takes
    /// Dense and activation layers, without sample or class weights.
    pub ranks: Option<std::rc::Rc<dyn super::Exchange>>,
}

impl std::fmt::Debug for FitConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FitConfig")
            .field("epochs", &self.epochs)
            .field("batch_size", &self.batch_size)
            .field("shuffle", &self.shuffle)
            .field("validation_split", &self.validation_split)
            .field("validation_data", &self.validation_data.as_ref().map(|(x, y)| (x.dim(), y.dim())))
            .field("seed", &self.seed)
            .field("verbose", &self.verbose)
            .field("initial_epoch", &self.initial_epoch)
            .field("callbacks", &self.callbacks.len())
            .field("stop_flag", &self.stop_flag.is_some())
            .field("class_weight", &self.class_weight)
            .field("sample_weight", &self.sample_weight.as_ref().map(Array1::len))
            .field("threads", &self.threads)
            .field("min_shard_work", &self.min_shard_work)
            .field("ranks", &self.ranks.as_ref().map(|r| (r.rank(), r.size())))
            .finish()
    }
}

impl Default for FitConfig {
    fn default() -> Self {
        FitConfig {
            epochs: 1,
            batch_size: 32,
            shuffle: true,
            validation_split: 0.0,
            validation_data: None,
            seed: None,
            verbose: 1,
            initial_epoch: 0,
            callbacks: Vec::new(),
            stop_flag: None,
            class_weight: None,
            sample_weight: None,
            threads: None,
            min_shard_work: super::MIN_SHARD_WORK,
            ranks: None,
        }
    }
}

impl FitConfig {
    /// Checks the settings that do not depend on the data.
    pub(super) fn validate(&self) -> Result<()> {
        if self.epochs == 0 {
            return Err(Error::invalid("epochs", 0, "must be at least 1"));
        }
        if self.batch_size == 0 {
            return Err(Error::invalid("batch_size", 0, "must be at least 1"));
        }
        let s = self.validation_split;
        if !(0.0..1.0).contains(&s) {
            return Err(Error::invalid(
                "validation_split",
                s,
                "must be in [0, 1): the fraction of rows held out for validation (0 for none)",
            ));
        }
        if self.initial_epoch >= self.epochs {
            return Err(Error::invalid(
                "initial_epoch",
                self.initial_epoch,
                format!(
                    "must be less than epochs ({}): epochs is the index of the last epoch to run, not a count of new ones",
                    self.epochs
                ),
            ));
        }
        if self.threads == Some(0) {
            return Err(Error::invalid("threads", 0, "must be at least 1 (or None for every core)"));
        }
        if self.verbose > 2 {
            return Err(Error::invalid("verbose", self.verbose, "must be 0, 1 or 2"));
        }
        if self.class_weight.is_some() && self.sample_weight.is_some() {
            return Err(Error::invalid(
                "class_weight",
                "with sample_weight",
                "cannot be given together with sample_weight (Keras's rule); fold the class weights into sample_weight",
            ));
        }
        Ok(())
    }
}
