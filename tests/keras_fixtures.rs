//! Replays every engine fixture of `tests/fixtures/` (made by Keras 3.15.1 / JAX, see its
//! README): forward passes, losses, gradients and whole training runs.

mod common;

use common::replay::{check_history, fit_config, metrics, optimizer};
use common::*;
use kerust::layers::Layer;
use kerust::prelude::*;
use ndarray::{Array1, Array2};
use rand::SeedableRng;
use serde_json::Value;

#[test]
fn dense_forward_matches_keras() {
    let d = fixture("dense_forward.json");
    let x = matrix(&d["input"]);
    let layers = d["layers"].as_array().unwrap();
    let mut h = x.clone();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
    for (i, l) in layers.iter().enumerate() {
        let units = l["units"].as_u64().unwrap() as usize;
        let act: Activation = l["activation"].as_str().unwrap().parse().unwrap();
        let w = [matrix(&l["kernel"]).into_dyn(), vector(&l["bias"]).into_dyn()];
        // Pre-activation: the same weights with a linear activation.
        let mut linear = Dense::new(units);
        linear.build(h.ncols(), &mut rng).unwrap();
        linear.set_weights(&w).unwrap();
        let z = linear.forward(h.view(), false).to_owned();
        assert_close_value(&format!("pre{i}"), &z, &matrix(&d["expected"]["pre_activation"][i]));
        let mut dense = Dense::new(units).activation(act);
        dense.build(h.ncols(), &mut rng).unwrap();
        dense.set_weights(&w).unwrap();
        h = dense.forward(h.view(), false).to_owned();
        assert_close_value(&format!("out{i}"), &h, &matrix(&d["expected"]["layer_outputs"][i]));
    }
    // The whole model through predict.
    let mut model = model_from(&d["layers"], x.ncols());
    model.compile(Sgd::default(), Loss::MeanSquaredError, &[]).unwrap();
    let out = model.predict(&x).unwrap();
    assert_close_value("predict", &out, &matrix(&d["expected"]["predict_output"]));
}

fn loss_case(name: &str, c: &Value) -> (Loss, Array2<f32>, Array2<f32>) {
    let settings = &c["settings"];
    let from_logits = settings["from_logits"].as_bool().unwrap_or(false);
    let loss = match name {
        n if n.starts_with("mse") => Loss::MeanSquaredError,
        "mae" => Loss::MeanAbsoluteError,
        "huber" => Loss::Huber { delta: settings["delta"].as_f64().unwrap() as f32 },
        n if n.starts_with("mean_absolute_percentage_error") => Loss::MeanAbsolutePercentageError,
        n if n.starts_with("binary_crossentropy") => Loss::BinaryCrossentropy { from_logits },
        n if n.starts_with("categorical_crossentropy") => Loss::CategoricalCrossentropy { from_logits },
        n if n.starts_with("sparse_categorical_crossentropy") => Loss::SparseCategoricalCrossentropy { from_logits },
        other => panic!("unknown loss case {other}"),
    };
    let y_pred = matrix(&c["inputs"]["y_pred"]);
    let yt = &c["inputs"]["y_true"];
    // A 1-D y_true (sparse labels, or the rank-mismatch case) is one value per row.
    let y_true = if yt[0].is_array() { matrix(yt) } else { column(yt) };
    (loss, y_true, y_pred)
}

#[test]
fn every_loss_matches_keras() {
    let d = fixture("losses.json");
    let cases = d["cases"].as_object().unwrap();
    assert_eq!(cases.len(), 14);
    for (name, c) in cases {
        let (loss, y_true, y_pred) = loss_case(name, c);
        assert_eq!(y_true.nrows(), y_pred.nrows(), "{name}: rows");
        let per: Vec<f32> = y_true.rows().into_iter().zip(y_pred.rows()).map(|(t, p)| loss.per_sample(t, p)).collect();
        assert_close_value(&format!("{name}.per_sample"), &per, &f32s(&c["per_sample"]));
        let reduced = match c["inputs"].get("sample_weight") {
            Some(w) => loss.compute_weighted(y_true.view(), y_pred.view(), Array1::from(f32s(w)).view()),
            None => loss.compute(y_true.view(), y_pred.view()),
        };
        let expected = c["sum_over_batch_size"].as_f64().unwrap() as f32;
        assert_close_value(&format!("{name}.reduced"), &[reduced], &[expected]);
    }
}

#[test]
fn gradients_match_keras() {
    let d = fixture("gradients.json");
    let x = matrix(&d["input"]);
    let y = matrix(&d["y_true"]);
    let mut model = model_from(&d["layers"], x.ncols());
    model.compile(Sgd::default(), Loss::MeanSquaredError, &[]).unwrap();
    let (loss, grads) = model.gradients(&x, &y).unwrap();
    assert_eq!(grads.len(), 2 * d["expected"]["gradients"].as_array().unwrap().len(), "gradient count");
    assert_close_value("loss", &[loss], &[d["expected"]["loss"].as_f64().unwrap() as f32]);
    for (i, g) in d["expected"]["gradients"].as_array().unwrap().iter().enumerate() {
        assert_close_value(&format!("kernel_grad{i}"), &grads[2 * i], &matrix(&g["kernel_grad"]));
        assert_close_value(&format!("bias_grad{i}"), &grads[2 * i + 1], &vector(&g["bias_grad"]));
    }
}

fn replay_training(name: &str) {
    let d = fixture(name);
    let s = &d["settings"];
    let x = matrix(&d["data"]["x"]);
    let loss: Loss = s["loss"].as_str().unwrap().parse().unwrap();
    let y = if d["data"]["y"][0].is_array() { matrix(&d["data"]["y"]) } else { column(&d["data"]["y"]) };
    let mut model = model_from(&d["initial_weights"], x.ncols());
    model.compile(optimizer(&s["optimizer"]), loss, &metrics(s)).unwrap();
    let history = model.fit(&x, &y, fit_config(s)).unwrap();
    check_history(name, &history, &d["expected"]["history"]);
    let want = weights(&d["expected"]["final_weights"]);
    assert_eq!(model.get_weights().len(), want.len(), "{name}: weight count");
    for (i, (g, e)) in model.get_weights().iter().zip(&want).enumerate() {
        assert_eq!(g.shape(), e.shape());
        assert_close_train(&format!("{name}:final_weights[{i}]"), g, e);
    }
}

#[test]
fn train_sgd_matches_keras() {
    replay_training("train_sgd.json");
}

#[test]
fn train_adam_matches_keras() {
    replay_training("train_adam.json");
}

#[test]
fn train_rmsprop_matches_keras() {
    replay_training("train_rmsprop.json");
}

#[test]
fn train_validation_split_matches_keras() {
    replay_training("train_validation_split.json");
}

#[test]
fn train_partial_batch_matches_keras() {
    replay_training("train_partial_batch.json");
}

#[test]
fn train_classification_matches_keras() {
    replay_training("train_classification.json");
}
