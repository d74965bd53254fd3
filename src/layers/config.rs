//! [`LayerConfig`]: the serializable description that rebuilds a built-in layer, and what a
//! model file's loader reads from it before building anything (widths, weight shapes).

use serde::{Deserialize, Serialize};

use super::{
    ActivationConfig, ActivationLayer, BatchNormConfig, BatchNormalization, Dense, DenseConfig, Dropout, DropoutConfig,
    Layer, LayerBase,
};

/// A serializable description that rebuilds a layer (Keras's `get_config`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "class_name", content = "config")]
#[non_exhaustive]
pub enum LayerConfig {
    /// A [`Dense`] layer.
    Dense(DenseConfig),
    /// A [`Dropout`] layer.
    Dropout(DropoutConfig),
    /// A [`BatchNormalization`] layer.
    BatchNormalization(BatchNormConfig),
    /// A standalone activation ([`ActivationLayer`], Keras's `Activation`).
    Activation(ActivationConfig),
}

impl LayerConfig {
    /// A fresh (unbuilt) layer from this configuration.
    pub fn to_layer(&self) -> Box<dyn Layer> {
        match self {
            LayerConfig::Dense(c) => Box::new(Dense::from_config(c.clone())),
            LayerConfig::Dropout(c) => Box::new(Dropout::from_config(c.clone())),
            LayerConfig::BatchNormalization(c) => Box::new(BatchNormalization::from_config(c.clone())),
            LayerConfig::Activation(c) => Box::new(ActivationLayer::from_config(c.clone())),
        }
    }

    /// The name and declared input width.
    pub fn base(&self) -> &LayerBase {
        match self {
            LayerConfig::Dense(c) => &c.base,
            LayerConfig::Dropout(c) => &c.base,
            LayerConfig::BatchNormalization(c) => &c.base,
            LayerConfig::Activation(c) => &c.base,
        }
    }

    /// The input width the layer declares, if any.
    pub fn input_dim(&self) -> Option<usize> {
        self.base().input_dim
    }

    /// The output width for inputs of width `input_dim`.
    pub fn output_dim(&self, input_dim: usize) -> usize {
        match self {
            LayerConfig::Dense(c) => c.units,
            LayerConfig::Dropout(_) | LayerConfig::BatchNormalization(_) | LayerConfig::Activation(_) => input_dim,
        }
    }

    /// Names and shapes of the weights for inputs of width `input_dim`, in `weights()`
    /// order; `None` if a size overflows (a hostile configuration).
    pub fn weight_shapes(&self, input_dim: usize) -> Option<Vec<(&'static str, Vec<usize>)>> {
        match self {
            LayerConfig::Dense(c) => {
                input_dim.checked_mul(c.units)?;
                let mut shapes = vec![("kernel", vec![input_dim, c.units])];
                if c.use_bias {
                    shapes.push(("bias", vec![c.units]));
                }
                Some(shapes)
            }
            LayerConfig::Dropout(_) | LayerConfig::Activation(_) => Some(Vec::new()),
            LayerConfig::BatchNormalization(c) => {
                Some(c.weight_names().into_iter().map(|name| (name, vec![input_dim])).collect())
            }
        }
    }
}
