//! Which part of a model file's `kerust` document is malformed, for the error message: serde
//! says what it expected ("invalid type: null, expected usize"); this says where.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::bundle::CompileConfig;
use crate::layers::LayerConfig;
use crate::optimizers::OptimizerConfig;

/// The first part of `doc` that does not deserialize on its own, as `"layers[2] (Dense): "`,
/// `"compile.optimizer: "` or `"seed: "`; empty when no single part is to blame.
pub(crate) fn malformed_part(doc: &Value) -> String {
    match doc.get("layers") {
        Some(Value::Array(layers)) => {
            for (i, layer) in layers.iter().enumerate() {
                if !parses::<LayerConfig>(layer) {
                    return match layer.get("class_name").and_then(Value::as_str) {
                        Some(class) => format!("layers[{i}] ({class}): "),
                        None => format!("layers[{i}]: "),
                    };
                }
            }
        }
        Some(_) => return "layers: ".into(),
        None => {}
    }
    if let Some(compile) = doc.get("compile").filter(|c| !c.is_null()) {
        if compile.get("optimizer").is_some_and(|o| !parses::<OptimizerConfig>(o)) {
            return "compile.optimizer: ".into();
        }
        if !parses::<CompileConfig>(compile) {
            return "compile: ".into();
        }
    }
    let scalars: [(&str, Check); 4] = [
        ("format_version", parses::<u32>),
        ("kerust_version", parses::<String>),
        ("name", parses::<String>),
        ("seed", parses::<Option<u64>>),
    ];
    for (key, check) in scalars {
        if doc.get(key).is_some_and(|v| !check(v)) {
            return format!("{key}: ");
        }
    }
    String::new()
}

/// Whether a JSON value deserializes as some type.
type Check = fn(&Value) -> bool;

fn parses<T: DeserializeOwned>(v: &Value) -> bool {
    T::deserialize(v).is_ok()
}
