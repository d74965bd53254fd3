//! # kerust: Keras-style deep learning for tabular data, in Rust
//!
//! The workflow a Keras course teaches — build a `Sequential` model of `Dense` layers,
//! `compile` it with an optimizer and a loss, `fit` it with a validation split, read the
//! `History`, `predict`, judge the errors — with Keras's names, defaults and numbers
//! (checked against fixtures made by Keras 3).
//!
//! ```
//! use kerust::prelude::*;
//!
//! // Load a table (a CSV file with `Table::from_csv`, or an embedded dataset), pick the target.
//! let table = datasets::boston_housing();
//! let (x, y) = table.features_target("MEDV")?; // categorical columns would be one-hot encoded
//!
//! // Hold out test rows; scale with statistics of the training rows only.
//! let (x_train, x_test, y_train, y_test) = train_test_split(&x, &y, 0.2, Some(42))?;
//! let mut scaler = MinMaxScaler::new();
//! let x_train = scaler.fit_transform(&x_train)?;
//! let x_test = scaler.transform(&x_test)?;
//!
//! // An MLP: hidden Dense layers, one linear output unit for regression.
//! let mut model = Sequential::new().seed(42);
//! model.add(Dense::new(64).input_dim(13).activation(Activation::Relu));
//! model.add(Dense::new(32).activation(Activation::Relu));
//! model.add(Dense::new(1));
//! model.compile(Adam::new(0.01), Loss::MeanSquaredError, &[Metric::MeanAbsoluteError])?;
//! println!("{}", model.summary());
//!
//! // Train, stopping when val_loss no longer improves, and read the learning curve.
//! let stop = EarlyStopping::new().patience(10).restore_best_weights(true);
//! let config = FitConfig {
//!     epochs: 100,
//!     validation_split: 0.2,
//!     verbose: 0,
//!     callbacks: vec![Box::new(stop)],
//!     ..Default::default()
//! };
//! let history = model.fit(&x_train, &y_train, config)?;
//! let val_loss = history.get("val_loss").unwrap();
//! assert!(val_loss.iter().cloned().fold(f32::INFINITY, f32::min) < val_loss[0]);
//!
//! // Judge on the held-out rows.
//! let pred = model.predict(&x_test)?;
//! let rmse = root_mean_squared_error(&y_test, &pred)?;
//! let r2 = r2_score(&y_test, &pred)?;
//! assert!(rmse < 8.0 && r2 > 0.5, "rmse {rmse}, r2 {r2}");
//!
//! // One file with architecture, weights and compile settings.
//! let path = std::env::temp_dir().join("kerust-doc-example.kerust");
//! model.save(&path)?;
//! let mut again = Sequential::load(&path)?;
//! assert_eq!(again.predict(&x_test)?, pred);
//! # std::fs::remove_file(&path).ok();
//! # Ok::<(), kerust::Error>(())
//! ```
//!
//! ## The tabular workflow, in one call
//!
//! All of the above — one-hot encoding, the split, scaling on the training rows only, the
//! MLP with the output layer and loss the target calls for, training, test metrics — is what
//! `kerust train` does, and what [`TabularSpec::fit`](tabular::TabularSpec::fit) does for a
//! Rust program. The [`TabularModel`](tabular::TabularModel) it returns predicts on raw
//! tables (columns by name, in any order) and saves with its preprocessing.
//!
//! ```
//! use kerust::prelude::*;
//!
//! let table = datasets::load("carseats")?; // ShelveLoc, Urban and US are categorical
//! let spec = TabularSpec { epochs: 40, layers: vec![32], learning_rate: 0.01, seed: Some(3), ..TabularSpec::default() };
//! let run = spec.fit(&table, "Sales")?;
//! assert_eq!(run.model.preprocessor().n_features(), 14); // 7 numeric + 3 + 2 + 2 dummies
//! assert!(run.test.metrics["r2"] > 0.3, "{:?}", run.test.metrics);
//!
//! let path = std::env::temp_dir().join("kerust-doc-carseats.kerust");
//! run.model.save(&path)?;
//! let model = TabularModel::load(&path)?;
//! let pred = model.predict(&table)?;
//! assert_eq!(pred.values().dim(), (400, 1));
//! # std::fs::remove_file(&path).ok();
//! # Ok::<(), kerust::Error>(())
//! ```
//!
//! ## Model tuning: the setting with the lowest validation error
//!
//! Random initial weights make every run's curve different, so a setting is judged over
//! seeds or folds, and tuning compares settings on the same test split. [`tuning::Tuner`]
//! searches a space of settings (grid, random or TPE, with optional pruning) in parallel,
//! with results that do not depend on the number of workers; `kerust tune` is its command.
//!
//! ```
//! use kerust::prelude::*;
//! use kerust::tuning::{Param, SamplerKind, SearchSpace, Tuner};
//!
//! let table = datasets::load("boston_housing")?;
//! let space = SearchSpace::new().with("learning_rate", Param::log_float(1e-3, 0.1));
//! let base = TabularSpec { epochs: 20, layers: vec![16], ..TabularSpec::default() };
//! let study = Tuner::new(space).base(base).sampler(SamplerKind::Random).max_trials(3).workers(2).seed(1)
//!     .search(&table, "MEDV")?;
//! let best = study.best_spec().unwrap(); // the base with the best learning rate
//! let run = best.fit(&table, "MEDV")?;   // trained on the same test split as the trials
//! assert!(run.test.metrics["rmse"].is_finite());
//! # Ok::<(), kerust::Error>(())
//! ```
#![warn(missing_docs)]

pub mod activations;
pub mod callbacks;
pub mod constraints;
pub mod data;
mod display_name;
#[cfg(feature = "mpi")]
pub mod distributed;
pub mod error;
pub mod export;
pub mod initializers;
pub mod io;
pub mod kernels;
pub mod layers;
pub mod losses;
pub mod metrics;
pub mod model;
mod names;
pub mod optimizers;
pub mod plot;
pub mod preprocessing;
pub mod regularizers;
mod setters;
pub mod tabular;
pub mod tuning;

pub use data::datasets;
pub use error::{Error, Result};

/// Everything a training script needs, in one `use kerust::prelude::*;`.
pub mod prelude {
    pub use crate::error::{Error, Result};
    // data & preprocessing
    pub use crate::data::{
        ColumnType, CsvOptions, EncodeOptions, Fill, MissingPolicy, Table, TargetEncoding, datasets,
    };
    pub use crate::metrics::{
        Average, accuracy_score, classification_report, confusion_matrix, explained_variance_score, f1_score, log_loss,
        max_error, mean_absolute_error, mean_absolute_percentage_error, mean_squared_error, precision_score, r2_score,
        recall_score, roc_auc_score, root_mean_squared_error,
    };
    pub use crate::preprocessing::{
        MinMaxScaler, StandardScaler, to_categorical, train_test_split, train_test_split_stratified,
    };
    // engine
    pub use crate::activations::Activation;
    pub use crate::callbacks::{Callback, EarlyStopping, ReduceLROnPlateau, StopFlag};
    pub use crate::constraints::Constraint;
    pub use crate::initializers::Initializer;
    pub use crate::layers::{ActivationLayer, BatchNormalization, Dense, Dropout, Layer};
    pub use crate::losses::Loss;
    pub use crate::metrics::Metric;
    pub use crate::model::{ClassWeight, EvaluateConfig, FitConfig, History, Logs, Sequential};
    pub use crate::optimizers::{Adagrad, Adam, Optimizer, OptimizerConfig, RMSprop, SGD, Sgd};
    pub use crate::regularizers::Regularizer;
    // the tabular workflow
    pub use crate::tabular::{Predictions, Preprocessor, TabularModel, TabularRun, TabularSpec, Task, TrainOptions};
}
