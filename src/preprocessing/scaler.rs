//! [`Scaler`]: one of the fitted feature scalers, chosen by [`ScalerKind`] (the tabular
//! workflow's `scaler` setting) and saved with a model.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::{MinMaxScaler, StandardScaler};
use crate::error::Result;
use crate::names::named;

/// Which scaler to fit: `"minmax"` (the course's choice), `"standard"` or `"none"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScalerKind {
    /// scikit-learn's `MinMaxScaler` to `(0, 1)`.
    #[default]
    MinMax,
    /// scikit-learn's `StandardScaler` (mean 0, unit variance).
    Standard,
    /// Features as they are.
    None,
}

impl ScalerKind {
    /// Fits this kind of scaler on `x` (the training rows).
    pub fn fit(self, x: &Array2<f32>) -> Result<Scaler> {
        Ok(match self {
            ScalerKind::MinMax => {
                let mut s = MinMaxScaler::new();
                s.fit(x)?;
                Scaler::MinMax(s)
            }
            ScalerKind::Standard => {
                let mut s = StandardScaler::new();
                s.fit(x)?;
                Scaler::Standard(s)
            }
            ScalerKind::None => Scaler::None,
        })
    }
}

named!(ScalerKind, "scaler", MinMax = "minmax" | "min_max", Standard = "standard", None = "none");

/// A fitted feature scaler (or none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scaler {
    /// Features used as they are.
    None,
    /// scikit-learn's `MinMaxScaler`.
    MinMax(MinMaxScaler),
    /// scikit-learn's `StandardScaler`.
    Standard(StandardScaler),
}

impl Scaler {
    /// Which kind of scaler this is.
    pub fn kind(&self) -> ScalerKind {
        match self {
            Scaler::None => ScalerKind::None,
            Scaler::MinMax(_) => ScalerKind::MinMax,
            Scaler::Standard(_) => ScalerKind::Standard,
        }
    }

    /// The scaler fitted on all the rows of `parts` together, each fitted on some of them
    /// by the same kind: exact for MinMax, the moments merged in `f64` for Standard.
    pub(crate) fn merged(parts: &[Scaler]) -> Result<Scaler> {
        let mismatch = || crate::error::Error::invalid("scaler", "parts of two kinds", "cannot be merged");
        Ok(match parts.first() {
            None | Some(Scaler::None) => Scaler::None,
            Some(Scaler::MinMax(_)) => {
                let all = parts.iter().map(|p| if let Scaler::MinMax(s) = p { Some(s) } else { None });
                Scaler::MinMax(MinMaxScaler::merged(&all.collect::<Option<Vec<_>>>().ok_or_else(mismatch)?)?)
            }
            Some(Scaler::Standard(_)) => {
                let all = parts.iter().map(|p| if let Scaler::Standard(s) = p { Some(s) } else { None });
                Scaler::Standard(StandardScaler::merged(&all.collect::<Option<Vec<_>>>().ok_or_else(mismatch)?)?)
            }
        })
    }

    /// Applies the fitted scaler.
    pub fn transform(&self, x: &Array2<f32>) -> Result<Array2<f32>> {
        match self {
            Scaler::None => Ok(x.clone()),
            Scaler::MinMax(s) => s.transform(x),
            Scaler::Standard(s) => s.transform(x),
        }
    }
}
