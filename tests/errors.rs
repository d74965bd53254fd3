//! Every bad input of the engine returns its `Error` variant, with a message naming the
//! argument and the value received — never a panic.

use kerust::callbacks::TrainContext;
use kerust::layers::Layer;
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
fn compile_without_layers_or_input_dim() {
    let mut model = Sequential::new();
    for (layer, says) in [(None, "no layers"), (Some(Dense::new(4)), "input_dim")] {
        if let Some(layer) = layer {
            model.add(layer);
        }
        let err = model.compile(Adam::default(), Loss::MeanSquaredError, &[]).unwrap_err();
        assert!(matches!(err, Error::NotBuilt { .. }), "{err}");
        assert!(err.to_string().contains(says), "{err}");
    }
}

#[test]
fn fit_and_predict_before_compile() {
    let (x, y) = data(8);
    let mut model = Sequential::new();
    model.add(Dense::new(1).input_dim(3));
    let err = model.fit(&x, &y, quiet()).unwrap_err();
    assert!(matches!(err, Error::NotCompiled { operation: "fit" }), "{err}");
    assert!(err.to_string().contains("compile"), "{err}");
    let err = model.predict(&x).unwrap_err();
    assert!(matches!(err, Error::NotCompiled { operation: "predict" }), "{err}");
}

#[test]
fn rows_and_widths_that_do_not_fit_the_model() {
    let (x, y) = data(8);
    let err = compiled().fit(&x, &data(7).1, quiet()).unwrap_err();
    assert!(matches!(err, Error::RowMismatch { x_rows: 8, y_rows: 7, .. }), "{err}");
    assert!(err.to_string().contains("8 rows") && err.to_string().contains("7"), "{err}");
    let err = compiled().fit(&x, &Array2::zeros((8, 2)), quiet()).unwrap_err();
    assert!(matches!(err, Error::ColumnMismatch { expected: 1, got: 2, .. }), "{err}");
    assert!(err.to_string().contains("y has 2 columns"), "{err}");
    // x wider than the first layer's input_dim, in fit and in predict.
    let wide = Array2::zeros((8, 5));
    for err in [compiled().fit(&wide, &y, quiet()).unwrap_err(), compiled().predict(&wide).unwrap_err()] {
        assert!(matches!(err, Error::ColumnMismatch { expected: 3, got: 5, .. }), "{err}");
    }
}

#[test]
fn non_finite_values_name_their_position() {
    let (mut x, mut y) = data(8);
    x[[2, 1]] = f32::NAN;
    let err = compiled().fit(&x, &y, quiet()).unwrap_err();
    assert!(matches!(err, Error::NonFinite { row: 2, col: 1, .. }), "{err}");
    assert!(err.to_string().contains("NaN") && err.to_string().contains("row 2"), "{err}");
    x[[2, 1]] = 0.0;
    y[[5, 0]] = f32::INFINITY;
    let message = compiled().fit(&x, &y, quiet()).unwrap_err().to_string();
    assert!(message.contains("inf") && message.contains("row 5, column 0") && message.contains("y"), "{message}");
}

#[test]
fn fit_settings_out_of_range() {
    let (x, y) = data(8);
    let mut cases = vec![
        (FitConfig { epochs: 0, ..quiet() }, "epochs", "Received: epochs=0".to_string()),
        (FitConfig { batch_size: 0, ..quiet() }, "batch_size", "Received: batch_size=0".to_string()),
    ];
    for bad in [1.5, 1.0, -0.1, f64::NAN] {
        let received = format!("Received: validation_split={bad}");
        cases.push((FitConfig { validation_split: bad, ..quiet() }, "validation_split", received));
    }
    for (config, setting, received) in cases {
        let err = compiled().fit(&x, &y, config).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { name, .. } if name == setting), "{err}");
        assert!(err.to_string().contains(&received), "{err}");
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
fn set_weights_wrong_count_or_shape() {
    let mut model = compiled();
    let mut w = model.get_weights();
    let last = w.pop().unwrap();
    let err = model.set_weights(&w).unwrap_err();
    assert!(matches!(err, Error::WeightCount { expected: 4, got: 3 }), "{err}");
    w.push(last);
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

#[test]
fn layer_set_weights_checks_count_shapes_and_values_before_changing_anything() {
    let mut dense = Dense::new(2).with_name("d");
    dense.build(3, &mut rand::SeedableRng::seed_from_u64(0)).unwrap();
    let before = dense.weights().iter().map(|w| w.to_owned()).collect::<Vec<_>>();
    let kernel = ArrayD::<f32>::ones(vec![3, 2]);
    let err = dense.set_weights(std::slice::from_ref(&kernel)).unwrap_err();
    assert!(matches!(err, Error::WeightCount { expected: 2, got: 1 }), "{err}");
    let err = dense.set_weights(&[kernel.clone(), ArrayD::ones(vec![3])]).unwrap_err();
    assert!(matches!(err, Error::WeightShape { index: 1, ref name, .. } if name == "d/bias"), "{err}");
    let err = dense.set_weights(&[kernel.clone(), ArrayD::from_elem(vec![2], f32::NAN)]).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { name: "weights", .. }), "{err}");
    let after = dense.weights().iter().map(|w| w.to_owned()).collect::<Vec<_>>();
    assert_eq!(after, before, "a refused list changes nothing");
    let err = Dropout::new(0.5).set_weights(&[kernel]).unwrap_err();
    assert!(matches!(err, Error::WeightCount { expected: 0, got: 1 }), "{err}");
}

/// Calls one of the context's setters with a bad value at the end of the first epoch.
struct Meddle(fn(&mut TrainContext<'_>) -> kerust::Result<()>);

impl Callback for Meddle {
    fn on_epoch_end(&mut self, ctx: &mut TrainContext<'_>, _: usize, _: &mut Logs) -> kerust::Result<()> {
        (self.0)(ctx)
    }
}

#[test]
fn a_callback_cannot_break_the_model_during_fit() {
    // A callback reaches the weights and the learning rate only, both checked (and it cannot
    // reach the model to add a layer: see the compile_fail example of `TrainContext`).
    let (x, y) = data(8);
    let meddlers: [(Meddle, &str); 3] = [
        (Meddle(|ctx| ctx.set_weights(&[])), "set_weights expected 4 arrays"),
        (
            Meddle(|ctx| {
                let mut w = ctx.get_weights();
                w.swap(0, 1);
                ctx.set_weights(&w)
            }),
            "array 0 (dense/kernel) must have shape [3, 4]",
        ),
        (Meddle(|ctx| ctx.set_learning_rate(f32::NAN)), "learning_rate=NaN"),
    ];
    for (meddle, message) in meddlers {
        let mut model = compiled();
        let before = model.get_weights();
        let config = FitConfig { epochs: 3, callbacks: vec![Box::new(meddle)], ..quiet() };
        let err = model.fit(&x, &y, config).unwrap_err();
        assert!(err.to_string().contains(message), "{err}");
        assert_ne!(model.get_weights(), before, "the first epoch trained");
        assert_eq!(model.learning_rate(), Some(0.01));
        model.fit(&x, &y, quiet()).unwrap();
    }
}
