//! Optimizers with Keras's exact update rules and defaults.
//!
//! An optimizer is its hyper-parameters plus state built lazily on the first step (one slot
//! per parameter tensor), and one [`Optimizer::apply`] over a model's parameters.
//! Gradient clipping (`clipnorm`, `clipvalue`, `global_clipnorm`) happens before the update,
//! as in Keras's `BaseOptimizer.apply`.
//!
//! ```
//! use kerust::optimizers::{Adam, Optimizer, Sgd};
//! let adam = Adam::new(0.01);
//! assert_eq!(adam.learning_rate(), 0.01);
//! let sgd = Sgd::new(0.1).momentum(0.9).nesterov(true);
//! # let _ = sgd;
//! ```

mod adagrad;
mod adam;
mod allowed;
mod base;
mod clipping;
mod declare;
mod rmsprop;
mod sgd;

pub use adagrad::Adagrad;
pub use adam::Adam;
pub use clipping::Clipping;
pub use rmsprop::RMSprop;
pub use sgd::Sgd;

/// Keras's spelling of [`Sgd`].
#[allow(clippy::upper_case_acronyms)]
pub type SGD = Sgd;

use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub(crate) use base::check_learning_rate;

use crate::error::{Error, Result};
use crate::layers::Param;

/// An optimizer: updates parameters from their gradients.
pub trait Optimizer: std::fmt::Debug + Send {
    /// The current learning rate (stored as f32, as Keras does).
    fn learning_rate(&self) -> f32;
    /// Changes the learning rate (callbacks and schedules do this between steps).
    fn set_learning_rate(&mut self, learning_rate: f32);
    /// Steps taken so far (Keras `optimizer.iterations`).
    fn iterations(&self) -> u64;
    /// Clips the gradients, then updates every parameter in place, and counts one step.
    /// `params` must come in the same order at every call.
    fn apply(&mut self, params: &mut [Param<'_>]);
    /// The hyper-parameters (without state), which rebuild this optimizer.
    fn config(&self) -> OptimizerConfig;
    /// Checks the hyper-parameters (called by `compile`).
    fn validate(&self) -> Result<()>;
    /// The state to save for resuming: named slots, each one vector per parameter tensor
    /// (empty slots are omitted), in `params` order.
    fn state(&self) -> Vec<(&'static str, &[Vec<f32>])>;
    /// Restores a state saved by [`Optimizer::state`] (slot names it does not know are
    /// ignored) and the step count.
    fn set_state(&mut self, iterations: u64, slots: Vec<(String, Vec<Vec<f32>>)>);
}

/// The serializable description of an optimizer (Keras's `get_config`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "class_name", content = "config")]
#[non_exhaustive]
pub enum OptimizerConfig {
    /// Stochastic gradient descent.
    #[serde(rename = "SGD")]
    Sgd(Sgd),
    /// Adam.
    Adam(Adam),
    /// RMSprop.
    RMSprop(RMSprop),
    /// Adagrad.
    Adagrad(Adagrad),
}

impl OptimizerConfig {
    /// Keras's string identifier of this optimizer's kind: `"sgd"`, `"adam"`, `"rmsprop"`,
    /// `"adagrad"` (what `"adam".parse()` takes).
    pub fn name(&self) -> &'static str {
        match self {
            OptimizerConfig::Sgd(_) => "sgd",
            OptimizerConfig::Adam(_) => "adam",
            OptimizerConfig::RMSprop(_) => "rmsprop",
            OptimizerConfig::Adagrad(_) => "adagrad",
        }
    }

    /// Builds a fresh optimizer (no state) from this configuration.
    pub fn build(&self) -> Box<dyn Optimizer> {
        match self.clone() {
            OptimizerConfig::Sgd(o) => Box::new(o),
            OptimizerConfig::Adam(o) => Box::new(o),
            OptimizerConfig::RMSprop(o) => Box::new(o),
            OptimizerConfig::Adagrad(o) => Box::new(o),
        }
    }
}

/// Parses Keras's string identifiers with Keras's defaults: `"sgd"`, `"adam"`, `"rmsprop"`,
/// `"adagrad"`.
impl FromStr for OptimizerConfig {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "sgd" => OptimizerConfig::Sgd(Sgd::default()),
            "adam" => OptimizerConfig::Adam(Adam::default()),
            "rmsprop" => OptimizerConfig::RMSprop(RMSprop::default()),
            "adagrad" => OptimizerConfig::Adagrad(Adagrad::default()),
            _ => {
                return Err(Error::UnknownName {
                    kind: "optimizer",
                    value: s.to_string(),
                    expected: "sgd, adam, rmsprop, adagrad".into(),
                });
            }
        })
    }
}

impl From<OptimizerConfig> for Box<dyn Optimizer> {
    fn from(config: OptimizerConfig) -> Self {
        config.build()
    }
}

macro_rules! into_boxed {
    ($($t:ty),*) => {$(
        impl From<$t> for Box<dyn Optimizer> {
            fn from(o: $t) -> Self {
                Box::new(o)
            }
        }
    )*};
}
into_boxed!(Sgd, Adam, RMSprop, Adagrad);
