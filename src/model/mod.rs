//! The model: [`Sequential`], its training loop ([`FitConfig`], `fit`), [`History`] and
//! `summary()`.

mod fit;
mod gradients;
mod history;
mod predict;
mod progress;
mod regularization;
mod sample_weight;
mod sequential;
mod summary;
mod validate;

pub use fit::FitConfig;
pub use history::{History, Logs};
pub use predict::EvaluateConfig;
pub(crate) use predict::class_probabilities;
pub use sample_weight::{ClassWeight, class_labels};
pub use sequential::Sequential;
