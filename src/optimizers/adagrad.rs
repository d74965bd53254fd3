//! Adagrad, Keras 3's update.

use serde::{Deserialize, Serialize};

use super::base::{OptimizerBase, optimizer_bookkeeping, shape_slot};
use super::check_positive;
use crate::error::{Error, Result};
use crate::layers::Param;

/// Adagrad. Keras defaults: `learning_rate = 0.001`, `initial_accumulator_value = 0.1`,
/// `epsilon = 1e-7`.
///
/// `acc += g²`, `w -= lr g / √(acc + ε)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adagrad {
    #[serde(flatten)]
    base: OptimizerBase,
    /// Starting value of every accumulator.
    pub initial_accumulator_value: f32,
    /// Added under the square root.
    pub epsilon: f32,
    /// The accumulated squared gradients of each parameter tensor.
    #[serde(skip)]
    slots: [Vec<Vec<f32>>; 1],
}

impl Default for Adagrad {
    fn default() -> Self {
        Adagrad::new(0.001)
    }
}

impl Adagrad {
    const SLOTS: [&'static str; 1] = ["accumulators"];

    /// Adagrad with this learning rate and Keras's other defaults.
    pub fn new(learning_rate: f32) -> Self {
        Adagrad {
            base: OptimizerBase::new(learning_rate),
            initial_accumulator_value: 0.1,
            epsilon: 1e-7,
            slots: Default::default(),
        }
    }

    /// Sets the accumulators' starting value (default 0.1).
    pub fn initial_accumulator_value(mut self, value: f32) -> Self {
        self.initial_accumulator_value = value;
        self
    }

    /// Sets `epsilon` (default 1e-7).
    pub fn epsilon(mut self, epsilon: f32) -> Self {
        self.epsilon = epsilon;
        self
    }

    fn check(&self) -> Result<()> {
        let init = self.initial_accumulator_value;
        if !(init.is_finite() && init >= 0.0) {
            return Err(Error::invalid("initial_accumulator_value", init, "must be a finite number >= 0"));
        }
        check_positive("epsilon", self.epsilon)
    }

    fn update(&mut self, params: &mut [Param<'_>]) {
        let [accumulators] = &mut self.slots;
        shape_slot(accumulators, params, self.initial_accumulator_value);
        let (lr, eps) = (self.base.learning_rate, self.epsilon);
        for (p, acc) in params.iter_mut().zip(accumulators.iter_mut()) {
            for ((w, &g), a) in p.value.iter_mut().zip(p.grad.iter()).zip(acc.iter_mut()) {
                *a += g * g;
                *w -= lr * g / (*a + eps).sqrt();
            }
        }
    }
}

optimizer_bookkeeping!(Adagrad, Adagrad);
