//! One split training step: the model's thread hands each worker its rows, computes shard 0
//! itself, adds the shards' gradients in shard order and takes the optimizer step.

use ndarray::{ArrayView1, ArrayView2};

use super::{Part, Replica, Rows, Workers, lock};
use crate::kernels::shard::{self, Shard};
use crate::layers::{Buffer, Layer, hooks, hooks_mut};
use crate::losses::Loss;
use crate::metrics::MetricTracker;
use crate::model::Sequential;
use crate::model::regularization::{activity_penalty, add_penalty_gradients, apply_constraints, weight_penalty};
use crate::model::sample_weight::{batch_loss, scale_rows};
use crate::model::sequential::Compiled;
use crate::model::step::{Batch, backward_layers, forward_layers};

impl Sequential {
    /// One optimizer step on the batch `rows` of `data`, split over the shards of
    /// `workers`; returns the batch loss before the update, as `train_step` does.
    /// `rows` has at least one row per shard.
    pub(in crate::model) fn train_step_split(
        &mut self,
        workers: &mut Workers<'_, '_>,
        rows: &[usize],
        trackers: &mut [MetricTracker],
    ) -> f32 {
        let shards = workers.shards();
        let n = rows.len();
        debug_assert!(n >= shards);
        let bounds = |k: usize| k * n / shards;
        let shard = |k: usize| Shard { offset: bounds(k), batch_rows: n };
        // The replicas take the model's current weights (a callback may have changed them)
        // and the indices of their rows.
        for (k, replica) in workers.shared.replicas.iter().enumerate().map(|(i, r)| (i + 1, r)) {
            let mut guard = lock(replica);
            let Replica { layers, part, .. } = &mut *guard;
            for (r, m) in layers.iter_mut().zip(&self.layers) {
                if let Some(h) = hooks_mut(r.as_mut()) {
                    h.copy_state_from(m.as_ref());
                }
            }
            part.assign(&rows[bounds(k)..bounds(k + 1)], shard(k));
        }
        let Workers { shared, joined, own, own_predictions, .. } = workers;
        own.assign(&rows[..bounds(1)], shard(0));

        shared.collective.barrier.wait(); // the workers start
        own.gather(shared.data);
        let Sequential { layers, compiled, dloss, .. } = self;
        let compiled = compiled.as_mut().expect("fit checks compile first");
        let predictions = (!trackers.is_empty()).then_some(&mut *own_predictions);
        let (mut loss, mut activity) = joined
            .run(shard(0), || backprop_shard(layers, dloss, &compiled.loss, compiled.fused, own.batch(), predictions));
        shared.collective.barrier.wait(); // every shard's gradients are ready

        for t in trackers.iter_mut() {
            t.update(own.y.view(), own_predictions.view());
        }
        for replica in &shared.replicas {
            let guard = lock(replica);
            for (r, m) in guard.layers.iter().zip(layers.iter_mut()) {
                if let Some(h) = hooks(r.as_ref()) {
                    h.add_gradients_to(m.as_mut());
                }
            }
            for t in trackers.iter_mut() {
                t.update(guard.part.y.view(), guard.predictions.view());
            }
            loss += guard.part.loss;
            activity += guard.part.activity;
        }
        finish_step(layers, compiled, loss, activity)
    }
}

/// The end of a step whose shards' gradients are summed into `layers`: the weight penalties'
/// gradients, the optimizer step, the constraints. Returns the batch loss (`loss`: the
/// shards' data loss; `activity`: their activity penalties).
pub(super) fn finish_step(layers: &mut [Box<dyn Layer>], compiled: &mut Compiled, loss: f64, activity: f32) -> f32 {
    add_penalty_gradients(layers);
    let total = loss as f32 + weight_penalty(layers) + activity;
    // As in `train_step`: one pre-sized list of every layer's parameters.
    let mut params = Vec::with_capacity(2 * layers.len());
    layers.iter_mut().for_each(|l| params.extend(l.params_mut()));
    compiled.optimizer.apply(&mut params);
    apply_constraints(layers);
    total
}

/// Forward, loss and backward on one shard, leaving its gradients in `layers`: returns
/// `Σ loss_i · w_i / batch rows` over the shard and its activity penalties. With
/// `predictions`, copies the shard's predictions there (for the metrics).
pub(super) fn backprop_shard(
    layers: &mut [Box<dyn Layer>],
    dloss: &mut Buffer,
    loss: &Loss,
    fused: bool,
    batch: Batch<'_>,
    predictions: Option<&mut Buffer>,
) -> (f64, f32) {
    let Batch { x, y, weights: w } = batch;
    let rows = x.nrows();
    let batch_rows = shard::batch_rows(rows);
    let share = rows as f64 / batch_rows as f64;
    let out = forward_layers(layers, x, true); // (rows, outputs)
    let data_loss = batch_loss(loss, y, out, w) as f64 * share;
    if let Some(p) = predictions {
        p.shape_mut(out.nrows(), out.ncols()).assign(&out);
    }
    let mut d = dloss.shape_mut(out.nrows(), out.ncols()); // (rows, outputs)
    if fused {
        loss.fused_gradient(y, out, d.view_mut());
    } else {
        loss.gradient(y, out, d.view_mut());
    }
    // The gradient of the whole batch's mean: this shard's mean times its share of the rows.
    let scale = share as f32;
    d.iter_mut().for_each(|g| *g *= scale);
    scale_rows(d, w);
    let activity = activity_penalty(layers);
    backward_layers(layers, dloss.view());
    (data_loss, activity)
}

impl Part {
    /// Takes `rows` as shard `shard` of the step (their values are gathered by `gather`).
    pub(super) fn assign(&mut self, rows: &[usize], shard: Shard) {
        self.rows.clear();
        self.rows.extend_from_slice(rows);
        self.shard = Some(shard);
    }

    /// Copies the shard's rows of `data` into its buffers.
    pub(super) fn gather(&mut self, data: Rows<'_>) {
        gather_into(&mut self.x, data.x, &self.rows);
        gather_into(&mut self.y, data.y, &self.rows);
        self.weighted = data.weights.is_some();
        if let Some(w) = data.weights {
            self.weights.clear();
            self.weights.extend(self.rows.iter().map(|&r| w[r]));
        }
    }

    /// The shard's rows as a batch.
    pub(super) fn batch(&self) -> Batch<'_> {
        Batch {
            x: self.x.view(),
            y: self.y.view(),
            weights: self.weighted.then(|| ArrayView1::from(&self.weights[..])),
        }
    }
}

/// Copies `rows` of `src` into `buf`.
fn gather_into(buf: &mut Buffer, src: ArrayView2<f32>, rows: &[usize]) {
    let mut dst = buf.shape_mut(rows.len(), src.ncols());
    for (mut d, &r) in dst.rows_mut().into_iter().zip(rows) {
        d.assign(&src.row(r));
    }
}
