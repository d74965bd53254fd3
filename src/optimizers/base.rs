//! What every optimizer keeps beside its own hyper-parameters and update rule: the learning
//! rate, the gradient clipping, the steps taken and the state slots (one vector per
//! parameter tensor each), and the [`Optimizer`](super::Optimizer) methods built on them.
//!
//! An optimizer file declares its struct (an [`OptimizerBase`], its hyper-parameters, its
//! `slots`), its defaults, `SLOTS` (the slot names), `check` (its own hyper-parameters) and
//! `update` (its rule); [`optimizer_bookkeeping!`] writes the rest.

use serde::{Deserialize, Serialize};

use super::Clipping;
use crate::error::{Error, Result};
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
    if lr.is_finite() && lr >= 0.0 {
        Ok(())
    } else {
        Err(Error::invalid("learning_rate", lr, "must be a finite number >= 0"))
    }
}

/// Gives `slot` one vector per parameter tensor, of its length, filled with `init`, unless
/// it already has them (state is created lazily on the first step, or restored).
pub(crate) fn shape_slot(slot: &mut Vec<Vec<f32>>, params: &[Param<'_>], init: f32) {
    if slot.len() != params.len() || slot.iter().zip(params).any(|(s, p)| s.len() != p.value.len()) {
        *slot = params.iter().map(|p| vec![init; p.value.len()]).collect();
    }
}

/// The non-empty slots with their names, for [`Optimizer::state`](super::Optimizer::state).
pub(crate) fn saved_slots<'a, const N: usize>(
    names: [&'static str; N],
    slots: &'a [Vec<Vec<f32>>; N],
) -> Vec<(&'static str, &'a [Vec<f32>])> {
    names.into_iter().zip(slots.iter().map(Vec::as_slice)).filter(|(_, v)| !v.is_empty()).collect()
}

/// Puts saved slots back by name; names this optimizer does not have are ignored.
pub(crate) fn restore_slots<const N: usize>(
    names: [&'static str; N],
    slots: &mut [Vec<Vec<f32>>; N],
    saved: Vec<(String, Vec<Vec<f32>>)>,
) {
    for (name, values) in saved {
        if let Some(i) = names.iter().position(|n| *n == name) {
            slots[i] = values;
        }
    }
}

/// The clipping builders and the `Optimizer` impl of an optimizer `$t` (variant `$variant`
/// of `OptimizerConfig`) with the fields `base` and `slots`, the constant `SLOTS` and the
/// methods `check(&self) -> Result<()>` and `update(&mut self, &mut [Param])`.
macro_rules! optimizer_bookkeeping {
    ($t:ident, $variant:ident) => {
        impl $t {
            /// Clips each gradient tensor to this L2 norm before the update.
            pub fn clipnorm(mut self, clipnorm: f32) -> Self {
                self.base.clipping.clipnorm = Some(clipnorm);
                self
            }
            /// Clips each gradient element to `[-clipvalue, clipvalue]` before the update.
            pub fn clipvalue(mut self, clipvalue: f32) -> Self {
                self.base.clipping.clipvalue = Some(clipvalue);
                self
            }
            /// Clips all gradients together to this joint L2 norm before the update.
            pub fn global_clipnorm(mut self, global_clipnorm: f32) -> Self {
                self.base.clipping.global_clipnorm = Some(global_clipnorm);
                self
            }
        }

        impl $crate::optimizers::Optimizer for $t {
            fn learning_rate(&self) -> f32 {
                self.base.learning_rate
            }
            fn set_learning_rate(&mut self, learning_rate: f32) {
                self.base.learning_rate = learning_rate;
            }
            fn iterations(&self) -> u64 {
                self.base.iterations
            }
            fn apply(&mut self, params: &mut [$crate::layers::Param<'_>]) {
                self.base.clipping.apply(params);
                self.update(params);
                self.base.iterations += 1;
            }
            fn config(&self) -> $crate::optimizers::OptimizerConfig {
                let mut fresh = self.clone();
                fresh.base.iterations = 0;
                fresh.slots = Default::default();
                $crate::optimizers::OptimizerConfig::$variant(fresh)
            }
            fn validate(&self) -> $crate::error::Result<()> {
                self.base.validate()?;
                self.check()
            }
            fn state(&self) -> Vec<(&'static str, &[Vec<f32>])> {
                $crate::optimizers::base::saved_slots(Self::SLOTS, &self.slots)
            }
            fn set_state(&mut self, iterations: u64, slots: Vec<(String, Vec<Vec<f32>>)>) {
                self.base.iterations = iterations;
                $crate::optimizers::base::restore_slots(Self::SLOTS, &mut self.slots, slots);
            }
        }
    };
}
pub(crate) use optimizer_bookkeeping;
