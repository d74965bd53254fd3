//! The bookkeeping every layer shares, whatever it computes: its name in the model (given,
//! or made from the class name when the layer is added), the input width it declares, and the
//! check that a list of weights fits the layer.
//!
//! The built-in layers get their builder methods and the bookkeeping part of their `Layer`
//! impl from the two macros at the end, so that each layer file holds its own settings and
//! math, and nothing else.

use ndarray::ArrayD;
use serde::{Deserialize, Serialize};

use super::Layer;
use crate::error::{Error, Result};

/// What every layer carries beside its own settings: its name and its declared input width.
/// Stored inside each layer's configuration (`"name"`, `"input_dim"`, as Keras's `get_config`).
///
/// ```
/// use kerust::layers::{Dense, Layer, LayerBase};
/// let layer = Dense::new(8).input_dim(3);
/// assert_eq!(layer.base(), &LayerBase { name: None, input_dim: Some(3) });
/// assert_eq!(layer.with_name("hidden").name(), "hidden");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LayerBase {
    /// The layer's name in its model. `None` until the user names it or the model does when
    /// the layer is added (`dense`, `dense_1`, ...).
    pub name: Option<String>,
    /// The input width the layer declares (needed on the first layer of a model), if any.
    pub input_dim: Option<usize>,
}

impl LayerBase {
    /// Names the layer after `class_name` (`BatchNormalization` -> `batch_normalization`),
    /// numbered past the names `taken` (`dense`, `dense_1`, ...), unless it has a name.
    pub(crate) fn name_after(&mut self, class_name: &str, taken: impl Fn(&str) -> bool) {
        if self.name.is_some() {
            return;
        }
        let base = snake_case(class_name);
        let mut name = base.clone();
        for k in 1.. {
            if !taken(&name) {
                break;
            }
            name = format!("{base}_{k}");
        }
        self.name = Some(name);
    }
}

/// `Dense` -> `dense`, `BatchNormalization` -> `batch_normalization` (Keras's auto names).
fn snake_case(class: &str) -> String {
    let mut out = String::new();
    for (i, ch) in class.chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_lowercase());
    }
    out
}

/// Checks that `given` can replace the weights of `layer`: as many arrays, of the same shapes,
/// all finite. `first_index` numbers the arrays in errors (their place in the model's list).
pub(crate) fn check_weights<L: Layer + ?Sized>(layer: &L, given: &[ArrayD<f32>], first_index: usize) -> Result<()> {
    let current = layer.weights();
    if given.len() != current.len() {
        return Err(Error::WeightCount { expected: current.len(), got: given.len() });
    }
    for (k, ((w, got), name)) in current.iter().zip(given).zip(layer.weight_names()).enumerate() {
        let index = first_index + k;
        if got.shape() != w.shape() {
            return Err(Error::WeightShape {
                index,
                name: format!("{}/{name}", layer.name()),
                expected: w.shape().to_vec(),
                got: got.shape().to_vec(),
            });
        }
        if let Some(v) = got.iter().find(|v| !v.is_finite()) {
            return Err(Error::invalid("weights", v, format!("array {index} must hold finite values only")));
        }
    }
    Ok(())
}

/// The builder methods every built-in layer has: `input_dim`, `with_name` and `from_config`
/// (`$fresh` is a layer whose state the configuration completes).
macro_rules! layer_builders {
    ($layer:ty, $config:ty, $fresh:expr) => {
        impl $layer {
            /// Rebuilds an (unbuilt) layer from its configuration.
            pub fn from_config(config: $config) -> Self {
                Self { config, ..$fresh }
            }

            /// Declares the input width (Keras `input_dim` / `Input((n,))`); needed on the
            /// first layer of a model.
            pub fn input_dim(mut self, n: usize) -> Self {
                self.config.base.input_dim = Some(n);
                self
            }

            /// Names the layer (default: its class name in snake case, numbered in the
            /// model: `dense`, `dense_1`, ...).
            pub fn with_name(mut self, name: impl Into<String>) -> Self {
                self.config.base.name = Some(name.into());
                self
            }
        }
    };
}
pub(crate) use layer_builders;

/// The bookkeeping methods of a built-in layer's `Layer` impl: its [`LayerBase`] (inside its
/// configuration), its class name (the [`LayerConfig`](super::LayerConfig) variant, which is
/// Keras's class name) and its configuration.
macro_rules! layer_bookkeeping {
    ($variant:ident) => {
        fn base(&self) -> &$crate::layers::LayerBase {
            &self.config.base
        }

        fn base_mut(&mut self) -> &mut $crate::layers::LayerBase {
            &mut self.config.base
        }

        fn class_name(&self) -> &'static str {
            stringify!($variant)
        }

        fn config(&self) -> Option<$crate::layers::LayerConfig> {
            Some($crate::layers::LayerConfig::$variant(self.config.clone()))
        }
    };
}
pub(crate) use layer_bookkeeping;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_names_follow_keras() {
        let names = ["dense", "dense_1"];
        let mut base = LayerBase::default();
        base.name_after("Dense", |n| names.contains(&n));
        assert_eq!(base.name.as_deref(), Some("dense_2"));
        let mut bn = LayerBase::default();
        bn.name_after("BatchNormalization", |_| false);
        assert_eq!(bn.name.as_deref(), Some("batch_normalization"));
        let mut named = LayerBase { name: Some("mine".into()), input_dim: None };
        named.name_after("Dense", |_| true);
        assert_eq!(named.name.as_deref(), Some("mine"));
    }
}
