//! `kerust train` is a thin shell over `TabularSpec::fit`: the same weights, checkpoints that
//! are whole models, `--resume` that refuses model changes and records what trained, and CSV
//! files that survive any label.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use kerust::prelude::*;

fn kerust() -> Command {
    Command::cargo_bin("kerust").unwrap()
}

fn train(args: &[&str], out: &Path) -> String {
    let assert = kerust().arg("train").args(args).arg("--out").arg(out).arg("--quiet").assert().success();
    String::from_utf8(assert.get_output().stdout.clone()).unwrap()
}

fn weights(path: &Path) -> Vec<Vec<u32>> {
    let model = Sequential::load(path).unwrap();
    model.get_weights().iter().map(|w| w.iter().map(|v| v.to_bits()).collect()).collect()
}

fn library_weights(run: TabularRun) -> Vec<Vec<u32>> {
    run.model.into_network().get_weights().iter().map(|w| w.iter().map(|v| v.to_bits()).collect()).collect()
}

#[test]
fn cli_and_library_train_bit_identical_weights() {
    let dir = tempfile::tempdir().unwrap();
    // Defaults, on a table with categorical columns.
    let out = dir.path().join("carseats");
    train(&["--dataset", "carseats", "--seed", "5", "--epochs", "7"], &out);
    let spec = TabularSpec { epochs: 7, seed: Some(5), ..TabularSpec::default() };
    let run = spec.fit(&kerust::datasets::load("carseats").unwrap(), "Sales").unwrap();
    assert_eq!(weights(&out.join("model.kerust")), library_weights(run));

    // Every model-shaping flag set, on a classifier.
    let out = dir.path().join("wine");
    let flags = [
        "--dataset",
        "wine",
        "--seed",
        "6",
        "--epochs",
        "6",
        "--layers",
        "12,6",
        "--activation",
        "tanh",
        "--optimizer",
        "rmsprop",
        "--lr",
        "0.005",
        "--batch-size",
        "16",
        "--validation-split",
        "0.25",
        "--test-size",
        "0.3",
        "--scaler",
        "standard",
        "--dropout",
        "0.1",
        "--batch-norm",
        "--l2",
        "0.001",
        "--class-weight",
        "balanced",
        "--reduce-lr",
        "2",
    ];
    train(&flags, &out);
    let spec = TabularSpec {
        epochs: 6,
        seed: Some(6),
        layers: vec![12, 6],
        activation: Activation::Tanh,
        optimizer: "rmsprop".parse().unwrap(),
        learning_rate: 0.005,
        batch_size: 16,
        validation_split: 0.25,
        test_size: 0.3,
        scaler: kerust::preprocessing::ScalerKind::Standard,
        dropout: Some(0.1),
        batch_norm: true,
        l2: Some(0.001),
        class_weight: Some(ClassWeight::Balanced),
        reduce_lr: Some(2),
        ..TabularSpec::default()
    };
    let table = kerust::datasets::load("wine").unwrap();
    let target = kerust::datasets::all().iter().find(|d| d.name == "wine").unwrap().target;
    let run = spec.fit(&table, target).unwrap();
    // The run folder's settings.toml reads back as the same spec.
    let text = std::fs::read_to_string(out.join("settings.toml")).unwrap();
    let mut settings: toml::Table = toml::from_str(&text).unwrap();
    for key in ["data", "dataset", "target", "out"] {
        settings.remove(key);
    }
    let recorded: TabularSpec = toml::Value::Table(settings).try_into().unwrap();
    assert_eq!(&recorded, run.model.spec());
    assert_eq!(weights(&out.join("model.kerust")), library_weights(run));
}

#[test]
fn a_checkpoint_predicts_on_a_raw_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    train(&["--dataset", "carseats", "--seed", "2", "--epochs", "4", "--checkpoint-every", "2"], &out);
    let csv = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/carseats.csv");
    for name in ["checkpoint-epoch0002.kerust", "checkpoint-epoch0004.kerust"] {
        let assert = kerust().args(["predict", "--model"]).arg(out.join(name)).arg(&csv).assert().success();
        let text = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
        assert!(text.starts_with("predicted_Sales\n"), "{text}");
        assert_eq!(text.lines().count(), 401);
    }
    // The last checkpoint is the final model.
    let predict = |model: PathBuf| {
        let assert = kerust().args(["predict", "--model"]).arg(model).arg(&csv).assert().success();
        assert.get_output().stdout.clone()
    };
    assert_eq!(predict(out.join("checkpoint-epoch0004.kerust")), predict(out.join("model.kerust")));
}

#[test]
fn resume_refuses_model_flags_and_records_the_training_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    train(&["--dataset", "iris", "--seed", "3", "--epochs", "4"], &out);

    for (flag, value) in [
        ("--layers", "7"),
        ("--activation", "tanh"),
        ("--optimizer", "sgd"),
        ("--scaler", "none"),
        ("--dropout", "0.2"),
        ("--l2", "0.1"),
        ("--task", "regression"),
        ("--seed", "9"),
        ("--target", "sepal_length"),
    ] {
        let assert =
            kerust().args(["train", "--resume"]).arg(&out).args([flag, value, "--epochs", "8"]).assert().code(2);
        let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        assert!(stderr.starts_with("error:") && stderr.contains(flag.trim_start_matches('-')), "{flag}: {stderr}");
    }
    let assert =
        kerust().args(["train", "--resume"]).arg(&out).args(["--batch-norm", "--epochs", "8"]).assert().code(2);
    assert!(String::from_utf8_lossy(&assert.get_output().stderr).contains("--batch-norm"));

    let resumed = dir.path().join("resumed");
    kerust()
        .args(["train", "--quiet", "--resume"])
        .arg(&out)
        .args(["--lr", "0.5", "--epochs", "7", "--out"])
        .arg(&resumed)
        .assert()
        .success();
    let settings = std::fs::read_to_string(resumed.join("settings.toml")).unwrap();
    assert!(settings.contains("lr = 0.5") && settings.contains("epochs = 7"), "{settings}");
    assert!(settings.contains("layers = [64, 32]") && settings.contains("seed = 3"), "{settings}");
    let network = Sequential::load(resumed.join("model.kerust")).unwrap();
    assert_eq!(network.learning_rate(), Some(0.5));
    let model = TabularModel::load(resumed.join("model.kerust")).unwrap();
    assert_eq!(model.spec().learning_rate, 0.5);
    assert_eq!(model.epochs_run(), 7);
    let history = std::fs::read_to_string(resumed.join("history.csv")).unwrap();
    assert_eq!(history.lines().count(), 1 + 7);
    // The earlier run is untouched and still says 0.001.
    assert_eq!(Sequential::load(out.join("model.kerust")).unwrap().learning_rate(), Some(0.001));
}

#[test]
fn labels_with_commas_and_quotes_round_trip_through_the_csv_files() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("odd.csv");
    let mut w = csv::Writer::from_path(&csv).unwrap();
    w.write_record(["a", "b", "kind, \"quoted\"", "species"]).unwrap();
    let labels = ["setosa, wild", "say \"hi\"", "plain"];
    for i in 0..90 {
        let k = i % 3;
        let (a, b) = (k as f32 + (i % 7) as f32 / 10.0, (i % 5) as f32);
        let kind = ["x,y", "\"q\"", "z"][i % 3];
        w.write_record([a.to_string(), b.to_string(), kind.to_string(), labels[k].to_string()]).unwrap();
    }
    w.flush().unwrap();
    let out = dir.path().join("run");
    train(&[csv.to_str().unwrap(), "--target", "species", "--seed", "1", "--epochs", "3"], &out);

    let check = |path: &Path| {
        let mut reader = csv::Reader::from_path(path).unwrap();
        let width = reader.headers().unwrap().len();
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert!(!rows.is_empty());
        assert!(rows.iter().all(|r| r.len() == width), "{}: ragged rows", path.display());
        (header, rows)
    };
    let (header, rows) = check(&out.join("predictions.csv"));
    for l in labels {
        assert!(header.contains(&format!("p_{l}")), "{header:?}");
    }
    assert!(rows.iter().all(|r| labels.contains(&&r[1]) && labels.contains(&&r[2])));

    let predictions = dir.path().join("p.csv");
    kerust()
        .args(["predict", "--model"])
        .arg(out.join("model.kerust"))
        .arg(&csv)
        .args(["--id", "kind, \"quoted\"", "--out"])
        .arg(&predictions)
        .assert()
        .success();
    let (header, rows) = check(&predictions);
    assert_eq!(header[0], "kind, \"quoted\"");
    assert_eq!(rows.len(), 90);
    assert!(rows.iter().all(|r| ["x,y", "\"q\"", "z"].contains(&&r[0]) && labels.contains(&&r[1])));
}

#[test]
fn help_shows_every_default() {
    let assert = kerust().args(["train", "--help"]).assert().success();
    let help = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    for default in [
        "[default: 64,32]",
        "[default: relu]",
        "[default: adam]",
        "[default: 0.001]",
        "[default: auto]",
        "[default: 100]",
        "[default: 32]",
        "[default: 0.2]",
        "[default: minmax]",
        "[default: boston_housing]",
    ] {
        assert!(help.contains(default), "{default} missing from\n{help}");
    }
    let bad = kerust().args(["train", "--activation", "relux"]).assert().code(2);
    assert!(String::from_utf8_lossy(&bad.get_output().stderr).contains("relux"));
    let bad = kerust().args(["train", "--epochs", "0"]).assert().code(2);
    assert!(String::from_utf8_lossy(&bad.get_output().stderr).contains("--epochs"));
}
