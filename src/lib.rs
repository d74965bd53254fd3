//! # kerust: Keras-style deep learning for tabular data, in Rust
//!
//! The workflow a Keras course teaches — build a `Sequential` model of `Dense` layers,
//! `compile` it with an optimizer and a loss, `fit` it with a validation split, read the
//! `History`, `predict`, judge the errors — with Keras's names, defaults and numbers
//! (checked against fixtures made by Keras 3).
//!
//! ```
//! use kerust::prelude::*;
//! use ndarray::Array2;
//!
//! // y = 2 x0 - x1 + 0.5 on 64 rows.
//! let x = Array2::from_shape_fn((64, 2), |(i, j)| ((i * 7 + j * 3) % 11) as f32 / 10.0);
//! let y = Array2::from_shape_fn((64, 1), |(i, _)| 2.0 * x[[i, 0]] - x[[i, 1]] + 0.5);
//!
//! let mut model = Sequential::new().seed(42);
//! model.add(Dense::new(16).input_dim(2).activation(Activation::Relu));
//! model.add(Dense::new(1));
//! model.compile(Adam::new(0.01), Loss::MeanSquaredError, &[Metric::MeanAbsoluteError])?;
//! println!("{}", model.summary());
//!
//! let config = FitConfig { epochs: 50, validation_split: 0.2, verbose: 0, ..Default::default() };
//! let history = model.fit(&x, &y, config)?;
//! let val_loss = history.get("val_loss").unwrap();
//! assert!(val_loss[val_loss.len() - 1] < val_loss[0]);
//!
//! let pred = model.predict(&x)?;
//! assert_eq!(pred.dim(), (64, 1));
//! # Ok::<(), kerust::Error>(())
//! ```
#![warn(missing_docs)]

pub mod activations;
pub mod data;
pub mod error;
pub mod initializers;
pub mod kernels;
pub mod layers;
pub mod losses;
pub mod metrics;
pub mod model;
pub mod optimizers;
pub mod preprocessing;

pub use error::{Error, Result};

/// Everything a training script needs, in one `use kerust::prelude::*;`.
pub mod prelude {
    pub use crate::error::{Error, Result};
    // data & preprocessing (issue 3)
    // engine (issue 2)
    pub use crate::activations::Activation;
    pub use crate::initializers::Initializer;
    pub use crate::layers::{Dense, Layer};
    pub use crate::losses::Loss;
    pub use crate::metrics::Metric;
    pub use crate::model::{FitConfig, History, Logs, Sequential};
    pub use crate::optimizers::{Adagrad, Adam, Optimizer, OptimizerConfig, RMSprop, SGD, Sgd};
}
