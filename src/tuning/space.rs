//! The search space: named parameters over [`TabularSpec`] fields, each an `Int`, a `Float`
//! (linear or log), a `Choice` or a `Bool`; its checks against a spec, and its grid.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use super::apply::apply;
pub use super::value::{Params, Value};
use crate::error::{Error, Result};
use crate::tabular::TabularSpec;

/// The most hidden layers a space can give their own width (`units_0` .. `units_9`).
pub const MAX_LAYER_PARAMS: usize = 10;

/// The parameters a space may tune, with what each sets. `units_0` .. `units_9` (the width
/// of one hidden layer) are accepted too.
pub const TUNABLE: [(&str, &str); 13] = [
    ("num_layers", "number of hidden layers (0 = a single perceptron)"),
    ("units", "width of every hidden layer (units_i overrides layer i)"),
    ("activation", "hidden-layer activation (Keras name)"),
    ("optimizer", "adam, sgd, rmsprop or adagrad"),
    ("learning_rate", "the optimizer's learning rate (also spelled lr)"),
    ("batch_size", "rows per step"),
    ("dropout", "dropout rate after each hidden layer (0 = none)"),
    ("l2", "L2 factor on every kernel (0 = none)"),
    ("batch_norm", "batch normalization after each hidden layer"),
    ("epochs", "passes over the training rows"),
    ("early_stopping", "patience on val_loss (0 = off)"),
    ("reduce_lr", "ReduceLROnPlateau patience (0 = off)"),
    ("scaler", "minmax, standard or none"),
];

/// How one parameter may vary. Its TOML form is a table with a `type`:
/// `{ type = "int", low = 1, high = 3 }`, `{ type = "float", low = 1e-4, high = 0.1, log = true }`,
/// `{ type = "choice", values = [16, 32, 64] }`, `{ type = "bool" }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum Param {
    /// Whole numbers in `[low, high]`; `log` samples their logarithm uniformly; `step`
    /// (default 1) spaces the grid.
    Int {
        /// Smallest value.
        low: i64,
        /// Largest value (inclusive).
        high: i64,
        /// Sample on a log scale (needs `low` ≥ 1).
        #[serde(default)]
        log: bool,
        /// Distance between grid values (default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<i64>,
    },
    /// Real numbers in `[low, high]`; `log` samples their logarithm uniformly; `step` is
    /// needed for grid search only.
    Float {
        /// Smallest value.
        low: f64,
        /// Largest value.
        high: f64,
        /// Sample on a log scale (needs `low` > 0).
        #[serde(default)]
        log: bool,
        /// Distance between grid values.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<f64>,
    },
    /// One of the listed values.
    Choice {
        /// The values, in the order a grid visits them.
        values: Vec<Value>,
    },
    /// `false` or `true`.
    Bool,
}

impl Param {
    /// `Int { low, high }`, linear.
    pub fn int(low: i64, high: i64) -> Param {
        Param::Int { low, high, log: false, step: None }
    }

    /// `Float { low, high }`, linear.
    pub fn float(low: f64, high: f64) -> Param {
        Param::Float { low, high, log: false, step: None }
    }

    /// `Float { low, high }` on a log scale.
    pub fn log_float(low: f64, high: f64) -> Param {
        Param::Float { low, high, log: true, step: None }
    }

    /// `Choice` of `values`.
    pub fn choice<V: Into<Value>>(values: impl IntoIterator<Item = V>) -> Param {
        Param::Choice { values: values.into_iter().map(Into::into).collect() }
    }

    /// The values a grid visits, in order (`None`: a `Float` without `step`).
    pub fn grid(&self) -> Option<Vec<Value>> {
        Some(match *self {
            Param::Int { low, high, step, .. } => {
                let step = step.unwrap_or(1).max(1) as usize;
                (low..=high).step_by(step).map(Value::Int).collect()
            }
            Param::Float { low, high, step, .. } => {
                let step = step?;
                let n = ((high - low) / step + 1e-9).floor() as usize;
                (0..=n).map(|i| Value::Float(low + i as f64 * step)).collect()
            }
            Param::Choice { ref values } => values.clone(),
            Param::Bool => vec![Value::Bool(false), Value::Bool(true)],
        })
    }

    fn check(&self, name: &str) -> Result<()> {
        let bad = |reason: String| Err(space_error(name, reason));
        match *self {
            Param::Int { low, high, log, step } => {
                if low > high {
                    return bad(format!("Int low ({low}) is above high ({high})"));
                }
                if log && low < 1 {
                    return bad(format!("a log range needs low >= 1, got low = {low}"));
                }
                if step.is_some_and(|s| s < 1) {
                    return bad(format!("step must be at least 1, got {}", step.unwrap_or(0)));
                }
            }
            Param::Float { low, high, log, step } => {
                if !(low.is_finite() && high.is_finite()) {
                    return bad(format!("low and high must be finite numbers, got {low} and {high}"));
                }
                if low >= high {
                    return bad(format!(
                        "Float low ({low}) must be below high ({high}); for a fixed value use a Choice of one value"
                    ));
                }
                if log && low <= 0.0 {
                    return bad(format!("a log range needs low > 0, got low = {low}"));
                }
                if step.is_some_and(|s| !(s.is_finite() && s > 0.0)) {
                    return bad(format!("step must be a positive number, got {}", step.unwrap_or(0.0)));
                }
            }
            Param::Choice { ref values } if values.is_empty() => {
                return bad("a Choice needs at least one value".into());
            }
            _ => {}
        }
        Ok(())
    }

    /// The values that stand for the whole range when checking it against a spec.
    fn extremes(&self) -> Vec<Value> {
        match *self {
            Param::Int { low, high, .. } => vec![Value::Int(low), Value::Int(high)],
            Param::Float { low, high, .. } => vec![Value::Float(low), Value::Float(high)],
            Param::Choice { ref values } => values.clone(),
            Param::Bool => vec![Value::Bool(false), Value::Bool(true)],
        }
    }
}

/// Named parameters; a `BTreeMap`, so every listing, grid and sample visits them in name order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SearchSpace {
    /// Parameter name → how it varies.
    pub params: BTreeMap<String, Param>,
}

impl SearchSpace {
    /// An empty space; add parameters with [`SearchSpace::with`].
    pub fn new() -> SearchSpace {
        SearchSpace::default()
    }

    /// This space with parameter `name` added (or replaced).
    pub fn with(mut self, name: &str, param: Param) -> SearchSpace {
        self.params.insert(name.to_string(), param);
        self
    }

    /// The default space of `kerust tune`, fitted to the lesson: 1–3 hidden layers of 16–256
    /// units each, learning rate 1e-4–1e-1 (log), batch size 16/32/64, dropout 0–0.5.
    pub fn lesson() -> SearchSpace {
        let mut space = SearchSpace::new()
            .with("num_layers", Param::int(1, 3))
            .with("learning_rate", Param::log_float(1e-4, 1e-1))
            .with("batch_size", Param::choice([16i64, 32, 64]))
            .with("dropout", Param::float(0.0, 0.5));
        for i in 0..3 {
            space = space.with(&format!("units_{i}"), Param::int(16, 256));
        }
        space
    }

    /// The default space of grid search (a finite version of [`SearchSpace::lesson`], 36
    /// points): 1/2/3 hidden layers of 16/64/256 units, learning rate 1e-3/1e-2, dropout 0/0.25.
    pub fn lesson_grid() -> SearchSpace {
        SearchSpace::new()
            .with("num_layers", Param::choice([1i64, 2, 3]))
            .with("units", Param::choice([16i64, 64, 256]))
            .with("learning_rate", Param::choice([1e-3, 1e-2]))
            .with("dropout", Param::choice([0.0, 0.25]))
    }

    /// Checks the space against `base` (the settings it varies): known names, sound ranges,
    /// and every value one a spec accepts. The error names the parameter.
    pub fn validate(&self, base: &TabularSpec) -> Result<()> {
        if self.params.is_empty() {
            return Err(space_error("(none)", "the search space is empty; give at least one parameter".into()));
        }
        for (name, param) in &self.params {
            if !is_tunable(name) {
                let known: Vec<&str> = TUNABLE.iter().map(|(n, _)| *n).collect();
                return Err(space_error(
                    name,
                    format!(
                        "unknown parameter; known: {}, units_0 .. units_{}",
                        known.join(", "),
                        MAX_LAYER_PARAMS - 1
                    ),
                ));
            }
            param.check(name)?;
            for value in param.extremes() {
                let point = Params::from([(name.clone(), value)]);
                apply(base, &point)?.validate().map_err(|e| space_error(name, e.to_string()))?;
            }
        }
        Ok(())
    }

    /// The grid: every combination, the last parameter (in name order) varying fastest.
    pub fn grid(&self) -> Result<Vec<Params>> {
        let mut axes = Vec::new();
        for (name, param) in &self.params {
            let values = param.grid().ok_or_else(|| {
                space_error(name, "grid search needs a step on every Float parameter (or a Choice)".into())
            })?;
            axes.push((name, values));
        }
        let size = axes.iter().try_fold(1usize, |n, (_, v)| n.checked_mul(v.len()).filter(|&n| n <= 1_000_000));
        let Some(size) = size else {
            return Err(space_error("(all)", "the grid has over 1,000,000 points; give coarser steps".into()));
        };
        Ok((0..size)
            .map(|mut k| {
                let mut point = Params::new();
                for (name, values) in axes.iter().rev() {
                    point.insert((*name).clone(), values[k % values.len()].clone());
                    k /= values.len();
                }
                point
            })
            .collect())
    }
}

fn is_tunable(name: &str) -> bool {
    let layer = name.strip_prefix("units_").and_then(|i| i.parse::<usize>().ok());
    name == "lr" || TUNABLE.iter().any(|(n, _)| *n == name) || layer.is_some_and(|i| i < MAX_LAYER_PARAMS)
}

/// The error for parameter `param` of a search space.
pub(crate) fn space_error(param: &str, reason: String) -> Error {
    Error::SearchSpace { param: param.to_string(), reason }
}
