//! The tabular model file: files written by the previous main still load and predict the
//! same; the settings round-trip through TOML and JSON; a damaged tabular section is a
//! clear error.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use kerust::data::Table;
use kerust::prelude::*;
use kerust::tabular::{SECTION_KEY, TABULAR_FORMAT_VERSION};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/legacy").join(name)
}

fn data(name: &str) -> Table {
    Table::from_csv(Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(name)).unwrap()
}

/// The `kerust predict` output the previous main wrote for the fixture, as records.
fn expected(name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(fixture(name)).unwrap();
    let header = reader.headers().unwrap().iter().map(str::to_string).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    (header, rows)
}

#[test]
fn legacy_regression_file_predicts_as_before() {
    let model = TabularModel::load(fixture("carseats.kerust")).unwrap();
    assert_eq!((model.target(), model.task()), ("Sales", Task::Regression));
    assert_eq!(model.spec().seed, Some(7));
    assert_eq!(model.spec().layers, [8]);
    assert_eq!(model.epochs_run(), 4);
    assert!(model.test_metrics().contains_key("rmse"));
    let pred = model.predict(&data("carseats.csv")).unwrap();
    let (header, rows) = expected("carseats_predictions.csv");
    assert_eq!(header, ["predicted_Sales"]);
    assert_eq!(rows.len(), pred.len());
    for (i, row) in rows.iter().enumerate() {
        // The previous main wrote each value with Rust's shortest round-trip formatting.
        assert_eq!(row[0].parse::<f32>().unwrap().to_bits(), pred.values()[[i, 0]].to_bits(), "row {i}");
    }
}

#[test]
fn legacy_classifier_files_predict_as_before() {
    for (file, csv, predictions) in [
        ("iris.kerust", "iris.csv", "iris_predictions.csv"),
        ("breast_cancer.kerust", "breast_cancer.csv", "breast_cancer_predictions.csv"),
    ] {
        let model = TabularModel::load(fixture(file)).unwrap();
        assert_eq!(model.task(), Task::Classification);
        let pred = model.predict(&data(csv)).unwrap();
        let (header, rows) = expected(predictions);
        let labels = model.preprocessor().labels.clone().unwrap();
        assert_eq!(header.len(), 1 + labels.len(), "{file}");
        assert_eq!(rows.len(), pred.len(), "{file}");
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row[0], pred.labels().unwrap()[i], "{file} row {i}");
            for (k, cell) in row[1..].iter().enumerate() {
                assert_eq!(cell.parse::<f32>().unwrap().to_bits(), pred.values()[[i, k]].to_bits(), "{file} row {i}");
            }
        }
    }
}

#[test]
fn a_legacy_file_saves_as_a_tabular_file_and_continues() {
    let model = TabularModel::load(fixture("iris.kerust")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("again.kerust");
    model.save(&path).unwrap();
    let again = TabularModel::load(&path).unwrap();
    assert_eq!(again.preprocessor(), model.preprocessor());
    assert_eq!(again.spec(), model.spec());
    let more = TabularSpec { epochs: 6, ..model.spec().clone() };
    let run = again.fit_more(&data("iris.csv"), &more, TrainOptions::default()).unwrap();
    assert_eq!(run.history.epoch(), [4, 5]);
}

#[test]
fn the_spec_round_trips_through_toml_and_json() {
    let specs = [
        TabularSpec::default(),
        TabularSpec {
            task: Some(Task::Classification),
            layers: vec![],
            activation: Activation::Tanh,
            optimizer: "sgd".parse().unwrap(),
            learning_rate: 0.05,
            loss: Some(Loss::Huber { delta: 0.5 }),
            scaler: kerust::preprocessing::ScalerKind::None,
            early_stopping: Some(3),
            reduce_lr: Some(2),
            checkpoint_every: Some(5),
            dropout: Some(0.25),
            batch_norm: true,
            l2: Some(0.001),
            class_weight: Some(ClassWeight::Balanced),
            seed: Some(u64::from(u32::MAX) + 5),
            ..TabularSpec::default()
        },
        TabularSpec {
            optimizer: OptimizerConfig::Sgd(kerust::optimizers::Sgd::new(0.1).momentum(0.9)),
            class_weight: Some(ClassWeight::Map([(0, 1.0), (2, 3.5)].into())),
            loss: Some(Loss::BINARY_CROSSENTROPY),
            ..TabularSpec::default()
        },
    ];
    for spec in specs {
        let text = toml::to_string(&spec).unwrap();
        assert_eq!(toml::from_str::<TabularSpec>(&text).unwrap(), spec, "{text}");
        let json = serde_json::to_string(&spec).unwrap();
        assert_eq!(serde_json::from_str::<TabularSpec>(&json).unwrap(), spec, "{json}");
    }
    let text = toml::to_string(&TabularSpec::default()).unwrap();
    for line in ["optimizer = \"adam\"", "lr = 0.001", "task = \"auto\"", "loss = \"auto\"", "scaler = \"minmax\""] {
        assert!(text.contains(line), "{line} in\n{text}");
    }
    // Keras names and the CLI's spellings are read; unknown keys and names are errors.
    let spec: TabularSpec =
        toml::from_str("optimizer = \"RMSprop\"\nloss = \"mse\"\nclass_weight = \"balanced\"\nlearning_rate = 0.1")
            .unwrap();
    assert_eq!(spec.optimizer.name(), "rmsprop");
    assert_eq!(spec.loss, Some(Loss::MeanSquaredError));
    assert_eq!(spec.learning_rate, 0.1);
    assert!(toml::from_str::<TabularSpec>("epoch = 3").unwrap_err().to_string().contains("epoch"));
    assert!(toml::from_str::<TabularSpec>("loss = \"msx\"").unwrap_err().to_string().contains("msx"));
}

/// Rewrites the tabular section of a model file with `edit`.
fn with_section(path: &Path, edit: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap();
    let tensors = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let (_, header) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
    let mut meta: HashMap<String, String> = header.metadata().clone().unwrap();
    let mut section: serde_json::Value = serde_json::from_str(&meta[SECTION_KEY]).unwrap();
    edit(&mut section);
    meta.insert(SECTION_KEY.to_string(), section.to_string());
    let views: Vec<(String, safetensors::tensor::TensorView<'_>)> =
        tensors.tensors().into_iter().map(|(n, t)| (n.to_string(), t)).collect();
    safetensors::serialize(views, Some(meta)).unwrap()
}

type Edit = Box<dyn Fn(&mut serde_json::Value)>;

#[test]
fn a_damaged_tabular_section_is_a_clear_error() {
    let table = kerust::datasets::load("iris").unwrap();
    let spec = TabularSpec { epochs: 1, layers: vec![4], seed: Some(1), ..TabularSpec::default() };
    let run = spec.fit(&table, "species").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.kerust");
    run.model.save(&good).unwrap();
    let bad = dir.path().join("bad.kerust");
    let cases: [(Edit, &str); 4] = [
        (Box::new(|s| s["format_version"] = (TABULAR_FORMAT_VERSION + 1).into()), "version"),
        (Box::new(|s| s["preprocessor"]["encoding"]["features"].as_array_mut().unwrap().truncate(2)), "features"),
        (Box::new(|s| s["spec"]["epochs"] = "many".into()), "bad spec"),
        (Box::new(|s| s["surprise"] = 1.into()), "surprise"),
    ];
    for (edit, word) in cases {
        std::fs::write(&bad, with_section(&good, edit)).unwrap();
        let err = TabularModel::load(&bad).unwrap_err().to_string();
        assert!(err.contains(word), "{word}: {err}");
    }
}
