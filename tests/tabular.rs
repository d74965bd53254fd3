//! The tabular workflow as a library object: `TabularSpec::fit` → `TabularRun`, a
//! `TabularModel` that saves, loads and predicts on raw tables, and `fit_more`.

use kerust::data::Table;
use kerust::prelude::*;
use kerust::preprocessing::{Scaler, split_indices, train_test_split, train_test_split_stratified};
use ndarray::{Array2, Axis};

/// The embedded dataset's CSV with its columns in reverse order and an extra text column in
/// front: a raw table as a user would bring it.
fn shuffled(name: &str) -> Table {
    let info = kerust::datasets::all().iter().find(|d| d.name == name).unwrap();
    let mut reader = csv::Reader::from_reader(info.csv().as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut out_header = vec!["extra".to_string()];
    out_header.extend(header.iter().rev().cloned());
    writer.write_record(&out_header).unwrap();
    for (i, record) in reader.records().enumerate() {
        let record = record.unwrap();
        let mut row = vec![format!("junk {i}")];
        row.extend(record.iter().rev().map(str::to_string));
        writer.write_record(&row).unwrap();
    }
    Table::from_reader(writer.into_inner().unwrap().as_slice()).unwrap()
}

fn bits(a: &Array2<f32>) -> Vec<u32> {
    a.iter().map(|v| v.to_bits()).collect()
}

fn spec(epochs: usize, seed: u64) -> TabularSpec {
    TabularSpec { epochs, layers: vec![16, 8], learning_rate: 0.01, seed: Some(seed), ..TabularSpec::default() }
}

/// Fits, saves, loads, predicts on the shuffled raw table: the test rows' predictions are the
/// run's, bit for bit.
fn round_trip(dataset: &str, target: &str, spec: &TabularSpec) -> (TabularRun, Predictions) {
    let table = kerust::datasets::load(dataset).unwrap();
    let run = spec.fit(&table, target).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.kerust");
    run.model.save(&path).unwrap();
    let model = TabularModel::load(&path).unwrap();
    let raw = shuffled(dataset);
    assert_eq!(raw.n_cols(), table.n_cols() + 1);
    let pred = model.predict(&raw).unwrap();
    assert!(pred.warnings().is_empty(), "{:?}", pred.warnings());
    assert_eq!(pred.len(), table.n_rows());
    let test_rows = pred.values().select(Axis(0), &run.test.rows);
    assert_eq!(bits(&test_rows), bits(run.test.predictions.values()), "{dataset}: test predictions after load");
    assert_eq!(model.spec(), run.model.spec());
    assert_eq!(model.preprocessor(), run.model.preprocessor());
    (run, pred)
}

#[test]
fn boston_round_trip_reproduces_the_test_predictions() {
    let (run, pred) = round_trip("boston_housing", "MEDV", &spec(20, 3));
    assert_eq!(run.model.task(), Task::Regression);
    assert_eq!(pred.values().ncols(), 1);
    assert!(pred.labels().is_none() && pred.classes().is_none());
    assert_eq!(run.test.rows.len(), 102); // ceil(0.2 * 506)
    assert_eq!(run.train_rows, 404);
    for key in ["rmse", "mae", "r2", "mape"] {
        assert!(run.test.metrics[key].is_finite(), "{key}");
    }
    assert!(run.test.metrics["r2"] > 0.5, "{:?}", run.test.metrics);
}

#[test]
fn carseats_round_trip_with_categorical_columns() {
    let (run, _) = round_trip("carseats", "Sales", &spec(20, 4));
    // 7 numeric columns + ShelveLoc (3) + Urban (2) + US (2) dummies.
    assert_eq!(run.model.preprocessor().n_features(), 14);
    assert!(run.model.preprocessor().feature_names().contains(&"ShelveLoc_Good".to_string()));
}

/// Labels are the most probable class; probabilities are rows that sum to 1.
fn check_classifier(pred: &Predictions, classes: &[String]) {
    let p = pred.values();
    assert_eq!(p.ncols(), classes.len());
    let labels = pred.labels().unwrap();
    let indices = pred.classes().unwrap();
    for (i, row) in p.rows().into_iter().enumerate() {
        assert!((row.sum() - 1.0).abs() < 1e-5, "row {i}: {row}");
        let best = (0..row.len()).fold(0, |b, k| if row[k] > row[b] { k } else { b });
        assert_eq!(indices[i], best, "row {i}");
        assert_eq!(labels[i], classes[best], "row {i}");
    }
}

#[test]
fn classifiers_give_labels_that_agree_with_their_probabilities() {
    let (run, pred) = round_trip("iris", "species", &spec(30, 1));
    let classes = ["setosa", "versicolor", "virginica"].map(String::from);
    check_classifier(&pred, &classes);
    check_classifier(&run.test.predictions, &classes);
    assert!(run.test.metrics["accuracy"] > 0.8, "{:?}", run.test.metrics);
    let confusion = run.test.confusion.as_ref().unwrap();
    assert_eq!(confusion.dim(), (3, 3));
    assert_eq!(confusion.sum(), run.test.rows.len());

    // Binary: one sigmoid unit, two probability columns.
    let (mut run, pred) = round_trip("breast_cancer", "target", &spec(10, 2));
    assert_eq!(run.model.network().output_dim(), 1);
    let labels = run.model.preprocessor().labels.clone().unwrap();
    check_classifier(&pred, labels.classes());
}

#[test]
fn the_scaler_sees_the_training_rows_only() {
    let table = kerust::datasets::load("boston_housing").unwrap();
    let run = spec(1, 9).fit(&table, "MEDV").unwrap();
    let (x, _) = table.features_target("MEDV").unwrap();
    let train: Vec<usize> = (0..table.n_rows()).filter(|r| !run.test.rows.contains(r)).collect();
    assert_eq!(train.len(), run.train_rows);
    let x_train = x.select(Axis(0), &train);
    let Scaler::MinMax(scaler) = &run.model.preprocessor().scaler else { panic!("minmax is the default") };
    for c in 0..x.ncols() {
        let column = x_train.column(c);
        let min = column.iter().fold(f32::INFINITY, |a, &b| a.min(b));
        let max = column.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
        assert_eq!(scaler.data_min().unwrap()[c], f64::from(min), "column {c}");
        assert_eq!(scaler.data_max().unwrap()[c], f64::from(max), "column {c}");
    }
    // At least one column's range over all rows differs, so the check above can tell.
    let all_max: Vec<f32> = x.axis_iter(Axis(1)).map(|c| c.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b))).collect();
    assert!((0..x.ncols()).any(|c| f64::from(all_max[c]) != scaler.data_max().unwrap()[c]));
}

#[test]
fn split_indices_match_the_array_splits() {
    let x = Array2::from_shape_fn((50, 2), |(i, j)| (i * 2 + j) as f32);
    let y = Array2::from_shape_fn((50, 1), |(i, _)| (i % 3) as f32);
    let (train, test) = split_indices(50, 0.3, Some(11), None).unwrap();
    let (x_train, x_test, _, _) = train_test_split(&x, &y, 0.3, Some(11)).unwrap();
    assert_eq!(x.select(Axis(0), &train), x_train);
    assert_eq!(x.select(Axis(0), &test), x_test);
    let (train, test) = split_indices(50, 0.3, Some(11), Some(&y)).unwrap();
    let (x_train, x_test, _, y_test) = train_test_split_stratified(&x, &y, 0.3, Some(11)).unwrap();
    assert_eq!(x.select(Axis(0), &train), x_train);
    assert_eq!(x.select(Axis(0), &test), x_test);
    for k in 0..3 {
        assert!(y_test.iter().filter(|&&v| v == k as f32).count() >= 4, "class {k} kept its share");
    }
    let mut all: Vec<usize> = train.iter().chain(&test).copied().collect();
    all.sort_unstable();
    assert_eq!(all, (0..50).collect::<Vec<_>>());
    assert!(split_indices(50, 0.3, Some(1), Some(&Array2::zeros((49, 1)))).is_err());
    assert!(split_indices(1, 0.5, Some(1), None).is_err());
}

#[test]
fn unseen_categories_and_missing_columns_at_prediction() {
    let table = kerust::datasets::load("carseats").unwrap();
    let run = spec(2, 5).fit(&table, "Sales").unwrap();
    let csv = kerust::datasets::all().iter().find(|d| d.name == "carseats").unwrap().csv();
    let changed = csv.replacen(",Good,", ",Splendid,", 1);
    let pred = run.model.predict(&Table::from_reader(changed.as_bytes()).unwrap()).unwrap();
    assert_eq!(pred.warnings().len(), 1, "{:?}", pred.warnings());
    assert!(pred.warnings()[0].contains("Splendid") && pred.warnings()[0].contains("ShelveLoc"));
    // Scoring needs the target; prediction does not.
    let no_target = Table::from_reader("CompPrice,Income\n1,2\n".as_bytes()).unwrap();
    let err = run.model.predict(&no_target).unwrap_err().to_string();
    assert!(err.contains("Advertising") || err.contains("ShelveLoc") || err.contains("Population"), "{err}");
}

#[test]
fn evaluate_scores_a_labelled_table_like_the_test_split() {
    let table = kerust::datasets::load("iris").unwrap();
    let run = spec(20, 6).fit(&table, "species").unwrap();
    let test = Table::from_reader(subset_csv("iris", &run.test.rows).as_bytes()).unwrap();
    let scores = run.model.evaluate(&test).unwrap();
    assert_eq!(scores, run.test.metrics);
}

/// The embedded dataset's header and the given rows, as CSV text.
fn subset_csv(name: &str, rows: &[usize]) -> String {
    let csv = kerust::datasets::all().iter().find(|d| d.name == name).unwrap().csv();
    let lines: Vec<&str> = csv.lines().collect();
    let mut out = format!("{}\n", lines[0]);
    for &r in rows {
        out += lines[r + 1];
        out.push('\n');
    }
    out
}

#[test]
fn bad_settings_and_data_are_errors_naming_them() {
    let table = kerust::datasets::load("iris").unwrap();
    let err = spec(1, 1).fit(&table, "nope").unwrap_err().to_string();
    assert!(err.contains("nope"), "{err}");
    let err = TabularSpec { epochs: 0, ..TabularSpec::default() }.fit(&table, "species").unwrap_err().to_string();
    assert!(err.contains("epochs"), "{err}");
    let err = TabularSpec { task: Some(Task::Regression), ..spec(1, 1) }.fit(&table, "species").unwrap_err();
    assert!(err.to_string().contains("text"), "{err}");
    let err = TabularSpec { class_weight: Some(ClassWeight::Balanced), ..spec(1, 1) }
        .fit(&kerust::datasets::load("diabetes").unwrap(), "target")
        .unwrap_err();
    assert!(err.to_string().contains("class_weight"), "{err}");
    let tiny = Table::from_reader("a,y\n1,2\n2,3\n".as_bytes()).unwrap();
    assert!(spec(1, 1).fit(&tiny, "y").unwrap_err().to_string().contains("2 data row"));
    let one_class = Table::from_reader("a,y\n1,x\n2,x\n3,x\n4,x\n5,x\n".as_bytes()).unwrap();
    assert!(spec(1, 1).fit(&one_class, "y").unwrap_err().to_string().contains("single class"));
    let err = TabularSpec { checkpoint_every: Some(1), ..spec(1, 1) }.fit(&table, "species").unwrap_err();
    assert!(err.to_string().contains("checkpoint_dir"), "{err}");
}

#[test]
fn a_plain_network_file_is_not_a_tabular_model() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("net.kerust");
    let mut network = TabularSpec::default().network(3, 1, Activation::Linear, Some(0));
    network.compile(Adam::new(0.01), Loss::MeanSquaredError, &[]).unwrap();
    network.save(&path).unwrap();
    let err = TabularModel::load(&path).unwrap_err().to_string();
    assert!(err.contains("no preprocessing") && err.contains("Sequential::load"), "{err}");
}
