//! Layer and optimizer configurations from Python: the JSON that `kerust.keras` builds from
//! Keras's arguments, checked here with kerust's own parsers so that a bad name fails with
//! kerust's message (which lists the names it knows) when the layer is created.

use std::str::FromStr;

use kerust::activations::Activation;
use kerust::initializers::Initializer;
use kerust::layers::LayerConfig;
use kerust::optimizers::OptimizerConfig;
use kerust::regularizers::Regularizer;
use pyo3::prelude::*;
use serde_json::Value;

use crate::errors::{to_py, value_error};

/// Replaces the string at `config[key]` (if it is one) with the serde form of its parse.
fn normalize<T: FromStr<Err = kerust::Error> + serde::Serialize>(config: &mut Value, key: &str) -> PyResult<()> {
    if let Some(Value::String(name)) = config.get(key) {
        let parsed = T::from_str(name).map_err(|e| value_error(format!("{key}: {e}")))?;
        config[key] = serde_json::to_value(parsed).map_err(|e| value_error(e.to_string()))?;
    }
    Ok(())
}

/// One layer's configuration (`{"class_name": "Dense", "config": {...}}`).
pub fn layer(mut value: Value) -> PyResult<LayerConfig> {
    let class = value.get("class_name").and_then(Value::as_str).unwrap_or("?").to_string();
    if let Some(config) = value.get_mut("config") {
        normalize::<Activation>(config, "activation")?;
        normalize::<Initializer>(config, "kernel_initializer")?;
        normalize::<Initializer>(config, "bias_initializer")?;
        for key in ["kernel_regularizer", "bias_regularizer", "activity_regularizer"] {
            normalize::<Regularizer>(config, key)?;
        }
    }
    serde_json::from_value(value).map_err(|e| value_error(format!("invalid {class} configuration: {e}")))
}

/// A list of layer configurations as JSON text.
pub fn layers(json: &str) -> PyResult<Vec<LayerConfig>> {
    let values: Vec<Value> = serde_json::from_str(json).map_err(|e| value_error(e.to_string()))?;
    values.into_iter().map(layer).collect()
}

/// An optimizer: its Keras name (`"adam"`, with Keras's defaults) or its configuration.
pub fn optimizer(spec: &str) -> PyResult<OptimizerConfig> {
    if !spec.trim_start().starts_with('{') {
        return OptimizerConfig::from_str(spec).map_err(to_py);
    }
    serde_json::from_str(spec).map_err(|e| value_error(format!("invalid optimizer configuration: {e}")))
}

/// Checks one layer configuration (JSON), returning it as kerust writes it: the `Dense(...)`
/// constructor calls this so a bad argument fails where the layer is made, as in Keras.
#[pyfunction]
pub fn check_layer(json: &str) -> PyResult<String> {
    let value: Value = serde_json::from_str(json).map_err(|e| value_error(e.to_string()))?;
    let config = layer(value)?;
    serde_json::to_string(&config).map_err(|e| value_error(e.to_string()))
}

/// Checks an optimizer configuration (JSON or a Keras name), returning kerust's JSON form.
#[pyfunction]
pub fn check_optimizer(spec: &str) -> PyResult<String> {
    let config = optimizer(spec)?;
    config.build().validate().map_err(to_py)?;
    serde_json::to_string(&config).map_err(|e| value_error(e.to_string()))
}
