//! `BatchNormalization` over the features (Keras `axis=-1`).
//!
//! Training: normalizes with the batch mean and the population (biased) variance, and
//! updates `moving = moving · momentum + batch · (1 - momentum)`. Inference: normalizes with
//! the moving statistics. Output `gamma · (x - mean) / sqrt(var + epsilon) + beta`, computed
//! as Keras's JAX backend does: `x · inv + (beta - mean · inv)` with `inv = gamma / sqrt(var + ε)`.
//! Weights in Keras order: gamma, beta (trainable), moving_mean, moving_variance (not).

use ndarray::{ArrayView1, ArrayView2, ArrayViewD, ArrayViewMut1, ArrayViewMutD};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::base::{layer_bookkeeping, layer_builders};
use super::{Buffer, InputGradient, Layer, LayerBase, ModelHooks, Param, add_into, same_type, same_type_mut};
use crate::error::{Error, Result};
use crate::kernels::shard;
use crate::setters::setters;

/// What rebuilds a [`BatchNormalization`] layer (Keras's `get_config()` fields we support).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchNormConfig {
    /// Name and declared input width.
    #[serde(flatten)]
    pub base: LayerBase,
    /// Weight of the old value in the moving statistics (Keras default 0.99).
    pub momentum: f32,
    /// Added to the variance before the square root (Keras default 1e-3).
    pub epsilon: f32,
    /// Whether the layer has the offset `beta` (default true).
    pub center: bool,
    /// Whether the layer has the scale `gamma` (default true).
    pub scale: bool,
}

impl BatchNormConfig {
    /// Names of the weights in Keras order: `gamma` (if `scale`), `beta` (if `center`),
    /// `moving_mean`, `moving_variance`.
    pub fn weight_names(&self) -> Vec<&'static str> {
        self.present(["gamma", "beta", "moving_mean", "moving_variance"])
    }

    /// The entries of `all` (one per possible weight, in Keras order) this layer has.
    fn present<T>(&self, all: [T; 4]) -> Vec<T> {
        let has = [self.scale, self.center, true, true];
        all.into_iter().zip(has).filter_map(|(w, has)| has.then_some(w)).collect()
    }
}

/// Keras's `BatchNormalization()` with its defaults: momentum 0.99, epsilon 1e-3, gamma
/// ones, beta zeros, moving mean zeros, moving variance ones.
///
/// ```
/// use kerust::prelude::*;
/// let mut model = Sequential::new().seed(0);
/// model.add(Dense::new(16).input_dim(13).activation(Activation::Relu));
/// model.add(BatchNormalization::new());
/// model.add(Dense::new(3).activation(Activation::Softmax));
/// assert!(model.summary().contains("Non-trainable params: 32 (128.00 B)"));
/// ```
#[derive(Debug, Clone)]
pub struct BatchNormalization {
    config: BatchNormConfig,
    gamma: Vec<f32>,           // (features,), ones without `scale`
    beta: Vec<f32>,            // (features,), zeros without `center`
    moving_mean: Vec<f32>,     // (features,)
    moving_variance: Vec<f32>, // (features,)
    dgamma: Vec<f32>,          // (features,)
    dbeta: Vec<f32>,           // (features,)
    inv_std: Vec<f32>,         // (features,): 1 / sqrt(batch var + epsilon) of the last training forward
    sums: Vec<f64>,            // (2 · features,): per-feature sums, exchanged between batch shards
    x_hat: Buffer,             // (batch, features): normalized input of the last training forward
    out: Buffer,               // (batch, features)
    dx: InputGradient,         // (batch, features)
}

impl Default for BatchNormalization {
    fn default() -> Self {
        BatchNormalization::new()
    }
}

impl BatchNormalization {
    /// A BatchNormalization layer with Keras's defaults.
    pub fn new() -> Self {
        BatchNormalization {
            config: BatchNormConfig {
                base: LayerBase::default(),
                momentum: 0.99,
                epsilon: 1e-3,
                center: true,
                scale: true,
            },
            gamma: Vec::new(),
            beta: Vec::new(),
            moving_mean: Vec::new(),
            moving_variance: Vec::new(),
            dgamma: Vec::new(),
            dbeta: Vec::new(),
            inv_std: Vec::new(),
            sums: Vec::new(),
            x_hat: Buffer::default(),
            out: Buffer::default(),
            dx: InputGradient::default(),
        }
    }

    setters! {
        /// Sets the momentum of the moving statistics (default 0.99).
        momentum(momentum: f32) => config.momentum = momentum;
        /// Sets epsilon (default 1e-3).
        epsilon(epsilon: f32) => config.epsilon = epsilon;
        /// Turns the offset `beta` on or off (default on).
        center(center: bool) => config.center = center;
        /// Turns the scale `gamma` on or off (default on).
        scale(scale: bool) => config.scale = scale;
    }

    /// The moving mean, `(features,)`.
    pub fn moving_mean(&self) -> ArrayView1<'_, f32> {
        ArrayView1::from(&self.moving_mean[..])
    }

    /// The moving variance, `(features,)`.
    pub fn moving_variance(&self) -> ArrayView1<'_, f32> {
        ArrayView1::from(&self.moving_variance[..])
    }
}

layer_builders!(BatchNormalization, BatchNormConfig, BatchNormalization::new());

/// `1 - momentum` as Keras computes it: in f64 from the decimal the user wrote (Keras keeps
/// momentum as a Python float), so 0.99 gives exactly f32(0.01), not f32(1) - f32(0.99).
fn one_minus(momentum: f32) -> f32 {
    let decimal: f64 = momentum.to_string().parse().unwrap_or(momentum as f64);
    (1.0 - decimal) as f32
}

impl Layer for BatchNormalization {
    layer_bookkeeping!(BatchNormalization);

    fn build(&mut self, input_dim: usize, _rng: &mut ChaCha8Rng) -> Result<()> {
        let c = &self.config;
        if !(c.momentum.is_finite() && (0.0..=1.0).contains(&c.momentum)) {
            return Err(Error::invalid("momentum", c.momentum, "of BatchNormalization must be in [0, 1]"));
        }
        if !(c.epsilon.is_finite() && c.epsilon > 0.0) {
            return Err(Error::invalid("epsilon", c.epsilon, "of BatchNormalization must be a finite number > 0"));
        }
        if input_dim == 0 {
            return Err(Error::invalid("input_dim", 0, format!("of layer {:?} must be at least 1", self.name())));
        }
        self.gamma = vec![1.0; input_dim];
        self.beta = vec![0.0; input_dim];
        self.moving_mean = vec![0.0; input_dim];
        self.moving_variance = vec![1.0; input_dim];
        self.dgamma = vec![0.0; input_dim];
        self.dbeta = vec![0.0; input_dim];
        self.inv_std = vec![1.0; input_dim];
        self.sums = vec![0.0; 2 * input_dim];
        Ok(())
    }

    fn forward(&mut self, x: ArrayView2<f32>, training: bool) -> ArrayView2<'_, f32> {
        let (batch, features) = x.dim();
        debug_assert_eq!(features, self.gamma.len());
        let eps = self.config.epsilon;
        let mut out = self.out.shape_mut(batch, features); // (batch, features)
        if !training {
            for j in 0..features {
                let inv = 1.0 / (self.moving_variance[j] + eps).sqrt() * self.gamma[j];
                let shift = self.beta[j] - self.moving_mean[j] * inv;
                out.column_mut(j).iter_mut().zip(x.column(j)).for_each(|(o, &v)| *o = v * inv + shift);
            }
            return self.out.view();
        }
        let momentum = self.config.momentum;
        let one_minus = one_minus(momentum);
        let mut x_hat = self.x_hat.shape_mut(batch, features); // (batch, features)
        // The statistics are those of the whole batch: on a shard of it, the sums of every
        // shard are added (`shard::all_reduce`) before they are divided by all its rows.
        let rows = shard::batch_rows(batch) as f64;
        let (sums, _) = self.sums.split_at_mut(features);
        for (s, col) in sums.iter_mut().zip(x.columns()) {
            *s = col.iter().map(|&v| v as f64).sum::<f64>();
        }
        shard::all_reduce(sums);
        // The means, kept in `inv_std` until the variances are known.
        for (m, &s) in self.inv_std.iter_mut().zip(sums.iter()) {
            *m = (s / rows) as f32;
        }
        for ((s, col), &mean) in sums.iter_mut().zip(x.columns()).zip(&self.inv_std) {
            *s = col.iter().map(|&v| (v - mean) as f64 * (v - mean) as f64).sum::<f64>();
        }
        shard::all_reduce(sums);
        for (j, &sum) in sums.iter().enumerate() {
            let mean = self.inv_std[j];
            let var = (sum / rows) as f32;
            self.moving_mean[j] = self.moving_mean[j] * momentum + mean * one_minus;
            self.moving_variance[j] = self.moving_variance[j] * momentum + var * one_minus;
            let inv_std = 1.0 / (var + eps).sqrt();
            self.inv_std[j] = inv_std;
            let inv = inv_std * self.gamma[j];
            let shift = self.beta[j] - mean * inv;
            for ((o, h), &v) in out.column_mut(j).iter_mut().zip(x_hat.column_mut(j).iter_mut()).zip(x.column(j)) {
                *o = v * inv + shift;
                *h = (v - mean) * inv_std;
            }
        }
        self.out.view()
    }

    fn backward(&mut self, dout: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        let (batch, features) = dout.dim();
        let x_hat = self.x_hat.view(); // (batch, features)
        // dbeta = Σ_rows dout, dgamma = Σ_rows dout · x_hat, in one pass over the rows.
        self.dbeta.fill(0.0);
        self.dgamma.fill(0.0);
        for (g, h) in dout.rows().into_iter().zip(x_hat.rows()) {
            for j in 0..features {
                self.dbeta[j] += g[j];
                self.dgamma[j] += g[j] * h[j];
            }
        }
        // On a shard of a batch, dbeta and dgamma stay this shard's part (the step adds the
        // shards' gradients), while dx needs the sums over the whole batch.
        let (sum, sum_h) = self.sums.split_at_mut(features);
        for j in 0..features {
            (sum[j], sum_h[j]) = (self.dbeta[j] as f64, self.dgamma[j] as f64);
        }
        shard::all_reduce(&mut self.sums);
        let (sum, sum_h) = self.sums.split_at(features);
        // dx = gamma · inv_std / n · (n · dout - Σ dout - x_hat · Σ(dout · x_hat))
        let n = shard::batch_rows(batch) as f32;
        let Some(mut dx) = self.dx.shape_mut(batch, features) else { return self.dx.view() }; // (batch, features)
        for j in 0..features {
            let k = self.gamma[j] * self.inv_std[j] / n;
            let (sum, sum_h) = (sum[j] as f32, sum_h[j] as f32);
            for ((d, &g), &h) in dx.column_mut(j).iter_mut().zip(dout.column(j)).zip(x_hat.column(j)) {
                *d = k * (n * g - sum - h * sum_h);
            }
        }
        self.dx.view()
    }

    fn params_mut(&mut self) -> Vec<Param<'_>> {
        let gamma = Param { value: &mut self.gamma, grad: &mut self.dgamma };
        let beta = Param { value: &mut self.beta, grad: &mut self.dbeta };
        let has = [self.config.scale, self.config.center];
        [gamma, beta].into_iter().zip(has).filter_map(|(p, has)| has.then_some(p)).collect()
    }

    fn weights(&self) -> Vec<ArrayViewD<'_, f32>> {
        let all = [&self.gamma, &self.beta, &self.moving_mean, &self.moving_variance];
        self.config.present(all.map(|w| ArrayView1::from(&w[..]).into_dyn()))
    }

    fn weights_mut(&mut self) -> Vec<ArrayViewMutD<'_, f32>> {
        let all = [&mut self.gamma, &mut self.beta, &mut self.moving_mean, &mut self.moving_variance];
        self.config.present(all.map(|w| ArrayViewMut1::from(&mut w[..]).into_dyn()))
    }

    fn weight_names(&self) -> Vec<&'static str> {
        self.config.weight_names()
    }

    fn non_trainable_params(&self) -> usize {
        self.moving_mean.len() + self.moving_variance.len()
    }
}

impl ModelHooks for BatchNormalization {
    fn skip_input_gradient(&mut self) {
        self.dx.skip();
    }

    fn copy_state_from(&mut self, master: &dyn Layer) {
        let master: &BatchNormalization = same_type(master);
        self.gamma.copy_from_slice(&master.gamma);
        self.beta.copy_from_slice(&master.beta);
        // Every shard updates the moving statistics from the same whole-batch statistics;
        // copied anyway, so that a replica never drifts from its master.
        self.moving_mean.copy_from_slice(&master.moving_mean);
        self.moving_variance.copy_from_slice(&master.moving_variance);
    }

    fn add_gradients_to(&self, master: &mut dyn Layer) {
        let master: &mut BatchNormalization = same_type_mut(master);
        add_into(&mut master.dgamma, &self.dgamma);
        add_into(&mut master.dbeta, &self.dbeta);
    }
}
