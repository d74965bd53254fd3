//! Stochastic gradient descent, Keras 3's `SGD`.

use super::base::shape_slot;
use super::declare::optimizer;
use crate::layers::Param;

optimizer! {
    /// SGD with optional (Nesterov) momentum. Keras defaults: `learning_rate = 0.01`,
    /// `momentum = 0`, `nesterov = false`.
    ///
    /// Update (Keras 3): without momentum `w -= lr g`; with it `m = momentum m - lr g`, then
    /// `w += m`, or with Nesterov `w += momentum m - lr g`.
    Sgd {
        learning_rate: 0.01,
        slots: ["velocity"],
        /// Momentum factor in `[0, 1]`.
        momentum: f32 = 0.0 in 0.0..=1.0;
        /// Use Nesterov momentum.
        nesterov: bool = false;
    }
}

impl Sgd {
    fn update(&mut self, params: &mut [Param<'_>]) {
        let (lr, mu) = (self.base.learning_rate, self.momentum);
        if mu == 0.0 {
            for p in params.iter_mut() {
                p.value.iter_mut().zip(p.grad.iter()).for_each(|(w, &g)| *w -= lr * g);
            }
            return;
        }
        let [velocity] = &mut self.slots;
        shape_slot(velocity, params, 0.0);
        for (p, m) in params.iter_mut().zip(velocity.iter_mut()) {
            for ((w, &g), m) in p.value.iter_mut().zip(p.grad.iter()).zip(m.iter_mut()) {
                *m = *m * mu - g * lr;
                *w += if self.nesterov { *m * mu - g * lr } else { *m };
            }
        }
    }
}
