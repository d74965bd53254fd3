//! `Dense`: `a = activation(x · kernel + bias)`, with bias and activation fused into one
//! forward and one backward. Regularizers and constraints: `dense/penalties.rs`.

mod penalties;

use ndarray::linalg::general_mat_mul;
use ndarray::{Array1, Array2, ArrayD, ArrayView2, ArrayViewD, Axis, Ix1, Ix2};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::{Buffer, Layer, LayerConfig, Param};
use crate::activations::Activation;
use crate::constraints::Constraint;
use crate::error::{Error, Result};
use crate::initializers::Initializer;
use crate::losses::Loss;
use crate::regularizers::Regularizer;

/// What rebuilds a [`Dense`] layer (Keras's `Dense.get_config()` fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DenseConfig {
    /// Layer name.
    pub name: String,
    /// Output width.
    pub units: usize,
    /// Declared input width (first layer only), if any.
    pub input_dim: Option<usize>,
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
    named: bool,
    kernel: Array2<f32>,  // (in, units)
    bias: Array1<f32>,    // (units,), empty without bias
    dkernel: Array2<f32>, // (in, units)
    dbias: Array1<f32>,   // (units,)
    input: Buffer,        // (batch, in): the input of the last training forward
    z: Buffer,            // (batch, units): pre-activation
    a: Buffer,            // (batch, units): output (unused for a linear activation)
    dz: Buffer,           // (batch, units): dL/dz
    dx: Buffer,           // (batch, in): dL/dx
    fused: bool,          // backward receives dL/dz (fused softmax/sigmoid + cross-entropy)
    input_gradient: bool, // backward computes dx
}

impl Dense {
    /// A Dense layer with `units` outputs.
    pub fn new(units: usize) -> Self {
        Dense {
            config: DenseConfig {
                name: "dense".into(),
                units,
                input_dim: None,
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
            named: false,
            kernel: Array2::zeros((0, units)),
            bias: Array1::zeros(0),
            dkernel: Array2::zeros((0, units)),
            dbias: Array1::zeros(0),
            input: Buffer::default(),
            z: Buffer::default(),
            a: Buffer::default(),
            dz: Buffer::default(),
            dx: Buffer::default(),
            fused: false,
            input_gradient: true,
        }
    }

    /// Rebuilds an (unbuilt) layer from its configuration.
    pub fn from_config(config: DenseConfig) -> Self {
        let mut layer = Dense::new(config.units);
        layer.config = config;
        layer.named = true;
        layer
    }

    /// Declares the input width (Keras `input_dim` / `Input((n,))`); needed on the first layer.
    pub fn input_dim(mut self, n: usize) -> Self {
        self.config.input_dim = Some(n);
        self
    }

    /// Sets the activation (default linear).
    pub fn activation(mut self, activation: Activation) -> Self {
        self.config.activation = activation;
        self
    }

    /// Turns the bias on or off (default on).
    pub fn use_bias(mut self, use_bias: bool) -> Self {
        self.config.use_bias = use_bias;
        self
    }

    /// Sets the kernel initializer (default `glorot_uniform`).
    pub fn kernel_initializer(mut self, init: Initializer) -> Self {
        self.config.kernel_initializer = init;
        self
    }

    /// Sets the bias initializer (default `zeros`).
    pub fn bias_initializer(mut self, init: Initializer) -> Self {
        self.config.bias_initializer = init;
        self
    }

    /// Names the layer (default: `dense`, `dense_1`, ... in the order added to the model).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.config.name = name.into();
        self.named = true;
        self
    }

    /// The kernel, `(in, units)`.
    pub fn kernel(&self) -> &Array2<f32> {
        &self.kernel
    }

    /// The bias, `(units,)` (empty when `use_bias` is off).
    pub fn bias(&self) -> &Array1<f32> {
        &self.bias
    }
}

impl Layer for Dense {
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
        "Dense"
    }

    fn declared_input_dim(&self) -> Option<usize> {
        self.config.input_dim
    }

    fn build(&mut self, input_dim: usize, rng: &mut ChaCha8Rng) -> Result<()> {
        let c = &self.config;
        if c.units == 0 {
            return Err(Error::invalid("units", 0, format!("of layer {:?} must be at least 1", c.name)));
        }
        if input_dim == 0 {
            return Err(Error::invalid("input_dim", 0, format!("of layer {:?} must be at least 1", c.name)));
        }
        c.kernel_initializer.validate()?;
        c.bias_initializer.validate()?;
        penalties::validate(c)?;
        let units = c.units;
        // `sample` returns exactly the requested shape, so these conversions cannot fail.
        self.kernel = c
            .kernel_initializer
            .sample(&[input_dim, units], rng)
            .into_dimensionality::<Ix2>()
            .expect("sampled with a 2-D shape");
        self.bias = if c.use_bias {
            c.bias_initializer.sample(&[units], rng).into_dimensionality::<Ix1>().expect("sampled with a 1-D shape")
        } else {
            Array1::zeros(0)
        };
        self.dkernel = Array2::zeros(self.kernel.dim());
        self.dbias = Array1::zeros(self.bias.dim());
        Ok(())
    }

    fn output_dim(&self) -> usize {
        self.config.units
    }

    fn forward(&mut self, x: ArrayView2<f32>, training: bool) -> ArrayView2<'_, f32> {
        let batch = x.nrows();
        debug_assert_eq!(x.ncols(), self.kernel.nrows());
        if training {
            self.input.shape_mut(batch, x.ncols()).assign(&x);
        }
        let mut z = self.z.shape_mut(batch, self.config.units); // (batch, units)
        general_mat_mul(1.0, &x, &self.kernel, 0.0, &mut z);
        if self.config.use_bias {
            z += &self.bias;
        }
        if self.config.activation == Activation::Linear {
            return self.z.view();
        }
        let a = self.a.shape_mut(batch, self.config.units); // (batch, units)
        self.config.activation.forward(self.z.view(), a);
        self.a.view()
    }

    fn backward(&mut self, dout: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        let (batch, units) = dout.dim();
        let mut dz = self.dz.shape_mut(batch, units); // (batch, units)
        dz.assign(&dout);
        if let Some(r) = self.config.activity_regularizer {
            r.add_activity_gradient(penalties::output(&self.config, &self.z, &self.a), dz.view_mut());
        }
        if !self.fused {
            self.config.activation.backward(self.z.view(), self.a.view(), dz.view_mut());
        }
        let dz = self.dz.view();
        general_mat_mul(1.0, &self.input.view().t(), &dz, 0.0, &mut self.dkernel);
        if self.config.use_bias {
            self.dbias.assign(&dz.sum_axis(Axis(0)));
        }
        if !self.input_gradient {
            self.dx.shape_mut(0, 0);
            return self.dx.view();
        }
        let mut dx = self.dx.shape_mut(batch, self.kernel.nrows()); // (batch, in)
        general_mat_mul(1.0, &dz, &self.kernel.t(), 0.0, &mut dx);
        self.dx.view()
    }

    fn params_mut(&mut self) -> Vec<Param<'_>> {
        // Owned arrays built by `build`/`set_weights` are contiguous, so slices always exist.
        let mut params = vec![Param {
            value: self.kernel.as_slice_mut().expect("kernel is contiguous"),
            grad: self.dkernel.as_slice_mut().expect("dkernel is contiguous"),
        }];
        if self.config.use_bias {
            params.push(Param {
                value: self.bias.as_slice_mut().expect("bias is contiguous"),
                grad: self.dbias.as_slice_mut().expect("dbias is contiguous"),
            });
        }
        params
    }

    fn weights(&self) -> Vec<ArrayViewD<'_, f32>> {
        let mut w = vec![self.kernel.view().into_dyn()];
        if self.config.use_bias {
            w.push(self.bias.view().into_dyn());
        }
        w
    }

    fn weight_names(&self) -> Vec<&'static str> {
        if self.config.use_bias { vec!["kernel", "bias"] } else { vec!["kernel"] }
    }

    fn set_weights(&mut self, weights: &[ArrayD<f32>]) {
        // Shapes were checked against `weights()` by the model; `assign` keeps our layout.
        self.kernel.assign(&weights[0].view().into_dimensionality::<Ix2>().expect("checked 2-D"));
        if self.config.use_bias {
            self.bias.assign(&weights[1].view().into_dimensionality::<Ix1>().expect("checked 1-D"));
        }
    }

    fn trainable_params(&self) -> usize {
        self.kernel.len() + self.bias.len()
    }

    fn config(&self) -> LayerConfig {
        LayerConfig::Dense(self.config.clone())
    }

    fn fuse_output_activation(&mut self, loss: &Loss) -> bool {
        self.fused = self.config.activity_regularizer.is_none() && loss.fuses_with(self.config.activation);
        self.fused
    }

    fn set_input_gradient(&mut self, needed: bool) {
        self.input_gradient = needed;
    }

    fn weight_regularizers(&self) -> Vec<Option<Regularizer>> {
        let mut regs = vec![self.config.kernel_regularizer];
        if self.config.use_bias {
            regs.push(self.config.bias_regularizer);
        }
        regs
    }

    fn activity_penalty(&self) -> f32 {
        self.output_activity_penalty()
    }

    fn apply_constraints(&mut self) {
        self.project_weights();
    }
}
