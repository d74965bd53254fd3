//! Weight initializers, with Keras's names, formulas and defaults.
//!
//! The variance-scaling family follows `keras.initializers.VarianceScaling`: `fan_in` and
//! `fan_out` of a kernel `(in, out)` are `in` and `out`; a 1-D weight of length `n` has
//! `fan_in = fan_out = n`. Normal variants are truncated at two standard deviations and
//! rescaled by `1 / 0.879_625_66` (the std of a unit normal truncated at ±2), as in Keras.
//!
//! ```
//! use kerust::initializers::Initializer;
//! use rand::SeedableRng;
//! let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
//! let w = Initializer::GlorotUniform.sample(&[13, 64], &mut rng);
//! let limit = (6.0f32 / (13.0 + 64.0)).sqrt();
//! assert!(w.iter().all(|v| v.abs() <= limit));
//! ```

use std::str::FromStr;

use ndarray::{ArrayD, IxDyn};
use rand::Rng;
use rand_distr::{Distribution, Normal, Uniform};
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Std of a standard normal truncated to [-2, 2] (Keras's correction constant).
const TRUNCATED_STD: f64 = 0.879_625_661_034_239_8;

/// How a weight tensor gets its initial values.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Initializer {
    /// `U(-l, l)`, `l = sqrt(6 / (fan_in + fan_out))`: the Dense kernel default.
    #[default]
    GlorotUniform,
    /// Truncated normal with std `sqrt(2 / (fan_in + fan_out))`.
    GlorotNormal,
    /// `U(-l, l)`, `l = sqrt(6 / fan_in)`.
    HeUniform,
    /// Truncated normal with std `sqrt(2 / fan_in)`.
    HeNormal,
    /// `U(-l, l)`, `l = sqrt(3 / fan_in)`.
    LecunUniform,
    /// Truncated normal with std `sqrt(1 / fan_in)`.
    LecunNormal,
    /// All zeros: the Dense bias default.
    Zeros,
    /// All ones.
    Ones,
    /// `U(minval, maxval)`; Keras defaults -0.05, 0.05.
    RandomUniform {
        /// Lower bound.
        minval: f32,
        /// Upper bound.
        maxval: f32,
    },
    /// `N(mean, stddev)`; Keras defaults 0, 0.05.
    RandomNormal {
        /// Mean.
        mean: f32,
        /// Standard deviation.
        stddev: f32,
    },
}

/// Names accepted by `FromStr` (Keras's string identifiers).
const NAMES: [&str; 10] = [
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "lecun_uniform",
    "lecun_normal",
    "zeros",
    "ones",
    "random_uniform",
    "random_normal",
];

impl Initializer {
    /// Keras's name for this initializer.
    pub fn name(&self) -> &'static str {
        match self {
            Initializer::GlorotUniform => NAMES[0],
            Initializer::GlorotNormal => NAMES[1],
            Initializer::HeUniform => NAMES[2],
            Initializer::HeNormal => NAMES[3],
            Initializer::LecunUniform => NAMES[4],
            Initializer::LecunNormal => NAMES[5],
            Initializer::Zeros => NAMES[6],
            Initializer::Ones => NAMES[7],
            Initializer::RandomUniform { .. } => NAMES[8],
            Initializer::RandomNormal { .. } => NAMES[9],
        }
    }

    /// Checks the parameters of `RandomUniform` / `RandomNormal`.
    pub fn validate(&self) -> Result<(), Error> {
        match *self {
            Initializer::RandomUniform { minval, maxval }
                if !(minval.is_finite() && maxval.is_finite() && minval <= maxval) =>
            {
                Err(Error::invalid(
                    "random_uniform",
                    format!("(minval={minval}, maxval={maxval})"),
                    "needs finite bounds with minval <= maxval",
                ))
            }
            Initializer::RandomNormal { mean, stddev }
                if !(mean.is_finite() && stddev.is_finite() && stddev >= 0.0) =>
            {
                Err(Error::invalid(
                    "random_normal",
                    format!("(mean={mean}, stddev={stddev})"),
                    "needs a finite mean and a finite stddev >= 0",
                ))
            }
            _ => Ok(()),
        }
    }

    /// Draws a tensor of `shape` from `rng`.
    pub fn sample<R: Rng>(&self, shape: &[usize], rng: &mut R) -> ArrayD<f32> {
        let (fan_in, fan_out) = fans(shape);
        let n = shape.iter().product::<usize>();
        let values: Vec<f32> = match *self {
            Initializer::Zeros => vec![0.0; n],
            Initializer::Ones => vec![1.0; n],
            Initializer::GlorotUniform => uniform(n, (6.0 / (fan_in + fan_out)).sqrt(), rng),
            Initializer::HeUniform => uniform(n, (6.0 / fan_in).sqrt(), rng),
            Initializer::LecunUniform => uniform(n, (3.0 / fan_in).sqrt(), rng),
            Initializer::GlorotNormal => truncated(n, (2.0 / (fan_in + fan_out)).sqrt(), rng),
            Initializer::HeNormal => truncated(n, (2.0 / fan_in).sqrt(), rng),
            Initializer::LecunNormal => truncated(n, (1.0 / fan_in).sqrt(), rng),
            Initializer::RandomUniform { minval, maxval } => {
                let dist = Uniform::new_inclusive(minval, maxval);
                (0..n).map(|_| dist.sample(rng)).collect()
            }
            Initializer::RandomNormal { mean, stddev } => {
                // Normal::new fails only for a negative or NaN std, which
                // `Initializer::validate` rejects before any layer is built.
                match Normal::new(mean, stddev) {
                    Ok(dist) => (0..n).map(|_| dist.sample(rng)).collect(),
                    Err(_) => vec![mean; n],
                }
            }
        };
        // The shape's product is `n` by construction, so this cannot fail.
        ArrayD::from_shape_vec(IxDyn(shape), values).expect("shape product equals length")
    }
}

/// Keras's `compute_fans` for the shapes a Dense layer has: (in, out) or (n,).
fn fans(shape: &[usize]) -> (f64, f64) {
    match shape {
        [] => (1.0, 1.0),
        [n] => (*n as f64, *n as f64),
        [fan_in, fan_out] => (*fan_in as f64, *fan_out as f64),
        [.., a, b] => {
            let receptive = shape[..shape.len() - 2].iter().product::<usize>() as f64;
            (*a as f64 * receptive, *b as f64 * receptive)
        }
    }
}

fn uniform<R: Rng>(n: usize, limit: f64, rng: &mut R) -> Vec<f32> {
    let limit = limit as f32;
    let dist = Uniform::new_inclusive(-limit, limit);
    (0..n).map(|_| dist.sample(rng)).collect()
}

/// Normal(0, std / 0.8796) redrawn until within two of its standard deviations.
fn truncated<R: Rng>(n: usize, std: f64, rng: &mut R) -> Vec<f32> {
    let sd = std / TRUNCATED_STD;
    (0..n)
        .map(|_| {
            loop {
                let u: f64 = rng.sample(rand_distr::StandardNormal);
                if u.abs() <= 2.0 {
                    break (u * sd) as f32;
                }
            }
        })
        .collect()
}

impl FromStr for Initializer {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "glorot_uniform" => Initializer::GlorotUniform,
            "glorot_normal" => Initializer::GlorotNormal,
            "he_uniform" => Initializer::HeUniform,
            "he_normal" => Initializer::HeNormal,
            "lecun_uniform" => Initializer::LecunUniform,
            "lecun_normal" => Initializer::LecunNormal,
            "zeros" => Initializer::Zeros,
            "ones" => Initializer::Ones,
            "random_uniform" => Initializer::RandomUniform { minval: -0.05, maxval: 0.05 },
            "random_normal" => Initializer::RandomNormal { mean: 0.0, stddev: 0.05 },
            _ => {
                return Err(Error::UnknownName {
                    kind: "initializer",
                    value: s.to_string(),
                    expected: NAMES.join(", "),
                });
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn std_of(w: &ArrayD<f32>) -> f64 {
        let n = w.len() as f64;
        let mean = w.iter().map(|&v| v as f64).sum::<f64>() / n;
        (w.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n).sqrt()
    }

    #[test]
    fn names_round_trip() {
        for name in NAMES {
            assert_eq!(name.parse::<Initializer>().unwrap().name(), name);
        }
        assert!("glorot".parse::<Initializer>().is_err());
    }

    #[test]
    fn variance_scaling_stds() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let shape = [200, 300];
        // Uniform U(-l, l) has std l / sqrt(3); truncated normals keep the target std.
        let cases = [
            (Initializer::GlorotUniform, (2.0f64 / 500.0).sqrt()),
            (Initializer::GlorotNormal, (2.0 / 500.0f64).sqrt()),
            (Initializer::HeUniform, (2.0 / 200.0f64).sqrt()),
            (Initializer::HeNormal, (2.0 / 200.0f64).sqrt()),
            (Initializer::LecunUniform, (1.0 / 200.0f64).sqrt()),
            (Initializer::LecunNormal, (1.0 / 200.0f64).sqrt()),
        ];
        for (init, want) in cases {
            let got = std_of(&init.sample(&shape, &mut rng));
            assert!((got / want - 1.0).abs() < 0.02, "{init}: {got} vs {want}");
        }
        let w = Initializer::HeNormal.sample(&shape, &mut rng);
        let bound = 2.0 * (2.0 / 200.0f64).sqrt() / TRUNCATED_STD;
        assert!(w.iter().all(|&v| (v as f64).abs() <= bound + 1e-6));
    }

    #[test]
    fn constants() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert!(Initializer::Zeros.sample(&[3], &mut rng).iter().all(|&v| v == 0.0));
        assert!(Initializer::Ones.sample(&[2, 2], &mut rng).iter().all(|&v| v == 1.0));
    }
}
