//! Replays the element-wise Keras references of `tests/fixtures/` (made by Keras 3.15.1 / JAX
//! with `tools/make_fixtures.py --only references`): every activation and its derivative
//! (`jax.grad`), softmax's vector-Jacobian product, the gradient of every loss with respect to
//! `y_pred`, and the statistics of every initializer.
//!
//! Values and gradients: the fixture README's single-value tolerance, `1e-5 |e| + 1e-7`.

mod common;

use common::*;
use kerust::prelude::*;
use ndarray::{Array2, ArrayD};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

/// The fixture's points as one row, `(1, n)`.
fn row(v: &Value) -> Array2<f32> {
    let values = f32s(v);
    Array2::from_shape_vec((1, values.len()), values).unwrap()
}

#[test]
fn every_activation_and_its_derivative_match_keras() {
    let d = fixture("activations.json");
    let z = row(&d["z"]);
    let cases = d["cases"].as_object().unwrap();
    // Every element-wise activation of kerust, under each of its Keras names.
    let elementwise: Vec<Activation> = Activation::ALL.into_iter().filter(|&a| a != Activation::Softmax).collect();
    let covered: Vec<Activation> = cases.keys().map(|n| n.parse().unwrap()).collect();
    assert!(elementwise.iter().all(|a| covered.contains(a)), "{covered:?}");
    for (name, c) in cases {
        let act: Activation = name.parse().unwrap();
        let mut a = Array2::zeros(z.dim());
        act.forward(z.view(), a.view_mut());
        assert_close_value(&format!("{name}(z)"), &a, &f32s(&c["value"]));
        // The derivative: backward of dout = 1 at every point. Near saturation it is a
        // difference of numbers near 1 (tanh: 1 - a², sigmoid: a (1 - a)), where one f32 ulp
        // of `a` (6e-8) moves it by 1.2e-7: hence a floor of 4 ulps of 1.
        let mut dz = Array2::ones(z.dim());
        act.backward(z.view(), a.view(), dz.view_mut());
        assert_close(&format!("{name}'(z)"), &dz, &f32s(&c["derivative"]), 1e-5, 4.0 * f32::EPSILON as f64);
    }
}

#[test]
fn softmax_and_its_vector_jacobian_product_match_keras() {
    let s = &fixture("activations.json")["softmax"];
    let z = matrix(&s["z"]);
    let mut a = Array2::zeros(z.dim());
    Activation::Softmax.forward(z.view(), a.view_mut());
    assert_close_value("softmax(z)", &a, &matrix(&s["value"]));
    let mut dz = matrix(&s["dout"]);
    Activation::Softmax.backward(z.view(), a.view(), dz.view_mut());
    assert_close_value("softmax vjp", &dz, &matrix(&s["dz"]));
}

/// The kerust loss of a fixture case: its Keras class and settings.
fn loss_of(c: &Value) -> Loss {
    let from_logits = c["settings"]["from_logits"].as_bool().unwrap_or(false);
    match c["keras_class"].as_str().unwrap() {
        "MeanSquaredError" => Loss::MeanSquaredError,
        "MeanAbsoluteError" => Loss::MeanAbsoluteError,
        "Huber" => Loss::Huber { delta: c["settings"]["delta"].as_f64().unwrap() as f32 },
        "MeanAbsolutePercentageError" => Loss::MeanAbsolutePercentageError,
        "BinaryCrossentropy" => Loss::BinaryCrossentropy { from_logits },
        "CategoricalCrossentropy" => Loss::CategoricalCrossentropy { from_logits },
        "SparseCategoricalCrossentropy" => Loss::SparseCategoricalCrossentropy { from_logits },
        other => panic!("loss class {other}"),
    }
}

#[test]
fn every_loss_gradient_matches_keras() {
    let d = fixture("loss_gradients.json");
    let cases = d["cases"].as_object().unwrap();
    assert_eq!(cases.len(), 11);
    for (name, c) in cases {
        let loss = loss_of(c);
        let y_true = matrix(&c["y_true"]);
        let y_pred = matrix(&c["y_pred"]);
        let value = loss.compute(y_true.view(), y_pred.view());
        assert_close_value(&format!("{name}: loss"), &[value], &[c["loss"].as_f64().unwrap() as f32]);
        let mut grad = Array2::zeros(y_pred.dim());
        loss.gradient(y_true.view(), y_pred.view(), grad.view_mut());
        assert_close_value(&format!("{name}: dL/dy_pred"), &grad, &matrix(&c["gradient"]));
    }
}

/// Mean, population std, min, max and max |w| of a draw.
struct Stats {
    mean: f64,
    std: f64,
    min: f64,
    max: f64,
    max_abs: f64,
}

fn stats(w: &ArrayD<f32>) -> Stats {
    let n = w.len() as f64;
    let mean = w.iter().map(|&v| v as f64).sum::<f64>() / n;
    let var = w.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
    let min = w.iter().fold(f64::INFINITY, |m, &v| m.min(v as f64));
    let max = w.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v as f64));
    Stats { mean, std: var.sqrt(), min, max, max_abs: min.abs().max(max.abs()) }
}

/// kerust's draw and Keras's have the same distribution: equal constants; means and stds
/// within 5 standard errors of two independent draws of `n` values (the std's relative
/// standard error is at most `sqrt(1 / (2n))` for these light-tailed laws); for the bounded
/// laws, extremes whose gaps to the bound differ by less than 15 times the mean gap (the gap
/// of the extreme of `n` draws is exponential, with mean `2 / n` of the bound for a uniform
/// law and `1 / (2 n φ(2) / 0.9545) = 8.84 / n` for a normal truncated at ±2; 15 means are
/// exceeded with probability 3e-7). A wrong fan, scale or truncation moves the std or the
/// bound by several percent.
#[test]
fn every_initializer_draws_keras_statistics() {
    let d = fixture("initializers.json");
    let cases = d["cases"].as_object().unwrap();
    assert_eq!(cases.len(), 10);
    let mut rng = ChaCha8Rng::seed_from_u64(20);
    for (name, c) in cases {
        let init: Initializer = name.parse().unwrap();
        for s in c["samples"].as_array().unwrap() {
            let shape: Vec<usize> =
                s["shape"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
            let tag = format!("{name} {shape:?}");
            let got = stats(&init.sample(&shape, &mut rng));
            let want = |k: &str| s[k].as_f64().unwrap();
            let n = s["count"].as_f64().unwrap();
            assert_eq!(n, shape.iter().product::<usize>() as f64, "{tag}");
            if want("std") == 0.0 {
                for (k, g) in [("mean", got.mean), ("std", got.std), ("min", got.min), ("max", got.max)] {
                    assert_eq!(g, want(k), "{tag}: {k}");
                }
                continue;
            }
            let se = want("std") * (2.0 / n).sqrt();
            assert!((got.mean - want("mean")).abs() <= 5.0 * se, "{tag}: mean {} vs {}", got.mean, want("mean"));
            let rel_se = (2.0 * (1.0 / (2.0 * n))).sqrt();
            assert!(
                (got.std / want("std") - 1.0).abs() <= 5.0 * rel_se,
                "{tag}: std {} vs Keras {}",
                got.std,
                want("std")
            );
            let mean_gap = match init {
                Initializer::RandomNormal { .. } => continue, // unbounded
                Initializer::GlorotNormal | Initializer::HeNormal | Initializer::LecunNormal => 8.84 / n,
                _ => 2.0 / n,
            };
            for (k, g) in [("min", got.min), ("max", got.max), ("max_abs", got.max_abs)] {
                assert!((g / want(k) - 1.0).abs() <= 15.0 * mean_gap, "{tag}: {k} {g} vs Keras {}", want(k));
            }
        }
    }
}

#[test]
fn random_initializer_defaults_are_keras_defaults() {
    let d = fixture("initializers.json");
    let cfg = |name: &str, key: &str| d["cases"][name]["config"][key].as_f64().unwrap() as f32;
    assert_eq!(
        "random_uniform".parse::<Initializer>().unwrap(),
        Initializer::RandomUniform { minval: cfg("random_uniform", "minval"), maxval: cfg("random_uniform", "maxval") }
    );
    assert_eq!(
        "random_normal".parse::<Initializer>().unwrap(),
        Initializer::RandomNormal { mean: cfg("random_normal", "mean"), stddev: cfg("random_normal", "stddev") }
    );
}

/// Regression: at a zero error, kerust took d|e|/de = 0 where JAX (and so Keras on JAX)
/// takes 1; Keras writes `|y_true - y_pred|`, so dL/dy_pred is -1/n there (-100/(n |y|) for
/// MAPE). The `mae` case of `loss_gradients.json` has such a point.
#[test]
fn mae_and_mape_gradients_at_a_zero_error_are_jaxs() {
    let y = ndarray::array![[2.0f32, -1.0]];
    for (loss, want) in [(Loss::MeanAbsoluteError, [-0.5, 0.5]), (Loss::MeanAbsolutePercentageError, [-25.0, 50.0])] {
        let p = ndarray::array![[2.0f32, 0.0]];
        let mut g = Array2::zeros(p.dim());
        loss.gradient(y.view(), p.view(), g.view_mut());
        assert_eq!(g.as_slice().unwrap(), want, "{loss:?}");
    }
}
