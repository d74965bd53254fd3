//! Regularization across a model's layers: the penalty added to every batch loss (weight
//! penalties + activity penalties, Keras's `model.losses`), its gradient, and the weight
//! constraints applied after each optimizer step.

use crate::layers::{Layer, hooks, hooks_mut};

/// Σ over layers of the weight penalties (current weights) and the activity penalties of
/// the last forward. Keras adds this to the loss of every batch, in training and evaluation.
pub(crate) fn penalty(layers: &[Box<dyn Layer>]) -> f32 {
    let mut total = 0.0f32;
    for layer in layers {
        let Some(h) = hooks(layer.as_ref()) else { continue };
        let regs = h.weight_regularizers();
        if regs.iter().any(Option::is_some) {
            for (w, r) in layer.weights().iter().zip(regs) {
                if let Some(r) = r {
                    total += r.penalty(w.iter());
                }
            }
        }
        total += h.activity_penalty();
    }
    total
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
