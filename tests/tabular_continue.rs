//! Continuing a tabular model: `fit_more` (what `kerust train --resume` does) trains on as an
//! uninterrupted run would, refuses settings that define the model, and checkpoints are whole
//! tabular model files.

use kerust::prelude::*;
use kerust::tabular::MODEL_SETTINGS;
use ndarray::{Array2, Axis};

fn bits(a: &Array2<f32>) -> Vec<u32> {
    a.iter().map(|v| v.to_bits()).collect()
}

fn spec(epochs: usize, seed: u64) -> TabularSpec {
    TabularSpec { epochs, layers: vec![16, 8], learning_rate: 0.01, seed: Some(seed), ..TabularSpec::default() }
}

#[test]
fn fit_more_continues_exactly_where_an_uninterrupted_run_would_be() {
    let table = kerust::datasets::load("carseats").unwrap();
    let whole = spec(8, 7).fit(&table, "Sales").unwrap();
    let first = spec(3, 7).fit(&table, "Sales").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.kerust");
    first.model.save(&path).unwrap();
    let model = TabularModel::load(&path).unwrap();
    assert_eq!(model.epochs_run(), 3);
    let more = model.fit_more(&table, &spec(8, 7), TrainOptions::default()).unwrap();
    assert_eq!(more.history.epoch(), [3, 4, 5, 6, 7]);
    assert_eq!(more.test.rows, whole.test.rows);
    assert_eq!(bits(more.test.predictions.values()), bits(whole.test.predictions.values()));
    let mut a = more.model;
    let mut b = whole.model;
    assert_eq!(a.network().get_weights(), b.network().get_weights());
    assert_eq!(a.epochs_run(), 8);
}

#[test]
fn fit_more_refuses_model_changes_and_applies_training_settings() {
    let table = kerust::datasets::load("iris").unwrap();
    let run = spec(2, 8).fit(&table, "species").unwrap();
    let trained = run.model.spec().clone();
    assert_eq!(trained.seed, Some(8));
    for name in MODEL_SETTINGS {
        let mut changed = trained.clone();
        match name {
            "task" => changed.task = Some(Task::Regression),
            "layers" => changed.layers = vec![7],
            "activation" => changed.activation = Activation::Tanh,
            "optimizer" => changed.optimizer = "sgd".parse().unwrap(),
            "loss" => changed.loss = Some(Loss::CATEGORICAL_CROSSENTROPY),
            "scaler" => changed.scaler = kerust::preprocessing::ScalerKind::Standard,
            "dropout" => changed.dropout = Some(0.5),
            "batch_norm" => changed.batch_norm = true,
            "l2" => changed.l2 = Some(0.1),
            "seed" => changed.seed = Some(9),
            "test_size" => changed.test_size = 0.3,
            "test_selection" => changed.test_selection = kerust::tabular::TestSelection::Hash,
            "missing" => changed.missing = kerust::tabular::Missing::Drop,
            "impute" => changed.impute = kerust::preprocessing::ImputeStrategy::Median,
            "fill_value" => changed.fill_value = 3.0,
            "impute_categorical" => changed.impute_categorical = kerust::tabular::CategoricalImpute::MostFrequent,
            "missing_indicator" => changed.missing_indicator = true,
            "impute_columns" => {
                changed.impute_columns.insert("petal_width".into(), kerust::preprocessing::ImputeStrategy::Median);
            }
            other => panic!("a model setting without a case here: {other}"),
        }
        changed.epochs = 4;
        let model = rebuild(&run.model);
        let err = model.fit_more(&table, &changed, TrainOptions::default()).unwrap_err().to_string();
        assert!(err.starts_with(name), "{name}: {err}");
    }
    let model = rebuild(&run.model);
    let err = model.fit_more(&table, &trained, TrainOptions::default()).unwrap_err().to_string();
    assert!(err.contains("epochs"), "{err}");
    let more = TabularSpec { epochs: 4, learning_rate: 0.5, batch_size: 8, ..trained };
    let mut run = rebuild(&run.model).fit_more(&table, &more, TrainOptions::default()).unwrap();
    assert_eq!(run.model.spec().learning_rate, 0.5);
    assert_eq!(run.model.network().learning_rate(), Some(0.5));
    assert_eq!(run.history.len(), 2);
}

/// A copy of a model through its file.
fn rebuild(model: &TabularModel) -> TabularModel {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.kerust");
    model.save(&path).unwrap();
    TabularModel::load(&path).unwrap()
}

#[test]
fn checkpoints_are_whole_tabular_models() {
    let table = kerust::datasets::load("iris").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let spec = TabularSpec { checkpoint_every: Some(2), ..spec(4, 3) };
    let options = TrainOptions { checkpoint_dir: Some(dir.path().to_path_buf()), ..Default::default() };
    let run = spec.fit_with(&table, "species", options).unwrap();
    let names: Vec<String> = (1..=4).map(kerust::tabular::checkpoint_file_name).collect();
    assert!(!dir.path().join(&names[0]).exists());
    let last = TabularModel::load(dir.path().join(&names[3])).unwrap();
    assert_eq!(last.epochs_run(), 4);
    let second = TabularModel::load(dir.path().join(&names[1])).unwrap();
    assert_eq!(second.epochs_run(), 2);
    // The last checkpoint is the final model.
    let p = last.predict(&table).unwrap();
    assert_eq!(bits(&p.values().select(Axis(0), &run.test.rows)), bits(run.test.predictions.values()));
}
