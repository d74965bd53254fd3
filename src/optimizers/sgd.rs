//! Stochastic gradient descent, Keras 3's `SGD`.

use serde::{Deserialize, Serialize};

use super::clipping::clipping_builders;
use super::{Clipping, Optimizer, OptimizerConfig, check_learning_rate, check_range, saved_slots, slots};
use crate::error::Result;
use crate::layers::Param;

/// SGD with optional (Nesterov) momentum. Keras defaults: `learning_rate = 0.01`,
/// `momentum = 0`, `nesterov = false`.
///
/// Update (Keras 3): without momentum `w -= lr g`; with it `m = momentum m - lr g`, then
/// `w += m`, or with Nesterov `w += momentum m - lr g`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sgd {
    /// Step size.
    pub learning_rate: f32,
    /// Momentum factor in `[0, 1]`.
    pub momentum: f32,
    /// Use Nesterov momentum.
    pub nesterov: bool,
    /// Gradient clipping.
    #[serde(flatten)]
    pub clipping: Clipping,
    #[serde(skip)]
    velocity: Vec<Vec<f32>>,
    #[serde(skip)]
    iterations: u64,
}

impl Default for Sgd {
    fn default() -> Self {
        Sgd::new(0.01)
    }
}

impl Sgd {
    /// SGD with this learning rate and Keras's other defaults.
    pub fn new(learning_rate: f32) -> Self {
        Sgd {
            learning_rate,
            momentum: 0.0,
            nesterov: false,
            clipping: Clipping::default(),
            velocity: Vec::new(),
            iterations: 0,
        }
    }

    /// Sets the momentum (default 0).
    pub fn momentum(mut self, momentum: f32) -> Self {
        self.momentum = momentum;
        self
    }

    /// Turns Nesterov momentum on or off (default off).
    pub fn nesterov(mut self, nesterov: bool) -> Self {
        self.nesterov = nesterov;
        self
    }

    pub(crate) fn fresh(&self) -> Self {
        Sgd { velocity: Vec::new(), iterations: 0, ..self.clone() }
    }
}

clipping_builders!(Sgd);

impl Optimizer for Sgd {
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
        let (lr, mu) = (self.learning_rate, self.momentum);
        if mu == 0.0 {
            for p in params.iter_mut() {
                p.value.iter_mut().zip(p.grad.iter()).for_each(|(w, &g)| *w -= lr * g);
            }
        } else {
            slots(&mut self.velocity, params, 0.0);
            for (p, m) in params.iter_mut().zip(self.velocity.iter_mut()) {
                for ((w, &g), m) in p.value.iter_mut().zip(p.grad.iter()).zip(m.iter_mut()) {
                    *m = *m * mu - g * lr;
                    *w += if self.nesterov { *m * mu - g * lr } else { *m };
                }
            }
        }
        self.iterations += 1;
    }

    fn config(&self) -> OptimizerConfig {
        OptimizerConfig::Sgd(self.fresh())
    }

    fn validate(&self) -> Result<()> {
        check_learning_rate(self.learning_rate)?;
        check_range("momentum", self.momentum, 0.0, 1.0, true)?;
        self.clipping.validate()
    }

    fn reset(&mut self) {
        *self = self.fresh();
    }

    fn state(&self) -> Vec<(&'static str, &[Vec<f32>])> {
        saved_slots([("velocity", &self.velocity[..])])
    }

    fn set_state(&mut self, iterations: u64, slots: Vec<(String, Vec<Vec<f32>>)>) {
        self.iterations = iterations;
        for (name, values) in slots {
            if name == "velocity" {
                self.velocity = values;
            }
        }
    }
}
