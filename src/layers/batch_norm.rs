//! `BatchNormalization` over the features (Keras `axis=-1`).
//!
//! Training: normalizes with the batch mean and the population (biased) variance, and
//! updates `moving = moving · momentum + batch · (1 - momentum)`. Inference: normalizes with
//! the moving statistics. Output `gamma · (x - mean) / sqrt(var + epsilon) + beta`, computed
//! as Keras's JAX backend does: `x · inv + (beta - mean · inv)` with `inv = gamma / sqrt(var + ε)`.
//! Weights in Keras order: gamma, beta (trainable), moving_mean, moving_variance (not).

use ndarray::{Array1, ArrayD, ArrayView2, ArrayViewD, Axis, Ix1};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::{Buffer, Layer, LayerConfig, Param};
use crate::error::{Error, Result};

/// What rebuilds a [`BatchNormalization`] layer (Keras's `get_config()` fields we support).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchNormConfig {
    /// Layer name.
    pub name: String,
    /// Weight of the old value in the moving statistics (Keras default 0.99).
    pub momentum: f32,
    /// Added to the variance before the square root (Keras default 1e-3).
    pub epsilon: f32,
    /// Whether the layer has the offset `beta` (default true).
    pub center: bool,
    /// Whether the layer has the scale `gamma` (default true).
    pub scale: bool,
    /// Declared input width (first layer only), if any.
    pub input_dim: Option<usize>,
}

impl BatchNormConfig {
    /// Names of the weights in Keras order: `gamma` (if `scale`), `beta` (if `center`),
    /// `moving_mean`, `moving_variance`.
    pub fn weight_names(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        if self.scale {
            names.push("gamma");
        }
        if self.center {
            names.push("beta");
        }
        names.extend(["moving_mean", "moving_variance"]);
        names
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
    named: bool,
    gamma: Array1<f32>,           // (features,), ones without `scale`
    beta: Array1<f32>,            // (features,), zeros without `center`
    moving_mean: Array1<f32>,     // (features,)
    moving_variance: Array1<f32>, // (features,)
    dgamma: Array1<f32>,          // (features,)
    dbeta: Array1<f32>,           // (features,)
    inv_std: Array1<f32>,         // (features,): 1 / sqrt(batch var + epsilon) of the last training forward
    x_hat: Buffer,                // (batch, features): normalized input of the last training forward
    out: Buffer,                  // (batch, features)
    dx: Buffer,                   // (batch, features)
    input_gradient: bool,
}

impl Default for BatchNormalization {
    fn default() -> Self {
        BatchNormalization::new()
    }
}

impl BatchNormalization {
    /// A BatchNormalization layer with Keras's defaults.
    pub fn new() -> Self {
        let empty = Array1::zeros(0);
        BatchNormalization {
            config: BatchNormConfig {
                name: "batch_normalization".into(),
                momentum: 0.99,
                epsilon: 1e-3,
                center: true,
                scale: true,
                input_dim: None,
            },
            named: false,
            gamma: empty.clone(),
            beta: empty.clone(),
            moving_mean: empty.clone(),
            moving_variance: empty.clone(),
            dgamma: empty.clone(),
            dbeta: empty.clone(),
            inv_std: empty,
            x_hat: Buffer::default(),
            out: Buffer::default(),
            dx: Buffer::default(),
            input_gradient: true,
        }
    }

    /// Rebuilds an (unbuilt) layer from its configuration.
    pub fn from_config(config: BatchNormConfig) -> Self {
        let mut layer = BatchNormalization::new();
        layer.config = config;
        layer.named = true;
        layer
    }

    /// Sets the momentum of the moving statistics (default 0.99).
    pub fn momentum(mut self, momentum: f32) -> Self {
        self.config.momentum = momentum;
        self
    }

    /// Sets epsilon (default 1e-3).
    pub fn epsilon(mut self, epsilon: f32) -> Self {
        self.config.epsilon = epsilon;
        self
    }

    /// Turns the offset `beta` on or off (default on).
    pub fn center(mut self, center: bool) -> Self {
        self.config.center = center;
        self
    }

    /// Turns the scale `gamma` on or off (default on).
    pub fn scale(mut self, scale: bool) -> Self {
        self.config.scale = scale;
        self
    }

    /// Declares the input width (when BatchNormalization is the first layer).
    pub fn input_dim(mut self, n: usize) -> Self {
        self.config.input_dim = Some(n);
        self
    }

    /// Names the layer (default: `batch_normalization`, `batch_normalization_1`, ...).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.config.name = name.into();
        self.named = true;
        self
    }

    /// The moving mean, `(features,)`.
    pub fn moving_mean(&self) -> &Array1<f32> {
        &self.moving_mean
    }

    /// The moving variance, `(features,)`.
    pub fn moving_variance(&self) -> &Array1<f32> {
        &self.moving_variance
    }
}

/// `1 - momentum` as Keras computes it: in f64 from the decimal the user wrote (Keras keeps
/// momentum as a Python float), so 0.99 gives exactly f32(0.01), not f32(1) - f32(0.99).
fn one_minus(momentum: f32) -> f32 {
    let decimal: f64 = momentum.to_string().parse().unwrap_or(momentum as f64);
    (1.0 - decimal) as f32
}

impl Layer for BatchNormalization {
    fn name(&self) -> &str {
        &self.config.name
    }

    fn set_name(&mut self, name: String) {
        self.config.name = name;
    }

    fn has_name(&self) -> bool {
        self.named
    }

    fn class_name(&self) -> &'static str {
        "BatchNormalization"
    }

    fn declared_input_dim(&self) -> Option<usize> {
        self.config.input_dim
    }

    fn build(&mut self, input_dim: usize, _rng: &mut ChaCha8Rng) -> Result<()> {
        let c = &self.config;
        if !(c.momentum.is_finite() && (0.0..=1.0).contains(&c.momentum)) {
            return Err(Error::invalid("momentum", c.momentum, "of BatchNormalization must be in [0, 1]"));
        }
        if !(c.epsilon.is_finite() && c.epsilon > 0.0) {
            return Err(Error::invalid("epsilon", c.epsilon, "of BatchNormalization must be a finite number > 0"));
        }
        if input_dim == 0 {
            return Err(Error::invalid("input_dim", 0, format!("of layer {:?} must be at least 1", c.name)));
        }
        self.gamma = Array1::ones(input_dim);
        self.beta = Array1::zeros(input_dim);
        self.moving_mean = Array1::zeros(input_dim);
        self.moving_variance = Array1::ones(input_dim);
        self.dgamma = Array1::zeros(input_dim);
        self.dbeta = Array1::zeros(input_dim);
        self.inv_std = Array1::ones(input_dim);
        Ok(())
    }

    fn output_dim(&self) -> usize {
        self.gamma.len()
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
        for j in 0..features {
            let col = x.column(j);
            let mean = (col.iter().map(|&v| v as f64).sum::<f64>() / batch as f64) as f32;
            let var = (col.iter().map(|&v| (v - mean) as f64 * (v - mean) as f64).sum::<f64>() / batch as f64) as f32;
            self.moving_mean[j] = self.moving_mean[j] * momentum + mean * one_minus;
            self.moving_variance[j] = self.moving_variance[j] * momentum + var * one_minus;
            let inv_std = 1.0 / (var + eps).sqrt();
            self.inv_std[j] = inv_std;
            let inv = inv_std * self.gamma[j];
            let shift = self.beta[j] - mean * inv;
            for ((o, h), &v) in out.column_mut(j).iter_mut().zip(x_hat.column_mut(j).iter_mut()).zip(col) {
                *o = v * inv + shift;
                *h = (v - mean) * inv_std;
            }
        }
        self.out.view()
    }

    fn backward(&mut self, dout: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        let (batch, features) = dout.dim();
        let x_hat = self.x_hat.view(); // (batch, features)
        self.dbeta.assign(&dout.sum_axis(Axis(0)));
        for j in 0..features {
            self.dgamma[j] = dout.column(j).iter().zip(x_hat.column(j)).map(|(&g, &h)| g * h).sum();
        }
        if !self.input_gradient {
            self.dx.shape_mut(0, 0);
            return self.dx.view();
        }
        // dx = gamma · inv_std / n · (n · dout - Σ dout - x_hat · Σ(dout · x_hat))
        let n = batch as f32;
        let mut dx = self.dx.shape_mut(batch, features); // (batch, features)
        for j in 0..features {
            let k = self.gamma[j] * self.inv_std[j] / n;
            let (sum, sum_h) = (self.dbeta[j], self.dgamma[j]);
            for ((d, &g), &h) in dx.column_mut(j).iter_mut().zip(dout.column(j)).zip(x_hat.column(j)) {
                *d = k * (n * g - sum - h * sum_h);
            }
        }
        self.dx.view()
    }

    fn params_mut(&mut self) -> Vec<Param<'_>> {
        // Owned 1-D arrays built by `build` are contiguous, so slices always exist.
        let mut params = Vec::new();
        if self.config.scale {
            params.push(Param {
                value: self.gamma.as_slice_mut().expect("gamma is contiguous"),
                grad: self.dgamma.as_slice_mut().expect("dgamma is contiguous"),
            });
        }
        if self.config.center {
            params.push(Param {
                value: self.beta.as_slice_mut().expect("beta is contiguous"),
                grad: self.dbeta.as_slice_mut().expect("dbeta is contiguous"),
            });
        }
        params
    }

    fn weights(&self) -> Vec<ArrayViewD<'_, f32>> {
        let mut w = Vec::new();
        if self.config.scale {
            w.push(self.gamma.view().into_dyn());
        }
        if self.config.center {
            w.push(self.beta.view().into_dyn());
        }
        w.push(self.moving_mean.view().into_dyn());
        w.push(self.moving_variance.view().into_dyn());
        w
    }

    fn weight_names(&self) -> Vec<&'static str> {
        self.config.weight_names()
    }

    fn set_weights(&mut self, weights: &[ArrayD<f32>]) {
        // Shapes were checked against `weights()` by the model.
        let mut it = weights.iter().map(|w| w.view().into_dimensionality::<Ix1>().expect("checked 1-D"));
        let mut targets = Vec::new();
        if self.config.scale {
            targets.push(&mut self.gamma);
        }
        if self.config.center {
            targets.push(&mut self.beta);
        }
        targets.push(&mut self.moving_mean);
        targets.push(&mut self.moving_variance);
        for t in targets {
            if let Some(w) = it.next() {
                t.assign(&w);
            }
        }
    }

    fn trainable_params(&self) -> usize {
        self.gamma.len() * (usize::from(self.config.scale) + usize::from(self.config.center))
    }

    fn non_trainable_params(&self) -> usize {
        2 * self.moving_mean.len()
    }

    fn config(&self) -> LayerConfig {
        LayerConfig::BatchNormalization(self.config.clone())
    }

    fn set_input_gradient(&mut self, needed: bool) {
        self.input_gradient = needed;
    }
}
