//! # kerust: Keras-style deep learning for tabular data, in Rust
//!
//! (Crate docs with the whole workflow as a runnable example arrive with the engine.)
#![warn(missing_docs)]

pub mod data;
pub mod error;
pub mod metrics;
pub mod preprocessing;

pub use data::datasets;
pub use error::{Error, Result};

/// Everything a training script needs, in one `use kerust::prelude::*;`.
pub mod prelude {
    pub use crate::error::{Error, Result};
    // data & preprocessing (issue 3)
    pub use crate::data::{
        ColumnType, CsvOptions, EncodeOptions, Fill, MissingPolicy, Table, TargetEncoding, datasets,
    };
    pub use crate::metrics::{
        Average, accuracy_score, classification_report, confusion_matrix, explained_variance_score,
        f1_score, log_loss, max_error, mean_absolute_error, mean_absolute_percentage_error,
        mean_squared_error, precision_score, r2_score, recall_score, roc_auc_score,
        root_mean_squared_error,
    };
    pub use crate::preprocessing::{
        MinMaxScaler, StandardScaler, to_categorical, train_test_split, train_test_split_stratified,
    };
    // engine (issue 2)
}
