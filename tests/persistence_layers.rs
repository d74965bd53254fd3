//! Round trips of the regularization layers through `save`/`load`: Dropout,
//! BatchNormalization (with its moving statistics), Activation, and Dense with regularizers
//! and constraints. Configs, weights, predictions and summary come back identical.

use kerust::constraints::Constraint;
use kerust::layers::LayerConfig;
use kerust::prelude::*;
use ndarray::Array2;

fn data() -> (Array2<f32>, Array2<f32>) {
    let x = Array2::from_shape_fn((48, 3), |(i, j)| ((i * 7 + j * 5) % 13) as f32 / 13.0);
    let y = Array2::from_shape_fn((48, 1), |(i, _)| f32::from(x.row(i).sum() > 1.4));
    (x, y)
}

/// Fits `model` briefly, saves and loads it, and checks that everything survived.
fn round_trip(tag: &str, mut model: Sequential) -> Sequential {
    let (x, y) = data();
    model.compile(Adam::new(0.01), Loss::BINARY_CROSSENTROPY, &[Metric::Accuracy]).unwrap();
    model.fit(&x, &y, FitConfig { epochs: 2, batch_size: 8, verbose: 0, ..Default::default() }).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{tag}.kerust"));
    model.save(&path).unwrap();
    let mut back = Sequential::load(&path).unwrap();
    assert_eq!(back.layer_configs().unwrap(), model.layer_configs().unwrap(), "{tag}");
    assert_eq!(back.get_weights(), model.get_weights(), "{tag}");
    assert_eq!(back.predict(&x).unwrap(), model.predict(&x).unwrap(), "{tag}: bit-identical predictions");
    assert_eq!(back.summary(), model.summary(), "{tag}");
    back
}

#[test]
fn dropout_round_trip() {
    let mut m = Sequential::new().seed(1);
    m.add(Dense::new(6).input_dim(3).activation(Activation::Relu));
    m.add(Dropout::new(0.25).seed(9).with_name("drop"));
    m.add(Dense::new(1).activation(Activation::Sigmoid));
    let back = round_trip("dropout", m);
    assert!(
        matches!(&back.layer_configs().unwrap()[1], LayerConfig::Dropout(c) if c.rate == 0.25 && c.seed == Some(9) && c.base.name.as_deref() == Some("drop"))
    );
}

#[test]
fn batch_norm_round_trip_keeps_moving_statistics() {
    let mut m = Sequential::new().seed(2);
    m.add(BatchNormalization::new().input_dim(3).momentum(0.9));
    m.add(Dense::new(6).activation(Activation::Relu));
    m.add(BatchNormalization::new().center(false));
    m.add(Dense::new(1).activation(Activation::Sigmoid));
    let back = round_trip("batch_norm", m);
    let w = back.get_weights();
    // gamma, beta, moving_mean, moving_variance of the first layer: trained moving stats.
    assert_eq!(back.layers()[0].weight_names(), ["gamma", "beta", "moving_mean", "moving_variance"]);
    assert!(w[2].iter().any(|&v| v != 0.0) && w[3].iter().any(|&v| v != 1.0));
    assert_eq!(back.layers()[2].weight_names(), ["gamma", "moving_mean", "moving_variance"]);
}

#[test]
fn activation_round_trip() {
    let mut m = Sequential::new().seed(3);
    m.add(Dense::new(6).input_dim(3));
    m.add(ActivationLayer::new(Activation::Elu));
    m.add(Dense::new(1));
    m.add(ActivationLayer::new(Activation::Sigmoid).with_name("probability"));
    let back = round_trip("activation", m);
    assert_eq!(back.layers()[3].name(), "probability");
    assert_eq!(back.layers()[1].class_name(), "Activation");
}

#[test]
fn regularizers_and_constraints_round_trip() {
    let mut m = Sequential::new().seed(4);
    m.add(
        Dense::new(6)
            .input_dim(3)
            .activation(Activation::Relu)
            .kernel_regularizer(Regularizer::l1(0.01))
            .bias_regularizer(Regularizer::l1_l2(0.01, 0.02))
            .activity_regularizer(Regularizer::l2(0.001))
            .kernel_constraint(Constraint::MaxNorm { max_value: 1.5, axis: 0 })
            .bias_constraint(Constraint::NonNeg {}),
    );
    m.add(Dense::new(1).activation(Activation::Sigmoid).kernel_regularizer(Regularizer::l2(0.01)));
    let back = round_trip("regularizers", m);
    let LayerConfig::Dense(c) = &back.layer_configs().unwrap()[0] else { panic!("Dense expected") };
    assert_eq!(c.activity_regularizer, Some(Regularizer::l2(0.001)));
    assert_eq!(c.bias_constraint, Some(Constraint::NonNeg {}));
}

#[test]
fn every_new_layer_in_one_model() {
    let mut m = Sequential::new().seed(5);
    m.add(Dropout::new(0.1).input_dim(3));
    m.add(Dense::new(8).kernel_regularizer(Regularizer::l2(0.01)));
    m.add(BatchNormalization::new());
    m.add(ActivationLayer::new(Activation::Relu));
    m.add(Dropout::new(0.3));
    m.add(Dense::new(1).activation(Activation::Sigmoid));
    round_trip("all", m);
}

#[test]
fn plain_dense_configs_stay_as_before() {
    // A Dense without regularizers or constraints serializes exactly the engine's fields, so
    // model files written before this feature load, and new files stay readable by it.
    let json = serde_json::to_value(Dense::new(4).config()).unwrap();
    let mut keys: Vec<&str> = json["config"].as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["activation", "bias_initializer", "input_dim", "kernel_initializer", "name", "units", "use_bias"]
    );
}
