//! `TabularSpec::fit_stream`: a CSV read a chunk at a time trains the model an in-memory
//! run trains when one chunk holds the file, keeps the test and validation rows apart, and
//! reports what it cannot do.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use kerust::prelude::*;
use kerust::preprocessing::{Scaler, ScalerKind};
use kerust::tabular::{Missing, StreamOptions, TestSelection};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A regression CSV with numeric and categorical features: y = f(x) + level effect + noise.
fn write_csv(dir: &Path, rows: usize, seed: u64) -> PathBuf {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut text = String::from("a,b,shade,size,y\n");
    for i in 0..rows {
        let (a, b): (f32, f32) = (rng.gen_range(-2.0..2.0), rng.gen_range(0.0..10.0));
        let shade = ["dark", "light", "mid"][rng.gen_range(0..3)];
        let size = rng.gen_range(1..5);
        let y = 1.5 * a - 0.3 * b + if shade == "dark" { 2.0 } else { 0.0 } + size as f32 + rng.gen_range(-0.1..0.1);
        // A few gaps, imputed as in memory: in a numeric and in a categorical column.
        let b = if i % 53 == 7 { String::new() } else { b.to_string() };
        let shade = if i % 61 == 11 { "" } else { shade };
        writeln!(text, "{a},{b},{shade},{size},{y}").unwrap();
    }
    let path = dir.join(format!("data-{rows}-{seed}.csv"));
    std::fs::write(&path, text).unwrap();
    path
}

fn weights(run: &mut TabularRun) -> Vec<Vec<f32>> {
    run.model.network().get_weights().iter().map(|w| w.iter().copied().collect()).collect()
}

#[test]
fn one_chunk_holding_the_file_trains_the_in_memory_model_weight_for_weight() {
    let dir = tempfile::tempdir().unwrap();
    for (scaler, seed, rows) in [(ScalerKind::MinMax, 3, 500), (ScalerKind::Standard, 11, 333)] {
        let path = write_csv(dir.path(), rows, seed);
        let spec = TabularSpec {
            epochs: 4,
            layers: vec![8, 4],
            batch_size: 16,
            scaler,
            seed: Some(seed),
            test_selection: TestSelection::Hash,
            missing_indicator: seed == 3,
            ..TabularSpec::default()
        };
        let table = Table::from_csv(&path).unwrap();
        let mut whole = spec.fit(&table, "y").unwrap();
        let stream = StreamOptions { chunk_rows: rows, ..StreamOptions::default() };
        let mut streamed = spec.fit_stream(&path, "y", &stream, Default::default()).unwrap();
        assert_eq!(weights(&mut streamed), weights(&mut whole), "{scaler:?}");
        assert_eq!(streamed.history.get("val_loss"), whole.history.get("val_loss"));
        assert_eq!(streamed.test.rows, whole.test.rows);
        assert_eq!(streamed.test.metrics, whole.test.metrics);
        assert_eq!(streamed.model.preprocessor(), whole.model.preprocessor());
        assert_eq!(streamed.train_rows, whole.train_rows);
    }
}

#[test]
fn many_chunks_train_on_the_same_rows_and_the_model_file_predicts_like_any_other() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_csv(dir.path(), 2000, 5);
    let spec = TabularSpec {
        epochs: 30,
        layers: vec![16],
        learning_rate: 0.01,
        seed: Some(5),
        scaler: ScalerKind::Standard,
        ..TabularSpec::default()
    };
    let table = Table::from_csv(&path).unwrap();
    let whole = TabularSpec { test_selection: TestSelection::Hash, ..spec.clone() }.fit(&table, "y").unwrap();
    let stream = StreamOptions { chunk_rows: 300, ..StreamOptions::default() };
    let streamed = spec.fit_stream(&path, "y", &stream, Default::default()).unwrap();
    // Same rows held out, same rows training; the order of the rows differs.
    assert_eq!(streamed.test.rows, whole.test.rows);
    assert_eq!(streamed.train_rows, whole.train_rows);
    assert_eq!(streamed.model.spec().test_selection, TestSelection::Hash);
    let (s, w) = (streamed.test.metrics["rmse"], whole.test.metrics["rmse"]);
    assert!(s < 0.5 && (s - w).abs() < 0.25 * w.max(s), "rmse streamed {s}, in memory {w}");
    // The merged scaler is the scaler of all training rows, to rounding.
    let (Scaler::Standard(a), Scaler::Standard(b)) =
        (&streamed.model.preprocessor().scaler, &whole.model.preprocessor().scaler)
    else {
        panic!("standard scalers")
    };
    for (x, y) in a.mean().unwrap().iter().zip(b.mean().unwrap()).chain(a.var().unwrap().iter().zip(b.var().unwrap())) {
        assert!((x - y).abs() <= 1e-9 * y.abs().max(1.0), "{x} vs {y}");
    }
    // Same seed, same chunks: the same weights again.
    let mut again = spec.fit_stream(&path, "y", &stream, Default::default()).unwrap();
    let mut first = streamed;
    assert_eq!(weights(&mut again), weights(&mut first));
    // The model file predicts on the raw CSV.
    let file = dir.path().join("m.kerust");
    first.model.save(&file).unwrap();
    let loaded = TabularModel::load(&file).unwrap();
    assert_eq!(loaded.predict(&table).unwrap().values(), first.model.predict(&table).unwrap().values());
}

#[test]
fn a_classifier_streams_with_the_classes_of_every_chunk() {
    let dir = tempfile::tempdir().unwrap();
    // Class "z" appears only in the last chunk; a category only in the first.
    let mut text = String::from("x,kind,label\n");
    for i in 0..600 {
        let x = (i % 50) as f32 / 50.0;
        let kind = if i < 10 { "rare" } else { ["p", "q"][i % 2] };
        let label = if i >= 590 {
            "z"
        } else if x > 0.5 {
            "hi"
        } else {
            "lo"
        };
        writeln!(text, "{x},{kind},{label}").unwrap();
    }
    let path = dir.path().join("classes.csv");
    std::fs::write(&path, &text).unwrap();
    let spec = TabularSpec { epochs: 3, layers: vec![4], seed: Some(2), ..TabularSpec::default() };
    let stream = StreamOptions { chunk_rows: 128, ..StreamOptions::default() };
    let run = spec.fit_stream(&path, "label", &stream, Default::default()).unwrap();
    let table = Table::from_csv(&path).unwrap();
    let whole = TabularSpec { test_selection: TestSelection::Hash, ..spec.clone() }.fit(&table, "label").unwrap();
    assert_eq!(run.model.preprocessor().labels, whole.model.preprocessor().labels);
    assert_eq!(run.model.preprocessor().encoding, whole.model.preprocessor().encoding);
    assert_eq!(run.model.task(), Task::Classification);
    assert!(run.test.metrics.contains_key("accuracy"));
}

#[test]
fn a_column_with_text_only_in_a_later_chunk_is_categorical_as_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("code,x,y\n");
    for i in 0..300 {
        let code = if i == 250 { "A7".to_string() } else { (i % 3).to_string() };
        writeln!(text, "{code},{},{}", i as f32 / 300.0, (i % 7) as f32 / 3.0).unwrap();
    }
    let path = dir.path().join("late_text.csv");
    std::fs::write(&path, &text).unwrap();
    let spec = TabularSpec {
        epochs: 1,
        layers: vec![],
        seed: Some(1),
        test_selection: TestSelection::Hash,
        ..Default::default()
    };
    let run = spec
        .fit_stream(&path, "y", &StreamOptions { chunk_rows: 64, ..Default::default() }, Default::default())
        .unwrap();
    let whole = spec.fit(&Table::from_csv(&path).unwrap(), "y").unwrap();
    assert_eq!(run.model.preprocessor().encoding, whole.model.preprocessor().encoding);
    assert!(run.model.preprocessor().feature_names().contains(&"code_A7".to_string()));
}

#[test]
fn what_streaming_cannot_honour_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gaps.csv");
    let mut text = String::from("a,b,y\n");
    for i in 0..200 {
        let b = if i == 150 { String::new() } else { (i % 9).to_string() };
        writeln!(text, "{},{b},{}", i as f32 / 10.0, i % 5).unwrap();
    }
    std::fs::write(&path, &text).unwrap();
    let stream = StreamOptions { chunk_rows: 50, ..Default::default() };
    let spec = TabularSpec { epochs: 1, seed: Some(1), task: Some(Task::Regression), ..Default::default() };
    // A gap is imputed (the mean of the training rows, as in memory) or its row dropped.
    let imputed = spec.fit_stream(&path, "y", &stream, Default::default()).expect("gaps are imputed");
    let whole = TabularSpec { test_selection: TestSelection::Hash, ..spec.clone() }
        .fit(&Table::from_csv(&path).unwrap(), "y")
        .unwrap();
    assert_eq!(imputed.model.preprocessor().encoding, whole.model.preprocessor().encoding);
    let dropped = TabularSpec { missing: Missing::Drop, ..spec.clone() };
    let run = dropped.fit_stream(&path, "y", &stream, Default::default()).unwrap();
    assert!(run.warnings.iter().any(|w| w.starts_with("1 row(s) with a missing feature value")), "{:?}", run.warnings);
    // Under `missing = "error"` the gap is an error naming its line of the file (header =
    // line 1), in the fourth chunk.
    let strict = TabularSpec { missing: Missing::Error, ..spec.clone() };
    let err =
        strict.fit_stream(&path, "y", &stream, Default::default()).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("line 152"), "{err}");
    let weighted = TabularSpec { class_weight: Some(kerust::model::ClassWeight::Balanced), task: None, ..spec.clone() };
    let err = weighted.fit_stream(&path, "y", &stream, Default::default()).unwrap_err().to_string();
    assert!(err.contains("class_weight"), "{err}");
    let err = spec.fit_stream(&path, "y", &StreamOptions { chunk_rows: 0, ..Default::default() }, Default::default());
    assert!(err.unwrap_err().to_string().contains("chunk_rows"));
    let err = spec.fit_stream(&path, "nope", &stream, Default::default()).unwrap_err().to_string();
    assert!(err.contains("nope"), "{err}");
    let err = spec.fit_stream(dir.path().join("absent.csv"), "y", &stream, Default::default()).unwrap_err().to_string();
    assert!(err.contains("absent.csv"), "{err}");
    let median = TabularSpec { impute: kerust::preprocessing::ImputeStrategy::Median, ..dropped.clone() };
    assert!(median.fit_stream(&path, "y", &stream, Default::default()).is_ok(), "drop needs no fills");
    let median = TabularSpec { missing: Missing::Impute, ..median };
    let err =
        median.fit_stream(&path, "y", &stream, Default::default()).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("impute = median") && err.contains("mean or constant"), "{err}");
}

#[test]
fn test_rows_beyond_keep_test_rows_are_scored_but_not_kept() {
    let dir = tempfile::tempdir().unwrap();
    // Regression, and a three-class classifier on the same file.
    let path = write_csv(dir.path(), 900, 8);
    for (target, task) in [("y", Task::Regression), ("size", Task::Classification)] {
        let spec = TabularSpec {
            epochs: 3,
            layers: vec![6],
            seed: Some(8),
            task: Some(task),
            test_selection: TestSelection::Hash,
            ..TabularSpec::default()
        };
        let whole = spec.fit(&Table::from_csv(&path).unwrap(), target).unwrap();
        let stream = StreamOptions { chunk_rows: 900, keep_test_rows: 10, ..StreamOptions::default() };
        let streamed = spec.fit_stream(&path, target, &stream, Default::default()).unwrap();
        assert_eq!(streamed.test.rows, whole.test.rows[..10]);
        assert_eq!(streamed.test.predictions.values(), &whole.test.predictions.values().slice(ndarray::s![..10, ..]));
        assert_eq!(streamed.test.scored_rows, whole.test.rows.len());
        assert_eq!(streamed.test.confusion, whole.test.confusion);
        assert_eq!(streamed.test.metrics.keys().collect::<Vec<_>>(), whole.test.metrics.keys().collect::<Vec<_>>());
        for (name, value) in &whole.test.metrics {
            let got = streamed.test.metrics[name];
            assert!((got - value).abs() <= 1e-9 * value.abs().max(1.0), "{target} {name}: {got} vs {value}");
        }
    }
}
