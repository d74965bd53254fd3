//! Shared handling of a monitored quantity: its key, and whether lower or higher is better.

use serde::{Deserialize, Serialize};

use super::TrainContext;
use crate::error::{Error, Result};
use crate::model::Logs;

/// Which direction of the monitored quantity is an improvement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// From the quantity: losses and errors go down, accuracy and R² go up.
    #[default]
    Auto,
    /// Lower is better.
    Min,
    /// Higher is better.
    Max,
}

/// The logged quantity a callback watches (Keras's `monitor`, default `val_loss`) and the
/// direction that counts as an improvement, resolved when training starts.
#[derive(Debug, Clone)]
pub(crate) struct Monitor {
    pub(super) key: String,
    pub(super) mode: Mode,
    pub(super) higher_is_better: Option<bool>,
}

impl Monitor {
    /// `val_loss` in `auto` mode.
    pub(crate) fn new() -> Self {
        Monitor { key: "val_loss".into(), mode: Mode::Auto, higher_is_better: None }
    }

    /// Checks that the key is one the epoch logs will have (Keras only warns; we refuse,
    /// since a typo would otherwise silently disable the callback) and resolves the
    /// direction. Returns `true` the first time (EarlyStopping keeps its best value across
    /// `fit` calls, as Keras does).
    pub(crate) fn resolve(&mut self, callback: &str, ctx: &TrainContext<'_>) -> Result<bool> {
        let known = ctx.log_keys().contains(&self.key) || self.key == "learning_rate";
        if !known {
            return Err(Error::UnknownMonitor {
                callback: callback.to_string(),
                monitor: self.key.clone(),
                available: ctx.log_keys().join(", "),
            });
        }
        let higher = match self.mode {
            Mode::Min => false,
            Mode::Max => true,
            Mode::Auto => ctx.higher_is_better(&self.key).unwrap_or(false),
        };
        Ok(self.higher_is_better.replace(higher).is_none())
    }

    /// Whether larger values are improvements (`false` until resolved).
    pub(crate) fn higher_is_better(&self) -> bool {
        self.higher_is_better == Some(true)
    }

    /// The worst possible value (`-inf` when higher is better, else `+inf`): where `best` starts.
    pub(crate) fn worst(&self) -> f64 {
        if self.higher_is_better() { f64::NEG_INFINITY } else { f64::INFINITY }
    }

    /// The watched value among an epoch's logs, if logged.
    pub(crate) fn current(&self, logs: &Logs) -> Option<f64> {
        logs.get(&self.key).map(f64::from)
    }
}

/// The `monitor` and `mode` builders of a callback with a `monitored: Monitor` field.
macro_rules! monitor_builders {
    ($callback:ty) => {
        impl $callback {
            /// The logged quantity to watch (default `val_loss`).
            pub fn monitor(mut self, monitor: impl Into<String>) -> Self {
                self.monitored.key = monitor.into();
                self
            }

            /// Direction of improvement (default auto: losses and errors down, accuracy and R² up).
            pub fn mode(mut self, mode: $crate::callbacks::Mode) -> Self {
                self.monitored.mode = mode;
                self
            }
        }
    };
}
pub(crate) use monitor_builders;
