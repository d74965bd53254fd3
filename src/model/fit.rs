//! `fit`: the training loop, Keras's semantics step by step.
//!
//! validate → split (last rows validate, before shuffling) → per epoch { shuffle → batches
//! → forward → loss → backward → optimizer step → running mean of the pre-update batch
//! losses; validation with the end-of-epoch weights } → `History`.

use ndarray::{Array2, s};

use super::epochs::{EpochRun, shuffle_fresh};
use super::parallel::{Rows, Workers, shards_for};
use super::sample_weight::row_weights;
use super::sequential::{STREAM_SHUFFLE, stream};
use super::validate::check_rows;
use super::{FitConfig, History, Sequential};
use crate::error::{Error, Result};
use crate::kernels::ComputeThreads;

impl Sequential {
    /// Trains the model on `x` (rows, input_dim) and `y` (rows, outputs) — for
    /// `sparse_categorical_crossentropy`, `y` is one column of class indices.
    ///
    /// Returns the per-epoch History: `loss`, each metric, then `val_loss` and `val_`
    /// metrics when validating. Calling `fit` again continues from the current weights and
    /// optimizer state, as in Keras.
    pub fn fit(&mut self, x: &Array2<f32>, y: &Array2<f32>, mut config: FitConfig) -> Result<History> {
        self.ready("fit")?;
        config.validate()?;
        let callbacks = std::mem::take(&mut config.callbacks);
        self.check_xy("fit", x.view(), y.view())?;
        let n = x.nrows();
        let (train_rows, validation) = match &config.validation_data {
            Some((vx, vy)) => {
                check_rows("validation_data", vx.view(), vy.view())?;
                self.check_xy("validation_data", vx.view(), vy.view())?;
                (n, Some((vx.view(), vy.view())))
            }
            None if config.validation_split > 0.0 => {
                let split_at = validation_start(n, config.validation_split)?;
                (split_at, Some((x.slice(s![split_at.., ..]), y.slice(s![split_at.., ..]))))
            }
            None => (n, None),
        };
        let x_train = x.slice(s![..train_rows, ..]);
        let y_train = y.slice(s![..train_rows, ..]);
        let (train_weights, val_weights) = row_weights(&config, y_train, n, config.validation_data.is_none())?;

        let mut rng = stream(config.seed.unwrap_or(self.seed_used()), STREAM_SHUFFLE);
        let mut order: Vec<usize> = (0..train_rows).collect();
        if config.shuffle {
            // Epoch e's order depends on the seed and e alone: a run resumed at
            // `initial_epoch` shuffles as the uninterrupted run would have.
            for _ in 0..config.initial_epoch {
                shuffle_fresh(&mut order, &mut rng);
            }
        }
        if let Some(ranks) = config.ranks.clone().filter(|r| r.size() > 1) {
            self.check_distributed(&config)?;
            self.broadcast_weights(ranks.as_ref())?;
        }
        let steps = train_rows.div_ceil(config.batch_size);
        let mut run = EpochRun::new(self, &config, callbacks, steps, validation.is_some());
        // Batches split over threads when the work per step pays for it (`parallel`);
        // otherwise one thread, with a pool for the largest products if threads were asked.
        let shards = self.shards(&config, config.batch_size.min(train_rows));
        let data = Rows { x: x_train, y: y_train, weights: train_weights.as_ref().map(|w| w.view()) };
        // The worker threads borrow the training rows: they live in a scope that ends
        // with the loop (dropping `workers` ends them first, also on an early return).
        std::thread::scope(|scope| {
            let mut workers = if shards > 1 { Workers::start(scope, self, shards, data) } else { None };
            // Flush-to-zero for the loop and the pool for large products; both end on return.
            let alone = workers.is_none() && config.ranks.is_none();
            let _compute = ComputeThreads::new(if alone { config.threads.unwrap_or(1) } else { 1 });

            run.train_begin(self)?;
            for epoch in config.initial_epoch..config.epochs {
                run.epoch_begin(self, epoch)?;
                if config.shuffle {
                    shuffle_fresh(&mut order, &mut rng);
                }
                run.batches(self, workers.as_mut(), data, &order, config.shuffle)?;
                let mut logs = run.train_logs();
                if let Some((vx, vy)) = validation {
                    for (k, v) in self.evaluate_unchecked(vx, vy, val_weights, config.batch_size, "val_").iter() {
                        logs.set(k, v);
                    }
                }
                if run.epoch_end(self, epoch, logs)? {
                    break;
                }
            }
            run.train_end(self)
        })
    }

    /// The number of threads a `fit` with `config` splits each batch over (1: the steps run
    /// on the calling thread), by [`FitConfig::threads`] and the rule of
    /// [`FitConfig::min_shard_work`].
    ///
    /// ```
    /// use kerust::prelude::*;
    /// let mut model = Sequential::new().seed(0);
    /// model.add(Dense::new(256).input_dim(32).activation(Activation::Relu));
    /// model.add(Dense::new(256).activation(Activation::Relu));
    /// model.add(Dense::new(1));
    /// let wide = FitConfig { batch_size: 256, threads: Some(2), ..Default::default() };
    /// assert_eq!(model.split_threads(&wide), 2);
    /// let small = FitConfig { batch_size: 4, threads: Some(2), ..Default::default() };
    /// assert_eq!(model.split_threads(&small), 1);
    /// ```
    pub fn split_threads(&self, config: &FitConfig) -> usize {
        self.shards(config, config.batch_size)
    }

    pub(super) fn shards(&self, config: &FitConfig, batch_rows: usize) -> usize {
        if config.ranks.as_ref().is_some_and(|r| r.size() > 1) {
            return 1; // each process computes its shard on one thread
        }
        let threads = config.threads.unwrap_or_else(default_threads);
        let trainable = self.layers.iter().map(|l| l.trainable_params()).sum();
        shards_for(threads, batch_rows, trainable, config.min_shard_work, &self.layers)
    }
}

impl Sequential {
    /// What a fit across processes takes: layers without state coupled across a batch's
    /// rows beyond the gradient (no BatchNormalization, no Dropout yet), no row weights.
    fn check_distributed(&self, config: &FitConfig) -> Result<()> {
        use crate::layers::LayerConfig;
        for config in self.layer_configs()? {
            let name = match config {
                LayerConfig::BatchNormalization(_) => "BatchNormalization",
                LayerConfig::Dropout(_) => "Dropout",
                _ => continue,
            };
            return Err(Error::invalid(
                "ranks",
                name,
                "is not supported in training across processes yet (its batch statistics or masks would need exchanging); train it in one process (threads split it exactly)",
            ));
        }
        if config.class_weight.is_some() || config.sample_weight.is_some() {
            return Err(Error::invalid(
                "ranks",
                "row weights",
                "class_weight and sample_weight are not supported in training across processes yet",
            ));
        }
        Ok(())
    }
}

/// Keras's `validation_split` rule: of `rows`, the index of the first validation row (the
/// last `split` of them validate); `rows` when `split` is 0. Both sides need a row.
pub(crate) fn validation_start(rows: usize, split: f64) -> Result<usize> {
    if split == 0.0 {
        return Ok(rows);
    }
    let at = (rows as f64 * (1.0 - split)).floor() as usize;
    if at == 0 || at == rows {
        return Err(Error::invalid(
            "validation_split",
            split,
            format!(
                "leaves {at} training and {} validation rows out of {rows}; both sides need at least one row (use more data or another split)",
                rows - at
            ),
        ));
    }
    Ok(at)
}

/// The threads of a `fit` that sets none ([`FitConfig::threads`]): every core this process
/// may use.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
