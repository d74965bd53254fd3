//! The tabular workflow as one library object: what `kerust train` does, for Rust programs.
//!
//! A [`TabularSpec`] holds every setting (task, layers, optimizer, scaler, epochs, ...);
//! [`TabularSpec::fit`] encodes a raw [`Table`](crate::data::Table) (categoricals one-hot),
//! holds out test rows, fits the scaler on the training rows only, trains a `Sequential` MLP
//! and scores the test rows. The [`TabularModel`] it returns predicts on raw tables (columns
//! in any order, extra columns ignored) and saves to one file with its preprocessing.
//!
//! ```
//! use kerust::prelude::*;
//!
//! let table = datasets::load("iris")?;
//! let spec = TabularSpec { epochs: 30, layers: vec![16], learning_rate: 0.01, seed: Some(1), ..TabularSpec::default() };
//! let run: TabularRun = spec.fit(&table, "species")?;
//! assert_eq!(run.model.task(), Task::Classification);
//! assert!(run.test.metrics["accuracy"] > 0.8, "{:?}", run.test.metrics);
//!
//! let path = std::env::temp_dir().join("kerust-doc-tabular.kerust");
//! run.model.save(&path)?;
//! let model = TabularModel::load(&path)?;
//! let pred: Predictions = model.predict(&table)?; // the target column is ignored
//! assert_eq!(pred.values().ncols(), 3); // a probability per class
//! assert_eq!(pred.labels().unwrap().len(), table.n_rows());
//! let scores = model.evaluate(&table)?; // needs the target column
//! assert!(scores["accuracy"] > 0.8);
//! # std::fs::remove_file(&path).ok();
//! # Ok::<(), kerust::Error>(())
//! ```

mod baselines;
mod checkpoint;
mod columns;
mod divergence;
mod file;
mod fit;
mod importance;
mod missing;
mod model;
mod network;
mod predictions;
mod preprocessor;
pub(crate) mod rows;
mod scoring;
mod selection;
mod serde_forms;
mod spec;
mod stream;
mod task;

pub use baselines::Baseline;
pub use columns::ColumnSummary;
pub use divergence::Divergence;
pub use file::{SECTION_KEY, TABULAR_FORMAT_VERSION};
pub use fit::{TabularRun, TestSplit, Timings, TrainOptions};
pub use importance::Importance;
pub use missing::{CategoricalImpute, MISSING_CATEGORY, Missing, MissingReport};
pub use model::TabularModel;
pub use network::output_for;
pub use predictions::Predictions;
pub use preprocessor::Preprocessor;
pub(crate) use scoring::scores;
pub use selection::TestSelection;
pub use spec::{MAX_SEED, MODEL_SETTINGS, TRAINING_SETTINGS, TabularSpec, random_seed};
pub use stream::StreamOptions;
pub use task::{MAX_INTEGER_CLASSES, Task};

/// The file name of the checkpoint written after `epochs` epochs (see
/// [`TabularSpec::checkpoint_every`]).
pub fn checkpoint_file_name(epochs: usize) -> String {
    checkpoint::Checkpoint::file_name(epochs)
}
