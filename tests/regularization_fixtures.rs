//! Replays the regularization fixtures of `tests/fixtures/` (made by Keras 3.15.1 / JAX with
//! `tools/make_fixtures.py --only-new`): BatchNormalization forward/backward and training,
//! L2 and L1/L1L2/activity penalties in History, constraints, class and sample weights,
//! Dropout at inference, and the summary with non-trainable params.
//!
//! Tolerances are the fixture README's, `1e-5 |e| + 1e-6`, for every History and every
//! trained weight, with two measured exceptions (see `assert_close_weights` and the
//! BatchNormalization predictions).

mod common;

use common::replay::{check_history, fit_config, metrics, optimizer};
use common::specs::{flat_weights, model_from_specs};
use common::*;
use kerust::layers::Layer;
use kerust::prelude::*;
use ndarray::{Array1, Array2, ArrayD};
use rand::SeedableRng;
use serde_json::Value;

#[test]
fn batchnorm_forward_and_gradients_match_keras() {
    let d = fixture("batchnorm_forward.json");
    let x = matrix(&d["input"]);
    let r = matrix(&d["r"]);
    let w = &d["weights"];
    let weights: Vec<ArrayD<f32>> =
        ["gamma", "beta", "moving_mean", "moving_variance"].iter().map(|k| vector(&w[*k]).into_dyn()).collect();
    let e = &d["expected"];
    let mut bn = BatchNormalization::new();
    bn.build(x.ncols(), &mut rand_chacha::ChaCha8Rng::seed_from_u64(0)).unwrap();
    bn.set_weights(&weights).unwrap();
    let inference = bn.forward(x.view(), false).to_owned();
    assert_close_value("inference", &inference, &matrix(&e["inference_output"]));
    let training = bn.forward(x.view(), true).to_owned();
    assert_close_value("training", &training, &matrix(&e["training_output"]));
    let after = bn.weights();
    assert_close_value("moving_mean", after[2].iter(), &f32s(&e["moving_mean_after_training_call"]));
    assert_close_value("moving_variance", after[3].iter(), &f32s(&e["moving_variance_after_training_call"]));
    let dx = bn.backward(r.view()).to_owned();
    // dx sums terms that cancel: compare with an absolute floor of 1e-6 of its scale.
    assert_close("dx", &dx, &matrix(&e["dx"]), 1e-5, 1e-6);
    let grads: Vec<Vec<f32>> = bn.params_mut().iter().map(|p| p.grad.to_vec()).collect();
    assert_close_value("dgamma", &grads[0], &f32s(&e["dgamma"]));
    assert_close_value("dbeta", &grads[1], &f32s(&e["dbeta"]));
}

/// Fits the fixture's model from its initial weights and compares History and weights.
fn replay(name: &str) -> (Value, Sequential) {
    let d = fixture(name);
    let s = &d["settings"];
    let x = matrix(&d["data"]["x"]);
    let y = matrix(&d["data"]["y"]);
    let mut model = model_from_specs(&d["layers"], x.ncols());
    model.set_weights(&flat_weights(&d["initial_weights"])).unwrap();
    let loss: Loss = s["loss"].as_str().unwrap().parse().unwrap();
    model.compile(optimizer(&s["optimizer"]), loss, &metrics(s)).unwrap();
    let class_weight = s["class_weight"].as_object().map(|_| ClassWeight::Balanced);
    let sample_weight = s["sample_weight"].as_array().map(|_| Array1::from(f32s(&s["sample_weight"])));
    let config = FitConfig { class_weight, sample_weight, ..fit_config(s) };
    let history = model.fit(&x, &y, config).unwrap();
    check_history(name, &history, &d["expected"]["history"]);
    let want = flat_weights(&d["expected"]["final_weights"]);
    let got = model.get_weights();
    assert_eq!(got.len(), want.len());
    for (i, (g, e)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g.shape(), e.shape());
        assert_close_weights(&d, &format!("{name}:final_weights[{i}]"), g, e);
    }
    (d, model)
}

/// Weights after training: the README's training tolerance, `1e-5 |e| + 1e-6`, except
/// where Keras's own float32 trajectory is further than that from exact arithmetic. That is
/// `train_l2.json` only: an independent numpy replay (`tools/adam_drift.py`) of its 20 Adam
/// steps in float64 ends 1.19 bounds from Keras's final weights, while the same replay in
/// float32 ends 0.09 bounds from the float64 one (and 1.09 from Keras; kerust: 1.09). No
/// float32 implementation can be held to the README bound there; its floor is 1.6e-6,
/// 1.5× the drift measured.
fn assert_close_weights<'a>(
    d: &Value,
    tag: &str,
    got: impl IntoIterator<Item = &'a f32>,
    exp: impl IntoIterator<Item = &'a f32>,
) {
    if d["fixture"] == "train_l2" {
        assert_close(tag, got, exp, 1e-5, 1.6e-6);
    } else {
        assert_close_train(tag, got, exp);
    }
}

#[test]
fn batchnorm_training_matches_keras() {
    let (d, mut model) = replay("train_batchnorm.json");
    let x = matrix(&d["data"]["x"]);
    let pred = model.predict(&x).unwrap();
    // A prediction sums 8 hidden units' products of trained weights, each within the
    // training tolerance: measured 4.3e-6 at most (on a prediction of 0.12).
    assert_close("predict_output", &pred, &matrix(&d["expected"]["predict_output"]), 1e-5, 5e-6);
    // The moving statistics are non-trainable but saved with the weights (Keras order).
    let names: Vec<&str> = model.layers()[1].weight_names();
    assert_eq!(names, ["gamma", "beta", "moving_mean", "moving_variance"]);
}

#[test]
fn l2_penalty_in_history_matches_keras() {
    replay("train_l2.json");
}

#[test]
fn l1_l1l2_and_activity_penalties_match_keras() {
    replay("train_regularizers.json");
}

#[test]
fn constraints_match_keras() {
    let (_, model) = replay("train_constraints.json");
    let w = model.get_weights();
    // MaxNorm(0.5): every column of the hidden kernel has norm <= 0.5; NonNeg: no negatives.
    for col in w[0].view().into_dimensionality::<ndarray::Ix2>().unwrap().columns() {
        assert!(col.dot(&col).sqrt() <= 0.5 + 1e-6);
    }
    assert!(w[2].iter().chain(w[3].iter()).all(|&v| v >= 0.0));
}

#[test]
fn class_weight_matches_keras_and_sklearn_balanced() {
    let d = fixture("train_class_weight.json");
    let labels: Vec<f32> =
        d["sklearn_balanced"]["train_labels"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap() as f32).collect();
    let y = Array2::from_shape_vec((labels.len(), 1), labels).unwrap();
    let balanced = ClassWeight::balanced_weights(y.view()).unwrap();
    let want = f32s(&d["sklearn_balanced"]["weights"]);
    let got: Vec<f32> = balanced.values().copied().collect();
    assert_close_value("balanced", &got, &want);
    replay("train_class_weight.json");
}

#[test]
fn sample_weight_matches_keras() {
    replay("train_sample_weight.json");
}

#[test]
fn dropout_is_identity_at_inference() {
    let d = fixture("dropout_inference.json");
    let e = &d["expected"];
    let (x, y) = (matrix(&d["input"]), matrix(&d["y"]));
    let mut model = model_from_specs(&d["layers"], x.ncols());
    model.set_weights(&flat_weights(&d["weights"])).unwrap();
    model.compile(Sgd::default(), Loss::MeanSquaredError, &[]).unwrap();
    assert_close_value("predict", &model.predict(&x).unwrap(), &matrix(&e["predict_output"]));
    assert_close_value("call", &model.predict_batched(&x, 3).unwrap(), &matrix(&e["call_training_false"]));
    let logs = model.evaluate(&x, &y).unwrap();
    assert_close_value("evaluate", &[logs.get("loss").unwrap()], &[e["evaluate_mse"].as_f64().unwrap() as f32]);

    // Training masks: the values Keras produces ({0, 1 / (1 - rate)}) and the keep rate.
    let m = &e["training_mask"];
    let rate = m["rate"].as_f64().unwrap() as f32;
    let shape: Vec<usize> = m["shape"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
    let mut drop = Dropout::new(rate).seed(5);
    drop.build(shape[1], &mut rand_chacha::ChaCha8Rng::seed_from_u64(0)).unwrap();
    let ones = Array2::<f32>::ones((shape[0], shape[1]));
    let out = drop.forward(ones.view(), true).to_owned();
    let allowed = f32s(&m["distinct_values"]);
    assert!(out.iter().all(|v| allowed.iter().any(|a| (a - v).abs() < 1e-6)), "values {allowed:?}");
    let n = out.len() as f64;
    let kept = out.iter().filter(|&&v| v != 0.0).count() as f64 / n;
    let keep = 1.0 - rate as f64;
    let sigma = (keep * (1.0 - keep) / n).sqrt();
    assert!((kept - keep).abs() <= 3.0 * sigma, "kept {kept}, expected {keep} ± {}", 3.0 * sigma);
}

#[test]
fn summary_with_batchnorm_matches_keras() {
    let d = fixture("summary_regularization.json");
    let model = model_from_specs(&d["layers"], d["input_dim"].as_u64().unwrap() as usize);
    let text =
        std::fs::read_to_string(format!("{}/tests/fixtures/summary_regularization.txt", env!("CARGO_MANIFEST_DIR")))
            .unwrap();
    assert_eq!(model.summary(), text);
    assert_eq!(text, d["text"].as_str().unwrap());
    let names: Vec<&str> = model.layers().iter().map(|l| l.name()).collect();
    let want: Vec<&str> = d["layer_names"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(names, want);
    assert_eq!(model.count_params() as u64, d["total_params"].as_u64().unwrap());
}
