//! `fit_chunks`: `fit` over rows that arrive a chunk at a time ([`ChunkSource`]), so that
//! training data larger than memory trains with memory bounded by one chunk.
//!
//! Each epoch visits every training chunk once, in a seeded random order, and each chunk's
//! rows in a seeded random permutation (batches do not cross chunks: a chunk's last batch may
//! be short). With one chunk this is exactly `fit` on the same rows with `shuffle`; the
//! validation rows, given in pieces, are scored exactly as `fit` scores them when the pieces
//! are whole batches.

use ndarray::Array2;

use super::epochs::{EpochRun, shuffle_fresh};
use super::parallel::{Rows, Workers};
use super::predict::Evaluation;
use super::sequential::{STREAM_CHUNKS, STREAM_SHUFFLE, stream};
use super::{FitConfig, History, Sequential};
use crate::error::{Error, Result};
use crate::kernels::ComputeThreads;

/// Rows for [`Sequential::fit_chunks`], a chunk at a time: a file larger than memory, or
/// rows produced on demand. A chunk's `(x, y)` are `(rows, inputs)` and `(rows, outputs)`
/// (one column of class indices for `sparse_categorical_crossentropy`), as for `fit`.
pub trait ChunkSource {
    /// Rows of each training chunk, in chunk order (the epoch loop visits them shuffled).
    fn train_chunks(&self) -> Vec<usize>;
    /// Training chunk `k`: `(x, y)` with `train_chunks()[k]` rows.
    fn load_train(&mut self, k: usize) -> Result<(Array2<f32>, Array2<f32>)>;
    /// The number of validation pieces (0: no validation).
    fn validation_pieces(&self) -> usize;
    /// Validation piece `k`: `(x, y)`. Pieces of a multiple of the batch size rows (but the
    /// last) are scored exactly as the same rows held in memory.
    fn load_validation(&mut self, k: usize) -> Result<(Array2<f32>, Array2<f32>)>;
}

impl Sequential {
    /// Trains on the chunks of `data` as [`Sequential::fit`] trains on arrays (see the
    /// module docs for the order of the rows). The validation rows come from `data`, so
    /// `validation_split`, `validation_data`, `class_weight`, `sample_weight` and `ranks`
    /// must be left unset.
    ///
    /// ```
    /// use kerust::model::ChunkSource;
    /// use kerust::prelude::*;
    /// use ndarray::Array2;
    ///
    /// /// y = 2x, in chunks of 16 rows.
    /// struct Line;
    /// impl ChunkSource for Line {
    ///     fn train_chunks(&self) -> Vec<usize> { vec![16; 4] }
    ///     fn load_train(&mut self, k: usize) -> kerust::Result<(Array2<f32>, Array2<f32>)> {
    ///         let x = Array2::from_shape_fn((16, 1), |(i, _)| (k * 16 + i) as f32 / 64.0);
    ///         Ok((x.clone(), x * 2.0))
    ///     }
    ///     fn validation_pieces(&self) -> usize { 0 }
    ///     fn load_validation(&mut self, _: usize) -> kerust::Result<(Array2<f32>, Array2<f32>)> {
    ///         unreachable!("no validation pieces")
    ///     }
    /// }
    ///
    /// let mut model = Sequential::new().seed(0);
    /// model.add(Dense::new(1).input_dim(1));
    /// model.compile(Sgd::new(0.1), Loss::MeanSquaredError, &[])?;
    /// let history = model.fit_chunks(&mut Line, FitConfig { epochs: 20, verbose: 0, ..Default::default() })?;
    /// assert!(history.get("loss").unwrap()[19] < history.get("loss").unwrap()[0]);
    /// # Ok::<(), kerust::Error>(())
    /// ```
    pub fn fit_chunks(&mut self, data: &mut dyn ChunkSource, mut config: FitConfig) -> Result<History> {
        self.ready("fit")?;
        config.validate()?;
        for (name, set) in [
            ("validation_split", config.validation_split > 0.0),
            ("validation_data", config.validation_data.is_some()),
            ("class_weight", config.class_weight.is_some()),
            ("sample_weight", config.sample_weight.is_some()),
            ("ranks", config.ranks.as_ref().is_some_and(|r| r.size() > 1)),
        ] {
            if set {
                return Err(Error::invalid(
                    name,
                    "set",
                    "is not taken by fit_chunks yet: the chunk source gives the validation rows, rows are not weighted, and chunks are not split across processes",
                ));
            }
        }
        let callbacks = std::mem::take(&mut config.callbacks);
        let sizes = data.train_chunks();
        if sizes.iter().sum::<usize>() == 0 {
            return Err(Error::invalid("data", "no training rows", "the chunk source must give at least one row"));
        }
        let seed = config.seed.unwrap_or(self.seed_used());
        let (mut rng, mut chunk_rng) = (stream(seed, STREAM_SHUFFLE), stream(seed, STREAM_CHUNKS));
        let mut chunk_order: Vec<usize> = (0..sizes.len()).collect();
        let mut order = Vec::new();
        if config.shuffle {
            // As in `fit`: epoch e draws what it would have drawn in an uninterrupted run.
            for _ in 0..config.initial_epoch {
                shuffle_fresh(&mut chunk_order, &mut chunk_rng);
                for &k in &chunk_order {
                    order.resize(sizes[k], 0);
                    shuffle_fresh(&mut order, &mut rng);
                }
            }
        }
        let steps = sizes.iter().map(|r| r.div_ceil(config.batch_size)).sum();
        let pieces = data.validation_pieces();
        let mut run = EpochRun::new(self, &config, callbacks, steps, pieces > 0);
        run.train_begin(self)?;
        for epoch in config.initial_epoch..config.epochs {
            run.epoch_begin(self, epoch)?;
            if config.shuffle {
                shuffle_fresh(&mut chunk_order, &mut chunk_rng);
            }
            for &k in &chunk_order {
                let (x, y) = data.load_train(k)?;
                self.check_xy("a training chunk", x.view(), y.view())?;
                order.clear();
                order.extend(0..x.nrows());
                if config.shuffle {
                    shuffle_fresh(&mut order, &mut rng);
                }
                let rows = Rows { x: x.view(), y: y.view(), weights: None };
                let shards = self.shards(&config, config.batch_size.min(x.nrows()));
                std::thread::scope(|scope| {
                    let mut workers = if shards > 1 { Workers::start(scope, self, shards, rows) } else { None };
                    let threads = if workers.is_some() { 1 } else { config.threads.unwrap_or(1) };
                    let _compute = ComputeThreads::new(threads);
                    run.batches(self, workers.as_mut(), rows, &order, config.shuffle)
                })?;
                if run.stopped() {
                    break;
                }
            }
            let mut logs = run.train_logs();
            if pieces > 0 {
                let mut evaluation = Evaluation::new(self);
                for k in 0..pieces {
                    let (vx, vy) = data.load_validation(k)?;
                    self.check_xy("a validation piece", vx.view(), vy.view())?;
                    evaluation.add(self, vx.view(), vy.view(), None, config.batch_size);
                }
                for (k, v) in evaluation.logs("val_").iter() {
                    logs.set(k, v);
                }
            }
            if run.epoch_end(self, epoch, logs)? {
                break;
            }
        }
        run.train_end(self)
    }
}
