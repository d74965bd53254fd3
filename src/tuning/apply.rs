//! [`apply`]: how a point of a search space becomes a [`TabularSpec`].

use super::space::space_error;
use super::value::{Params, Value};
use crate::activations::Activation;
use crate::error::{Error, Result};
use crate::optimizers::OptimizerConfig;
use crate::preprocessing::ScalerKind;
use crate::tabular::TabularSpec;

/// `base` with the parameters of `point` set. Widths come from `units_i`, else `units`, else
/// `base.layers[i]`, else its last width (32 for a base without hidden layers).
pub fn apply(base: &TabularSpec, point: &Params) -> Result<TabularSpec> {
    let mut spec = base.clone();
    let int = |name: &str, v: &Value| -> Result<i64> {
        v.as_i64().ok_or_else(|| space_error(name, format!("needs a whole number, got {v}")))
    };
    let count = |name: &str, v: &Value| -> Result<usize> {
        usize::try_from(int(name, v)?).map_err(|_| space_error(name, format!("must be >= 0, got {v}")))
    };
    let real = |name: &str, v: &Value| -> Result<f64> {
        v.as_f64().ok_or_else(|| space_error(name, format!("needs a number, got {v}")))
    };
    let text = |name: &str, v: &Value| -> Result<String> {
        match v {
            Value::Str(s) => Ok(s.clone()),
            _ => Err(space_error(name, format!("needs a name, got {v}"))),
        }
    };
    let named = |name: &str, e: Error| space_error(name, e.to_string());
    let n_layers = match point.get("num_layers") {
        Some(v) => count("num_layers", v)?,
        None => base.layers.len(),
    };
    let fallback = base.layers.last().copied().unwrap_or(32);
    let shared = point.get("units").map(|v| count("units", v)).transpose()?;
    spec.layers = (0..n_layers)
        .map(|i| {
            let key = format!("units_{i}");
            match point.get(&key) {
                Some(v) => count(&key, v),
                None => Ok(shared.or(base.layers.get(i).copied()).unwrap_or(fallback)),
            }
        })
        .collect::<Result<_>>()?;
    for (name, v) in point {
        match name.as_str() {
            "activation" => spec.activation = text(name, v)?.parse::<Activation>().map_err(|e| named(name, e))?,
            "optimizer" => spec.optimizer = text(name, v)?.parse::<OptimizerConfig>().map_err(|e| named(name, e))?,
            "scaler" => spec.scaler = text(name, v)?.parse::<ScalerKind>().map_err(|e| named(name, e))?,
            "learning_rate" | "lr" => spec.learning_rate = real(name, v)? as f32,
            "batch_size" => spec.batch_size = count(name, v)?,
            "epochs" => spec.epochs = count(name, v)?,
            "dropout" => spec.dropout = Some(real(name, v)? as f32).filter(|&r| r != 0.0),
            "l2" => spec.l2 = Some(real(name, v)? as f32).filter(|&r| r != 0.0),
            "early_stopping" => spec.early_stopping = Some(count(name, v)?).filter(|&p| p != 0),
            "reduce_lr" => spec.reduce_lr = Some(count(name, v)?).filter(|&p| p != 0),
            "batch_norm" => match v {
                Value::Bool(b) => spec.batch_norm = *b,
                _ => return Err(space_error(name, format!("needs true or false, got {v}"))),
            },
            _ => {} // the layer parameters, set above
        }
    }
    Ok(spec)
}
