//! What the model asks of kerust's own layers beyond [`Layer`]: the fused output gradient,
//! skipping the unused input gradient, noise streams, regularization and constraints.
//!
//! Crate-private on purpose: these are decisions of the model, not parts of what a layer is,
//! and a layer defined outside kerust trains without them (its output activation is not
//! fused with the loss, its input gradient is always computed).

use std::any::Any;

use rand_chacha::ChaCha8Rng;

use super::{ActivationLayer, BatchNormalization, Dense, Dropout, Layer};
use crate::losses::Loss;
use crate::regularizers::Regularizer;

/// Model-only hooks, with defaults for layers that have no use for them.
pub(crate) trait ModelHooks {
    /// Called by `compile` with the loss on the output layer and `None` on the others: when
    /// its activation and the loss have a fused gradient (`p - y`), the layer takes `dL/dz`
    /// directly in `backward` and returns `true`.
    fn fuse_output_activation(&mut self, _loss: Option<&Loss>) -> bool {
        false
    }
    /// Called when the model builds its first layer: the gradient with respect to the model
    /// input is never used, so `backward` skips it (and returns an empty view).
    fn skip_input_gradient(&mut self) {}
    /// The random stream of a layer that draws noise in training (Dropout), derived from the
    /// model seed when the layer is built. A layer with its own seed ignores it.
    fn seed_noise(&mut self, _rng: ChaCha8Rng) {}
    /// The regularizer of each trainable parameter, in `params_mut` order; empty when none.
    fn weight_regularizers(&self) -> Vec<Option<Regularizer>> {
        Vec::new()
    }
    /// The activity penalty of the output of the last `forward` (already divided by the
    /// batch size); its gradient is added by `backward`. 0 without an activity regularizer.
    fn activity_penalty(&self) -> f32 {
        0.0
    }
    /// Projects the weights onto their constraints; the model calls it after every step.
    fn apply_constraints(&mut self) {}
    /// On a replica of this layer (the copy that computes another shard of each batch, see
    /// `model::parallel`), takes the state of `master` that a training step reads: its
    /// weights and its noise stream. Copies into the existing buffers: no allocation.
    fn copy_state_from(&mut self, _master: &dyn Layer) {}
    /// On a replica, adds its parameter gradients (of its shard) to those of `master`.
    fn add_gradients_to(&self, _master: &mut dyn Layer) {}
}

/// `master` as the replica's own type (a replica is always a clone of its master).
pub(crate) fn same_type<T: 'static>(master: &dyn Layer) -> &T {
    let any: &dyn Any = master;
    any.downcast_ref().expect("a replica is a clone of its master layer")
}

/// The same, to change.
pub(crate) fn same_type_mut<T: 'static>(master: &mut dyn Layer) -> &mut T {
    let any: &mut dyn Any = master;
    any.downcast_mut().expect("a replica is a clone of its master layer")
}

/// Adds `from` to `into`, element by element.
pub(crate) fn add_into(into: &mut [f32], from: &[f32]) {
    into.iter_mut().zip(from).for_each(|(i, &f)| *i += f);
}

/// Tries each built-in layer type in turn.
macro_rules! built_in {
    ($any:ident, $downcast:ident) => {{
        if $any.is::<Dense>() {
            return $any.$downcast::<Dense>().map(|l| l as _);
        }
        if $any.is::<Dropout>() {
            return $any.$downcast::<Dropout>().map(|l| l as _);
        }
        if $any.is::<BatchNormalization>() {
            return $any.$downcast::<BatchNormalization>().map(|l| l as _);
        }
        if $any.is::<ActivationLayer>() {
            return $any.$downcast::<ActivationLayer>().map(|l| l as _);
        }
        None
    }};
}

/// A copy of `layer` with buffers of its own, if it is one of kerust's own layers (a layer
/// defined outside kerust cannot be copied, and its model trains on one thread).
pub(crate) fn replica(layer: &dyn Layer) -> Option<Box<dyn Layer>> {
    let any: &dyn Any = layer;
    macro_rules! clone_as {
        ($($t:ty),*) => {$(
            if let Some(l) = any.downcast_ref::<$t>() {
                return Some(Box::new(l.clone()));
            }
        )*};
    }
    clone_as!(Dense, Dropout, BatchNormalization, ActivationLayer);
    None
}

/// The hooks of `layer` if it is one of kerust's own layers.
pub(crate) fn hooks(layer: &dyn Layer) -> Option<&dyn ModelHooks> {
    let any: &dyn Any = layer;
    built_in!(any, downcast_ref)
}

/// The hooks of `layer`, to change it, if it is one of kerust's own layers.
pub(crate) fn hooks_mut(layer: &mut dyn Layer) -> Option<&mut dyn ModelHooks> {
    let any: &mut dyn Any = layer;
    built_in!(any, downcast_mut)
}
