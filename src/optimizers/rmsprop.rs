//! RMSprop, Keras 3's update (epsilon inside the square root).

use super::allowed::Positive;
use super::base::shape_slot;
use super::declare::optimizer;
use crate::layers::Param;

optimizer! {
    /// RMSprop. Keras defaults: `learning_rate = 0.001`, `rho = 0.9`, `momentum = 0`,
    /// `epsilon = 1e-7`, `centered = false`.
    ///
    /// `v = ρ v + (1 - ρ) g²`; the increment is `lr g / √(v + ε)`, or when centered
    /// `lr g / √(v - ḡ² + ε)` with `ḡ = ρ ḡ + (1 - ρ) g`; with momentum
    /// `s = momentum s + increment`, `w -= s`, else `w -= increment`. State per parameter
    /// tensor: `v` (velocity), `ḡ` (average_grad, when centered), `s` (momentums).
    RMSprop {
        learning_rate: 0.001,
        slots: ["velocity", "average_grad", "momentums"],
        /// Decay of the squared-gradient average.
        rho: f32 = 0.9 in 0.0..1.0;
        /// Momentum factor in `[0, 1]`.
        momentum: f32 = 0.0 in 0.0..=1.0;
        /// Added under the square root.
        epsilon: f32 = 1e-7 in Positive;
        /// Normalise by the variance rather than the second moment.
        centered: bool = false;
    }
}

impl RMSprop {
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
