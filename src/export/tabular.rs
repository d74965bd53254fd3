//! A [`TabularModel`] as one ONNX graph: raw columns in (one input per source column, named
//! as the column, `(N, 1)`: float32 for numeric columns, string for categorical ones), the
//! stored fills, one-hot encoding, missing indicators and scaler, the network, and answers out.

use std::path::Path;

use super::builder::{Dim, GraphBuilder, int, ints, strings};
use super::network;
use super::proto;
use crate::data::{CsvOptions, Encoding, FeatureKind, FillValue};
use crate::error::{Error, Result};
use crate::preprocessing::Scaler;
use crate::tabular::{Preprocessor, TabularModel};

/// The regression output, `(N, outputs)` float32.
pub const PREDICTION: &str = "prediction";
/// The classification output of class probabilities, `(N, classes)` float32.
pub const PROBABILITIES: &str = "probabilities";
/// The classification output of the most probable class's name, `(N,)` string.
pub const LABEL: &str = "label";

impl TabularModel {
    /// Writes the whole model as an ONNX file, atomically: raw columns in, answers out,
    /// as [`TabularModel::predict`] computes them (see [`crate::export`]).
    pub fn to_onnx(&self, path: impl AsRef<Path>) -> Result<()> {
        crate::io::write_atomic(path.as_ref(), &self.to_onnx_bytes()?)
    }

    /// The ONNX file of [`TabularModel::to_onnx`], in memory.
    pub fn to_onnx_bytes(&self) -> Result<Vec<u8>> {
        let pre = self.preprocessor();
        for spec in &pre.encoding.features {
            if [PREDICTION, PROBABILITIES, LABEL].contains(&spec.name.as_str()) || spec.name.starts_with("kerust.") {
                return Err(Error::Export {
                    what: format!("column {:?}", spec.name),
                    reason: "its name is taken by an output or an inner value of the graph; rename the column and train again".into(),
                });
            }
        }
        let mut g = GraphBuilder::default();
        let features = encode(&mut g, &pre.encoding)?;
        let scaled = scale(&mut g, &pre.scaler, &features)?;
        let network = self.lock();
        let output = network::append(&mut g, &network, &scaled)?;
        answers(&mut g, pre, &output, network.output_dim());
        let doc = format!("kerust model of {:?} ({}): raw columns in, answers out", pre.target, pre.task);
        Ok(g.finish("kerust_tabular", &doc, metadata(pre)))
    }
}

/// The graph inputs and the feature matrix `(N, n_features)` they become; returns its name.
fn encode(g: &mut GraphBuilder, encoding: &Encoding) -> Result<String> {
    let markers = CsvOptions::default().missing_values;
    let mut columns = Vec::new(); // one (N, width) float block per feature spec, then indicators
    let skip = usize::from(encoding.drop_first);
    for spec in &encoding.features {
        let wrong_fill = || Error::Export {
            what: format!("the fill of column {:?}", spec.name),
            reason: "a fill of the other type than the column (a number for text or text for numbers)".into(),
        };
        match &spec.kind {
            FeatureKind::Numeric => {
                g.input(&spec.name, proto::FLOAT, &[Dim::Batch, Dim::Fixed(1)]);
                columns.push(match &spec.fill {
                    None => spec.name.clone(),
                    Some(FillValue::Number(v)) => {
                        let gap = g.node("IsNaN", &[&spec.name], vec![]);
                        let fill = g.floats("fill", &[], vec![*v]);
                        g.node("Where", &[&gap, &fill, &spec.name], vec![])
                    }
                    Some(FillValue::Category(_)) => return Err(wrong_fill()),
                });
            }
            FeatureKind::OneHot { categories } => {
                g.input(&spec.name, proto::STRING, &[Dim::Batch, Dim::Fixed(1)]);
                // Category → its position (a gap → the fill's position), anything else → -1,
                // then position == k for each kept k: all zeros for an unseen category.
                let mut keys = categories.clone();
                let mut positions: Vec<i64> = (0..categories.len() as i64).collect();
                match &spec.fill {
                    None => {}
                    Some(FillValue::Category(level)) => {
                        if let Ok(at) = categories.binary_search(level) {
                            for m in markers.iter().filter(|m| !categories.contains(m)) {
                                keys.push(m.clone());
                                positions.push(at as i64);
                            }
                        }
                    }
                    Some(FillValue::Number(_)) => return Err(wrong_fill()),
                }
                let position = g.ml_node(
                    "CategoryMapper",
                    &[&spec.name],
                    vec![strings("cats_strings", &keys), ints("cats_int64s", positions), int("default_int64", -1)],
                );
                let kept: Vec<i64> = (skip as i64..categories.len() as i64).collect();
                let width = kept.len();
                let kept = g.ints("categories", &[1, width], kept);
                let hot = g.node("Equal", &[&position, &kept], vec![]);
                columns.push(g.node("Cast", &[&hot], vec![int("to", proto::FLOAT as i64)]));
            }
        }
    }
    for name in &encoding.indicators {
        let spec = encoding.features.iter().find(|s| &s.name == name).ok_or_else(|| Error::Export {
            what: format!("the missing indicator of column {name:?}"),
            reason: "the column is not among the feature columns, so the graph has no input for it".into(),
        })?;
        let gap = match spec.kind {
            FeatureKind::Numeric => g.node("IsNaN", &[name], vec![]),
            FeatureKind::OneHot { .. } => {
                let ones = vec![1; markers.len()];
                let is_marker = g.ml_node(
                    "CategoryMapper",
                    &[name],
                    vec![strings("cats_strings", &markers), ints("cats_int64s", ones), int("default_int64", 0)],
                );
                let one = g.ints("one", &[], vec![1]);
                g.node("Equal", &[&is_marker, &one], vec![])
            }
        };
        columns.push(g.node("Cast", &[&gap], vec![int("to", proto::FLOAT as i64)]));
    }
    let refs: Vec<&str> = columns.iter().map(String::as_str).collect();
    Ok(g.node("Concat", &refs, vec![int("axis", 1)]))
}

/// The fitted scaler as `Sub` then `Div` (no reciprocal multiply, so the numbers equal
/// kerust's); an `f64` offset is subtracted as two float32 parts (high, then the rounding
/// rest) to keep its precision.
fn scale(g: &mut GraphBuilder, scaler: &Scaler, x: &str) -> Result<String> {
    let unfitted = || Error::Export { what: "the scaler".into(), reason: "it is not fitted".into() };
    // x · scale + min  ==  (x - (-min / scale)) / (1 / scale)
    let (offset, divisor): (Vec<f64>, Vec<f64>) = match scaler {
        Scaler::None => return Ok(x.to_string()),
        Scaler::MinMax(s) => {
            let (scale, min) = (s.scale().ok_or_else(unfitted)?, s.min().ok_or_else(unfitted)?);
            (min.iter().zip(scale).map(|(m, s)| -m / s).collect(), scale.iter().map(|s| 1.0 / s).collect())
        }
        Scaler::Standard(s) => {
            let scale = s.scale().ok_or_else(unfitted)?.to_vec();
            let mean = s.mean().ok_or_else(unfitted)?;
            // `with_mean = false` subtracts nothing; its offset is then 0 (see StandardScaler).
            let offset = if s.transform(&ndarray::Array2::zeros((1, scale.len())))?.iter().all(|v| *v == 0.0) {
                vec![0.0; scale.len()]
            } else {
                mean.to_vec()
            };
            (offset, scale)
        }
    };
    let n = offset.len();
    let high: Vec<f32> = offset.iter().map(|&v| v as f32).collect();
    let rest: Vec<f32> = offset.iter().zip(&high).map(|(&v, &h)| (v - f64::from(h)) as f32).collect();
    let high = g.floats("scaler_offset", &[n], high);
    let mut x = g.node("Sub", &[x, &high], vec![]);
    if rest.iter().any(|&r| r != 0.0) {
        let rest = g.floats("scaler_offset_rest", &[n], rest);
        x = g.node("Sub", &[&x, &rest], vec![]);
    }
    let divisor = g.floats("scaler_divisor", &[n], divisor.iter().map(|&d| d as f32).collect());
    Ok(g.node("Div", &[&x, &divisor], vec![]))
}

/// Outputs: `prediction`, or `probabilities` (a single sigmoid unit `p` as `[1 - p, p]`) and
/// `label` (the first most probable class).
fn answers(g: &mut GraphBuilder, pre: &Preprocessor, output: &str, width: usize) {
    let Some(labels) = &pre.labels else {
        g.node_into("Identity", &[output], vec![], PREDICTION);
        g.output(PREDICTION, proto::FLOAT, &[Dim::Batch, Dim::Fixed(width)]);
        return;
    };
    if width == 1 {
        let one = g.floats("one", &[], vec![1.0]);
        let negative = g.node("Sub", &[&one, output], vec![]);
        g.node_into("Concat", &[&negative, output], vec![int("axis", 1)], PROBABILITIES);
    } else {
        g.node_into("Identity", &[output], vec![], PROBABILITIES);
    }
    g.output(PROBABILITIES, proto::FLOAT, &[Dim::Batch, Dim::Fixed(labels.len())]);
    let class = g.node("ArgMax", &[PROBABILITIES], vec![int("axis", 1), int("keepdims", 0)]);
    let names = g.strings("class_names", labels.classes());
    g.node_into("Gather", &[&names, &class], vec![int("axis", 0)], LABEL);
    g.output(LABEL, proto::STRING, &[Dim::Batch]);
}

/// `metadata_props`: kerust version, target, task, columns and their types, label map.
fn metadata(pre: &Preprocessor) -> Vec<(String, String)> {
    let columns: Vec<serde_json::Value> = pre
        .encoding
        .features
        .iter()
        .map(|s| {
            let kind = match s.kind {
                FeatureKind::Numeric => "float32",
                FeatureKind::OneHot { .. } => "string",
            };
            serde_json::json!({ "name": s.name, "type": kind })
        })
        .collect();
    let mut props = vec![
        ("kerust_version".to_string(), env!("CARGO_PKG_VERSION").to_string()),
        ("target".to_string(), pre.target.clone()),
        ("task".to_string(), pre.task.to_string()),
        ("columns".to_string(), serde_json::Value::Array(columns).to_string()),
        ("features".to_string(), serde_json::json!(pre.feature_names()).to_string()),
    ];
    if let Some(labels) = &pre.labels {
        props.push(("labels".to_string(), serde_json::json!(labels.classes()).to_string()));
    }
    props
}
