//! # kerust: Keras-style deep learning for tabular data, in Rust
//!
//! (Crate docs with the whole workflow as a runnable example arrive with the engine.)
#![warn(missing_docs)]

pub mod data;
pub mod error;
pub mod metrics;
pub mod preprocessing;

pub use error::{Error, Result};

/// Everything a training script needs, in one `use kerust::prelude::*;`.
pub mod prelude {
    pub use crate::error::{Error, Result};
    // data & preprocessing (issue 3)
    // engine (issue 2)
}
