//! A [`Sequential`] network as ONNX nodes: Dense → `Gemm` (+ its activation), standalone
//! activations, BatchNormalization in inference form, Dropout left out.

use std::path::Path;

use super::builder::{Dim, GraphBuilder, float, int};
use super::proto;
use crate::activations::Activation;
use crate::error::{Error, Result};
use crate::layers::LayerConfig;
use crate::model::Sequential;

/// ELU's, SELU's and leaky ReLU's constants, as `crate::activations` uses them.
const ELU_ALPHA: f32 = 1.0;
const SELU_ALPHA: f32 = 1.673_263_2;
const SELU_SCALE: f32 = 1.050_701;
const LEAKY_RELU_SLOPE: f32 = 0.2;

/// The name of the network-only graph's input, `(N, features)` float32.
pub const NETWORK_INPUT: &str = "input";
/// The name of the network-only graph's output, `(N, outputs)` float32.
pub const NETWORK_OUTPUT: &str = "output";

impl Sequential {
    /// Writes the network alone (inference mode) as an ONNX file, atomically: one float32
    /// input `input` `(N, features)`, one output `output` `(N, outputs)`. A layer ONNX
    /// cannot express (one defined outside kerust) is an [`Error::Export`] naming it.
    pub fn to_onnx(&self, path: impl AsRef<Path>) -> Result<()> {
        crate::io::write_atomic(path.as_ref(), &self.to_onnx_bytes()?)
    }

    /// The ONNX file of [`Sequential::to_onnx`], in memory.
    pub fn to_onnx_bytes(&self) -> Result<Vec<u8>> {
        let width = self.input_dim().ok_or_else(|| Error::NotBuilt {
            reason: "the first layer has no input_dim, so the ONNX input has no width".into(),
        })?;
        let mut g = GraphBuilder::default();
        g.input(NETWORK_INPUT, proto::FLOAT, &[Dim::Batch, Dim::Fixed(width)]);
        let out = append(&mut g, self, NETWORK_INPUT)?;
        g.node_into("Identity", &[&out], vec![], NETWORK_OUTPUT);
        g.output(NETWORK_OUTPUT, proto::FLOAT, &[Dim::Batch, Dim::Fixed(self.output_dim())]);
        let metadata = vec![("kerust_version".to_string(), env!("CARGO_PKG_VERSION").to_string())];
        Ok(g.finish("kerust_network", "a kerust Sequential network (inference mode)", metadata))
    }
}

/// Appends the inference pass of `network` to `g`, reading `x` `(N, input_dim)`; returns
/// the name of its output `(N, output_dim)`.
pub(crate) fn append(g: &mut GraphBuilder, network: &Sequential, x: &str) -> Result<String> {
    if !network.is_built() {
        return Err(Error::NotBuilt {
            reason: "some layers have no weights yet; call build() or compile() first".into(),
        });
    }
    let mut x = x.to_string();
    for layer in network.layers() {
        let config = layer.config().ok_or_else(|| Error::Export {
            what: format!("layer {:?} ({})", layer.name(), layer.class_name()),
            reason: "it is defined outside kerust, so there is no ONNX form for it".into(),
        })?;
        let weights = layer.weights();
        match config {
            LayerConfig::Dense(c) => {
                if weights.len() < 1 + usize::from(c.use_bias) || weights[0].ndim() != 2 {
                    return Err(Error::Export {
                        what: format!("layer {:?}", layer.name()),
                        reason: "it has no weights yet; build, fit or load the model before exporting it".into(),
                    });
                }
                let (fan_in, units) = (weights[0].shape()[0], weights[0].shape()[1]);
                let kernel = g.floats("kernel", &[fan_in, units], weights[0].iter().copied().collect());
                let z = if c.use_bias {
                    let bias = g.floats("bias", &[units], weights[1].iter().copied().collect());
                    g.node("Gemm", &[&x, &kernel, &bias], vec![])
                } else {
                    g.node("Gemm", &[&x, &kernel], vec![])
                };
                x = activation(g, c.activation, &z);
            }
            LayerConfig::Activation(c) => x = activation(g, c.activation, &x),
            LayerConfig::Dropout(_) => {}
            LayerConfig::BatchNormalization(c) => {
                // The inference form folded as the layer computes it: x · inv + shift with
                // inv = gamma / sqrt(moving_variance + epsilon), shift = beta - moving_mean · inv.
                let named: Vec<(&str, Vec<f32>)> =
                    c.weight_names().into_iter().zip(&weights).map(|(n, w)| (n, w.iter().copied().collect())).collect();
                let get = |name: &str| named.iter().find(|(n, _)| *n == name).map(|(_, w)| w.clone());
                let mean = get("moving_mean").unwrap_or_default();
                let variance = get("moving_variance").unwrap_or_default();
                let features = mean.len();
                let gamma = get("gamma").unwrap_or_else(|| vec![1.0; features]);
                let beta = get("beta").unwrap_or_else(|| vec![0.0; features]);
                let inv: Vec<f32> = (0..features).map(|j| 1.0 / (variance[j] + c.epsilon).sqrt() * gamma[j]).collect();
                let shift: Vec<f32> = (0..features).map(|j| beta[j] - mean[j] * inv[j]).collect();
                let inv = g.floats("bn_scale", &[features], inv);
                let shift = g.floats("bn_shift", &[features], shift);
                let scaled = g.node("Mul", &[&x, &inv], vec![]);
                x = g.node("Add", &[&scaled, &shift], vec![]);
            }
        }
    }
    Ok(x)
}

/// `activation(z)` as nodes; returns the output's name (`z` itself for linear).
fn activation(g: &mut GraphBuilder, activation: Activation, z: &str) -> String {
    match activation {
        Activation::Linear => z.to_string(),
        Activation::Relu => g.node("Relu", &[z], vec![]),
        Activation::Sigmoid => g.node("Sigmoid", &[z], vec![]),
        Activation::Tanh => g.node("Tanh", &[z], vec![]),
        Activation::Softmax => g.node("Softmax", &[z], vec![int("axis", -1)]),
        Activation::Elu => g.node("Elu", &[z], vec![float("alpha", ELU_ALPHA)]),
        Activation::Selu => g.node("Selu", &[z], vec![float("alpha", SELU_ALPHA), float("gamma", SELU_SCALE)]),
        // Set explicitly: ONNX's default alpha is 0.01, Keras's leaky_relu activation 0.2.
        Activation::LeakyRelu => g.node("LeakyRelu", &[z], vec![float("alpha", LEAKY_RELU_SLOPE)]),
        Activation::Softplus => g.node("Softplus", &[z], vec![]),
        Activation::Gelu => {
            // Exact GELU: 0.5 · z · (1 + erf(z / √2)).
            let sqrt2 = g.floats("sqrt2", &[], vec![std::f32::consts::SQRT_2]);
            let one = g.floats("one", &[], vec![1.0]);
            let half = g.floats("half", &[], vec![0.5]);
            let scaled = g.node("Div", &[z, &sqrt2], vec![]);
            let erf = g.node("Erf", &[&scaled], vec![]);
            let cdf = g.node("Add", &[&erf, &one], vec![]);
            let half_z = g.node("Mul", &[z, &half], vec![]);
            g.node("Mul", &[&half_z, &cdf], vec![])
        }
        Activation::Swish => {
            let s = g.node("Sigmoid", &[z], vec![]);
            g.node("Mul", &[z, &s], vec![])
        }
    }
}
