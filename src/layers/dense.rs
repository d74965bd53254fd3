//! `Dense`: `a = activation(x · kernel + bias)`, with bias and activation fused into one
//! forward and one backward. Regularizers and constraints: `dense/penalties.rs`.

mod penalties;

use ndarray::{Array1, Array2, ArrayD, ArrayView2, ArrayViewD, Ix1, Ix2};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::{Buffer, Layer, LayerConfig, Param};
use crate::activations::Activation;
use crate::constraints::Constraint;
use crate::error::{Error, Result};
use crate::initializers::Initializer;
use crate::kernels::matmul;
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
        let (batch, units) = (x.nrows(), self.config.units);
        debug_assert_eq!(x.ncols(), self.kernel.nrows());
        if training {
            self.input.shape_mut(batch, x.ncols()).assign(&x);
        }
        let bias = self.bias.as_slice().expect("bias is contiguous");
        if self.config.activation == Activation::Relu {
            // Fused: the product lands in `a`, then one pass adds the bias and clamps; the
            // mask `a > 0` equals `z > 0`, so backward needs no `z`.
            let mut a = self.a.shape_mut(batch, units); // (batch, units)
            matmul(a.view_mut(), x, self.kernel.view(), false);
            let a = a.into_slice().expect("buffers are contiguous");
            for row in a.chunks_exact_mut(units) {
                if bias.is_empty() {
                    row.iter_mut().for_each(|v| *v = v.max(0.0));
                } else {
                    row.iter_mut().zip(bias).for_each(|(v, &b)| *v = (*v + b).max(0.0));
                }
            }
            return self.a.view();
        }
        let mut z = self.z.shape_mut(batch, units); // (batch, units)
        matmul(z.view_mut(), x, self.kernel.view(), false);
        if !bias.is_empty() {
            let z = z.into_slice().expect("buffers are contiguous");
            for row in z.chunks_exact_mut(units) {
                row.iter_mut().zip(bias).for_each(|(v, &b)| *v += b);
            }
        }
        if self.config.activation == Activation::Linear {
            return self.z.view();
        }
        let a = self.a.shape_mut(batch, units); // (batch, units)
        self.config.activation.forward(self.z.view(), a);
        self.a.view()
    }

    fn backward(&mut self, dout: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        let (batch, units) = dout.dim();
        let Dense { config, kernel, dkernel, dbias, input, z, a, dz: dz_buf, dx, fused, input_gradient, .. } = self;
        let activation = if *fused { Activation::Linear } else { config.activation };
        let dbias = dbias.as_slice_mut().expect("dbias is contiguous"); // (units,), empty without bias
        dbias.fill(0.0);
        // dout is another layer's buffer (contiguous); a strided one is copied once here.
        let dout_std = dout.as_standard_layout(); // (batch, units)
        let dout_rows = dout_std.as_slice().expect("standard layout");
        // dz: (batch, units). Linear (or fused) layers use `dout` itself: no copy.
        let dz = match activation {
            // An activity penalty adds its gradient to dout first (Keras: penalty on the
            // layer output), so the activation derivative applies to the sum.
            _ if config.activity_regularizer.is_some() => {
                let mut d = dz_buf.shape_mut(batch, units);
                d.assign(&dout);
                if let Some(r) = config.activity_regularizer {
                    r.add_activity_gradient(penalties::output(config, z, a), d.view_mut());
                }
                match activation {
                    Activation::Linear => {}
                    // The fused ReLU forward keeps no `z`: mask by the output (a > 0 iff z > 0).
                    Activation::Relu => ndarray::Zip::from(&mut d).and(&a.view()).for_each(|g, &av| {
                        if av <= 0.0 {
                            *g = 0.0;
                        }
                    }),
                    other => other.backward(z.view(), a.view(), d.view_mut()),
                }
                add_rows(dbias, dz_buf.view().to_slice().expect("buffers are contiguous"));
                dz_buf.view()
            }
            Activation::Linear => {
                add_rows(dbias, dout_rows);
                dout.reborrow()
            }
            Activation::Relu => {
                // Fused: mask by the cached output (a > 0 iff z > 0), then sum the bias
                // gradient while the row is still in L1. Plain slices, so both loops vectorize.
                let d = dz_buf.shape_mut(batch, units).into_slice().expect("buffers are contiguous");
                let a = a.view().to_slice().expect("buffers are contiguous");
                for ((drow, orow), arow) in
                    d.chunks_exact_mut(units).zip(dout_rows.chunks_exact(units)).zip(a.chunks_exact(units))
                {
                    for ((dv, &g), &av) in drow.iter_mut().zip(orow).zip(arow) {
                        *dv = if av > 0.0 { g } else { 0.0 };
                    }
                    dbias.iter_mut().zip(drow.iter()).for_each(|(db, &g)| *db += g);
                }
                dz_buf.view()
            }
            other => {
                let mut d = dz_buf.shape_mut(batch, units);
                d.assign(&dout);
                other.backward(z.view(), a.view(), d.view_mut());
                add_rows(dbias, dz_buf.view().to_slice().expect("buffers are contiguous"));
                dz_buf.view()
            }
        };
        matmul(dkernel.view_mut(), input.view().t(), dz, false); // (in, units)
        if !*input_gradient {
            dx.shape_mut(0, 0);
            return dx.view();
        }
        let d = dx.shape_mut(batch, kernel.nrows()); // (batch, in)
        matmul(d, dz, kernel.t(), false);
        dx.view()
    }

    fn params_mut(&mut self) -> Vec<Param<'_>> {
        // Owned arrays built by `build`/`set_weights` are contiguous, so slices always exist.
        // Sized once: this runs every step, and a growing Vec would allocate twice.
        let mut params = Vec::with_capacity(2);
        params.push(Param {
            value: self.kernel.as_slice_mut().expect("kernel is contiguous"),
            grad: self.dkernel.as_slice_mut().expect("dkernel is contiguous"),
        });
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
        // Empty (no allocation) in the common unregularized case: the training step calls this.
        if self.config.kernel_regularizer.is_none() && self.config.bias_regularizer.is_none() {
            return Vec::new();
        }
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

/// `sums[j] += Σ_rows rows[r·n + j]` for rows of width `n = sums.len()` (no-op when empty).
fn add_rows(sums: &mut [f32], rows: &[f32]) {
    if sums.is_empty() {
        return;
    }
    for row in rows.chunks_exact(sums.len()) {
        sums.iter_mut().zip(row).for_each(|(s, &g)| *s += g);
    }
}
