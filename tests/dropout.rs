//! Dropout's statistics (Keras's masks come from JAX's PRNG and cannot be matched bit for
//! bit): the keep rate is within 3σ of `1 - rate`, kept values are scaled by `1/(1 - rate)`
//! so the expectation is preserved, backward uses the forward's mask, inference is the
//! identity, and masks are deterministic for a seed.

use kerust::layers::Layer;
use kerust::prelude::*;
use ndarray::Array2;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn built(rate: f32, width: usize) -> Dropout {
    let mut d = Dropout::new(rate).seed(17);
    d.build(width, &mut ChaCha8Rng::seed_from_u64(0)).unwrap();
    d
}

#[test]
fn keep_rate_and_expectation_within_three_sigma() {
    let (rows, cols) = (400, 50);
    let x = Array2::from_shape_fn((rows, cols), |(i, j)| 1.0 + ((i * 31 + j * 7) % 17) as f32 / 17.0);
    let n = x.len() as f64;
    for rate in [0.1f32, 0.3, 0.5, 0.8] {
        let mut d = built(rate, cols);
        let out = d.forward(x.view(), true).to_owned();
        let keep = 1.0 - rate as f64;
        let kept = out.iter().filter(|&&v| v != 0.0).count() as f64 / n;
        let sigma = (keep * (1.0 - keep) / n).sqrt();
        assert!((kept - keep).abs() <= 3.0 * sigma, "rate {rate}: kept {kept}, expected {keep} ± {}", 3.0 * sigma);
        // Each kept value is x / keep.
        assert_eq!(out.dim(), x.dim());
        for (&o, &v) in out.iter().zip(x.iter()) {
            assert!(o == 0.0 || (o - v / keep as f32).abs() <= 1e-6 * o.abs(), "rate {rate}: {o} from {v}");
        }
        // E[out] = E[x]: the sum of out has variance Σ x² (1 - keep) / keep.
        let (sum_out, sum_x) = (out.sum() as f64, x.sum() as f64);
        let sd = (x.iter().map(|&v| (v as f64).powi(2)).sum::<f64>() * (1.0 - keep) / keep).sqrt();
        assert!((sum_out - sum_x).abs() <= 3.0 * sd, "rate {rate}: sum {sum_out} vs {sum_x} ± {}", 3.0 * sd);
    }
}

#[test]
fn backward_uses_the_forward_mask() {
    let mut d = built(0.5, 6);
    let x = Array2::from_elem((5, 6), 2.0f32);
    let out = d.forward(x.view(), true).to_owned();
    let dout = Array2::from_elem((5, 6), 1.0f32);
    let dx = d.backward(dout.view()).to_owned();
    assert_eq!(dx.dim(), out.dim());
    for (&o, &g) in out.iter().zip(dx.iter()) {
        assert_eq!(g, o / 2.0, "dx = dout · mask / keep");
    }
}

#[test]
fn identity_at_inference_and_with_rate_zero() {
    let x = Array2::from_shape_fn((4, 3), |(i, j)| (i * 3 + j) as f32 - 5.0);
    assert_eq!(built(0.7, 3).forward(x.view(), false), x.view());
    assert_eq!(built(0.0, 3).forward(x.view(), true), x.view());
}

#[test]
fn masks_are_deterministic_for_a_seed() {
    let x = Array2::from_elem((20, 10), 1.0f32);
    let a = built(0.5, 10).forward(x.view(), true).to_owned();
    let b = built(0.5, 10).forward(x.view(), true).to_owned();
    assert_eq!(a, b);
    let mut other = Dropout::new(0.5).seed(18);
    other.build(10, &mut ChaCha8Rng::seed_from_u64(0)).unwrap();
    assert_ne!(other.forward(x.view(), true).to_owned(), a);
}

fn model(seed: u64) -> Sequential {
    let mut m = Sequential::new().seed(seed);
    m.add(Dense::new(16).input_dim(4).activation(Activation::Relu));
    m.add(Dropout::new(0.5));
    m.add(Dense::new(8).activation(Activation::Relu));
    m.add(Dropout::new(0.2));
    m.add(Dense::new(1));
    m.compile(Adam::new(0.01), Loss::MeanSquaredError, &[]).unwrap();
    m
}

#[test]
fn training_with_dropout_is_reproducible_from_the_model_seed() {
    let x = Array2::from_shape_fn((64, 4), |(i, j)| ((i * 5 + j * 11) % 9) as f32 / 9.0);
    let y = Array2::from_shape_fn((64, 1), |(i, _)| x.row(i).sum());
    let config = || FitConfig { epochs: 3, batch_size: 16, verbose: 0, ..Default::default() };
    let (mut a, mut b, mut c) = (model(7), model(7), model(8));
    let ha = a.fit(&x, &y, config()).unwrap();
    let hb = b.fit(&x, &y, config()).unwrap();
    let hc = c.fit(&x, &y, config()).unwrap();
    assert_eq!(ha, hb, "same seed, same History");
    assert_eq!(a.get_weights(), b.get_weights(), "same seed, same weights");
    assert_ne!(ha.get("loss"), hc.get("loss"), "another seed, other masks");
    // Dropout draws nothing at build time: the initial weights match a model without it.
    let mut plain = Sequential::new().seed(7);
    plain.add(Dense::new(16).input_dim(4).activation(Activation::Relu));
    plain.add(Dense::new(8).activation(Activation::Relu));
    plain.add(Dense::new(1));
    plain.build().unwrap();
    assert_eq!(plain.get_weights(), model(7).get_weights());
}

#[test]
fn rate_outside_zero_one_is_an_error() {
    for rate in [1.0f32, -0.1, 1.5, f32::NAN] {
        let mut m = Sequential::new();
        m.add(Dense::new(2).input_dim(2));
        m.add(Dropout::new(rate));
        let err = m.compile(Sgd::default(), Loss::MeanSquaredError, &[]).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { name: "rate", .. }), "{rate}: {err}");
        assert!(err.to_string().contains("must be in [0, 1)"), "{err}");
    }
}
