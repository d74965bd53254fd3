//! Metrics: scikit-learn-named free functions (`(y_true, y_pred)` order) and the
//! [`Metric`]s that `compile` tracks during training.

mod classification;
mod compiled;
mod regression;

pub use classification::*;
pub use compiled::Metric;
pub(crate) use compiled::{CompiledMetric, MetricTracker, argmax};
pub use regression::*;
