//! Adagrad, Keras 3's update.

use serde::{Deserialize, Serialize};

use super::clipping::clipping_builders;
use super::{Clipping, Optimizer, OptimizerConfig, check_learning_rate, check_positive, saved_slots, slots};
use crate::error::{Error, Result};
use crate::layers::Param;

/// Adagrad. Keras defaults: `learning_rate = 0.001`, `initial_accumulator_value = 0.1`,
/// `epsilon = 1e-7`.
///
/// `acc += g²`, `w -= lr g / √(acc + ε)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adagrad {
    /// Step size.
    pub learning_rate: f32,
    /// Starting value of every accumulator.
    pub initial_accumulator_value: f32,
    /// Added under the square root.
    pub epsilon: f32,
    /// Gradient clipping.
    #[serde(flatten)]
    pub clipping: Clipping,
    #[serde(skip)]
    accumulators: Vec<Vec<f32>>,
    #[serde(skip)]
    iterations: u64,
}

impl Default for Adagrad {
    fn default() -> Self {
        Adagrad::new(0.001)
    }
}

impl Adagrad {
    /// Adagrad with this learning rate and Keras's other defaults.
    pub fn new(learning_rate: f32) -> Self {
        Adagrad {
            learning_rate,
            initial_accumulator_value: 0.1,
            epsilon: 1e-7,
            clipping: Clipping::default(),
            accumulators: Vec::new(),
            iterations: 0,
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

    pub(crate) fn fresh(&self) -> Self {
        Adagrad { accumulators: Vec::new(), iterations: 0, ..self.clone() }
    }
}

clipping_builders!(Adagrad);

impl Optimizer for Adagrad {
    fn learning_rate(&self) -> f32 {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f32) {
        self.learning_rate = learning_rate;
    }

    fn iterations(&self) -> u64 {
        self.iterations
    }

    fn apply(&mut self, params: &mut [Param<'_>]) {
        self.clipping.apply(params);
        slots(&mut self.accumulators, params, self.initial_accumulator_value);
        let (lr, eps) = (self.learning_rate, self.epsilon);
        for (p, acc) in params.iter_mut().zip(self.accumulators.iter_mut()) {
            for ((w, &g), a) in p.value.iter_mut().zip(p.grad.iter()).zip(acc.iter_mut()) {
                *a += g * g;
                *w -= lr * g / (*a + eps).sqrt();
            }
        }
        self.iterations += 1;
    }

    fn config(&self) -> OptimizerConfig {
        OptimizerConfig::Adagrad(self.fresh())
    }

    fn validate(&self) -> Result<()> {
        check_learning_rate(self.learning_rate)?;
        if !(self.initial_accumulator_value.is_finite() && self.initial_accumulator_value >= 0.0) {
            return Err(Error::invalid(
                "initial_accumulator_value",
                self.initial_accumulator_value,
                "must be a finite number >= 0",
            ));
        }
        check_positive("epsilon", self.epsilon)?;
        self.clipping.validate()
    }

    fn reset(&mut self) {
        *self = self.fresh();
    }

    fn state(&self) -> Vec<(&'static str, &[Vec<f32>])> {
        saved_slots([("accumulators", &self.accumulators[..])])
    }

    fn set_state(&mut self, iterations: u64, slots: Vec<(String, Vec<Vec<f32>>)>) {
        self.iterations = iterations;
        for (name, values) in slots {
            if name == "accumulators" {
                self.accumulators = values;
            }
        }
    }
}
