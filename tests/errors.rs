//! Every bad input of the engine returns its `Error` variant, with a message naming the
//! argument and the value received — never a panic.

use kerust::prelude::*;
use ndarray::{Array2, ArrayD};

fn data(rows: usize) -> (Array2<f32>, Array2<f32>) {
    let x = Array2::from_shape_fn((rows, 3), |(i, j)| (i + j) as f32 / 10.0);
    let y = Array2::from_shape_fn((rows, 1), |(i, _)| i as f32);
    (x, y)
}

fn compiled() -> Sequential {
    let mut model = Sequential::new().seed(1);
    model.add(Dense::new(4).input_dim(3).activation(Activation::Relu));
    model.add(Dense::new(1));
    model.compile(Adam::new(0.01), Loss::MeanSquaredError, &[]).unwrap();
    model
}

fn quiet() -> FitConfig {
    FitConfig { verbose: 0, ..Default::default() }
}

#[test]
fn compile_without_layers() {
    let mut model = Sequential::new();
    let err = model.compile(Adam::default(), Loss::MeanSquaredError, &[]).unwrap_err();
    assert!(matches!(err, Error::NotBuilt { .. }), "{err}");
    assert!(err.to_string().contains("no layers"), "{err}");
}

#[test]
fn compile_without_input_dim() {
    let mut model = Sequential::new();
    model.add(Dense::new(4));
    let err = model.compile(Adam::default(), Loss::MeanSquaredError, &[]).unwrap_err();
    assert!(matches!(err, Error::NotBuilt { .. }), "{err}");
    assert!(err.to_string().contains("input_dim"), "{err}");
}

#[test]
fn fit_before_compile() {
    let (x, y) = data(8);
    let mut model = Sequential::new();
    model.add(Dense::new(1).input_dim(3));
    let err = model.fit(&x, &y, quiet()).unwrap_err();
    assert!(matches!(err, Error::NotCompiled { operation: "fit" }), "{err}");
    assert!(err.to_string().contains("compile"), "{err}");
}

#[test]
fn predict_before_compile() {
    let (x, _) = data(8);
    let mut model = Sequential::new();
    model.add(Dense::new(1).input_dim(3));
    let err = model.predict(&x).unwrap_err();
    assert!(matches!(err, Error::NotCompiled { operation: "predict" }), "{err}");
}

#[test]
fn row_mismatch() {
    let (x, _) = data(8);
    let (_, y) = data(7);
    let err = compiled().fit(&x, &y, quiet()).unwrap_err();
    assert!(matches!(err, Error::RowMismatch { x_rows: 8, y_rows: 7, .. }), "{err}");
    assert!(err.to_string().contains("8 rows") && err.to_string().contains("7"), "{err}");
}

#[test]
fn y_width_does_not_match_output_layer() {
    let (x, _) = data(8);
    let y = Array2::zeros((8, 2));
    let err = compiled().fit(&x, &y, quiet()).unwrap_err();
    assert!(matches!(err, Error::ColumnMismatch { expected: 1, got: 2, .. }), "{err}");
    assert!(err.to_string().contains("y has 2 columns"), "{err}");
}

#[test]
fn x_width_does_not_match_input_dim() {
    let x = Array2::zeros((8, 5));
    let (_, y) = data(8);
    let err = compiled().fit(&x, &y, quiet()).unwrap_err();
    assert!(matches!(err, Error::ColumnMismatch { expected: 3, got: 5, .. }), "{err}");
    let err = compiled().predict(&x).unwrap_err();
    assert!(matches!(err, Error::ColumnMismatch { expected: 3, got: 5, .. }), "{err}");
}

#[test]
fn nan_in_x() {
    let (mut x, y) = data(8);
    x[[2, 1]] = f32::NAN;
    let err = compiled().fit(&x, &y, quiet()).unwrap_err();
    assert!(matches!(err, Error::NonFinite { row: 2, col: 1, .. }), "{err}");
    assert!(err.to_string().contains("NaN") && err.to_string().contains("row 2"), "{err}");
}

#[test]
fn inf_in_y() {
    let (x, mut y) = data(8);
    y[[5, 0]] = f32::INFINITY;
    let err = compiled().fit(&x, &y, quiet()).unwrap_err();
    assert!(matches!(err, Error::NonFinite { row: 5, col: 0, .. }), "{err}");
    assert!(err.to_string().contains("inf") && err.to_string().contains("y"), "{err}");
}

#[test]
fn epochs_zero() {
    let (x, y) = data(8);
    let err = compiled().fit(&x, &y, FitConfig { epochs: 0, ..quiet() }).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { name: "epochs", .. }), "{err}");
    assert!(err.to_string().contains("Received: epochs=0"), "{err}");
}

#[test]
fn batch_size_zero() {
    let (x, y) = data(8);
    let err = compiled().fit(&x, &y, FitConfig { batch_size: 0, ..quiet() }).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { name: "batch_size", .. }), "{err}");
    assert!(err.to_string().contains("Received: batch_size=0"), "{err}");
}

#[test]
fn validation_split_out_of_range() {
    let (x, y) = data(8);
    for bad in [1.5, 1.0, -0.1, f64::NAN] {
        let err = compiled().fit(&x, &y, FitConfig { validation_split: bad, ..quiet() }).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { name: "validation_split", .. }), "{err}");
        assert!(err.to_string().contains(&format!("Received: validation_split={bad}")), "{err}");
    }
}

#[test]
fn validation_split_leaving_an_empty_side() {
    // One row and half of it for validation: floor(1 * 0.5) = 0 training rows.
    let (x, y) = data(1);
    let err = compiled().fit(&x, &y, FitConfig { validation_split: 0.5, ..quiet() }).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { name: "validation_split", .. }), "{err}");
    assert!(err.to_string().contains("0 training and 1 validation"), "{err}");
    // A split so small that no row validates.
    let (x, y) = data(10);
    let err = compiled().fit(&x, &y, FitConfig { validation_split: 1e-17, ..quiet() }).unwrap_err();
    assert!(err.to_string().contains("10 training and 0 validation"), "{err}");
}

#[test]
fn set_weights_wrong_count() {
    let mut model = compiled();
    let mut w = model.get_weights();
    w.pop();
    let err = model.set_weights(&w).unwrap_err();
    assert!(matches!(err, Error::WeightCount { expected: 4, got: 3 }), "{err}");
}

#[test]
fn set_weights_wrong_shape() {
    let mut model = compiled();
    let mut w = model.get_weights();
    w[2] = ArrayD::zeros(vec![3, 1]);
    let err = model.set_weights(&w).unwrap_err();
    assert!(matches!(err, Error::WeightShape { index: 2, .. }), "{err}");
    assert!(err.to_string().contains("dense_1/kernel") && err.to_string().contains("[3, 1]"), "{err}");
}

#[test]
fn bad_names_and_hyper_parameters() {
    assert!(matches!("relux".parse::<Activation>(), Err(Error::UnknownName { kind: "activation", .. })));
    assert!(matches!("msee".parse::<Loss>(), Err(Error::UnknownName { kind: "loss", .. })));
    assert!(matches!("adamw".parse::<OptimizerConfig>(), Err(Error::UnknownName { kind: "optimizer", .. })));
    let mut model = Sequential::new();
    model.add(Dense::new(1).input_dim(3));
    let err = model.compile(Adam::new(-1.0), Loss::MeanSquaredError, &[]).unwrap_err();
    assert!(err.to_string().contains("Received: learning_rate=-1"), "{err}");
    let err = model.compile(Sgd::new(0.1).momentum(2.0), Loss::MeanSquaredError, &[]).unwrap_err();
    assert!(err.to_string().contains("momentum=2"), "{err}");
}

#[test]
fn sparse_labels_out_of_range() {
    let (x, _) = data(4);
    let y = Array2::from_shape_vec((4, 1), vec![0.0, 1.0, 3.0, 0.5]).unwrap();
    let mut model = Sequential::new();
    model.add(Dense::new(3).input_dim(3).activation(Activation::Softmax));
    model.compile(Adam::default(), Loss::SPARSE_CATEGORICAL_CROSSENTROPY, &[]).unwrap();
    let err = model.fit(&x, &y, quiet()).unwrap_err();
    assert!(matches!(err, Error::InvalidTarget { .. }), "{err}");
    assert!(err.to_string().contains("label 3"), "{err}");
}

#[test]
fn zero_units_and_empty_x() {
    let mut model = Sequential::new();
    model.add(Dense::new(0).input_dim(3));
    let err = model.compile(Adam::default(), Loss::MeanSquaredError, &[]).unwrap_err();
    assert!(err.to_string().contains("units=0"), "{err}");
    let x = Array2::zeros((0, 3));
    let y = Array2::zeros((0, 1));
    let err = compiled().fit(&x, &y, quiet()).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { name: "x", .. }), "{err}");
}
