//! Layers: the [`Layer`] trait, the bookkeeping every layer shares ([`LayerBase`]), and the
//! built-in layers.
//!
//! Each layer writes its own `forward` and `backward` over buffers it keeps between steps
//! (llm.c style), so a warm training step allocates nothing. [`reference`](mod@reference) holds Dense in
//! plain loops, the math as written on paper, against which the fast Dense is tested.
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
mod base;
mod batch_norm;
mod buffer;
mod config;
mod dense;
mod dropout;
mod hooks;
mod layer;

pub use activation::{ActivationConfig, ActivationLayer};
pub use base::LayerBase;
pub(crate) use base::check_weights;
pub use batch_norm::{BatchNormConfig, BatchNormalization};
pub(crate) use buffer::{Buffer, InputGradient};
pub use config::LayerConfig;
pub use dense::{Dense, DenseConfig, reference};
pub use dropout::{Dropout, DropoutConfig};
pub(crate) use hooks::{ModelHooks, add_into, hooks, hooks_mut, replica, same_type, same_type_mut};
pub use layer::Layer;

/// One trainable tensor of a layer with its gradient, as the optimizer sees them.
#[derive(Debug)]
pub struct Param<'a> {
    /// The values, updated in place by the optimizer.
    pub value: &'a mut [f32],
    /// The gradient of the loss with respect to `value`, from the last `backward`
    /// (mutable so that the optimizer can clip it in place).
    pub grad: &'a mut [f32],
}
