//! Stochastic gradient descent, Keras 3's `SGD`.

use serde::{Deserialize, Serialize};

use super::base::{OptimizerBase, optimizer_bookkeeping, shape_slot};
use super::check_range;
use crate::error::Result;
use crate::layers::Param;

/// SGD with optional (Nesterov) momentum. Keras defaults: `learning_rate = 0.01`,
/// `momentum = 0`, `nesterov = false`.
///
/// Update (Keras 3): without momentum `w -= lr g`; with it `m = momentum m - lr g`, then
/// `w += m`, or with Nesterov `w += momentum m - lr g`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sgd {
    #[serde(flatten)]
    base: OptimizerBase,
    /// Momentum factor in `[0, 1]`.
    pub momentum: f32,
    /// Use Nesterov momentum.
    pub nesterov: bool,
    /// The velocity `m` of each parameter tensor (only with momentum).
    #[serde(skip)]
    slots: [Vec<Vec<f32>>; 1],
}

impl Default for Sgd {
    fn default() -> Self {
        Sgd::new(0.01)
    }
}

impl Sgd {
    const SLOTS: [&'static str; 1] = ["velocity"];

    /// SGD with this learning rate and Keras's other defaults.
    pub fn new(learning_rate: f32) -> Self {
        Sgd { base: OptimizerBase::new(learning_rate), momentum: 0.0, nesterov: false, slots: Default::default() }
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

    fn check(&self) -> Result<()> {
        check_range("momentum", self.momentum, 0.0..=1.0)
    }

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

optimizer_bookkeeping!(Sgd, Sgd);
