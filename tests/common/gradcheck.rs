//! The central-difference gradient checker shared by the gradient tests (tinygrad style).
//!
//! Tolerance: the kernels are f32, so a central difference with step h carries a rounding
//! error of about eps_f32 · |L| / h ≈ 6e-8 · |L| / 1e-3 ≈ 6e-5 |L| and a truncation error of
//! O(h²) ≈ 1e-6. We accept |numeric - analytic| <= 2e-3 · max(1, |analytic|): a wrong
//! derivative (a missing factor, a sign, a wrong formula) is off by far more.
#![allow(dead_code)]

use kerust::layers::Layer;
use kerust::prelude::*;
use ndarray::{Array1, Array2, ArrayD};
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

/// `Σ out · r` of `layer`'s training forward on `x` with weights `w`: a scalar whose gradient
/// with respect to the layer output is `r`, so that `backward(r)` is its gradient.
pub fn probe(layer: &mut impl Layer, x: &Array2<f32>, w: &[ArrayD<f32>], r: &Array2<f32>) -> f64 {
    layer.set_weights(w).unwrap();
    let out = layer.forward(x.view(), true);
    out.iter().zip(r.iter()).map(|(&a, &b)| a as f64 * b as f64).sum()
}

/// Checks the gradient of a model's loss on `(x, y)` (with the rows' `weights`, if any) with
/// respect to every trainable weight, against central differences of the same loss computed
/// by a second model from `make`.
pub fn check_model(
    tag: &str,
    make: impl Fn() -> Sequential,
    x: &Array2<f32>,
    y: &Array2<f32>,
    weights: Option<&Array1<f32>>,
) {
    let loss_and_gradients = |model: &mut Sequential| match weights {
        None => model.gradients(x, y).unwrap(),
        Some(w) => model.gradients_weighted(x, y, w).unwrap(),
    };
    let mut model = make();
    let (_, grads) = loss_and_gradients(&mut model);
    let all = model.get_weights();
    // The trainable weights come first in each layer's list.
    let mut trainable = Vec::new();
    let mut first = 0;
    for layer in model.layers() {
        let (mut count, mut scalars) = (0, 0);
        for w in layer.weights() {
            if scalars == layer.trainable_params() {
                break;
            }
            scalars += w.len();
            count += 1;
        }
        trainable.extend(first..first + count);
        first += layer.weights().len();
    }
    assert_eq!(trainable.len(), grads.len(), "{tag}");
    let mut probe = make();
    for (g, &k) in grads.iter().zip(&trainable) {
        let mut wk = all[k].as_slice().unwrap().to_vec();
        let shape = all[k].shape().to_vec();
        check(&format!("{tag}: weight {k}"), &mut wk, g.as_slice().unwrap(), |v| {
            let mut ws = all.clone();
            ws[k] = ArrayD::from_shape_vec(shape.clone(), v.to_vec()).unwrap();
            probe.set_weights(&ws).unwrap();
            loss_and_gradients(&mut probe).0 as f64
        });
    }
}
