//! Finite-difference gradient checks for BatchNormalization (input, gamma, beta, training
//! mode), for every regularizer (L1, L2, L1L2 as kernel, bias and activity penalties), and
//! for sample-weighted losses. The checker and its bound are in `common/gradcheck.rs`.

use kerust::layers::Layer;
use kerust::prelude::*;
use ndarray::{Array1, Array2, ArrayD};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[path = "common/gradcheck.rs"]
mod gradcheck;
use gradcheck::{check, check_model, clear_of_zero, probe, random};

#[test]
fn batch_norm_gradients_in_training_mode() {
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    for (rows, features) in [(6, 4), (2, 3), (17, 5)] {
        let mut layer = BatchNormalization::new();
        layer.build(features, &mut rng).unwrap();
        let gamma = Array1::from_shape_fn(features, |_| rng.gen_range(0.5f32..1.5)).into_dyn();
        let beta = Array1::from_shape_fn(features, |_| rng.gen_range(-0.5f32..0.5)).into_dyn();
        let moving = layer.weights()[2..].iter().map(|v| v.to_owned()).collect::<Vec<_>>();
        let w = vec![gamma, beta, moving[0].clone(), moving[1].clone()];
        layer.set_weights(&w).unwrap();
        let mut x = random(rows, features, -2.0, 3.0, &mut rng);
        let r = random(rows, features, -1.0, 1.0, &mut rng);
        layer.forward(x.view(), true);
        let dx = layer.backward(r.view()).to_owned();
        let grads: Vec<Vec<f32>> = layer.params_mut().iter().map(|p| p.grad.to_vec()).collect();

        let mut probe_layer = layer.clone();
        let xs = x.as_slice_mut().unwrap();
        check(&format!("bn {rows}x{features}: dx"), xs, dx.as_slice().unwrap(), |v| {
            let xv = Array2::from_shape_vec((rows, features), v.to_vec()).unwrap();
            probe(&mut probe_layer, &xv, &w, &r)
        });
        for (k, name) in ["gamma", "beta"].iter().enumerate() {
            let mut wk = w[k].as_slice().unwrap().to_vec();
            check(&format!("bn {rows}x{features}: d{name}"), &mut wk, &grads[k], |v| {
                let mut ws = w.clone();
                ws[k] = ArrayD::from_shape_vec(vec![features], v.to_vec()).unwrap();
                probe(&mut probe_layer, &x, &ws, &r)
            });
        }
    }
}

/// A model whose loss includes every kind of penalty, and a BatchNormalization layer.
/// The activity-regularized layers have positive outputs (sigmoid, softplus), where an L1
/// activity penalty `|a|` is smooth, and every weight is kept clear of the L1 kink at 0.
fn regularized_model(l1: Regularizer, l2: Regularizer, both: Regularizer, loss: Loss) -> Sequential {
    let bias = Initializer::RandomNormal { mean: 0.0, stddev: 0.5 };
    let mut m = Sequential::new().seed(5);
    m.add(
        Dense::new(5)
            .input_dim(4)
            .activation(Activation::Sigmoid)
            .bias_initializer(bias)
            .kernel_regularizer(l1)
            .bias_regularizer(both)
            .activity_regularizer(l2),
    );
    m.add(BatchNormalization::new());
    m.add(
        Dense::new(3)
            .activation(Activation::Softplus)
            .bias_initializer(bias)
            .kernel_regularizer(l2)
            .bias_regularizer(l1)
            .activity_regularizer(l1),
    );
    m.add(
        Dense::new(1)
            .activation(Activation::Sigmoid)
            .bias_initializer(bias)
            .kernel_regularizer(both)
            .activity_regularizer(both),
    );
    m.compile(Sgd::default(), loss, &[]).unwrap();
    let mut weights = m.get_weights();
    weights.iter_mut().for_each(|w| clear_of_zero(w.as_slice_mut().unwrap()));
    m.set_weights(&weights).unwrap();
    m
}

#[test]
fn every_regularizer_gradient() {
    let mut rng = ChaCha8Rng::seed_from_u64(22);
    let x = random(7, 4, -1.0, 1.0, &mut rng);
    let y = Array2::from_shape_fn((7, 1), |(i, _)| (i % 2) as f32);
    // Factors that make each penalty's gradient ~10% or more of the data loss's: a wrong
    // factor (a missing 2, a ½, a missing 1/batch) is far outside the relative bound, while
    // the loss stays ~1, whose f32 rounding is the checker's noise floor.
    let l1 = Regularizer::l1(0.05);
    let l2 = Regularizer::l2(0.06);
    let both = Regularizer::l1_l2(0.03, 0.04);
    check_model("penalties", || regularized_model(l1, l2, both, Loss::BINARY_CROSSENTROPY), &x, &y, None);
    check_model("mse", || regularized_model(both, l1, l2, Loss::MeanSquaredError), &x, &y, None);
}

#[test]
fn sample_weighted_loss_gradient() {
    let mut rng = ChaCha8Rng::seed_from_u64(23);
    let x = random(7, 4, -1.0, 1.0, &mut rng);
    let y = Array2::from_shape_fn((7, 1), |(i, _)| (i % 2) as f32);
    let w = Array1::from(vec![0.0, 1.0, 2.5, 0.5, 1.0, 3.0, 0.2]);
    let none = Regularizer::l2(0.0);
    check_model("weighted", || regularized_model(none, none, none, Loss::BINARY_CROSSENTROPY), &x, &y, Some(&w));
}
