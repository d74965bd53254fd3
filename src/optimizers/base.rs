//! What every optimizer keeps beside its own hyper-parameters and update rule: the learning
//! rate, the gradient clipping, the steps taken, and its state slots (one vector per
//! parameter tensor each), created on the first step and saved with the model.

use serde::{Deserialize, Serialize};

use super::Clipping;
use super::allowed::Allowed;
use crate::error::Result;
use crate::layers::Param;

/// The learning rate, gradient clipping and step count of an optimizer. Serialized flat
/// into the optimizer's configuration (`learning_rate`, `clipnorm`, ...); the step count is
/// state, saved with the slots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct OptimizerBase {
    /// Step size (stored as f32, as Keras does).
    pub(crate) learning_rate: f32,
    /// Applied to the gradients before the update.
    #[serde(flatten)]
    pub(crate) clipping: Clipping,
    /// Steps taken (Keras's `optimizer.iterations`).
    #[serde(skip)]
    pub(crate) iterations: u64,
}

impl OptimizerBase {
    /// A learning rate, no clipping, no steps taken.
    pub(crate) fn new(learning_rate: f32) -> Self {
        OptimizerBase { learning_rate, clipping: Clipping::default(), iterations: 0 }
    }

    /// Checks the learning rate (finite, not negative) and the clipping settings.
    pub(crate) fn validate(&self) -> Result<()> {
        check_learning_rate(self.learning_rate)?;
        self.clipping.validate()
    }
}

/// Checks a learning rate: finite and not negative.
pub(crate) fn check_learning_rate(lr: f32) -> Result<()> {
    (0.0..).check("learning_rate", lr)
}

/// Gives `slot` one vector per parameter tensor, of its length, filled with `init`, unless
/// it already has them (state is created lazily on the first step, or restored).
pub(crate) fn shape_slot(slot: &mut Vec<Vec<f32>>, params: &[Param<'_>], init: f32) {
    if slot.len() != params.len() || slot.iter().zip(params).any(|(s, p)| s.len() != p.value.len()) {
        *slot = params.iter().map(|p| vec![init; p.value.len()]).collect();
    }
}

/// The non-empty slots with their names, for [`Optimizer::state`](super::Optimizer::state).
pub(crate) fn saved_slots<'a>(
    names: &[&'static str],
    slots: &'a [Vec<Vec<f32>>],
) -> Vec<(&'static str, &'a [Vec<f32>])> {
    names.iter().copied().zip(slots.iter().map(Vec::as_slice)).filter(|(_, v)| !v.is_empty()).collect()
}

/// Puts saved slots back by name; names this optimizer does not have are ignored.
pub(crate) fn restore_slots(names: &[&'static str], slots: &mut [Vec<Vec<f32>>], saved: Vec<(String, Vec<Vec<f32>>)>) {
    for (name, values) in saved {
        if let Some(i) = names.iter().position(|n| *n == name) {
            slots[i] = values;
        }
    }
}
