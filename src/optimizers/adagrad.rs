//! Adagrad, Keras 3's update.

use super::allowed::Positive;
use super::base::shape_slot;
use super::declare::optimizer;
use crate::layers::Param;

optimizer! {
    /// Adagrad. Keras defaults: `learning_rate = 0.001`, `initial_accumulator_value = 0.1`,
    /// `epsilon = 1e-7`.
    ///
    /// `acc += g²`, `w -= lr g / √(acc + ε)`.
    Adagrad {
        learning_rate: 0.001,
        slots: ["accumulators"],
        /// Starting value of every accumulator.
        initial_accumulator_value: f32 = 0.1 in 0.0..;
        /// Added under the square root.
        epsilon: f32 = 1e-7 in Positive;
    }
}

impl Adagrad {
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
