//! Shared handling of a monitored quantity: its key, and whether lower or higher is better.

use serde::{Deserialize, Serialize};

use super::TrainContext;
use crate::error::{Error, Result};

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

/// Checks that `monitor` is a key the epoch logs will have (Keras only warns; we refuse,
/// since a typo would otherwise silently disable the callback) and resolves `mode`.
/// Returns `true` when higher is better.
pub(crate) fn resolve(callback: &str, monitor: &str, mode: Mode, ctx: &TrainContext<'_>) -> Result<bool> {
    let known = ctx.log_keys().iter().any(|k| k == monitor) || monitor == "learning_rate";
    if !known {
        return Err(Error::UnknownMonitor {
            callback: callback.to_string(),
            monitor: monitor.to_string(),
            available: ctx.log_keys().join(", "),
        });
    }
    Ok(match mode {
        Mode::Min => false,
        Mode::Max => true,
        Mode::Auto => ctx.higher_is_better(monitor).unwrap_or(false),
    })
}
