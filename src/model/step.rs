//! One training step: forward through every layer, the loss and its gradient (fused with
//! the output activation when `compile` chose so), backward through every layer, the
//! optimizer update, the weight constraints.

use ndarray::{ArrayView1, ArrayView2};

use super::Sequential;
use super::regularization::{add_penalty_gradients, apply_constraints, penalty};
use super::sample_weight::{batch_loss, scale_rows};
use crate::layers::Layer;
use crate::metrics::MetricTracker;

/// One batch of rows: inputs (batch, input_dim), targets (batch, outputs or 1) and, if
/// any, the rows' loss weights (batch,).
#[derive(Debug, Clone, Copy)]
pub(super) struct Batch<'a> {
    pub(super) x: ArrayView2<'a, f32>,
    pub(super) y: ArrayView2<'a, f32>,
    pub(super) weights: Option<ArrayView1<'a, f32>>,
}

impl Sequential {
    /// One optimizer step on a batch (then the weight constraints); returns the batch loss
    /// before the update.
    pub(super) fn train_step(&mut self, batch: Batch<'_>, trackers: &mut [MetricTracker]) -> f32 {
        let batch_loss = self.backprop(batch, trackers);
        let Sequential { layers, compiled, .. } = self;
        let compiled = compiled.as_mut().expect("fit checks compile first");
        // Collected into one pre-sized Vec: a flat_map collect would grow it twice a step.
        let mut params = Vec::with_capacity(2 * layers.len());
        layers.iter_mut().for_each(|l| params.extend(l.params_mut()));
        compiled.optimizer.apply(&mut params);
        apply_constraints(layers);
        batch_loss
    }

    /// Forward, loss and backward on a batch, leaving the gradients in the layers.
    /// Returns the batch loss (with the regularization penalties, as Keras); `trackers` see
    /// the batch's predictions.
    pub(super) fn backprop(&mut self, batch: Batch<'_>, trackers: &mut [MetricTracker]) -> f32 {
        let Batch { x, y, weights: w } = batch;
        let Sequential { layers, compiled, dloss, .. } = self;
        let compiled = compiled.as_ref().expect("callers check compile first");
        let loss = compiled.loss;
        let out = forward_layers(layers, x, true); // (batch, outputs)
        let data_loss = batch_loss(&loss, y, out, w);
        trackers.iter_mut().for_each(|t| t.update(y, out));
        let mut d = dloss.shape_mut(out.nrows(), out.ncols()); // (batch, outputs)
        if compiled.fused {
            loss.fused_gradient(y, out, d.view_mut());
        } else {
            loss.gradient(y, out, d.view_mut());
        }
        scale_rows(d, w);
        let total = data_loss + penalty(layers);
        backward_layers(layers, dloss.view());
        add_penalty_gradients(layers);
        total
    }
}

/// Runs `x` through `layers`; the result borrows the last layer's output buffer.
/// `layers` is never empty: models without layers are never built.
pub(crate) fn forward_layers<'a>(
    layers: &'a mut [Box<dyn Layer>],
    x: ArrayView2<f32>,
    training: bool,
) -> ArrayView2<'a, f32> {
    let (first, rest) = layers.split_first_mut().expect("a built model has layers");
    let mut h = first.forward(x, training);
    for layer in rest.iter_mut() {
        h = layer.forward(h, training);
    }
    h
}

/// Runs `dout` back through `layers`, leaving each layer's parameter gradients in place.
pub(super) fn backward_layers(layers: &mut [Box<dyn Layer>], dout: ArrayView2<f32>) {
    let Some((last, rest)) = layers.split_last_mut() else { return };
    let mut d = last.backward(dout);
    for layer in rest.iter_mut().rev() {
        d = layer.backward(d);
    }
}
