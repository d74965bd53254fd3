//! A standalone activation layer (Keras's `Activation`): `a = activation(x)`, no weights.

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use super::base::{layer_bookkeeping, layer_builders};
use super::{Buffer, InputGradient, Layer, LayerBase, ModelHooks};
use crate::activations::Activation;
use crate::losses::Loss;

/// What rebuilds an [`ActivationLayer`] (Keras's `Activation.get_config()` fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivationConfig {
    /// Name and declared input width.
    #[serde(flatten)]
    pub base: LayerBase,
    /// The function applied.
    pub activation: Activation,
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
    z: Buffer,         // (batch, in): the input of the last forward
    a: Buffer,         // (batch, in): the output
    dx: InputGradient, // (batch, in)
    fused: bool,       // backward receives dL/dz (fused softmax/sigmoid + cross-entropy)
}

impl ActivationLayer {
    /// A layer applying `activation`.
    pub fn new(activation: Activation) -> Self {
        ActivationLayer {
            config: ActivationConfig { base: LayerBase::default(), activation },
            z: Buffer::default(),
            a: Buffer::default(),
            dx: InputGradient::default(),
            fused: false,
        }
    }
}

layer_builders!(ActivationLayer, ActivationConfig, ActivationLayer::new(Activation::Linear));

impl Layer for ActivationLayer {
    layer_bookkeeping!(Activation);

    fn forward(&mut self, x: ArrayView2<f32>, _training: bool) -> ArrayView2<'_, f32> {
        let (batch, width) = x.dim();
        self.z.shape_mut(batch, width).assign(&x);
        let a = self.a.shape_mut(batch, width); // (batch, in)
        self.config.activation.forward(self.z.view(), a);
        self.a.view()
    }

    fn backward(&mut self, dout: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        let (batch, width) = dout.dim();
        if let Some(mut dx) = self.dx.shape_mut(batch, width) {
            dx.assign(&dout);
            if !self.fused {
                self.config.activation.backward(self.z.view(), self.a.view(), dx);
            }
        }
        self.dx.view()
    }
}

impl ModelHooks for ActivationLayer {
    fn fuse_output_activation(&mut self, loss: Option<&Loss>) -> bool {
        self.fused = loss.is_some_and(|l| l.fuses_with(self.config.activation));
        self.fused
    }

    fn skip_input_gradient(&mut self) {
        self.dx.skip();
    }
}
