//! Dense in plain loops, the math in the order it is written on paper: the clean version to
//! read beside the fast one (as llm.c keeps `train_gpt2.c` beside its kernels), and what the
//! tests check every fast path of [`Dense`](crate::layers::Dense) against. Slow (no blocking,
//! no SIMD, allocates its results); not used in training.
//!
//! ```
//! use kerust::activations::Activation;
//! use kerust::layers::{Dense, Layer, LayerConfig, reference};
//! use ndarray::array;
//! use rand::SeedableRng;
//!
//! let mut layer = Dense::new(2).activation(Activation::Relu);
//! layer.build(3, &mut rand_chacha::ChaCha8Rng::seed_from_u64(0))?;
//! let Some(LayerConfig::Dense(config)) = layer.config() else { unreachable!() };
//! let x = array![[1.0f32, -2.0, 0.5]];
//! let fast = layer.forward(x.view(), true).to_owned();
//! let slow = reference::dense_forward(x.view(), layer.kernel().view(), layer.bias(), &config);
//! assert!(fast.iter().zip(&slow.a).all(|(f, s)| (f - s).abs() < 1e-6));
//! # Ok::<(), kerust::Error>(())
//! ```

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

use super::DenseConfig;

/// What the forward pass keeps for the backward pass.
#[derive(Debug, Clone, PartialEq)]
pub struct DenseForward {
    /// Pre-activation `x · kernel + bias`, (batch, units).
    pub z: Array2<f32>,
    /// Output `activation(z)`, (batch, units).
    pub a: Array2<f32>,
}

/// The gradients of the loss with respect to the layer's input and weights.
#[derive(Debug, Clone, PartialEq)]
pub struct DenseGradients {
    /// dL/dx, (batch, in).
    pub dx: Array2<f32>,
    /// dL/dkernel, (in, units), with the kernel penalty's gradient.
    pub dkernel: Array2<f32>,
    /// dL/dbias, (units,) (empty without bias), with the bias penalty's gradient.
    pub dbias: Array1<f32>,
}

/// `z = x · kernel + bias`, `a = activation(z)`, with the activation of `config`.
/// x: (batch, in), kernel: (in, units), bias: (units,) or empty without bias.
pub fn dense_forward(
    x: ArrayView2<f32>,
    kernel: ArrayView2<f32>,
    bias: ArrayView1<f32>,
    config: &DenseConfig,
) -> DenseForward {
    let ((batch, inputs), units) = (x.dim(), kernel.ncols());
    // z[b][o] = Σ_i x[b][i] · kernel[i][o] + bias[o]
    let z = Array2::from_shape_fn((batch, units), |(b, o)| {
        let sum = sum(inputs, |i| x[[b, i]] * kernel[[i, o]]);
        if bias.is_empty() { sum } else { sum + bias[o] }
    });
    let mut a = Array2::zeros((batch, units));
    config.activation.forward(z.view(), a.view_mut());
    DenseForward { z, a }
}

/// dL/dz, (batch, units), given `dout` = dL/da and the cache of [`dense_forward`]:
///
/// 1. the activity penalty (if any) adds its gradient to dL/da (its value depends on `a`);
/// 2. `dz = dL/da ⊙ activation'(z)`.
///
/// When `dout` already is dL/dz (the fused softmax/sigmoid + cross-entropy gradient), pass a
/// `config` whose activation is `Linear`.
pub fn dense_dz(dout: ArrayView2<f32>, cache: &DenseForward, config: &DenseConfig) -> Array2<f32> {
    let mut dz = dout.to_owned();
    if let Some(r) = config.activity_regularizer {
        r.add_activity_gradient(cache.a.view(), dz.view_mut());
    }
    config.activation.backward(cache.z.view(), cache.a.view(), dz.view_mut());
    dz
}

/// The gradients given `dout` = dL/da, (batch, units), the cache of [`dense_forward`] on
/// input `x`, and the weights: with `dz` from [`dense_dz`] (which says what `config` to pass
/// when `dout` already is dL/dz),
///
/// 3. `dkernel = xᵀ · dz`, `dbias = Σ_batch dz`, `dx = dz · kernelᵀ`;
/// 4. the kernel and bias penalties (if any) add their gradients to dkernel and dbias.
pub fn dense_backward(
    dout: ArrayView2<f32>,
    cache: &DenseForward,
    x: ArrayView2<f32>,
    kernel: ArrayView2<f32>,
    bias: ArrayView1<f32>,
    config: &DenseConfig,
) -> DenseGradients {
    let ((batch, units), inputs) = (dout.dim(), x.ncols());
    let dz = dense_dz(dout, cache, config); // (batch, units)
    // 3. dkernel[i][o] = Σ_b x[b][i] · dz[b][o]
    let mut dkernel = Array2::from_shape_fn((inputs, units), |(i, o)| sum(batch, |b| x[[b, i]] * dz[[b, o]]));
    //    dbias[o] = Σ_b dz[b][o]
    let mut dbias = Array1::from_shape_fn(bias.len(), |o| sum(batch, |b| dz[[b, o]]));
    //    dx[b][i] = Σ_o dz[b][o] · kernel[i][o]
    let dx = Array2::from_shape_fn((batch, inputs), |(b, i)| sum(units, |o| dz[[b, o]] * kernel[[i, o]]));
    // 4. weight penalties
    if let Some(r) = config.kernel_regularizer {
        dkernel.zip_mut_with(&kernel, |g, &w| *g += r.derivative(w));
    }
    if let Some(r) = config.bias_regularizer {
        dbias.zip_mut_with(&bias, |g, &w| *g += r.derivative(w));
    }
    DenseGradients { dx, dkernel, dbias }
}

/// `Σ_k term(k)` for `k` in `0..n`, added left to right in f32.
fn sum(n: usize, term: impl Fn(usize) -> f32) -> f32 {
    (0..n).fold(0.0, |total, k| total + term(k))
}
