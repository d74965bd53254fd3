//! Replaying a training fixture: the optimizer from Keras's `get_config()`, the fit settings,
//! and the History check, shared by the engine and regularization fixture suites.

use kerust::prelude::*;
use serde_json::Value;

use super::{assert_close_train, f32s};

/// The optimizer of the fixture's Keras `get_config()`.
pub fn optimizer(cfg: &Value) -> Box<dyn Optimizer> {
    let lr = cfg["learning_rate"].as_f64().unwrap() as f32;
    let f = |k: &str| cfg[k].as_f64().unwrap() as f32;
    let flag = |k: &str| cfg[k].as_bool().unwrap_or(false);
    match cfg["class"].as_str().unwrap() {
        "SGD" => Sgd::new(lr).momentum(f("momentum")).nesterov(flag("nesterov")).into(),
        "Adam" => {
            Adam::new(lr).beta_1(f("beta_1")).beta_2(f("beta_2")).epsilon(f("epsilon")).amsgrad(flag("amsgrad")).into()
        }
        "RMSprop" => RMSprop::new(lr)
            .rho(f("rho"))
            .momentum(f("momentum"))
            .epsilon(f("epsilon"))
            .centered(flag("centered"))
            .into(),
        other => panic!("optimizer {other}"),
    }
}

/// The metrics of the fixture's `compile`.
pub fn metrics(settings: &Value) -> Vec<Metric> {
    settings["metrics"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().parse().unwrap()).collect()
}

/// The fixture's `fit` settings (no shuffling unless it says so), silent.
pub fn fit_config(settings: &Value) -> FitConfig {
    FitConfig {
        epochs: settings["epochs"].as_u64().unwrap() as usize,
        batch_size: settings["batch_size"].as_u64().unwrap() as usize,
        shuffle: settings["shuffle"].as_bool().unwrap_or(false),
        validation_split: settings["validation_split"].as_f64().unwrap(),
        verbose: 0,
        ..Default::default()
    }
}

/// Every key of the expected History, and no other, at the training tolerance.
pub fn check_history(name: &str, history: &History, expected: &Value) {
    let expected = expected.as_object().unwrap();
    assert_eq!(history.keys().len(), expected.len(), "{name}: history keys {:?}", history.keys());
    for (key, values) in expected {
        let got = history.get(key).unwrap_or_else(|| panic!("{name}: no {key} in History"));
        assert_close_train(&format!("{name}:history.{key}"), got, &f32s(values));
    }
}
