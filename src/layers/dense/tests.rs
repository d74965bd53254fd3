//! The fast Dense (`fast.rs`) against the reference in plain loops (`reference.rs`) on every
//! path: each activation, with and without bias, the fused output gradient, the activity
//! and weight penalties, at batch sizes 1, 7, 32 and 256.
//!
//! Why the comparison is exact, or how far apart the two may be. Inputs, weights and `dout`
//! are multiples of 1/16 in [-1/2, 1/2], so every product is a multiple of 1/256 and every
//! partial sum of at most a few thousand of them is exact in f32, whatever the order of the
//! additions (the gemm kernels block and use FMA; the reference adds left to right). Hence
//! the forward pass (`z`, then the same activation function on the same `z`) and the whole
//! backward pass of the linear, ReLU and fused paths, whose `dz` is `dout` or `dout` masked,
//! are bit-identical. Elsewhere `dz` (an activation's derivative, a penalty's gradient) is
//! not a short binary fraction, and the products `dz · x`, `dz · kernel` round: a sum of n
//! terms computed in any order lies within γ_n Σ|t| of the exact sum, γ_n = n·u / (1 - n·u),
//! u = 2⁻²⁴ (Higham, *Accuracy and Stability of Numerical Algorithms*, §3.1; FMA only
//! tightens it), so two orders differ by at most 2 γ_n Σ|t|. A weight penalty's gradient,
//! added to that sum, rounds once more on each side: 2u of the result.

use ndarray::{Array1, Array2, ArrayView2};
use rand::SeedableRng;

use super::reference::{DenseGradients, dense_backward, dense_dz, dense_forward};
use super::{Dense, DenseConfig};
use crate::activations::Activation;
use crate::layers::{Layer, ModelHooks};
use crate::losses::Loss;
use crate::regularizers::Regularizer;

const U: f64 = f32::EPSILON as f64 / 2.0;

/// A (rows, cols) matrix of multiples of 1/16 in [-1/2, 1/2], varied by `salt`.
fn dyadic(rows: usize, cols: usize, salt: usize) -> Array2<f32> {
    Array2::from_shape_fn((rows, cols), |(i, j)| ((i * 7 + j * 13 + salt * 5) % 17) as f32 / 16.0 - 0.5)
}

#[derive(Debug, Clone, Copy)]
struct Case {
    activation: Activation,
    use_bias: bool,
    /// The output layer of a model whose loss fuses with the activation.
    fused: bool,
    /// Kernel, bias and activity regularizers.
    regularized: bool,
    batch: usize,
    inputs: usize,
    units: usize,
}

impl Case {
    fn new(activation: Activation, use_bias: bool, batch: usize) -> Self {
        Case { activation, use_bias, fused: false, regularized: false, batch, inputs: 13, units: 8 }
    }

    /// Whether `dz` is `dout` or `dout` masked, so that the backward pass is exact too.
    fn exact(&self) -> bool {
        !self.regularized && (self.fused || matches!(self.activation, Activation::Linear | Activation::Relu))
    }
}

/// The fast layer's output and gradients (dx, dkernel, dbias), as the model computes them.
fn fast(case: Case) -> (Array2<f32>, Array2<f32>, Array2<f32>, Array1<f32>, DenseConfig) {
    let mut layer = Dense::new(case.units).activation(case.activation).use_bias(case.use_bias);
    if case.regularized {
        layer = layer
            .kernel_regularizer(Regularizer::l2(0.01))
            .bias_regularizer(Regularizer::l1(0.01))
            .activity_regularizer(Regularizer::l1_l2(0.01, 0.001));
    }
    layer.build(case.inputs, &mut rand_chacha::ChaCha8Rng::seed_from_u64(0)).unwrap();
    let mut weights = vec![dyadic(case.inputs, case.units, 1).into_dyn()];
    if case.use_bias {
        weights.push(dyadic(1, case.units, 2).row(0).to_owned().into_dyn());
    }
    layer.set_weights(&weights).unwrap();
    if case.fused {
        let loss = if case.activation == Activation::Softmax {
            Loss::CATEGORICAL_CROSSENTROPY
        } else {
            Loss::BINARY_CROSSENTROPY
        };
        assert!(layer.fuse_output_activation(Some(&loss)), "{case:?} fuses");
    }
    let (x, dout) = (dyadic(case.batch, case.inputs, 3), dyadic(case.batch, case.units, 4));
    let a = layer.forward(x.view(), true).to_owned();
    let dx = layer.backward(dout.view()).to_owned();
    // What the model adds after `backward` (model/regularization.rs).
    let regs = layer.weight_regularizers();
    for (p, r) in layer.params_mut().into_iter().zip(regs) {
        if let Some(r) = r {
            r.add_gradient(p.value, p.grad, 1.0);
        }
    }
    let grads: Vec<Vec<f32>> = layer.params_mut().iter().map(|p| p.grad.to_vec()).collect();
    let dkernel = Array2::from_shape_vec((case.inputs, case.units), grads[0].clone()).unwrap();
    let dbias = Array1::from(grads.get(1).cloned().unwrap_or_default());
    (a, dx, dkernel, dbias, layer.config)
}

/// Asserts `fast == reference` element by element, or within `bound(index)`.
fn assert_within(what: &str, case: Case, fast: &[f32], reference: &[f32], bound: impl Fn(usize) -> f64) {
    assert_eq!(fast.len(), reference.len(), "{what} {case:?}");
    for (k, (&f, &r)) in fast.iter().zip(reference).enumerate() {
        let allowed = if case.exact() { 0.0 } else { bound(k) };
        assert!(
            (f as f64 - r as f64).abs() <= allowed,
            "{what}[{k}] {case:?}: fast {f}, reference {r}, bound {allowed}"
        );
    }
}

/// 2 γ_n Σ|t|, plus 2u |value| when a penalty's gradient was added after the sum.
fn sum_bound(n: usize, abs_sum: f64, value: f32, penalty: bool) -> f64 {
    let gamma = n as f64 * U / (1.0 - n as f64 * U);
    2.0 * gamma * abs_sum + if penalty { 2.0 * U * value.abs() as f64 } else { 0.0 }
}

fn check(case: Case) {
    let (a, dx, dkernel, dbias, config) = fast(case);
    let x = dyadic(case.batch, case.inputs, 3);
    let kernel = dyadic(case.inputs, case.units, 1);
    let bias = if case.use_bias { dyadic(1, case.units, 2).row(0).to_owned() } else { Array1::zeros(0) };
    let forward = dense_forward(x.view(), kernel.view(), bias.view(), &config);
    assert!(a == forward.a, "forward {case:?}: the fast output differs from the reference");
    let backward_config =
        DenseConfig { activation: if case.fused { Activation::Linear } else { config.activation }, ..config.clone() };
    let dout = dyadic(case.batch, case.units, 4);
    let r: DenseGradients =
        dense_backward(dout.view(), &forward, x.view(), kernel.view(), bias.view(), &backward_config);
    let abs = |m: ArrayView2<f32>| m.mapv(|v| v.abs() as f64);
    let dz = dense_dz(dout.view(), &forward, &backward_config);
    let (dz, xa, ka) = (abs(dz.view()), abs(x.view()), abs(kernel.view()));
    // dx[b][i] = Σ_o dz[b][o] kernel[i][o]
    let dx_terms = dz.dot(&ka.t());
    assert_within("dx", case, dx.as_slice().unwrap(), r.dx.as_slice().unwrap(), |k| {
        sum_bound(case.units, dx_terms.as_slice().unwrap()[k], r.dx.as_slice().unwrap()[k], false)
    });
    // dkernel[i][o] = Σ_b x[b][i] dz[b][o] (+ the kernel penalty's gradient)
    let dk_terms = xa.t().dot(&dz);
    let dk_terms = dk_terms.as_standard_layout();
    assert_within("dkernel", case, dkernel.as_slice().unwrap(), r.dkernel.as_slice().unwrap(), |k| {
        sum_bound(case.batch, dk_terms.as_slice().unwrap()[k], r.dkernel.as_slice().unwrap()[k], case.regularized)
    });
    // dbias[o] = Σ_b dz[b][o] (+ the bias penalty's gradient)
    let db_terms = dz.sum_axis(ndarray::Axis(0));
    assert_within("dbias", case, dbias.as_slice().unwrap(), r.dbias.as_slice().unwrap(), |k| {
        sum_bound(case.batch, db_terms[k], r.dbias[k], case.regularized)
    });
}

const BATCHES: [usize; 4] = [1, 7, 32, 256];

#[test]
fn every_activation_with_and_without_bias_matches_the_reference() {
    for activation in Activation::ALL {
        for use_bias in [true, false] {
            for batch in BATCHES {
                check(Case::new(activation, use_bias, batch));
            }
            // The width of the larger benchmark's hidden layers.
            check(Case { inputs: 32, units: 256, ..Case::new(activation, use_bias, 256) });
        }
    }
}

#[test]
fn fused_output_gradients_match_the_reference() {
    for (activation, units) in [(Activation::Sigmoid, 1), (Activation::Sigmoid, 4), (Activation::Softmax, 5)] {
        for use_bias in [true, false] {
            for batch in BATCHES {
                check(Case { fused: true, units, ..Case::new(activation, use_bias, batch) });
            }
        }
    }
}

#[test]
fn regularized_layers_match_the_reference() {
    for activation in [Activation::Linear, Activation::Relu, Activation::Tanh, Activation::Sigmoid] {
        for use_bias in [true, false] {
            for batch in BATCHES {
                check(Case { regularized: true, ..Case::new(activation, use_bias, batch) });
            }
        }
    }
}

#[test]
fn an_activity_regularizer_turns_fusion_off() {
    let mut layer = Dense::new(3).activation(Activation::Softmax).activity_regularizer(Regularizer::l2(0.1));
    assert!(!layer.fuse_output_activation(Some(&Loss::CATEGORICAL_CROSSENTROPY)));
    assert!(!Dense::new(3).activation(Activation::Softmax).fuse_output_activation(None));
}
