//! RMSprop, Keras 3's update (epsilon inside the square root).

use serde::{Deserialize, Serialize};

use super::clipping::clipping_builders;
use super::{
    Clipping, Optimizer, OptimizerConfig, check_learning_rate, check_positive, check_range, saved_slots, slots,
};
use crate::error::Result;
use crate::layers::Param;

/// RMSprop. Keras defaults: `learning_rate = 0.001`, `rho = 0.9`, `momentum = 0`,
/// `epsilon = 1e-7`, `centered = false`.
///
/// `v = ρ v + (1 - ρ) g²`; the increment is `lr g / √(v + ε)`, or when centered
/// `lr g / √(v - ḡ² + ε)` with `ḡ = ρ ḡ + (1 - ρ) g`; with momentum
/// `s = momentum s + increment`, `w -= s`, else `w -= increment`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RMSprop {
    /// Step size.
    pub learning_rate: f32,
    /// Decay of the squared-gradient average.
    pub rho: f32,
    /// Momentum factor in `[0, 1]`.
    pub momentum: f32,
    /// Added under the square root.
    pub epsilon: f32,
    /// Normalise by the variance rather than the second moment.
    pub centered: bool,
    /// Gradient clipping.
    #[serde(flatten)]
    pub clipping: Clipping,
    #[serde(skip)]
    velocity: Vec<Vec<f32>>,
    #[serde(skip)]
    average_grad: Vec<Vec<f32>>,
    #[serde(skip)]
    momentums: Vec<Vec<f32>>,
    #[serde(skip)]
    iterations: u64,
}

impl Default for RMSprop {
    fn default() -> Self {
        RMSprop::new(0.001)
    }
}

impl RMSprop {
    /// RMSprop with this learning rate and Keras's other defaults.
    pub fn new(learning_rate: f32) -> Self {
        RMSprop {
            learning_rate,
            rho: 0.9,
            momentum: 0.0,
            epsilon: 1e-7,
            centered: false,
            clipping: Clipping::default(),
            velocity: Vec::new(),
            average_grad: Vec::new(),
            momentums: Vec::new(),
            iterations: 0,
        }
    }

    /// Sets `rho` (default 0.9).
    pub fn rho(mut self, rho: f32) -> Self {
        self.rho = rho;
        self
    }

    /// Sets the momentum (default 0).
    pub fn momentum(mut self, momentum: f32) -> Self {
        self.momentum = momentum;
        self
    }

    /// Sets `epsilon` (default 1e-7).
    pub fn epsilon(mut self, epsilon: f32) -> Self {
        self.epsilon = epsilon;
        self
    }

    /// Turns the centered variant on or off (default off).
    pub fn centered(mut self, centered: bool) -> Self {
        self.centered = centered;
        self
    }

    pub(crate) fn fresh(&self) -> Self {
        RMSprop { velocity: Vec::new(), average_grad: Vec::new(), momentums: Vec::new(), iterations: 0, ..self.clone() }
    }
}

clipping_builders!(RMSprop);

impl Optimizer for RMSprop {
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
        slots(&mut self.velocity, params, 0.0);
        if self.centered {
            slots(&mut self.average_grad, params, 0.0);
        }
        if self.momentum > 0.0 {
            slots(&mut self.momentums, params, 0.0);
        }
        let (lr, rho, eps) = (self.learning_rate, self.rho, self.epsilon);
        for (i, p) in params.iter_mut().enumerate() {
            for j in 0..p.value.len() {
                let g = p.grad[j];
                let v = &mut self.velocity[i][j];
                *v = rho * *v + (1.0 - rho) * g * g;
                let mut denominator = *v + eps;
                if self.centered {
                    let a = &mut self.average_grad[i][j];
                    *a = rho * *a + (1.0 - rho) * g;
                    denominator = *v - *a * *a + eps;
                }
                let increment = lr * g / denominator.sqrt();
                if self.momentum > 0.0 {
                    let s = &mut self.momentums[i][j];
                    *s = self.momentum * *s + increment;
                    p.value[j] -= *s;
                } else {
                    p.value[j] -= increment;
                }
            }
        }
        self.iterations += 1;
    }

    fn config(&self) -> OptimizerConfig {
        OptimizerConfig::RMSprop(self.fresh())
    }

    fn validate(&self) -> Result<()> {
        check_learning_rate(self.learning_rate)?;
        check_range("rho", self.rho, 0.0, 1.0, false)?;
        check_range("momentum", self.momentum, 0.0, 1.0, true)?;
        check_positive("epsilon", self.epsilon)?;
        self.clipping.validate()
    }

    fn reset(&mut self) {
        *self = self.fresh();
    }

    fn state(&self) -> Vec<(&'static str, &[Vec<f32>])> {
        saved_slots([
            ("velocity", &self.velocity[..]),
            ("average_grad", &self.average_grad[..]),
            ("momentums", &self.momentums[..]),
        ])
    }

    fn set_state(&mut self, iterations: u64, slots: Vec<(String, Vec<Vec<f32>>)>) {
        self.iterations = iterations;
        for (name, values) in slots {
            match name.as_str() {
                "velocity" => self.velocity = values,
                "average_grad" => self.average_grad = values,
                "momentums" => self.momentums = values,
                _ => {}
            }
        }
    }
}
