//! RMSprop, Keras 3's update (epsilon inside the square root).

use serde::{Deserialize, Serialize};

use super::base::{OptimizerBase, optimizer_bookkeeping, shape_slot};
use super::{check_positive, check_range};
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
    #[serde(flatten)]
    base: OptimizerBase,
    /// Decay of the squared-gradient average.
    pub rho: f32,
    /// Momentum factor in `[0, 1]`.
    pub momentum: f32,
    /// Added under the square root.
    pub epsilon: f32,
    /// Normalise by the variance rather than the second moment.
    pub centered: bool,
    /// Per parameter tensor: the average `v` of g², the average `ḡ` of g (centered only),
    /// the momentum `s` (with momentum only).
    #[serde(skip)]
    slots: [Vec<Vec<f32>>; 3],
}

impl Default for RMSprop {
    fn default() -> Self {
        RMSprop::new(0.001)
    }
}

impl RMSprop {
    const SLOTS: [&'static str; 3] = ["velocity", "average_grad", "momentums"];

    /// RMSprop with this learning rate and Keras's other defaults.
    pub fn new(learning_rate: f32) -> Self {
        RMSprop {
            base: OptimizerBase::new(learning_rate),
            rho: 0.9,
            momentum: 0.0,
            epsilon: 1e-7,
            centered: false,
            slots: Default::default(),
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

    fn check(&self) -> Result<()> {
        check_range("rho", self.rho, 0.0..1.0)?;
        check_range("momentum", self.momentum, 0.0..=1.0)?;
        check_positive("epsilon", self.epsilon)
    }

    fn update(&mut self, params: &mut [Param<'_>]) {
        let [velocity, average_grad, momentums] = &mut self.slots;
        shape_slot(velocity, params, 0.0);
        if self.centered {
            shape_slot(average_grad, params, 0.0);
        }
        if self.momentum > 0.0 {
            shape_slot(momentums, params, 0.0);
        }
        let (lr, rho, eps) = (self.base.learning_rate, self.rho, self.epsilon);
        for (i, p) in params.iter_mut().enumerate() {
            for j in 0..p.value.len() {
                let g = p.grad[j];
                let v = &mut velocity[i][j];
                *v = rho * *v + (1.0 - rho) * g * g;
                let mut denominator = *v + eps;
                if self.centered {
                    let a = &mut average_grad[i][j];
                    *a = rho * *a + (1.0 - rho) * g;
                    denominator = *v - *a * *a + eps;
                }
                let increment = lr * g / denominator.sqrt();
                if self.momentum > 0.0 {
                    let s = &mut momentums[i][j];
                    *s = self.momentum * *s + increment;
                    p.value[j] -= *s;
                } else {
                    p.value[j] -= increment;
                }
            }
        }
    }
}

optimizer_bookkeeping!(RMSprop, RMSprop);
