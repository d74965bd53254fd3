//! `Dropout`: inverted dropout. In training each value is zeroed with probability `rate` and
//! the kept ones are scaled by `1 / (1 - rate)`, so the expectation is unchanged; in
//! inference (predict, evaluate, validation) the layer is the identity.
//!
//! The masks come from a seeded `ChaCha8Rng`: the layer's own `seed` if given, else a stream
//! derived from the model seed. They cannot match Keras's (JAX's PRNG) bit for bit.

use ndarray::{ArrayView2, Zip};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::base::{layer_bookkeeping, layer_builders};
use super::{Buffer, InputGradient, Layer, LayerBase, ModelHooks, same_type};
use crate::error::{Error, Result};
use crate::kernels::shard;
use crate::setters::setters;

/// What rebuilds a [`Dropout`] layer (Keras's `Dropout.get_config()` fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DropoutConfig {
    /// Name and declared input width.
    #[serde(flatten)]
    pub base: LayerBase,
    /// Fraction of the inputs to drop, in `[0, 1)`.
    pub rate: f32,
    /// Seed of the masks; `None` derives them from the model seed.
    pub seed: Option<u64>,
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
    rng: ChaCha8Rng,
    mask: Buffer,      // (batch, in): 0 or 1 / (1 - rate) for each value of the last training forward
    out: Buffer,       // (batch, in)
    dx: InputGradient, // (batch, in)
}

impl Dropout {
    /// A Dropout layer dropping a fraction `rate` of its inputs in training.
    pub fn new(rate: f32) -> Self {
        Dropout {
            config: DropoutConfig { base: LayerBase::default(), rate, seed: None },
            rng: ChaCha8Rng::seed_from_u64(0),
            mask: Buffer::default(),
            out: Buffer::default(),
            dx: InputGradient::default(),
        }
    }

    setters! {
        /// Seeds the masks of this layer (default: derived from the model seed).
        seed(seed: u64) => config.seed = Some(seed);
    }

    /// The drop rate.
    pub fn rate(&self) -> f32 {
        self.config.rate
    }
}

layer_builders!(Dropout, DropoutConfig, Dropout::new(0.0));

impl Layer for Dropout {
    layer_bookkeeping!(Dropout);

    fn build(&mut self, _input_dim: usize, _rng: &mut ChaCha8Rng) -> Result<()> {
        let rate = self.config.rate;
        if !(0.0..1.0).contains(&rate) {
            return Err(Error::invalid(
                "rate",
                rate,
                format!("of layer {:?} must be in [0, 1): the fraction of inputs to drop", self.name()),
            ));
        }
        if let Some(seed) = self.config.seed {
            self.rng = ChaCha8Rng::seed_from_u64(seed);
        }
        Ok(())
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
        // `gen::<f32>() < keep` without the float: that draw is the top 24 bits of one u32
        // times 2⁻²⁴, so it is below `keep` exactly when those bits are below keep·2²⁴
        // (a power-of-two scaling, exact). Same stream, same masks, a third of the time.
        let threshold = f64::from(keep) * 16_777_216.0;
        // On a shard of a batch, the shard's rows take the draws they would take in the
        // whole batch (one 32-bit word per value, row after row), and the stream ends where
        // the whole batch leaves it: the masks are those of one-thread training.
        let shard = shard::current();
        let start = self.rng.get_word_pos();
        if let Some(s) = shard {
            self.rng.set_word_pos(start + (s.offset * width) as u128);
        }
        for m in mask.iter_mut() {
            *m = if f64::from(self.rng.next_u32() >> 8) < threshold { scale } else { 0.0 };
        }
        if let Some(s) = shard {
            self.rng.set_word_pos(start + (s.batch_rows * width) as u128);
        }
        Zip::from(&mut out).and(&x).and(&mask).for_each(|o, &v, &m| *o = v * m);
        self.out.view()
    }

    fn backward(&mut self, dout: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        let (batch, width) = dout.dim();
        if let Some(mut dx) = self.dx.shape_mut(batch, width) {
            Zip::from(&mut dx).and(&dout).and(&self.mask.view()).for_each(|d, &g, &m| *d = g * m);
        }
        self.dx.view()
    }
}

impl ModelHooks for Dropout {
    fn skip_input_gradient(&mut self) {
        self.dx.skip();
    }

    fn seed_noise(&mut self, rng: ChaCha8Rng) {
        if self.config.seed.is_none() {
            self.rng = rng;
        }
    }

    fn copy_state_from(&mut self, master: &dyn Layer) {
        let master: &Dropout = same_type(master);
        self.rng = master.rng.clone();
    }
}
