//! Models from the layer specs of the regularization fixtures (`class_name` + Keras arguments).

use kerust::prelude::*;
use ndarray::ArrayD;
use serde_json::Value;

use super::f32s;

/// Appends the layer described by `spec`; `input_dim` on the first layer only.
pub fn add_spec(model: &mut Sequential, spec: &Value, input_dim: Option<usize>) {
    let act = |key: &str| -> Activation { spec[key].as_str().unwrap_or("linear").parse().unwrap() };
    let reg = |key: &str| -> Option<Regularizer> { spec.get(key).map(|v| serde_json::from_value(v.clone()).unwrap()) };
    let con = |key: &str| -> Option<Constraint> { spec.get(key).map(|v| serde_json::from_value(v.clone()).unwrap()) };
    match spec["class_name"].as_str().unwrap() {
        "Dense" => {
            let mut d = Dense::new(spec["units"].as_u64().unwrap() as usize).activation(act("activation"));
            if let Some(n) = input_dim {
                d = d.input_dim(n);
            }
            if let Some(r) = reg("kernel_regularizer") {
                d = d.kernel_regularizer(r);
            }
            if let Some(r) = reg("bias_regularizer") {
                d = d.bias_regularizer(r);
            }
            if let Some(r) = reg("activity_regularizer") {
                d = d.activity_regularizer(r);
            }
            if let Some(c) = con("kernel_constraint") {
                d = d.kernel_constraint(c);
            }
            if let Some(c) = con("bias_constraint") {
                d = d.bias_constraint(c);
            }
            model.add(d);
        }
        "BatchNormalization" => {
            let mut b = BatchNormalization::new();
            if let Some(n) = input_dim {
                b = b.input_dim(n);
            }
            model.add(b);
        }
        "Dropout" => {
            let mut d = Dropout::new(spec["rate"].as_f64().unwrap() as f32);
            if let Some(s) = spec.get("seed").and_then(Value::as_u64) {
                d = d.seed(s);
            }
            if let Some(n) = input_dim {
                d = d.input_dim(n);
            }
            model.add(d);
        }
        "Activation" => {
            let mut a = ActivationLayer::new(act("activation"));
            if let Some(n) = input_dim {
                a = a.input_dim(n);
            }
            model.add(a);
        }
        other => panic!("layer class {other}"),
    }
}

/// A model of the fixture's layer specs (seed 0), not yet compiled.
pub fn model_from_specs(specs: &Value, input_dim: usize) -> Sequential {
    let mut model = Sequential::new().seed(0);
    for (i, spec) in specs.as_array().unwrap().iter().enumerate() {
        add_spec(&mut model, spec, (i == 0).then_some(input_dim));
    }
    model
}

/// A flat fixture weight list (`[{layer, name, shape, value}, ...]`) in get_weights order.
pub fn flat_weights(list: &Value) -> Vec<ArrayD<f32>> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|w| {
            let shape: Vec<usize> =
                w["shape"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize).collect();
            let values: Vec<f32> = flatten(&w["value"]);
            ArrayD::from_shape_vec(shape, values).unwrap()
        })
        .collect()
}

/// All numbers of a nested JSON list, in row-major order.
pub fn flatten(v: &Value) -> Vec<f32> {
    match v {
        Value::Array(items) if items.first().is_some_and(Value::is_array) => items.iter().flat_map(flatten).collect(),
        Value::Array(_) => f32s(v),
        other => vec![other.as_f64().unwrap() as f32],
    }
}
