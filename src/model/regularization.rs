//! Regularization across a model's layers: the penalty added to every batch loss (weight
//! penalties + activity penalties, Keras's `model.losses`), its gradient, and the weight
//! constraints applied after each optimizer step.

use crate::layers::{Layer, hooks, hooks_mut};

/// Σ over layers of the weight penalties (current weights) and the activity penalties of
/// the last forward. Keras adds this to the loss of every batch, in training and evaluation.
pub(crate) fn penalty(layers: &[Box<dyn Layer>]) -> f32 {
    let mut total = 0.0f32;
    for layer in layers {
        add_weight_penalty(layer.as_ref(), &mut total);
        total += hooks(layer.as_ref()).map_or(0.0, |h| h.activity_penalty());
    }
    total
}

/// Σ over layers of the weight penalties alone (a split step adds the shards' activity
/// penalties itself).
pub(crate) fn weight_penalty(layers: &[Box<dyn Layer>]) -> f32 {
    let mut total = 0.0f32;
    layers.iter().for_each(|l| add_weight_penalty(l.as_ref(), &mut total));
    total
}

/// Σ over layers of the activity penalties of the last forward.
pub(crate) fn activity_penalty(layers: &[Box<dyn Layer>]) -> f32 {
    layers.iter().filter_map(|l| hooks(l.as_ref())).map(|h| h.activity_penalty()).sum()
}

/// Adds the weight penalties of `layer` to `total`, one after the other.
fn add_weight_penalty(layer: &dyn Layer, total: &mut f32) {
    let Some(h) = hooks(layer) else { return };
    // Empty (no allocation) without regularizers: the weights are listed only if needed.
    let regs = h.weight_regularizers();
    if regs.iter().any(Option::is_some) {
        for (w, r) in layer.weights().iter().zip(regs) {
            if let Some(r) = r {
                *total += r.penalty(w.iter());
            }
        }
    }
}

/// Adds the gradient of every weight penalty to the parameter gradients left by `backward`
/// (activity penalties are added by the layers' own `backward`).
pub(crate) fn add_penalty_gradients(layers: &mut [Box<dyn Layer>]) {
    for layer in layers.iter_mut() {
        let regs = hooks(layer.as_ref()).map(|h| h.weight_regularizers()).unwrap_or_default();
        if regs.iter().all(Option::is_none) {
            continue;
        }
        for (p, r) in layer.params_mut().into_iter().zip(regs) {
            if let Some(r) = r {
                r.add_gradient(p.value, p.grad, 1.0);
            }
        }
    }
}

/// Projects every layer's weights onto its constraints (after an optimizer step).
pub(crate) fn apply_constraints(layers: &mut [Box<dyn Layer>]) {
    for layer in layers.iter_mut() {
        if let Some(h) = hooks_mut(layer.as_mut()) {
            h.apply_constraints();
        }
    }
}
