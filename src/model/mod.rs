//! The model: [`Sequential`], its training loop ([`FitConfig`], `fit`), [`History`] and
//! `summary()`.

mod epochs;
mod fit;
mod fit_chunks;
mod fit_config;
mod gradients;
mod history;
mod parallel;
mod predict;
mod progress;
mod regularization;
mod sample_weight;
mod sequential;
mod step;
mod summary;
mod validate;
pub(crate) mod weights;

pub use fit::default_threads;
pub(crate) use fit::validation_start;
pub use fit_chunks::ChunkSource;
pub use fit_config::FitConfig;
pub use history::{History, Logs};
pub use parallel::{Exchange, MIN_SHARD_WORK};
pub use predict::EvaluateConfig;
pub(crate) use predict::class_probabilities;
pub use sample_weight::{ClassWeight, class_labels};
pub use sequential::Sequential;
