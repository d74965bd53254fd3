//! Data parallelism across processes (MPI ranks, Horovod's design): every rank holds the
//! model and the data, computes the gradient of its shard of every global batch (the same
//! row ranges as a split over threads), and the gradients travel as one flat buffer per
//! step. They are summed **in rank order** (gathered, then added 0 + 1 + …: MPI does not fix
//! the order of an allreduce), so every rank takes the same optimizer step, and a run over
//! N ranks gives the weights of one process splitting each batch over N threads.

use ndarray::ArrayView2;

use super::step::{backprop_shard, finish_step};
use crate::error::Result;
use crate::kernels::shard::{self, Shard};
use crate::layers::Buffer;
use crate::metrics::MetricTracker;
use crate::model::Sequential;
use crate::model::step::Batch;

/// The collective operations data-parallel training needs from a group of processes (MPI
/// ranks: [`MpiRanks`](crate::distributed::MpiRanks) with the `mpi` feature). Every rank
/// calls each operation at the same point, with the same lengths where required.
pub trait Exchange {
    /// This process's rank, `0..size()`.
    fn rank(&self) -> usize;
    /// The number of ranks.
    fn size(&self) -> usize;
    /// Every rank's `local` (all of one length), concatenated in rank order into `out`
    /// (`size() × local.len()`).
    fn all_gather_f32(&self, local: &[f32], out: &mut [f32]) -> Result<()>;
    /// Every rank's `local` (lengths may differ), in rank order.
    fn all_gather_f64(&self, local: &[f64]) -> Result<Vec<Vec<f64>>>;
    /// Every rank's `local` bytes (lengths may differ), in rank order.
    fn all_gather_bytes(&self, local: &[u8]) -> Result<Vec<Vec<u8>>>;
    /// Rank 0's `bytes` on every rank (`bytes` has the same length on every rank).
    fn broadcast(&self, bytes: &mut [u8]) -> Result<()>;
}

/// What a distributed step keeps between steps: the shard's rows and the exchange buffers.
#[derive(Debug, Default)]
pub(in crate::model) struct RankBuffers {
    x: Buffer,
    y: Buffer,
    predictions: Buffer,
    grads: Vec<f32>,
    gathered: Vec<f32>,
    extra: Vec<f64>,
}

impl Sequential {
    /// Makes every rank start from rank 0's weights (Horovod's broadcast).
    pub(in crate::model) fn broadcast_weights(&mut self, ranks: &dyn Exchange) -> Result<()> {
        let mut bytes: Vec<u8> = Vec::new();
        for l in self.layers.iter_mut() {
            for p in l.params_mut() {
                p.value.iter().for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
            }
        }
        ranks.broadcast(&mut bytes)?;
        let mut values = bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        for l in self.layers.iter_mut() {
            for p in l.params_mut() {
                p.value.iter_mut().zip(&mut values).for_each(|(d, v)| *d = v);
            }
        }
        Ok(())
    }

    /// One optimizer step on the batch `rows` of `(x, y)`, this rank computing its shard;
    /// returns the batch loss before the update. A batch with fewer rows than ranks is
    /// computed whole on every rank (as a split over threads leaves it whole).
    pub(in crate::model) fn train_step_ranks(
        &mut self,
        ranks: &dyn Exchange,
        buffers: &mut RankBuffers,
        (x, y): (ArrayView2<f32>, ArrayView2<f32>),
        rows: &[usize],
        trackers: &mut [MetricTracker],
    ) -> Result<f32> {
        let (size, rank, n) = (ranks.size(), ranks.rank(), rows.len());
        if n < size {
            gather(&mut buffers.x, x, rows);
            gather(&mut buffers.y, y, rows);
            let batch = Batch { x: buffers.x.view(), y: buffers.y.view(), weights: None };
            return Ok(self.train_step(batch, trackers));
        }
        let bounds = |k: usize| k * n / size;
        let mine = &rows[bounds(rank)..bounds(rank + 1)];
        gather(&mut buffers.x, x, mine);
        gather(&mut buffers.y, y, mine);
        let Sequential { layers, compiled, dloss, .. } = self;
        let compiled = compiled.as_mut().expect("fit checks compile first");
        let batch = Batch { x: buffers.x.view(), y: buffers.y.view(), weights: None };
        let shard = Shard { offset: bounds(rank), batch_rows: n };
        let predictions = Some(&mut buffers.predictions);
        let (loss, activity) =
            shard::run_as(shard, || backprop_shard(layers, dloss, &compiled.loss, compiled.fused, batch, predictions));
        // The gradients, one flat buffer, gathered and added in rank order.
        buffers.grads.clear();
        for l in layers.iter_mut() {
            for p in l.params_mut() {
                buffers.grads.extend_from_slice(p.grad);
            }
        }
        let len = buffers.grads.len();
        buffers.gathered.resize(len * size, 0.0);
        ranks.all_gather_f32(&buffers.grads, &mut buffers.gathered)?;
        let (first, rest) = buffers.gathered.split_at_mut(len);
        for other in rest.chunks_exact(len) {
            first.iter_mut().zip(other).for_each(|(a, &b)| *a += b);
        }
        let mut summed = first.iter();
        for l in layers.iter_mut() {
            for p in l.params_mut() {
                p.grad.iter_mut().zip(&mut summed).for_each(|(g, &s)| *g = s);
            }
        }
        // The loss, the activity penalty and the predictions of every shard, for the
        // batch loss and the metrics (in shard order, as a split over threads adds them).
        buffers.extra.clear();
        buffers.extra.extend([loss, f64::from(activity)]);
        buffers.extra.extend(buffers.predictions.view().iter().map(|&p| f64::from(p)));
        let all = ranks.all_gather_f64(&buffers.extra)?;
        let outputs = buffers.predictions.view().ncols();
        let (mut loss, mut activity) = (0.0f64, 0.0f32);
        for (k, part) in all.iter().enumerate() {
            let (l, a) = (part.first().copied().unwrap_or(0.0), part.get(1).copied().unwrap_or(0.0) as f32);
            if k == 0 {
                (loss, activity) = (l, a);
            } else {
                loss += l;
                activity += a;
            }
            if !trackers.is_empty() {
                let shard_rows = &rows[bounds(k)..bounds(k + 1)];
                gather(&mut buffers.y, y, shard_rows);
                let values: Vec<f32> = part.iter().skip(2).map(|&p| p as f32).collect();
                let p = ArrayView2::from_shape((shard_rows.len(), outputs), &values).map_err(|e| {
                    crate::Error::invalid("distributed", "predictions", format!("arrived malformed: {e}"))
                })?;
                for t in trackers.iter_mut() {
                    t.update(buffers.y.view(), p);
                }
            }
        }
        Ok(finish_step(layers, compiled, loss, activity))
    }
}

/// Copies `rows` of `src` into `buf`.
fn gather(buf: &mut Buffer, src: ArrayView2<f32>, rows: &[usize]) {
    let mut dst = buf.shape_mut(rows.len(), src.ncols());
    for (mut d, &r) in dst.rows_mut().into_iter().zip(rows) {
        d.assign(&src.row(r));
    }
}
