//! `Dropout`: inverted dropout. In training each value is zeroed with probability `rate` and
//! the kept ones are scaled by `1 / (1 - rate)`, so the expectation is unchanged; in
//! inference (predict, evaluate, validation) the layer is the identity.
//!
//! The masks come from a seeded `ChaCha8Rng`: the layer's own `seed` if given, else a stream
//! derived from the model seed. They cannot match Keras's (JAX's PRNG) bit for bit.

use ndarray::{ArrayD, ArrayView2, ArrayViewD, Zip};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::{Buffer, Layer, LayerConfig, Param};
use crate::error::{Error, Result};

/// What rebuilds a [`Dropout`] layer (Keras's `Dropout.get_config()` fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DropoutConfig {
    /// Layer name.
    pub name: String,
    /// Fraction of the inputs to drop, in `[0, 1)`.
    pub rate: f32,
    /// Seed of the masks; `None` derives them from the model seed.
    pub seed: Option<u64>,
    /// Declared input width (first layer only), if any.
    pub input_dim: Option<usize>,
}

/// Keras's `Dropout(rate, seed=None)`.
///
/// ```
/// use kerust::prelude::*;
/// let mut model = Sequential::new().seed(1);
/// model.add(Dense::new(32).input_dim(30).activation(Activation::Relu));
/// model.add(Dropout::new(0.3));
/// model.add(Dense::new(1).activation(Activation::Sigmoid));
/// model.compile(Adam::new(0.001), Loss::BINARY_CROSSENTROPY, &[Metric::Accuracy])?;
/// assert_eq!(model.layers()[1].name(), "dropout");
/// # Ok::<(), kerust::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Dropout {
    config: DropoutConfig,
    named: bool,
    width: usize,
    rng: ChaCha8Rng,
    mask: Buffer, // (batch, in): 0 or 1 / (1 - rate) for each value of the last training forward
    out: Buffer,  // (batch, in)
    dx: Buffer,   // (batch, in)
    input_gradient: bool,
}

impl Dropout {
    /// A Dropout layer dropping a fraction `rate` of its inputs in training.
    pub fn new(rate: f32) -> Self {
        Dropout {
            config: DropoutConfig { name: "dropout".into(), rate, seed: None, input_dim: None },
            named: false,
            width: 0,
            rng: ChaCha8Rng::seed_from_u64(0),
            mask: Buffer::default(),
            out: Buffer::default(),
            dx: Buffer::default(),
            input_gradient: true,
        }
    }

    /// Rebuilds an (unbuilt) layer from its configuration.
    pub fn from_config(config: DropoutConfig) -> Self {
        let mut layer = Dropout::new(config.rate);
        layer.config = config;
        layer.named = true;
        layer
    }

    /// Seeds the masks of this layer (default: derived from the model seed).
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = Some(seed);
        self
    }

    /// Declares the input width (when Dropout is the first layer).
    pub fn input_dim(mut self, n: usize) -> Self {
        self.config.input_dim = Some(n);
        self
    }

    /// Names the layer (default: `dropout`, `dropout_1`, ...).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.config.name = name.into();
        self.named = true;
        self
    }

    /// The drop rate.
    pub fn rate(&self) -> f32 {
        self.config.rate
    }
}

impl Layer for Dropout {
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
        "Dropout"
    }

    fn declared_input_dim(&self) -> Option<usize> {
        self.config.input_dim
    }

    fn build(&mut self, input_dim: usize, _rng: &mut ChaCha8Rng) -> Result<()> {
        let rate = self.config.rate;
        if !(0.0..1.0).contains(&rate) {
            return Err(Error::invalid(
                "rate",
                rate,
                format!("of layer {:?} must be in [0, 1): the fraction of inputs to drop", self.config.name),
            ));
        }
        self.width = input_dim;
        if let Some(seed) = self.config.seed {
            self.rng = ChaCha8Rng::seed_from_u64(seed);
        }
        Ok(())
    }

    fn output_dim(&self) -> usize {
        self.width
    }

    fn forward(&mut self, x: ArrayView2<f32>, training: bool) -> ArrayView2<'_, f32> {
        let (batch, width) = x.dim();
        let mut out = self.out.shape_mut(batch, width); // (batch, in)
        if !training || self.config.rate == 0.0 {
            out.assign(&x);
            if training {
                self.mask.shape_mut(batch, width).fill(1.0);
            }
            return self.out.view();
        }
        let keep = 1.0 - self.config.rate;
        let scale = 1.0 / keep;
        let mut mask = self.mask.shape_mut(batch, width); // (batch, in)
        for m in mask.iter_mut() {
            *m = if self.rng.r#gen::<f32>() < keep { scale } else { 0.0 };
        }
        Zip::from(&mut out).and(&x).and(&mask).for_each(|o, &v, &m| *o = v * m);
        self.out.view()
    }

    fn backward(&mut self, dout: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        let (batch, width) = dout.dim();
        if !self.input_gradient {
            self.dx.shape_mut(0, 0);
            return self.dx.view();
        }
        let mut dx = self.dx.shape_mut(batch, width); // (batch, in)
        Zip::from(&mut dx).and(&dout).and(&self.mask.view()).for_each(|d, &g, &m| *d = g * m);
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
        LayerConfig::Dropout(self.config.clone())
    }

    fn set_input_gradient(&mut self, needed: bool) {
        self.input_gradient = needed;
    }

    fn seed_noise(&mut self, rng: ChaCha8Rng) {
        if self.config.seed.is_none() {
            self.rng = rng;
        }
    }
}
