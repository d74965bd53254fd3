//! Finite-difference gradient checks for every activation, every loss, the fused output
//! gradients, Dense's input/kernel/bias gradients and a whole model.
//! The checker and its justified bound are in `common/gradcheck.rs`; the first tests here show
//! that bound rejects a gradient 1% off.

use kerust::layers::Layer;
use kerust::prelude::*;
use ndarray::{Array2, ArrayD};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[path = "common/gradcheck.rs"]
mod gradcheck;
use gradcheck::{KINK_MARGIN, check, check_model, probe, random};

/// `1 + 0.01 sin(v0) + v1²` evaluated in f32: a loss of size ~1 with an f32 loss's rounding.
/// At (0, 0) its gradient is exactly (0.01, 0).
fn f32_function(v: &[f32]) -> f64 {
    (1.0f32 + 0.01 * v[0].sin() + v[1] * v[1]) as f64
}

#[test]
fn the_checker_accepts_the_exact_gradient_of_an_f32_function() {
    check("exact", &mut [0.0, 0.0], &[0.01, 0.0], f32_function);
}

#[test]
fn the_checker_rejects_a_gradient_off_by_one_percent() {
    for wrong in [[0.0101, 0.0], [0.0099, 0.0], [0.01, 1e-4], [0.0, 0.0]] {
        let caught = std::panic::catch_unwind(|| check("wrong", &mut [0.0, 0.0], &wrong, f32_function));
        assert!(caught.is_err(), "accepted {wrong:?} for the gradient [0.01, 0]");
    }
}

#[test]
fn dense_gradients_for_every_activation() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for act in Activation::ALL {
        let mut layer =
            Dense::new(4).activation(act).bias_initializer(Initializer::RandomNormal { mean: 0.0, stddev: 0.5 });
        layer.build(3, &mut rng).unwrap();
        let w: Vec<ArrayD<f32>> = layer.weights().iter().map(|v| v.to_owned()).collect();
        let mut x = inputs_clear_of_kinks(&w, &mut rng);
        let r = random(5, 4, -1.0, 1.0, &mut rng);
        layer.forward(x.view(), true);
        let dx = layer.backward(r.view()).to_owned();
        let grads: Vec<Vec<f32>> = layer.params_mut().iter().map(|p| p.grad.to_vec()).collect();

        let xs = x.as_slice_mut().unwrap();
        let mut probe_layer = layer.clone();
        check(&format!("{act}: dx"), xs, dx.as_slice().unwrap(), |v| {
            let xv = Array2::from_shape_vec((5, 3), v.to_vec()).unwrap();
            probe(&mut probe_layer, &xv, &w, &r)
        });
        for (k, name) in ["kernel", "bias"].iter().enumerate() {
            let mut wk = w[k].as_slice().unwrap().to_vec();
            let shape = w[k].shape().to_vec();
            check(&format!("{act}: d{name}"), &mut wk, &grads[k], |v| {
                let mut ws = w.clone();
                ws[k] = ArrayD::from_shape_vec(shape.clone(), v.to_vec()).unwrap();
                probe(&mut probe_layer, &x, &ws, &r)
            });
        }
    }
}

/// A 5x3 input whose pre-activations `x · kernel + bias` all stay [`KINK_MARGIN`] clear of 0,
/// where ReLU, leaky ReLU, ELU and SELU change form.
fn inputs_clear_of_kinks(w: &[ArrayD<f32>], rng: &mut ChaCha8Rng) -> Array2<f32> {
    let kernel = w[0].view().into_dimensionality::<ndarray::Ix2>().unwrap();
    let bias = w[1].view().into_dimensionality::<ndarray::Ix1>().unwrap();
    loop {
        let x = random(5, 3, -2.0, 2.0, rng);
        if (x.dot(&kernel) + bias).iter().all(|z| z.abs() >= KINK_MARGIN) {
            return x;
        }
    }
}

fn all_losses() -> Vec<Loss> {
    vec![
        Loss::MeanSquaredError,
        Loss::MeanAbsoluteError,
        Loss::Huber { delta: 1.0 },
        Loss::Huber { delta: 0.3 },
        Loss::MeanAbsolutePercentageError,
        Loss::BinaryCrossentropy { from_logits: false },
        Loss::BinaryCrossentropy { from_logits: true },
        Loss::CategoricalCrossentropy { from_logits: false },
        Loss::CategoricalCrossentropy { from_logits: true },
        Loss::SparseCategoricalCrossentropy { from_logits: false },
        Loss::SparseCategoricalCrossentropy { from_logits: true },
    ]
}

/// y_true and y_pred inside each loss's domain, away from kinks.
fn loss_inputs(loss: Loss, rng: &mut ChaCha8Rng) -> (Array2<f32>, Array2<f32>) {
    let (n, k) = (6, 3);
    match loss {
        Loss::BinaryCrossentropy { from_logits } => {
            let y = Array2::from_shape_fn((n, k), |_| f32::from(rng.gen_bool(0.5)));
            // Probabilities in [0.2, 0.8]: -log p has a fifth derivative of 24 / p⁵, so the
            // stencil's truncation error (h⁴ f⁽⁵⁾ / 30) stays below a tenth of the bound.
            let p = if from_logits { random(n, k, -3.0, 3.0, rng) } else { random(n, k, 0.2, 0.8, rng) };
            (y, p)
        }
        Loss::CategoricalCrossentropy { from_logits } | Loss::SparseCategoricalCrossentropy { from_logits } => {
            let labels: Vec<usize> = (0..n).map(|_| rng.gen_range(0..k)).collect();
            let y = if matches!(loss, Loss::SparseCategoricalCrossentropy { .. }) {
                Array2::from_shape_fn((n, 1), |(i, _)| labels[i] as f32)
            } else {
                // Soft targets that do not sum to 1: the gradient's `softmax · sum(y) - y`
                // (and the chain through `p / sum(p)`) then differ from the one-hot shortcut.
                Array2::from_shape_fn((n, k), |(i, j)| if labels[i] == j { 0.9 } else { rng.gen_range(0.0..0.5) })
            };
            let p = if from_logits { random(n, k, -3.0, 3.0, rng) } else { random(n, k, 0.1, 1.0, rng) };
            (y, p)
        }
        _ => {
            let y = random(n, k, 0.5, 3.0, rng);
            // Offsets of at least 0.05 keep |y - p| clear of the kinks of |.| and of Huber.
            let off = Array2::from_shape_fn((n, k), |_| {
                let m = rng.gen_range(0.05f32..1.5);
                if rng.gen_bool(0.5) { m } else { -m }
            });
            (y.clone(), &y + &off)
        }
    }
}

#[test]
fn every_loss_gradient() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for loss in all_losses() {
        let (y, mut p) = loss_inputs(loss, &mut rng);
        let mut d = Array2::zeros(p.dim());
        loss.gradient(y.view(), p.view(), d.view_mut());
        let dim = p.dim();
        check(&format!("{loss:?}"), p.as_slice_mut().unwrap(), d.as_slice().unwrap(), |v| {
            let pv = Array2::from_shape_vec(dim, v.to_vec()).unwrap();
            loss.sum(y.view(), pv.view()) / dim.0 as f64
        });
    }
}

#[test]
fn fused_output_gradients() {
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let cases = [
        (Loss::BinaryCrossentropy { from_logits: false }, Activation::Sigmoid),
        (Loss::CategoricalCrossentropy { from_logits: false }, Activation::Softmax),
        (Loss::SparseCategoricalCrossentropy { from_logits: false }, Activation::Softmax),
    ];
    for (loss, act) in cases {
        assert!(loss.fuses_with(act));
        let (y, _) = loss_inputs(loss, &mut rng);
        let mut z = random(6, 3, -3.0, 3.0, &mut rng);
        let mut a = Array2::zeros(z.dim());
        act.forward(z.view(), a.view_mut());
        let mut dz = Array2::zeros(z.dim());
        loss.fused_gradient(y.view(), a.view(), dz.view_mut());
        check(&format!("fused {loss:?}"), z.as_slice_mut().unwrap(), dz.as_slice().unwrap(), |v| {
            let zv = Array2::from_shape_vec((6, 3), v.to_vec()).unwrap();
            let mut av = Array2::zeros(zv.dim());
            act.forward(zv.view(), av.view_mut());
            loss.sum(y.view(), av.view()) / 6.0
        });
    }
}

/// 8 rows of 4 features and their class labels (0, 1, 2).
fn labelled_rows() -> (Array2<f32>, Array2<f32>) {
    let x = random(8, 4, -1.0, 1.0, &mut ChaCha8Rng::seed_from_u64(13));
    (x, Array2::from_shape_fn((8, 1), |(i, _)| (i % 3) as f32))
}

#[test]
fn whole_model_gradients() {
    let (x, y) = labelled_rows();
    let make = || {
        let mut model = Sequential::new().seed(3);
        model.add(Dense::new(5).input_dim(4).activation(Activation::Tanh));
        model.add(Dense::new(4).activation(Activation::Elu));
        model.add(Dense::new(3).activation(Activation::Softmax));
        model.compile(Sgd::default(), Loss::SPARSE_CATEGORICAL_CROSSENTROPY, &[]).unwrap();
        model
    };
    check_model("dense stack", make, &x, &y, None);
}

/// Regression: a Dense(sigmoid) compiled as the output layer (fused with the cross-entropy)
/// kept its fused gradient after a layer was added behind it and the model compiled again.
#[test]
fn only_the_current_output_layer_is_fused() {
    let (x, classes) = labelled_rows();
    let y = classes.mapv(|c| f32::from(c == 1.0));
    let make = || {
        let mut model = Sequential::new().seed(4);
        model.add(Dense::new(4).input_dim(4).activation(Activation::Sigmoid));
        model.compile(Sgd::default(), Loss::BINARY_CROSSENTROPY, &[]).unwrap();
        model.add(Dense::new(1).activation(Activation::Sigmoid));
        model.compile(Sgd::default(), Loss::BINARY_CROSSENTROPY, &[]).unwrap();
        model
    };
    check_model("sigmoid hidden layer", make, &x, &y, None);
}
