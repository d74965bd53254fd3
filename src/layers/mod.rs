//! Layers: the [`Layer`] trait and the layers that implement it.
//!
//! Each layer writes its own `forward` and `backward` over buffers it keeps between steps
//! (llm.c style), so a warm training step allocates nothing.
//!
//! ```
//! use kerust::layers::{Dense, Layer};
//! use kerust::activations::Activation;
//! use kerust::layers::{BatchNormalization, Dropout};
//! let layer = Dense::new(8).input_dim(3).activation(Activation::Relu);
//! assert_eq!(layer.class_name(), "Dense");
//! assert_eq!(Dropout::new(0.3).class_name(), "Dropout");
//! assert_eq!(BatchNormalization::new().class_name(), "BatchNormalization");
//! ```

mod activation;
mod batch_norm;
mod buffer;
mod dense;
mod dropout;

pub use activation::{ActivationConfig, ActivationLayer};
pub use batch_norm::{BatchNormConfig, BatchNormalization};
pub(crate) use buffer::Buffer;
pub use dense::{Dense, DenseConfig};
pub use dropout::{Dropout, DropoutConfig};

use ndarray::{ArrayD, ArrayView2, ArrayViewD};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::losses::Loss;
use crate::regularizers::Regularizer;

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
    /// A [`Dropout`] layer.
    Dropout(DropoutConfig),
    /// A [`BatchNormalization`] layer.
    BatchNormalization(BatchNormConfig),
    /// A standalone activation ([`ActivationLayer`], Keras's `Activation`).
    Activation(ActivationConfig),
}

impl LayerConfig {
    /// A fresh (unbuilt) layer from this configuration.
    pub fn to_layer(&self) -> Box<dyn Layer> {
        match self {
            LayerConfig::Dense(c) => Box::new(Dense::from_config(c.clone())),
            LayerConfig::Dropout(c) => Box::new(Dropout::from_config(c.clone())),
            LayerConfig::BatchNormalization(c) => Box::new(BatchNormalization::from_config(c.clone())),
            LayerConfig::Activation(c) => Box::new(ActivationLayer::from_config(c.clone())),
        }
    }

    /// The input width the layer declares, if any.
    pub fn input_dim(&self) -> Option<usize> {
        match self {
            LayerConfig::Dense(c) => c.input_dim,
            LayerConfig::Dropout(c) => c.input_dim,
            LayerConfig::BatchNormalization(c) => c.input_dim,
            LayerConfig::Activation(c) => c.input_dim,
        }
    }

    /// The output width for inputs of width `input_dim`.
    pub fn output_dim(&self, input_dim: usize) -> usize {
        match self {
            LayerConfig::Dense(c) => c.units,
            LayerConfig::Dropout(_) | LayerConfig::BatchNormalization(_) | LayerConfig::Activation(_) => input_dim,
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
            LayerConfig::Dropout(_) | LayerConfig::Activation(_) => Some(Vec::new()),
            LayerConfig::BatchNormalization(c) => {
                Some(c.weight_names().into_iter().map(|name| (name, vec![input_dim])).collect())
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

    /// The regularizer of each trainable parameter, in [`Layer::params_mut`] order (which is
    /// also the order of the first entries of [`Layer::weights`]); empty when none.
    fn weight_regularizers(&self) -> Vec<Option<Regularizer>> {
        Vec::new()
    }
    /// The activity penalty of the output of the last `forward` (already divided by the
    /// batch size); its gradient is added by `backward`. 0 without an activity regularizer.
    fn activity_penalty(&self) -> f32 {
        0.0
    }
    /// Projects the weights onto their constraints; the model calls it after every optimizer
    /// step.
    fn apply_constraints(&mut self) {}
    /// Receives the random stream of a layer that draws noise in training (Dropout), derived
    /// from the model seed when the model is built. A layer with its own seed ignores it.
    fn seed_noise(&mut self, _rng: ChaCha8Rng) {}
}
