//! The central-difference gradient checker shared by the gradient tests (tinygrad style).
//!
//! Tolerance: the kernels are f32, so a central difference with step h carries a rounding
//! error of about eps_f32 · |L| / h ≈ 6e-8 · |L| / 1e-3 ≈ 6e-5 |L| and a truncation error of
//! O(h²) ≈ 1e-6. We accept |numeric - analytic| <= 2e-3 · max(1, |analytic|): a wrong
//! derivative (a missing factor, a sign, a wrong formula) is off by far more.

use ndarray::Array2;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Step of the central difference.
pub const H: f32 = 1e-3;
/// Accepted error, relative to max(1, |analytic|).
pub const TOL: f32 = 2e-3;

/// A (rows, cols) matrix of uniform values in [lo, hi).
pub fn random(rows: usize, cols: usize, lo: f32, hi: f32, rng: &mut ChaCha8Rng) -> Array2<f32> {
    Array2::from_shape_fn((rows, cols), |_| rng.gen_range(lo..hi))
}

/// Compares `analytic` with central differences of `f` over every element of `values`.
pub fn check(tag: &str, values: &mut [f32], analytic: &[f32], mut f: impl FnMut(&[f32]) -> f64) {
    assert_eq!(values.len(), analytic.len(), "{tag}");
    for i in 0..values.len() {
        let orig = values[i];
        values[i] = orig + H;
        let up = f(values);
        values[i] = orig - H;
        let down = f(values);
        values[i] = orig;
        let numeric = ((up - down) / (2.0 * H as f64)) as f32;
        let a = analytic[i];
        assert!((numeric - a).abs() <= TOL * a.abs().max(1.0), "{tag}[{i}]: numeric {numeric}, analytic {a}");
    }
}
