//! The [`Layer`] trait: what one layer does differently from the next (build, forward,
//! backward, weights, config). Naming and declared input widths are shared bookkeeping
//! ([`LayerBase`]); fused gradients and the other model-only hooks stay inside the crate.

use std::any::Any;

use ndarray::{ArrayD, ArrayView2, ArrayViewD, ArrayViewMutD};
use rand_chacha::ChaCha8Rng;

use super::base::check_weights;
use super::{LayerBase, LayerConfig, Param};
use crate::error::Result;

/// A layer of a [`Sequential`](crate::model::Sequential) model. Shapes: inputs are
/// `(batch, input width)`, outputs `(batch, output width)`.
///
/// A layer defined outside kerust implements the required methods (and, if it has weights,
/// `build`, `params_mut`, `weights`, `weights_mut` and `weight_names`), and trains inside a
/// `Sequential` like the built-in ones. It cannot be written to a model file (its `config` is
/// `None`): `save` says so.
///
/// ```
/// use kerust::layers::{Layer, LayerBase};
/// use ndarray::{Array2, ArrayView2};
///
/// /// `y = 2x`, no weights.
/// #[derive(Debug, Default)]
/// struct Double { base: LayerBase, out: Array2<f32>, dx: Array2<f32> }
///
/// impl Layer for Double {
///     fn base(&self) -> &LayerBase { &self.base }
///     fn base_mut(&mut self) -> &mut LayerBase { &mut self.base }
///     fn class_name(&self) -> &'static str { "Double" }
///     fn forward(&mut self, x: ArrayView2<f32>, _training: bool) -> ArrayView2<'_, f32> {
///         self.out = &x * 2.0;
///         self.out.view()
///     }
///     fn backward(&mut self, dout: ArrayView2<f32>) -> ArrayView2<'_, f32> {
///         self.dx = &dout * 2.0;
///         self.dx.view()
///     }
/// }
///
/// let mut layer = Double::default();
/// assert_eq!(layer.forward(ndarray::array![[1.0, -3.0]].view(), false), ndarray::array![[2.0, -6.0]]);
/// ```
pub trait Layer: Any + std::fmt::Debug + Send {
    /// The name and declared input width: bookkeeping every layer embeds.
    fn base(&self) -> &LayerBase;
    /// The same, to change (the model names an unnamed layer when it is added).
    fn base_mut(&mut self) -> &mut LayerBase;
    /// Keras's class name (`"Dense"`); an unnamed layer is named after it (`dense`, `dense_1`).
    fn class_name(&self) -> &'static str;

    /// Checks the settings and creates the weights for inputs of width `input_dim`, drawing
    /// from `rng` (the model's initialization stream). Layers without weights keep the default.
    fn build(&mut self, _input_dim: usize, _rng: &mut ChaCha8Rng) -> Result<()> {
        Ok(())
    }
    /// The output width for inputs of width `input_dim` (Keras's `compute_output_shape`);
    /// by default the input width.
    fn output_dim(&self, input_dim: usize) -> usize {
        input_dim
    }

    /// x: (batch, in) -> (batch, out). When `training`, keeps what `backward` needs.
    fn forward(&mut self, x: ArrayView2<f32>, training: bool) -> ArrayView2<'_, f32>;
    /// dout: (batch, out) -> dx: (batch, in). Overwrites (does not accumulate) this layer's
    /// parameter gradients. Follows a `forward` with `training = true`.
    fn backward(&mut self, dout: ArrayView2<f32>) -> ArrayView2<'_, f32>;

    /// Trainable (value, gradient) pairs, in the order of [`Layer::weights`] (whose first
    /// entries they are). None by default.
    fn params_mut(&mut self) -> Vec<Param<'_>> {
        Vec::new()
    }
    /// All weights in Keras's order (Dense: kernel `(in, out)`, then bias `(out,)`): the
    /// trainable ones first, then the others (moving statistics). None by default.
    fn weights(&self) -> Vec<ArrayViewD<'_, f32>> {
        Vec::new()
    }
    /// The same weights, to overwrite (what [`Layer::set_weights`] writes into).
    fn weights_mut(&mut self) -> Vec<ArrayViewMutD<'_, f32>> {
        Vec::new()
    }
    /// Names of the weights, in the same order (`kernel`, `bias`).
    fn weight_names(&self) -> Vec<&'static str> {
        Vec::new()
    }
    /// Number of non-trainable scalars among the weights (moving statistics and the like).
    fn non_trainable_params(&self) -> usize {
        0
    }
    /// The configuration that rebuilds this layer from a model file; `None` for a layer
    /// kerust does not know (one defined outside the crate), which makes `save` an error.
    fn config(&self) -> Option<LayerConfig> {
        None
    }

    /// The layer's name in its model (`dense`, `dense_1`, ...); empty until it is named or
    /// added to a model.
    fn name(&self) -> &str {
        self.base().name.as_deref().unwrap_or("")
    }
    /// Replaces the weights (Keras's `set_weights`): errors, changing nothing, unless
    /// `weights` has as many arrays as [`Layer::weights`], of the same shapes, all finite.
    fn set_weights(&mut self, weights: &[ArrayD<f32>]) -> Result<()> {
        check_weights(self, weights, 0)?;
        for (mut w, given) in self.weights_mut().into_iter().zip(weights) {
            w.assign(given);
        }
        Ok(())
    }
    /// Number of trainable scalars.
    fn trainable_params(&self) -> usize {
        self.weights().iter().map(|w| w.len()).sum::<usize>() - self.non_trainable_params()
    }
}
