//! Classifier helpers and the weighting/regularization settings: `predict_proba`,
//! `predict_classes`, `predict_batched`, `evaluate_with`, class and sample weights, and one
//! test per bad setting.

use std::collections::BTreeMap;

use kerust::model::class_labels;
use kerust::prelude::*;
use ndarray::{Array1, Array2, array};

fn binary_model() -> Sequential {
    let mut m = Sequential::new().seed(1);
    m.add(Dense::new(4).input_dim(2).activation(Activation::Tanh));
    m.add(Dense::new(1).activation(Activation::Sigmoid));
    m.compile(Adam::default(), Loss::BINARY_CROSSENTROPY, &[Metric::Accuracy]).unwrap();
    m
}

fn data() -> (Array2<f32>, Array2<f32>) {
    let x = Array2::from_shape_fn((20, 2), |(i, j)| ((i * 3 + j * 7) % 10) as f32 / 10.0 - 0.4);
    let y = Array2::from_shape_fn((20, 1), |(i, _)| f32::from(i % 4 == 0));
    (x, y)
}

#[test]
fn predict_proba_and_classes_for_sigmoid_and_softmax() {
    let (x, _) = data();
    let mut m = binary_model();
    let p = m.predict(&x).unwrap();
    let proba = m.predict_proba(&x).unwrap();
    assert_eq!(proba.dim(), (20, 2));
    for i in 0..20 {
        assert_eq!(proba[[i, 1]], p[[i, 0]]);
        assert!((proba[[i, 0]] + proba[[i, 1]] - 1.0).abs() < 1e-6);
    }
    let classes = m.predict_classes(&x).unwrap();
    assert_eq!(classes, p.iter().map(|&v| usize::from(v > 0.5)).collect::<Vec<_>>());

    let mut s = Sequential::new().seed(2);
    s.add(Dense::new(3).input_dim(2).activation(Activation::Softmax));
    s.compile(Adam::default(), Loss::SPARSE_CATEGORICAL_CROSSENTROPY, &[]).unwrap();
    let p = s.predict(&x).unwrap();
    assert_eq!(s.predict_proba(&x).unwrap(), p);
    let classes = s.predict_classes(&x).unwrap();
    assert_eq!(classes.len(), p.nrows());
    for (row, &k) in p.rows().into_iter().zip(&classes) {
        assert!(row.iter().all(|&v| v <= row[k]));
    }
}

#[test]
fn batch_sizes_do_not_change_results() {
    let (x, y) = data();
    let mut m = binary_model();
    let p = m.predict(&x).unwrap();
    for batch in [1, 3, 7, 20, 64] {
        assert_eq!(m.predict_batched(&x, batch).unwrap(), p, "batch {batch}");
        let logs = m.evaluate_with(&x, &y, EvaluateConfig { batch_size: batch, sample_weight: None }).unwrap();
        let base = m.evaluate(&x, &y).unwrap();
        assert!((logs.get("loss").unwrap() - base.get("loss").unwrap()).abs() < 1e-6);
        assert_eq!(logs.get("accuracy"), base.get("accuracy"));
    }
}

#[test]
fn evaluate_with_sample_weight_divides_by_rows() {
    let (x, y) = data();
    let mut m = binary_model();
    let p = m.predict(&x).unwrap();
    let w = Array1::from_shape_fn(20, |i| (i % 3) as f32);
    let logs = m.evaluate_with(&x, &y, EvaluateConfig { batch_size: 6, sample_weight: Some(w.clone()) }).unwrap();
    let loss = Loss::BINARY_CROSSENTROPY;
    let want: f64 = (0..20).map(|i| loss.per_sample(y.row(i), p.row(i)) as f64 * w[i] as f64).sum::<f64>() / 20.0;
    assert!((logs.get("loss").unwrap() as f64 - want).abs() < 1e-6);
    // Metrics stay unweighted, as Keras's `metrics`.
    assert_eq!(logs.get("accuracy"), m.evaluate(&x, &y).unwrap().get("accuracy"));
}

#[test]
fn evaluate_includes_the_penalties() {
    let (x, y) = data();
    let mut m = Sequential::new().seed(3);
    m.add(Dense::new(4).input_dim(2).kernel_regularizer(Regularizer::l2(0.5)));
    m.add(Dense::new(1).activation(Activation::Sigmoid));
    m.compile(Sgd::default(), Loss::BINARY_CROSSENTROPY, &[]).unwrap();
    let p = m.predict(&x).unwrap();
    let kernel = &m.get_weights()[0];
    let penalty = 0.5 * kernel.iter().map(|v| v * v).sum::<f32>();
    let data_loss = Loss::BINARY_CROSSENTROPY.compute(y.view(), p.view());
    let got = m.evaluate(&x, &y).unwrap().get("loss").unwrap();
    assert!((got - (data_loss + penalty)).abs() < 1e-5, "{got} vs {data_loss} + {penalty}");
}

#[test]
fn class_weights_map_and_labels() {
    let y = array![[0.0f32], [2.0], [2.0], [1.0]];
    let map = ClassWeight::Map(BTreeMap::from([(2, 3.0)]));
    assert_eq!(map.sample_weights(y.view()).unwrap(), array![1.0, 3.0, 3.0, 1.0], "unlisted classes weigh 1");
    let one_hot = array![[0.0f32, 1.0, 0.0], [0.9, 0.1, 0.0]];
    assert_eq!(class_labels(one_hot.view()).unwrap(), vec![1, 0]);
    let balanced = ClassWeight::balanced_weights(array![[0.0f32], [0.0], [0.0], [1.0]].view()).unwrap();
    assert_eq!(balanced, BTreeMap::from([(0, 4.0 / 6.0), (1, 2.0)]));
    assert!(class_labels(array![[-1.0f32]].view()).is_err());
}

#[test]
fn class_weight_and_sample_weight_are_exclusive() {
    let (x, y) = data();
    let mut m = binary_model();
    let config = FitConfig {
        verbose: 0,
        class_weight: Some(ClassWeight::Balanced),
        sample_weight: Some(Array1::ones(20)),
        ..Default::default()
    };
    let err = m.fit(&x, &y, config).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { name: "class_weight", .. }), "{err}");
}

#[test]
fn bad_sample_weights_are_errors() {
    let (x, y) = data();
    for w in [Array1::ones(19), Array1::from_elem(20, -1.0), Array1::from_elem(20, f32::NAN)] {
        let mut m = binary_model();
        let config = FitConfig { verbose: 0, sample_weight: Some(w.clone()), ..Default::default() };
        let err = m.fit(&x, &y, config).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { name: "sample_weight", .. }), "{err}");
        let err = m.evaluate_with(&x, &y, EvaluateConfig { batch_size: 32, sample_weight: Some(w) }).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { name: "sample_weight", .. }), "{err}");
    }
    let mut m = binary_model();
    let config = FitConfig {
        verbose: 0,
        class_weight: Some(ClassWeight::Map(BTreeMap::from([(0, -2.0)]))),
        ..Default::default()
    };
    assert!(matches!(m.fit(&x, &y, config).unwrap_err(), Error::InvalidArgument { name: "class_weight", .. }));
}

#[test]
fn zero_batch_size_is_an_error() {
    let (x, y) = data();
    let mut m = binary_model();
    assert!(matches!(m.predict_batched(&x, 0).unwrap_err(), Error::InvalidArgument { name: "batch_size", .. }));
    let config = EvaluateConfig { batch_size: 0, sample_weight: None };
    assert!(matches!(m.evaluate_with(&x, &y, config).unwrap_err(), Error::InvalidArgument { name: "batch_size", .. }));
}

fn compile_err(layer: impl Layer + 'static) -> Error {
    let mut m = Sequential::new();
    m.add(Dense::new(3).input_dim(2));
    m.add(layer);
    m.compile(Sgd::default(), Loss::MeanSquaredError, &[]).unwrap_err()
}

#[test]
fn bad_regularizers_constraints_and_batch_norm_settings_are_errors() {
    let cases: Vec<(Error, &str)> = vec![
        (compile_err(Dense::new(1).kernel_regularizer(Regularizer::l2(-0.01))), "l2"),
        (compile_err(Dense::new(1).bias_regularizer(Regularizer::l1(f32::INFINITY))), "l1"),
        (compile_err(Dense::new(1).activity_regularizer(Regularizer::l1_l2(0.1, -1.0))), "l2"),
        (compile_err(Dense::new(1).kernel_constraint(Constraint::max_norm(-1.0))), "max_value"),
        (compile_err(Dense::new(1).kernel_constraint(Constraint::MaxNorm { max_value: 1.0, axis: 2 })), "axis"),
        (compile_err(Dense::new(1).bias_constraint(Constraint::MaxNorm { max_value: 1.0, axis: 1 })), "axis"),
        (compile_err(BatchNormalization::new().momentum(1.5)), "momentum"),
        (compile_err(BatchNormalization::new().epsilon(0.0)), "epsilon"),
    ];
    for (err, name) in cases {
        assert!(matches!(&err, Error::InvalidArgument { name: n, .. } if *n == name), "{name}: {err}");
        assert!(err.to_string().contains("Received:"), "{err}");
    }
    assert!("l5".parse::<Regularizer>().is_err());
}

#[test]
fn batch_norm_counts_non_trainable_params() {
    let mut m = Sequential::new().seed(0);
    m.add(Dense::new(64).input_dim(13).activation(Activation::Relu));
    m.add(BatchNormalization::new());
    m.add(Dense::new(1));
    let text = m.summary();
    assert!(text.contains(" Total params: 1,217 (4.75 KB)\n"), "{text}");
    assert!(text.contains(" Trainable params: 1,089 (4.25 KB)\n"), "{text}");
    assert!(text.contains(" Non-trainable params: 128 (512.00 B)\n"), "{text}");
    assert_eq!(m.count_params(), 1217);
}
