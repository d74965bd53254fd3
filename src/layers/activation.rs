//! A standalone activation layer (Keras's `Activation`): `a = activation(x)`, no weights.

use ndarray::{ArrayD, ArrayView2, ArrayViewD};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::{Buffer, Layer, LayerConfig, Param};
use crate::activations::Activation;
use crate::error::Result;
use crate::losses::Loss;

/// What rebuilds an [`ActivationLayer`] (Keras's `Activation.get_config()` fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivationConfig {
    /// Layer name.
    pub name: String,
    /// The function applied.
    pub activation: Activation,
    /// Declared input width (first layer only), if any.
    pub input_dim: Option<usize>,
}

/// Keras's `Activation(activation)` layer (named `ActivationLayer` here so that it does not
/// clash with the [`Activation`] enum). Like Dense, as the output layer it takes the fused
/// softmax/sigmoid + cross-entropy gradient.
///
/// ```
/// use kerust::prelude::*;
/// let mut model = Sequential::new().seed(0);
/// model.add(Dense::new(8).input_dim(4));
/// model.add(ActivationLayer::new(Activation::Relu));
/// model.add(Dense::new(1));
/// assert_eq!(model.layers()[1].name(), "activation");
/// ```
#[derive(Debug, Clone)]
pub struct ActivationLayer {
    config: ActivationConfig,
    named: bool,
    width: usize,
    z: Buffer,  // (batch, in): the input of the last forward
    a: Buffer,  // (batch, in): the output
    dx: Buffer, // (batch, in)
    fused: bool,
    input_gradient: bool,
}

impl ActivationLayer {
    /// A layer applying `activation`.
    pub fn new(activation: Activation) -> Self {
        ActivationLayer {
            config: ActivationConfig { name: "activation".into(), activation, input_dim: None },
            named: false,
            width: 0,
            z: Buffer::default(),
            a: Buffer::default(),
            dx: Buffer::default(),
            fused: false,
            input_gradient: true,
        }
    }

    /// Rebuilds an (unbuilt) layer from its configuration.
    pub fn from_config(config: ActivationConfig) -> Self {
        let mut layer = ActivationLayer::new(config.activation);
        layer.config = config;
        layer.named = true;
        layer
    }

    /// Declares the input width (when the layer is the first one).
    pub fn input_dim(mut self, n: usize) -> Self {
        self.config.input_dim = Some(n);
        self
    }

    /// Names the layer (default: `activation`, `activation_1`, ...).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.config.name = name.into();
        self.named = true;
        self
    }
}

impl Layer for ActivationLayer {
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
        "Activation"
    }

    fn declared_input_dim(&self) -> Option<usize> {
        self.config.input_dim
    }

    fn build(&mut self, input_dim: usize, _rng: &mut ChaCha8Rng) -> Result<()> {
        self.width = input_dim;
        Ok(())
    }

    fn output_dim(&self) -> usize {
        self.width
    }

    fn forward(&mut self, x: ArrayView2<f32>, _training: bool) -> ArrayView2<'_, f32> {
        let (batch, width) = x.dim();
        self.z.shape_mut(batch, width).assign(&x);
        let a = self.a.shape_mut(batch, width); // (batch, in)
        self.config.activation.forward(self.z.view(), a);
        self.a.view()
    }

    fn backward(&mut self, dout: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        let (batch, width) = dout.dim();
        if !self.input_gradient {
            self.dx.shape_mut(0, 0);
            return self.dx.view();
        }
        let mut dx = self.dx.shape_mut(batch, width); // (batch, in)
        dx.assign(&dout);
        if !self.fused {
            self.config.activation.backward(self.z.view(), self.a.view(), dx);
        }
        self.dx.view()
    }

    fn params_mut(&mut self) -> Vec<Param<'_>> {
        Vec::new()
    }

    fn weights(&self) -> Vec<ArrayViewD<'_, f32>> {
        Vec::new()
    }

    fn weight_names(&self) -> Vec<&'static str> {
        Vec::new()
    }

    fn set_weights(&mut self, _weights: &[ArrayD<f32>]) {}

    fn trainable_params(&self) -> usize {
        0
    }

    fn config(&self) -> LayerConfig {
        LayerConfig::Activation(self.config.clone())
    }

    fn fuse_output_activation(&mut self, loss: &Loss) -> bool {
        self.fused = loss.fuses_with(self.config.activation);
        self.fused
    }

    fn set_input_gradient(&mut self, needed: bool) {
        self.input_gradient = needed;
    }
}
