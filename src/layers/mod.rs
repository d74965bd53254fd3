//! Layers: the [`Layer`] trait and the layers that implement it.
//!
//! Each layer writes its own `forward` and `backward` over buffers it keeps between steps
//! (llm.c style), so a warm training step allocates nothing.
//!
//! ```
//! use kerust::layers::{Dense, Layer};
//! use kerust::activations::Activation;
//! let layer = Dense::new(8).input_dim(3).activation(Activation::Relu);
//! assert_eq!(layer.class_name(), "Dense");
//! ```

mod buffer;
mod dense;

pub(crate) use buffer::Buffer;
pub use dense::{Dense, DenseConfig};

use ndarray::{ArrayD, ArrayView2, ArrayViewD};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::losses::Loss;

/// One trainable tensor of a layer with its gradient, as the optimizer sees them.
#[derive(Debug)]
pub struct Param<'a> {
    /// The values, updated in place by the optimizer.
    pub value: &'a mut [f32],
    /// The gradient of the loss with respect to `value`, from the last `backward`
    /// (mutable so that the optimizer can clip it in place).
    pub grad: &'a mut [f32],
}

/// A serializable description that rebuilds a layer (Keras's `get_config`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "class_name", content = "config")]
#[non_exhaustive]
pub enum LayerConfig {
    /// A [`Dense`] layer.
    Dense(DenseConfig),
}

impl LayerConfig {
    /// A fresh (unbuilt) layer from this configuration.
    pub fn to_layer(&self) -> Box<dyn Layer> {
        match self {
            LayerConfig::Dense(c) => Box::new(Dense::from_config(c.clone())),
        }
    }

    /// The input width the layer declares, if any.
    pub fn input_dim(&self) -> Option<usize> {
        match self {
            LayerConfig::Dense(c) => c.input_dim,
        }
    }

    /// The output width for inputs of width `input_dim`.
    pub fn output_dim(&self, _input_dim: usize) -> usize {
        match self {
            LayerConfig::Dense(c) => c.units,
        }
    }

    /// Names and shapes of the weights for inputs of width `input_dim`, in `weights()`
    /// order; `None` if a size overflows (a hostile configuration).
    pub fn weight_shapes(&self, input_dim: usize) -> Option<Vec<(&'static str, Vec<usize>)>> {
        match self {
            LayerConfig::Dense(c) => {
                input_dim.checked_mul(c.units)?;
                let mut shapes = vec![("kernel", vec![input_dim, c.units])];
                if c.use_bias {
                    shapes.push(("bias", vec![c.units]));
                }
                Some(shapes)
            }
        }
    }
}

/// A layer of a [`Sequential`](crate::model::Sequential) model.
///
/// Shapes: inputs are `(batch, input_dim)`, outputs `(batch, output_dim)`.
pub trait Layer: std::fmt::Debug + Send {
    /// The layer's name in the model (`dense`, `dense_1`, ...).
    fn name(&self) -> &str;
    /// Sets the name (the model names unnamed layers Keras-style when added).
    fn set_name(&mut self, name: String);
    /// Whether the user gave the layer a name.
    fn has_name(&self) -> bool;
    /// Keras's class name (`"Dense"`).
    fn class_name(&self) -> &'static str;
    /// The input width the user declared, if any (needed on the first layer).
    fn declared_input_dim(&self) -> Option<usize>;
    /// Creates the weights for inputs of width `input_dim`, drawing from `rng`.
    fn build(&mut self, input_dim: usize, rng: &mut ChaCha8Rng) -> Result<()>;
    /// The output width.
    fn output_dim(&self) -> usize;

    /// x: (batch, in) -> (batch, out). When `training`, keeps what `backward` needs.
    fn forward(&mut self, x: ArrayView2<f32>, training: bool) -> ArrayView2<'_, f32>;
    /// dout: (batch, out) -> dx: (batch, in). Overwrites (does not accumulate) this layer's
    /// parameter gradients. Must follow a `forward` with `training = true`.
    fn backward(&mut self, dout: ArrayView2<f32>) -> ArrayView2<'_, f32>;
    /// Trainable (value, gradient) pairs, in the order of [`Layer::weights`].
    fn params_mut(&mut self) -> Vec<Param<'_>>;

    /// All weights in Keras's order (Dense: kernel `(in, out)`, then bias `(out,)`).
    fn weights(&self) -> Vec<ArrayViewD<'_, f32>>;
    /// Names of the weights, in the same order (`kernel`, `bias`).
    fn weight_names(&self) -> Vec<&'static str>;
    /// Replaces the weights; shapes were checked by the caller against [`Layer::weights`].
    fn set_weights(&mut self, weights: &[ArrayD<f32>]);
    /// Number of trainable scalars.
    fn trainable_params(&self) -> usize;
    /// Number of non-trainable scalars (moving statistics and the like).
    fn non_trainable_params(&self) -> usize {
        0
    }
    /// The configuration that rebuilds this layer.
    fn config(&self) -> LayerConfig;

    /// Called by `compile` on the output layer: when its activation and `loss` have a fused
    /// gradient, the layer takes `dL/dz` directly in `backward` and returns `true`.
    fn fuse_output_activation(&mut self, _loss: &Loss) -> bool {
        false
    }
    /// Called by the model on its first layer: the gradient with respect to the model input
    /// is never used, so `backward` may skip computing it (and return an empty view).
    fn set_input_gradient(&mut self, _needed: bool) {}
}
