//! ONNX export: a trained model as a file any ONNX runtime serves (onnxruntime, tract, a
//! browser, a database), with the preprocessing inside.
//!
//! [`TabularModel::to_onnx`](crate::tabular::TabularModel::to_onnx) writes the whole model:
//! raw columns in, answers out, as [`TabularModel::predict`](crate::tabular::TabularModel::predict)
//! computes them.
//! - **Inputs**: one per source column, named exactly as the CSV column, shape `(N, 1)`:
//!   float32 for a numeric column, string for a categorical one. A numeric gap is NaN, a
//!   categorical gap one of the CSV missing markers (`""`, `"NA"`, ...); the stored fill
//!   replaces it (`IsNaN` + `Where`, or the fill's category), and missing indicators are
//!   `IsNaN` / the markers. A model without a fill passes NaN on (kerust would stop instead).
//! - **Encoding**: a category becomes its position (`ai.onnx.ml` `CategoryMapper`), then one
//!   `Equal` per kept category gives the dummies; an unseen category gives all zeros.
//! - **Scaling**: `Sub` then `Div`, with the fitted scaler's parameters.
//! - **Network**: Dense → `Gemm` and its activation (relu, sigmoid, tanh, softmax on the
//!   last axis, elu, selu, leaky_relu with alpha 0.2, softplus, exact gelu as
//!   `0.5·x·(1 + Erf(x/√2))`, swish as `x·Sigmoid(x)`), BatchNormalization in inference form
//!   (`Mul` + `Add` by the folded moving statistics, as the layer computes it), Dropout left out.
//! - **Outputs**: `prediction` float32 `(N, outputs)` for regression; `probabilities` float32
//!   `(N, classes)` and `label` string `(N,)` for classification.
//!
//! [`Sequential::to_onnx`](crate::model::Sequential::to_onnx) writes the network alone: one
//! float32 input `input` `(N, features)`, one output `output`.
//!
//! Opset 17 (IR version 8) and `ai.onnx.ml` 3. `metadata_props` carry the kerust version, the
//! target, the task, the columns and their types, the feature names and the label map.
//! Something ONNX cannot express (a layer defined outside kerust) is an
//! [`Error::Export`](crate::Error::Export) naming it. The protobuf is written by hand-declared
//! `prost` messages: no `protoc`, nothing downloaded at build time.
//!
//! ```
//! use kerust::prelude::*;
//!
//! let table = datasets::load("iris")?;
//! let spec = TabularSpec { epochs: 2, layers: vec![8], seed: Some(1), ..TabularSpec::default() };
//! let model = spec.fit(&table, "species")?.model;
//! let path = std::env::temp_dir().join("kerust-doc-export.onnx");
//! model.to_onnx(&path)?; // raw columns in, `probabilities` and `label` out
//! let bytes = std::fs::read(&path)?;
//! assert!(bytes.len() > 100);
//! // The network alone: one input `(N, 4)`.
//! assert!(model.into_network().to_onnx_bytes()?.len() > 100);
//! # std::fs::remove_file(&path).ok();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod builder;
mod network;
pub(crate) mod proto;
mod tabular;

pub use network::{NETWORK_INPUT, NETWORK_OUTPUT};
pub use tabular::{LABEL, PREDICTION, PROBABILITIES};

/// The ONNX operator set the files use (default domain).
pub const OPSET: i64 = 17;
/// The `ai.onnx.ml` operator set, for `CategoryMapper`.
pub const ML_OPSET: i64 = 3;
/// The ONNX IR version that goes with opset 17.
pub const IR_VERSION: i64 = 8;
/// The domain of the ONNX-ML operators.
pub const ML_DOMAIN: &str = "ai.onnx.ml";
