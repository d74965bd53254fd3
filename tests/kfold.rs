//! `KFold` and `StratifiedKFold` against scikit-learn 1.9.1 (`tests/fixtures/kfold.json`, made
//! by `tools/make_kfold_fixture.py`): every fold of every case, index for index, and the errors.
//!
//! The stratified labels are strings or integers as scikit-learn saw them; they go through a
//! kerust `Table` and `TargetEncoding::ClassIndices` / `OneHot` (classes numbered in sorted
//! label order, not scikit-learn's order of first appearance), as a user's labels would.

use kerust::Error;
use kerust::data::{EncodeOptions, Table, TargetEncoding};
use kerust::datasets;
use kerust::preprocessing::{Folds, KFold, StratifiedKFold};
use ndarray::{Array2, array};
use serde_json::Value;

fn fixture() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/kfold.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["sklearn"], "1.9.1");
    doc
}

fn indices(v: &Value) -> Vec<usize> {
    v.as_array().unwrap().iter().map(|i| i.as_u64().unwrap() as usize).collect()
}

/// Compares lengths first (a readable failure), then every index.
fn assert_folds(got: &Folds, expected: &Value, what: &str) {
    let expected = expected.as_array().unwrap();
    assert_eq!(got.len(), expected.len(), "{what}: number of folds");
    for (i, ((train, test), want)) in got.iter().zip(expected).enumerate() {
        let (want_train, want_test) = (indices(&want["train"]), indices(&want["test"]));
        assert_eq!((train.len(), test.len()), (want_train.len(), want_test.len()), "{what} fold {i}: sizes");
        assert_eq!(train, &want_train, "{what} fold {i}: train");
        assert_eq!(test, &want_test, "{what} fold {i}: test");
    }
}

/// A one-column table of the labels (strings or integers), the way a CSV would give them.
fn label_table(labels: &[Value]) -> Table {
    let mut csv = String::from("label\n");
    for label in labels {
        match label {
            Value::String(s) => csv.push_str(s),
            other => csv.push_str(&other.to_string()),
        }
        csv.push('\n');
    }
    Table::from_reader(csv.as_bytes()).unwrap()
}

fn encode(table: &Table, target: &str, how: TargetEncoding) -> Array2<f32> {
    table.encode(target, &EncodeOptions::default().target(how)).unwrap().y
}

#[test]
fn kfold_matches_scikit_learn() {
    let doc = fixture();
    let cases = doc["kfold"].as_array().unwrap();
    assert_eq!(cases.len(), 25);
    for case in cases {
        let (n, k) = (case["n"].as_u64().unwrap() as usize, case["n_splits"].as_u64().unwrap() as usize);
        assert_folds(&KFold::new(k).split(n).unwrap(), &case["folds"], &format!("KFold({k}) n={n}"));
    }
}

#[test]
fn stratified_kfold_matches_scikit_learn() {
    let doc = fixture();
    let cases = doc["stratified"].as_array().unwrap();
    assert_eq!(cases.len(), 35);
    for case in cases {
        let k = case["n_splits"].as_u64().unwrap() as usize;
        let what = format!("StratifiedKFold({k}) {}", case["name"].as_str().unwrap());
        let table = label_table(case["labels"].as_array().unwrap());
        let y = encode(&table, "label", TargetEncoding::ClassIndices); // (n, 1)
        let one_hot = encode(&table, "label", TargetEncoding::OneHot); // (n, classes)
        let skf = StratifiedKFold::new(k);
        assert_folds(&skf.split(&y).unwrap(), &case["folds"], &format!("{what} class indices"));
        assert_folds(&skf.split(&one_hot).unwrap(), &case["folds"], &format!("{what} one-hot"));
        let classes: Vec<usize> = y.iter().map(|&c| c as usize).collect();
        assert_folds(&skf.split_classes(&classes).unwrap(), &case["folds"], &format!("{what} split_classes"));
        // The dataset cases: the embedded dataset's own target gives the same y, hence the folds.
        if let Some(file) = case["data_file"].as_str() {
            let dataset = datasets::load(file.trim_end_matches(".csv")).unwrap();
            let (_, y_dataset) = dataset.features_target(case["column"].as_str().unwrap()).unwrap();
            assert_eq!(y_dataset, y, "{what}: fixture labels vs datasets::load");
        }
    }
}

#[test]
fn sorted_class_numbering_would_differ_and_is_handled() {
    // The generator lists cases where numbering the classes in sorted order (kerust's
    // LabelMap) without re-encoding by first appearance gives other folds than scikit-learn.
    let doc = fixture();
    let listed: Vec<&str> = doc["numbering_matters"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(listed.contains(&"first_appearance_strings k=5"), "{listed:?}");
    assert!(listed.contains(&"iris_permuted k=3"), "{listed:?}");
}

fn invalid_n_splits(err: Error) -> String {
    let message = err.to_string();
    assert!(matches!(err, Error::InvalidArgument { name: "n_splits", .. }), "{message}");
    assert!(message.starts_with("n_splits "), "{message}");
    message
}

#[test]
fn fixture_error_cases_are_errors() {
    let doc = fixture();
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 6);
    for case in errors {
        let k = case["n_splits"].as_u64().unwrap() as usize;
        let err = match (case["splitter"].as_str().unwrap(), case.get("labels")) {
            ("KFold", _) => KFold::new(k).split(case["n_rows"].as_u64().unwrap() as usize).unwrap_err(),
            (_, Some(labels)) => {
                let y = encode(&label_table(labels.as_array().unwrap()), "label", TargetEncoding::ClassIndices);
                StratifiedKFold::new(k).split(&y).unwrap_err()
            }
            _ => {
                let labels: Vec<usize> = (0..case["n_rows"].as_u64().unwrap() as usize).map(|r| r % 2).collect();
                StratifiedKFold::new(k).split_classes(&labels).unwrap_err()
            }
        };
        let message = invalid_n_splits(err);
        assert!(message.ends_with(&format!("Received: n_splits={k}")), "{message}");
    }
}

#[test]
fn n_splits_below_two_is_an_error() {
    for k in [0, 1] {
        let messages = [
            invalid_n_splits(KFold::new(k).split(5).unwrap_err()),
            invalid_n_splits(StratifiedKFold::new(k).split_classes(&[0, 1, 0, 1, 0]).unwrap_err()),
            invalid_n_splits(StratifiedKFold::new(k).split(&array![[0.0f32], [1.0], [0.0]]).unwrap_err()),
        ];
        for message in messages {
            assert!(message.contains("must be at least 2"), "{message}");
        }
    }
}

#[test]
fn n_splits_above_the_number_of_rows_is_an_error() {
    let messages = [
        invalid_n_splits(KFold::new(6).split(5).unwrap_err()),
        invalid_n_splits(KFold::new(2).split(0).unwrap_err()),
        invalid_n_splits(StratifiedKFold::new(6).split_classes(&[0, 1, 0, 1, 0]).unwrap_err()),
        invalid_n_splits(StratifiedKFold::new(6).split(&Array2::zeros((5, 1))).unwrap_err()),
    ];
    assert!(messages[0].contains("cannot be greater than the number of rows (5)"), "{}", messages[0]);
    assert!(messages[1].contains("number of rows (0)"), "{}", messages[1]);
    for message in &messages[2..] {
        assert!(message.contains("cannot be greater than the number of rows (5)"), "{message}");
    }
}

#[test]
fn n_splits_above_every_class_is_an_error() {
    // 4 rows, classes of 2 and 2: 3 folds fit the rows but no class (scikit-learn raises too).
    let message = invalid_n_splits(StratifiedKFold::new(3).split_classes(&[0, 0, 1, 1]).unwrap_err());
    assert!(message.contains("cannot be greater than the number of members in each class"), "{message}");
    assert!(message.contains("the largest of the 2 classes has 2 rows"), "{message}");
    // One class large enough is enough: the other is simply missing from some test folds.
    let folds = StratifiedKFold::new(3).split_classes(&[0, 0, 1, 1, 1]).unwrap();
    assert_eq!(folds.iter().map(|(_, test)| test.clone()).collect::<Vec<_>>(), [vec![0, 2], vec![1, 3], vec![4]]);
}

#[test]
fn a_non_integer_label_is_an_error() {
    let err = StratifiedKFold::new(2).split(&array![[0.0f32], [0.5], [1.0], [1.0]]).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::InvalidTarget { .. }), "{message}");
    assert!(message.contains("row 1 holds 0.5, which is not a class label"), "{message}");
}

#[test]
fn a_non_finite_label_is_an_error() {
    for (y, row, col) in [
        (array![[0.0f32], [1.0], [f32::NAN], [1.0]], 2, 0),
        (array![[1.0f32, 0.0], [0.0, f32::NAN], [1.0, 0.0], [0.0, 1.0]], 1, 1),
        (array![[0.0f32], [f32::INFINITY], [1.0], [1.0]], 1, 0),
    ] {
        let err = StratifiedKFold::new(2).split(&y).unwrap_err();
        assert!(matches!(err, Error::NonFinite { row: r, col: c, .. } if (r, c) == (row, col)), "{err}");
        assert!(err.to_string().starts_with("y (StratifiedKFold) contains a non-finite value"), "{err}");
    }
}

#[test]
fn y_without_columns_is_an_error() {
    let err = StratifiedKFold::new(2).split(&Array2::zeros((4, 0))).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { name: "y", .. }), "{err}");
    assert!(err.to_string().contains("Received: y=shape (4, 0)"), "{err}");
}
