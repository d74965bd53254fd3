//! A model's weights as one list in Keras's order: read, replace (checked first), count.

use ndarray::ArrayD;

use super::Sequential;
use crate::error::{Error, Result};
use crate::layers::check_weights;

impl Sequential {
    /// All weights in Keras's order: `[kernel_0, bias_0, kernel_1, bias_1, ...]`.
    pub fn get_weights(&self) -> Vec<ArrayD<f32>> {
        self.layers.iter().flat_map(|l| l.weights()).map(|w| w.to_owned()).collect()
    }

    /// Replaces all weights (same order and shapes as [`Sequential::get_weights`]).
    /// Builds the model first. Errors on a wrong count, a wrong shape, or NaN/inf, before
    /// changing anything.
    pub fn set_weights(&mut self, weights: &[ArrayD<f32>]) -> Result<()> {
        self.build()?;
        let counts: Vec<usize> = self.layers.iter().map(|l| l.weights().len()).collect();
        let expected = counts.iter().sum();
        if weights.len() != expected {
            return Err(Error::WeightCount { expected, got: weights.len() });
        }
        // Each layer's arrays, with the index of the first in the model's list.
        let mut per_layer = Vec::with_capacity(counts.len());
        let mut first = 0;
        for n in counts {
            per_layer.push((first, &weights[first..first + n]));
            first += n;
        }
        for (layer, &(first, given)) in self.layers.iter().zip(&per_layer) {
            check_weights(layer.as_ref(), given, first)?;
        }
        for (layer, (_, given)) in self.layers.iter_mut().zip(per_layer) {
            layer.set_weights(given)?;
        }
        Ok(())
    }

    /// Total number of scalars in the weights (trainable and not).
    pub fn count_params(&self) -> usize {
        self.layers.iter().map(|l| l.trainable_params() + l.non_trainable_params()).sum()
    }

    /// The optimizer's step count and slots, owned (none before `compile`), to go back to
    /// with [`Sequential::restore_optimizer`].
    pub(crate) fn optimizer_snapshot(&self) -> Option<OptimizerSnapshot> {
        let c = self.compiled.as_ref()?;
        let slots = c.optimizer.state().into_iter().map(|(name, v)| (name.to_string(), v.to_vec())).collect();
        Some((c.optimizer.iterations(), slots))
    }

    /// Puts the optimizer back to a [`Sequential::optimizer_snapshot`] (the learning rate
    /// stays as it is now).
    pub(crate) fn restore_optimizer(&mut self, (iterations, mut slots): OptimizerSnapshot) {
        let Some(c) = self.compiled.as_mut() else { return };
        // A snapshot taken before the first step has no slots (they are made lazily): empty
        // the ones made since, so the next step makes them afresh.
        let made_since: Vec<String> = c.optimizer.state().iter().map(|(name, _)| name.to_string()).collect();
        for name in made_since {
            if !slots.iter().any(|(n, _)| *n == name) {
                slots.push((name, Vec::new()));
            }
        }
        c.optimizer.set_state(iterations, slots);
    }
}

/// An optimizer's step count and named slots.
pub(crate) type OptimizerSnapshot = (u64, Vec<(String, Vec<Vec<f32>>)>);
