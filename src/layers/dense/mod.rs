//! `Dense`: `a = activation(x · kernel + bias)`.
//!
//! The layer (settings, weights, buffers) is here; its fused forward and backward are in
//! `fast.rs`, the same math in plain loops in `reference.rs`, and the regularizers and
//! constraints in `penalties.rs`.

mod fast;
mod penalties;
pub mod reference;
#[cfg(test)]
mod tests;

use ndarray::{Array2, ArrayView1, ArrayView2, ArrayViewD, ArrayViewMut1, ArrayViewMutD, Ix2};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::base::{layer_bookkeeping, layer_builders};
use super::{Buffer, InputGradient, Layer, LayerBase, ModelHooks, Param, add_into, same_type, same_type_mut};
use crate::activations::Activation;
use crate::constraints::Constraint;
use crate::error::{Error, Result};
use crate::initializers::Initializer;
use crate::losses::Loss;
use crate::regularizers::Regularizer;
use crate::setters::setters;

/// What rebuilds a [`Dense`] layer (Keras's `Dense.get_config()` fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DenseConfig {
    /// Name and declared input width.
    #[serde(flatten)]
    pub base: LayerBase,
    /// Output width.
    pub units: usize,
    /// Activation applied after the affine map.
    pub activation: Activation,
    /// Whether the layer has a bias.
    pub use_bias: bool,
    /// Kernel initializer.
    pub kernel_initializer: Initializer,
    /// Bias initializer.
    pub bias_initializer: Initializer,
    /// Penalty on the kernel, added to the loss.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel_regularizer: Option<Regularizer>,
    /// Penalty on the bias, added to the loss.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bias_regularizer: Option<Regularizer>,
    /// Penalty on the output (after the activation), divided by the batch size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_regularizer: Option<Regularizer>,
    /// Projection of the kernel after every optimizer step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel_constraint: Option<Constraint>,
    /// Projection of the bias after every optimizer step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bias_constraint: Option<Constraint>,
}

/// A fully connected layer. Defaults are Keras's: linear activation, bias on,
/// `glorot_uniform` kernel, `zeros` bias.
///
/// ```
/// use kerust::prelude::*;
/// let hidden = Dense::new(64).input_dim(13).activation(Activation::Relu);
/// let output = Dense::new(1).kernel_initializer(Initializer::HeNormal).use_bias(true);
/// # let _ = (hidden, output);
/// ```
#[derive(Debug, Clone)]
pub struct Dense {
    config: DenseConfig,
    kernel: Array2<f32>,  // (in, units)
    bias: Vec<f32>,       // (units,), empty without bias
    dkernel: Array2<f32>, // (in, units)
    dbias: Vec<f32>,      // (units,), empty without bias
    input: Buffer,        // (batch, in): the input of the last training forward
    z: Buffer,            // (batch, units): pre-activation, kept for activations whose derivative needs it
    a: Buffer,            // (batch, units): the output
    dz: Buffer,           // (batch, units): dL/dz
    dx: InputGradient,    // (batch, in): dL/dx
    fused: bool,          // backward receives dL/dz (fused softmax/sigmoid + cross-entropy)
}

impl Dense {
    /// A Dense layer with `units` outputs.
    pub fn new(units: usize) -> Self {
        Dense {
            config: DenseConfig {
                base: LayerBase::default(),
                units,
                activation: Activation::Linear,
                use_bias: true,
                kernel_initializer: Initializer::GlorotUniform,
                bias_initializer: Initializer::Zeros,
                kernel_regularizer: None,
                bias_regularizer: None,
                activity_regularizer: None,
                kernel_constraint: None,
                bias_constraint: None,
            },
            kernel: Array2::zeros((0, units)),
            bias: Vec::new(),
            dkernel: Array2::zeros((0, units)),
            dbias: Vec::new(),
            input: Buffer::default(),
            z: Buffer::default(),
            a: Buffer::default(),
            dz: Buffer::default(),
            dx: InputGradient::default(),
            fused: false,
        }
    }

    setters! {
        /// Sets the activation (default linear).
        activation(activation: Activation) => config.activation = activation;
        /// Turns the bias on or off (default on).
        use_bias(use_bias: bool) => config.use_bias = use_bias;
        /// Sets the kernel initializer (default `glorot_uniform`).
        kernel_initializer(init: Initializer) => config.kernel_initializer = init;
        /// Sets the bias initializer (default `zeros`).
        bias_initializer(init: Initializer) => config.bias_initializer = init;
    }

    /// The kernel, `(in, units)`.
    pub fn kernel(&self) -> &Array2<f32> {
        &self.kernel
    }

    /// The bias, `(units,)` (empty when `use_bias` is off).
    pub fn bias(&self) -> ArrayView1<'_, f32> {
        ArrayView1::from(&self.bias[..])
    }

    /// Number of weight tensors: the kernel, and the bias if the layer has one.
    fn weight_count(&self) -> usize {
        1 + usize::from(self.config.use_bias)
    }
}

layer_builders!(Dense, DenseConfig, Dense::new(0));

impl Layer for Dense {
    layer_bookkeeping!(Dense);

    fn build(&mut self, input_dim: usize, rng: &mut ChaCha8Rng) -> Result<()> {
        let c = &self.config;
        for (name, value) in [("units", c.units), ("input_dim", input_dim)] {
            if value == 0 {
                return Err(Error::invalid(name, 0, format!("of layer {:?} must be at least 1", self.name())));
            }
        }
        c.kernel_initializer.validate()?;
        c.bias_initializer.validate()?;
        penalties::validate(c)?;
        let units = c.units;
        // `sample` returns exactly the requested shape, so this conversion cannot fail.
        self.kernel = c
            .kernel_initializer
            .sample(&[input_dim, units], rng)
            .into_dimensionality::<Ix2>()
            .expect("sampled with a 2-D shape");
        self.bias =
            if c.use_bias { c.bias_initializer.sample(&[units], rng).iter().copied().collect() } else { Vec::new() };
        self.dkernel = Array2::zeros(self.kernel.dim());
        self.dbias = vec![0.0; self.bias.len()];
        Ok(())
    }

    fn output_dim(&self, _input_dim: usize) -> usize {
        self.config.units
    }

    fn forward(&mut self, x: ArrayView2<f32>, training: bool) -> ArrayView2<'_, f32> {
        fast::forward(self, x, training)
    }

    fn backward(&mut self, dout: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        fast::backward(self, dout)
    }

    fn params_mut(&mut self) -> Vec<Param<'_>> {
        // Sized once: this runs every step, and a growing Vec would allocate twice.
        let mut params = Vec::with_capacity(2);
        // Owned arrays made by `build` are in standard layout, so they are one slice.
        let kernel = self.kernel.as_slice_mut().expect("an owned standard-layout array is one slice");
        let dkernel = self.dkernel.as_slice_mut().expect("an owned standard-layout array is one slice");
        params.push(Param { value: kernel, grad: dkernel });
        if self.config.use_bias {
            params.push(Param { value: &mut self.bias, grad: &mut self.dbias });
        }
        params
    }

    fn weights(&self) -> Vec<ArrayViewD<'_, f32>> {
        let all = [self.kernel.view().into_dyn(), ArrayView1::from(&self.bias[..]).into_dyn()];
        all.into_iter().take(self.weight_count()).collect()
    }

    fn weights_mut(&mut self) -> Vec<ArrayViewMutD<'_, f32>> {
        let count = self.weight_count();
        let all = [self.kernel.view_mut().into_dyn(), ArrayViewMut1::from(&mut self.bias[..]).into_dyn()];
        all.into_iter().take(count).collect()
    }

    fn weight_names(&self) -> Vec<&'static str> {
        ["kernel", "bias"][..self.weight_count()].to_vec()
    }
}

impl ModelHooks for Dense {
    fn fuse_output_activation(&mut self, loss: Option<&Loss>) -> bool {
        let c = &self.config;
        self.fused = c.activity_regularizer.is_none() && loss.is_some_and(|l| l.fuses_with(c.activation));
        self.fused
    }

    fn skip_input_gradient(&mut self) {
        self.dx.skip();
    }

    fn weight_regularizers(&self) -> Vec<Option<Regularizer>> {
        self.regularizers()
    }

    fn activity_penalty(&self) -> f32 {
        self.output_activity_penalty()
    }

    fn apply_constraints(&mut self) {
        self.project_weights();
    }

    fn copy_state_from(&mut self, master: &dyn Layer) {
        let master: &Dense = same_type(master);
        self.kernel.assign(&master.kernel);
        self.bias.copy_from_slice(&master.bias);
    }

    fn add_gradients_to(&self, master: &mut dyn Layer) {
        let master: &mut Dense = same_type_mut(master);
        master.dkernel += &self.dkernel;
        add_into(&mut master.dbias, &self.dbias);
    }
}
