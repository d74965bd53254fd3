//! Flush-to-zero is confined to training: `fit` sets it for its loop and restores the
//! caller's floating-point state afterwards (the Keras fixtures run under it and still pass).

use kerust::kernels::FlushDenormals;
use kerust::prelude::*;
use ndarray::Array2;

#[test]
fn fit_leaves_the_callers_float_state_as_it_was() {
    let x = Array2::from_shape_fn((64, 3), |(i, j)| ((i + j) % 5) as f32);
    let y = Array2::from_shape_fn((64, 1), |(i, _)| (i % 3) as f32);
    for threads in [1, 2] {
        let mut model = Sequential::new().seed(3);
        model.add(Dense::new(8).input_dim(3).activation(Activation::Relu));
        model.add(Dense::new(1));
        model.compile(Adam::new(0.01), Loss::MeanSquaredError, &[]).unwrap();
        assert!(!FlushDenormals::is_enabled() || cfg!(not(target_arch = "x86_64")));
        model.fit(&x, &y, FitConfig { epochs: 2, verbose: 0, threads: Some(threads), ..Default::default() }).unwrap();
        assert!(!FlushDenormals::is_enabled(), "fit left FTZ/DAZ set (threads = {threads})");
        let tiny = std::hint::black_box(f32::MIN_POSITIVE);
        assert!((tiny / 2.0).is_subnormal(), "subnormals must work again after fit");
    }
}

#[test]
fn zero_threads_is_an_error() {
    let x = Array2::zeros((4, 1));
    let mut model = Sequential::new().seed(3);
    model.add(Dense::new(1).input_dim(1));
    model.compile(Adam::new(0.01), Loss::MeanSquaredError, &[]).unwrap();
    let err = model.fit(&x, &x, FitConfig { threads: Some(0), verbose: 0, ..Default::default() }).unwrap_err();
    assert!(err.to_string().contains("threads"), "{err}");
}
