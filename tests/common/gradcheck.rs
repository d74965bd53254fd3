//! The finite-difference gradient checker shared by every gradient test (tinygrad style).
//!
//! **Derivative.** The five-point central difference
//! `f'(x) ≈ (f(x-2h) - 8 f(x-h) + 8 f(x+h) - f(x+2h)) / 12h` with `h = 2e-2`. Its truncation
//! error is `h⁴ f⁽⁵⁾ / 30 ≈ 5e-9 f⁽⁵⁾`; its rounding error about `1.5 δ / h`, where `δ` is the
//! f32 rounding of `f` (≈ 6e-8 |f| for a model's f32 loss; less for the probes, which sum in
//! f64 and whose untouched terms cancel exactly). The usual 1e-3 step would make that
//! rounding 20× larger; the price of the larger step is that the points must stay `2h` clear
//! of kinks (ReLU at 0, |w| at 0): the tests' inputs do ([`KINK_MARGIN`], [`clear_of_zero`]),
//! and keep smooth functions' higher derivatives moderate (probabilities in [0.2, 0.8]).
//!
//! **Bound.** `|numeric - analytic| <= RTOL · max(|numeric|, |analytic|) + ATOL` with
//! `RTOL = 1e-3` and `ATOL = 3e-5`. Relative, so a small gradient is held to the same
//! standard as a large one: a 1% error on a gradient of 0.01 (1e-4) is 2.5× the bound there
//! (4e-5) and fails (`tests/gradcheck.rs::the_checker_rejects_a_gradient_off_by_one_percent`),
//! and a zero analytic gradient passes only where the numeric one is below 3e-5. The floor is
//! the rounding noise of the quotient for a loss of size ~1 (`1.5 · 6e-8 / 2e-2 ≈ 5e-6`, a
//! few such terms), with headroom.
//!
//! **Measured.** Over every check of `tests/gradcheck.rs`, `tests/gradcheck_regularization.rs`
//! and `tests/user_layer.rs` (1 039 gradients) the worst error is 0.36 of the bound
//! (BatchNormalization's dx on 2 rows, a truncation error: it shrinks with `h`); the worst
//! from rounding is 0.21 (dx of BatchNormalization on 17 rows). Print the worst ratio of each
//! check with `KERUST_GRADCHECK_WORST=1 cargo test --test gradcheck -- --nocapture`. A failing
//! check also prints the estimate at other steps: a kink or a truncation error changes with
//! `h`, a wrong gradient does not.
#![allow(dead_code)]

use kerust::layers::Layer;
use kerust::prelude::*;
use ndarray::{Array1, Array2, ArrayD};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Step of the finite differences.
pub const H: f32 = 2e-2;
/// Accepted error relative to the larger of the two gradients.
pub const RTOL: f64 = 1e-3;
/// Absolute floor: the rounding noise of the difference quotient, with headroom.
pub const ATOL: f64 = 3e-5;

/// How far the tests keep their points from a kink (ReLU's 0, |w|'s 0): the stencil reaches
/// `2h` on either side, and a perturbed input moves a pre-activation by up to `2h |w|`.
pub const KINK_MARGIN: f32 = 5.0 * H;

/// Moves every value closer to 0 than [`KINK_MARGIN`] out to `±KINK_MARGIN`.
pub fn clear_of_zero(values: &mut [f32]) {
    for v in values.iter_mut().filter(|v| v.abs() < KINK_MARGIN) {
        *v = KINK_MARGIN.copysign(*v);
    }
}

/// A (rows, cols) matrix of uniform values in [lo, hi).
pub fn random(rows: usize, cols: usize, lo: f32, hi: f32, rng: &mut ChaCha8Rng) -> Array2<f32> {
    Array2::from_shape_fn((rows, cols), |_| rng.gen_range(lo..hi))
}

/// The five-point central difference of `f` at `values[i]` (the values are restored).
pub fn numeric(values: &mut [f32], i: usize, f: &mut impl FnMut(&[f32]) -> f64) -> f64 {
    numeric_with_step(values, i, f, H)
}

/// As [`numeric`] with another step `h` (to tell a kink or a truncation error, which
/// shrink with `h`, from a wrong gradient, which does not).
pub fn numeric_with_step(values: &mut [f32], i: usize, f: &mut impl FnMut(&[f32]) -> f64, h: f32) -> f64 {
    let orig = values[i];
    let mut at = |k: f32| {
        values[i] = orig + k * h;
        f(values)
    };
    let (m2, m1, p1, p2) = (at(-2.0), at(-1.0), at(1.0), at(2.0));
    values[i] = orig;
    (m2 - 8.0 * m1 + 8.0 * p1 - p2) / (12.0 * h as f64)
}

/// Whether a numeric and an analytic gradient agree within the bound.
pub fn agrees(numeric: f64, analytic: f64) -> bool {
    (numeric - analytic).abs() <= RTOL * numeric.abs().max(analytic.abs()) + ATOL
}

/// Compares `analytic` with finite differences of `f` over every element of `values`.
pub fn check(tag: &str, values: &mut [f32], analytic: &[f32], mut f: impl FnMut(&[f32]) -> f64) {
    assert_eq!(values.len(), analytic.len(), "{tag}: values and gradients");
    let mut worst = (0.0f64, 0);
    for (i, &a) in analytic.iter().enumerate() {
        let n = numeric(values, i, &mut f);
        let a = a as f64;
        let ratio = (n - a).abs() / (RTOL * n.abs().max(a.abs()) + ATOL);
        if ratio > worst.0 {
            worst = (ratio, i);
        }
        if !agrees(n, a) {
            for h in [3e-2, 1e-2, 3e-3, 1e-3] {
                eprintln!(
                    "{tag}[{i}]: with step {h:e} the numeric gradient is {}",
                    numeric_with_step(values, i, &mut f, h)
                );
            }
        }
        assert!(agrees(n, a), "{tag}[{i}]: numeric {n}, analytic {a} (error {:.2e})", (n - a).abs());
    }
    if std::env::var_os("KERUST_GRADCHECK_WORST").is_some() {
        let i = worst.1;
        eprintln!("gradcheck {tag}: {} gradients, worst error/bound {:.3} at [{i}]", values.len(), worst.0);
    }
}

/// `Σ out · r` of `layer`'s training forward on `x` with weights `w`: a scalar whose gradient
/// with respect to the layer output is `r`, so that `backward(r)` is its gradient.
pub fn probe(layer: &mut impl Layer, x: &Array2<f32>, w: &[ArrayD<f32>], r: &Array2<f32>) -> f64 {
    layer.set_weights(w).unwrap();
    let out = layer.forward(x.view(), true);
    assert_eq!(out.len(), r.len(), "output and probe");
    out.iter().zip(r.iter()).map(|(&a, &b)| a as f64 * b as f64).sum()
}

/// Checks the gradient of a model's loss on `(x, y)` (with the rows' `weights`, if any) with
/// respect to every trainable weight, against finite differences of the same loss computed
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
