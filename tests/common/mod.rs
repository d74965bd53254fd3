//! Helpers shared by the integration tests: fixture loading and tolerance checks.
#![allow(dead_code)]

use kerust::prelude::*;
use ndarray::{Array1, Array2, ArrayD};
use serde_json::Value;

pub mod cli;
pub mod replay;
pub mod specs;

/// Reads `tests/fixtures/NAME`.
pub fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

pub fn f32s(v: &Value) -> Vec<f32> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap() as f32).collect()
}

/// A JSON list of lists as (rows, cols).
pub fn matrix(v: &Value) -> Array2<f32> {
    let rows: Vec<Vec<f32>> = v.as_array().unwrap().iter().map(f32s).collect();
    let cols = rows.first().map_or(0, Vec::len);
    Array2::from_shape_vec((rows.len(), cols), rows.concat()).unwrap()
}

/// A JSON list as one column (n, 1).
pub fn column(v: &Value) -> Array2<f32> {
    let values = f32s(v);
    Array2::from_shape_vec((values.len(), 1), values).unwrap()
}

pub fn vector(v: &Value) -> Array1<f32> {
    Array1::from(f32s(v))
}

/// Kernel and bias of each layer of a fixture's `layers` list, in get_weights order.
pub fn weights(layers: &Value) -> Vec<ArrayD<f32>> {
    layers
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| [matrix(&l["kernel"]).into_dyn(), vector(&l["bias"]).into_dyn()])
        .collect()
}

/// A Sequential model with the fixture's Dense layers and weights.
pub fn model_from(layers: &Value, input_dim: usize) -> Sequential {
    let mut model = Sequential::new().seed(0);
    for (i, l) in layers.as_array().unwrap().iter().enumerate() {
        let act: Activation = l["activation"].as_str().unwrap().parse().unwrap();
        let mut dense = Dense::new(l["units"].as_u64().unwrap() as usize).activation(act);
        if i == 0 {
            dense = dense.input_dim(input_dim);
        }
        model.add(dense);
    }
    model.set_weights(&weights(layers)).unwrap();
    model
}

/// Training-run tolerance of the fixture README: |got - exp| <= 1e-5 |exp| + 1e-6.
pub fn assert_close_train<'a>(
    tag: &str,
    got: impl IntoIterator<Item = &'a f32>,
    exp: impl IntoIterator<Item = &'a f32>,
) {
    assert_close(tag, got, exp, 1e-5, 1e-6);
}

/// Single-value tolerance of the fixture README: 1e-5 relative (with a floor for zeros).
pub fn assert_close_value<'a>(
    tag: &str,
    got: impl IntoIterator<Item = &'a f32>,
    exp: impl IntoIterator<Item = &'a f32>,
) {
    assert_close(tag, got, exp, 1e-5, 1e-7);
}

pub fn assert_close<'a>(
    tag: &str,
    got: impl IntoIterator<Item = &'a f32>,
    exp: impl IntoIterator<Item = &'a f32>,
    rtol: f64,
    atol: f64,
) {
    let got: Vec<f32> = got.into_iter().copied().collect();
    let exp: Vec<f32> = exp.into_iter().copied().collect();
    assert_eq!(got.len(), exp.len(), "{tag}: length");
    for (i, (&g, &e)) in got.iter().zip(&exp).enumerate() {
        let (g, e) = (g as f64, e as f64);
        assert!(
            (g - e).abs() <= rtol * e.abs() + atol,
            "{tag}[{i}]: got {g}, expected {e} (diff {:.3e})",
            (g - e).abs()
        );
    }
}
