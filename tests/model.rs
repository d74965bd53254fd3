//! Sequential as a whole: summary text, reproducibility, History layout, evaluate/predict.

mod common;

use kerust::prelude::*;
use ndarray::Array2;

fn lesson_model(seed: u64) -> Sequential {
    let mut model = Sequential::new().seed(seed);
    model.add(Dense::new(64).input_dim(13).activation(Activation::Relu));
    model.add(Dense::new(32).activation(Activation::Relu));
    model.add(Dense::new(1));
    model
}

#[test]
fn summary_matches_keras_text() {
    let expected = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/summary.txt")).unwrap();
    let mut model = lesson_model(0);
    assert_eq!(model.summary(), expected);
    // Compiling does not change it.
    model.compile(Adam::new(0.01), Loss::MeanSquaredError, &[]).unwrap();
    assert_eq!(model.summary(), expected);
    let json = common::fixture("summary.json");
    let names: Vec<&str> = model.layers().iter().map(|l| l.name()).collect();
    assert_eq!(names, ["dense", "dense_1", "dense_2"]);
    assert_eq!(json["layer_names"].as_array().unwrap().len(), names.len());
    assert_eq!(model.count_params() as u64, json["total_params"].as_u64().unwrap());
}

#[test]
fn summary_of_unbuilt_model_says_so() {
    let mut model = Sequential::new();
    model.add(Dense::new(8));
    assert!(model.summary().contains("0 (unbuilt)"));
}

fn toy_data() -> (Array2<f32>, Array2<f32>) {
    let x = Array2::from_shape_fn((100, 13), |(i, j)| ((i * 31 + j * 17) % 23) as f32 / 23.0);
    let y = Array2::from_shape_fn((100, 1), |(i, _)| x.row(i).sum() + ((i % 5) as f32) * 0.1);
    (x, y)
}

fn train(seed: u64) -> (Vec<ndarray::ArrayD<f32>>, History) {
    let (x, y) = toy_data();
    let mut model = lesson_model(seed);
    model.compile(Adam::new(0.01), Loss::MeanSquaredError, &[Metric::MeanAbsoluteError]).unwrap();
    let config = FitConfig { epochs: 5, batch_size: 16, validation_split: 0.2, verbose: 0, ..Default::default() };
    let history = model.fit(&x, &y, config).unwrap();
    (model.get_weights(), history)
}

#[test]
fn same_seed_is_bit_identical_and_other_seeds_differ() {
    let (w1, h1) = train(42);
    let (w2, h2) = train(42);
    assert_eq!(w1, w2, "same seed, same data: weights must be bit-identical");
    assert_eq!(h1, h2, "same seed, same data: History must be bit-identical");
    let (w3, h3) = train(43);
    assert_ne!(w1, w3);
    assert_ne!(h1.get("loss"), h3.get("loss"));
}

#[test]
fn history_keys_follow_keras_order() {
    let (_, history) = train(1);
    assert_eq!(history.keys(), ["loss", "mae", "val_loss", "val_mae"]);
    assert_eq!(history.len(), 5);
    assert_eq!(history.epoch(), [0, 1, 2, 3, 4]);
    assert!(history.to_csv().starts_with("epoch,loss,mae,val_loss,val_mae\n0,"));
}

#[test]
fn val_loss_is_evaluate_on_the_last_rows() {
    let (x, y) = toy_data();
    let mut model = lesson_model(5);
    model.compile(Sgd::new(0.01), Loss::MeanSquaredError, &[Metric::MeanAbsoluteError]).unwrap();
    let config = FitConfig { epochs: 2, validation_split: 0.25, verbose: 0, ..Default::default() };
    let history = model.fit(&x, &y, config).unwrap();
    let x_val = x.slice(ndarray::s![75.., ..]).to_owned();
    let y_val = y.slice(ndarray::s![75.., ..]).to_owned();
    let logs = model.evaluate(&x_val, &y_val).unwrap();
    let last = |k: &str| *history.get(k).unwrap().last().unwrap();
    common::assert_close_value("val_loss", &[last("val_loss")], &[logs.get("loss").unwrap()]);
    common::assert_close_value("val_mae", &[last("val_mae")], &[logs.get("mae").unwrap()]);
}

#[test]
fn validation_data_takes_precedence() {
    let (x, y) = toy_data();
    let mut model = lesson_model(5);
    model.compile(Adam::new(0.01), Loss::MeanSquaredError, &[Metric::RootMeanSquaredError, Metric::R2Score]).unwrap();
    let val = (x.slice(ndarray::s![..10, ..]).to_owned(), y.slice(ndarray::s![..10, ..]).to_owned());
    let config = FitConfig { epochs: 3, validation_data: Some(val.clone()), verbose: 0, ..Default::default() };
    let history = model.fit(&x, &y, config).unwrap();
    assert_eq!(
        history.keys(),
        ["loss", "root_mean_squared_error", "r2_score", "val_loss", "val_root_mean_squared_error", "val_r2_score"]
    );
    let logs = model.evaluate(&val.0, &val.1).unwrap();
    let rmse = *history.get("val_root_mean_squared_error").unwrap().last().unwrap();
    common::assert_close_value("rmse = sqrt(mse)", &[rmse], &[logs.get("loss").unwrap().sqrt()]);
}

#[test]
fn fit_learns_and_continues() {
    let (x, y) = toy_data();
    let mut model = lesson_model(9);
    model.compile(Adam::new(0.01), Loss::MeanSquaredError, &[]).unwrap();
    let h1 = model.fit(&x, &y, FitConfig { epochs: 20, verbose: 0, ..Default::default() }).unwrap();
    let first = h1.get("loss").unwrap()[0];
    let last = *h1.get("loss").unwrap().last().unwrap();
    assert!(last < first * 0.1, "loss {first} -> {last}");
    // A second fit continues from the trained weights (as Keras does).
    let h2 = model.fit(&x, &y, FitConfig { epochs: 1, verbose: 0, ..Default::default() }).unwrap();
    assert!(h2.get("loss").unwrap()[0] < first * 0.1);
}

#[test]
fn binary_and_multiclass_accuracy_resolve_like_keras() {
    let x = Array2::from_shape_fn((40, 2), |(i, j)| if j == 0 { (i % 2) as f32 } else { (i % 3) as f32 });
    let y = Array2::from_shape_fn((40, 1), |(i, _)| (i % 2) as f32);
    let mut model = Sequential::new().seed(0);
    model.add(Dense::new(8).input_dim(2).activation(Activation::Relu));
    model.add(Dense::new(1).activation(Activation::Sigmoid));
    model.compile(Adam::new(0.05), Loss::BINARY_CROSSENTROPY, &[Metric::Accuracy]).unwrap();
    let h = model.fit(&x, &y, FitConfig { epochs: 30, batch_size: 8, verbose: 0, ..Default::default() }).unwrap();
    assert_eq!(h.keys(), ["loss", "accuracy"]);
    assert_eq!(*h.get("accuracy").unwrap().last().unwrap(), 1.0);

    // One-hot targets with categorical cross-entropy: categorical accuracy.
    let y3 = Array2::from_shape_fn((40, 3), |(i, j)| f32::from(i % 3 == j));
    let mut model = Sequential::new().seed(0);
    model.add(Dense::new(8).input_dim(2).activation(Activation::Relu));
    model.add(Dense::new(3).activation(Activation::Softmax));
    model.compile(Adam::new(0.05), Loss::CATEGORICAL_CROSSENTROPY, &[Metric::Accuracy]).unwrap();
    let h = model.fit(&x, &y3, FitConfig { epochs: 60, batch_size: 8, verbose: 0, ..Default::default() }).unwrap();
    assert_eq!(*h.get("accuracy").unwrap().last().unwrap(), 1.0);
}

#[test]
fn names_parse_to_the_same_enums() {
    assert_eq!("mse".parse::<Loss>().unwrap(), Loss::MeanSquaredError);
    assert_eq!("relu".parse::<Activation>().unwrap(), Activation::Relu);
    assert!(matches!("adam".parse::<OptimizerConfig>().unwrap(), OptimizerConfig::Adam(_)));
    let mut model = lesson_model(0);
    let opt: OptimizerConfig = "rmsprop".parse().unwrap();
    model.compile(opt, "mse".parse().unwrap(), &["mae".parse().unwrap()]).unwrap();
    assert_eq!(model.learning_rate(), Some(0.001));
    model.set_learning_rate(0.5);
    assert_eq!(model.learning_rate(), Some(0.5));
}

#[test]
fn use_bias_false_and_initializers() {
    let mut model = Sequential::new().seed(0);
    model.add(Dense::new(4).input_dim(3).use_bias(false).kernel_initializer(Initializer::Ones));
    model.add(Dense::new(1).bias_initializer(Initializer::Ones));
    model.compile(Sgd::default(), Loss::MeanSquaredError, &[]).unwrap();
    let w = model.get_weights();
    assert_eq!(w.len(), 3);
    assert!(w[0].iter().all(|&v| v == 1.0));
    assert!(w[2].iter().all(|&v| v == 1.0));
    assert_eq!(model.count_params(), 12 + 4 + 1);
}
