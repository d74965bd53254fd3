//! Scalers, one-hot encoding, train/test splits and k-fold cross-validation splits
//! (scikit-learn names and semantics).
//!
//! ```
//! use kerust::preprocessing::{MinMaxScaler, train_test_split};
//! use ndarray::array;
//! let x = array![[1.0f32, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0], [5.0, 50.0]];
//! let y = array![[0.0f32], [1.0], [0.0], [1.0], [0.0]];
//! let (x_train, x_test, y_train, y_test) = train_test_split(&x, &y, 0.4, Some(42))?;
//! assert_eq!((x_train.nrows(), x_test.nrows(), y_train.nrows(), y_test.nrows()), (3, 2, 3, 2));
//! let mut scaler = MinMaxScaler::new();
//! let scaled = scaler.fit_transform(&x_train)?;
//! assert!(scaled.iter().all(|v| (0.0..=1.0).contains(v)));
//! let _ = scaler.transform(&x_test)?; // may leave [0, 1]: no clipping, as scikit-learn
//! # Ok::<(), kerust::Error>(())
//! ```

mod check;
mod imputer;
mod kfold;
mod minmax;
mod one_hot;
mod scaler;
mod split;
mod standard;

pub use imputer::{ImputeStrategy, SimpleImputer};
pub use kfold::{Folds, KFold, StratifiedKFold};
pub use minmax::MinMaxScaler;
pub(crate) use one_hot::class_indices;
pub use one_hot::to_categorical;
pub use scaler::{Scaler, ScalerKind};
pub use split::{split_indices, train_test_split, train_test_split_stratified};
pub use standard::StandardScaler;
