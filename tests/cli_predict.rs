//! A saved run predicts on raw CSVs: `kerust predict`, `evaluate` and `summary --model`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn kerust() -> Command {
    Command::cargo_bin("kerust").unwrap()
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(name)
}

fn train(dir: &Path, dataset: &str) -> PathBuf {
    let out = dir.join(dataset);
    kerust()
        .args(["train", "--dataset", dataset, "--seed", "2", "--epochs", "30", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    out
}

fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

/// Rewrites a CSV: columns in `order` (by name), plus an extra column, optionally replacing
/// the values of one column.
fn rewrite(src: &Path, dst: &Path, order: &[&str], replace: Option<(&str, usize, &str)>) {
    let text = std::fs::read_to_string(src).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let idx: Vec<usize> = order.iter().map(|c| header.iter().position(|h| h == c).unwrap()).collect();
    let mut out = format!("extra,{}\n", order.join(","));
    for (r, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        let mut row: Vec<String> = idx.iter().map(|&i| cells[i].to_string()).collect();
        if let Some((col, at, value)) = replace
            && at == r
        {
            row[order.iter().position(|c| *c == col).unwrap()] = value.to_string();
        }
        out += &format!("junk{r},{}\n", row.join(","));
    }
    std::fs::write(dst, out).unwrap();
}

#[test]
fn predict_reproduces_the_run_predictions() {
    let dir = tempfile::tempdir().unwrap();
    let run = train(dir.path(), "boston_housing");
    // The original CSV without its target column, columns reversed, an extra column.
    let cols = ["LSTAT", "B", "PTRATIO", "TAX", "RAD", "DIS", "AGE", "RM", "NOX", "CHAS", "INDUS", "ZN", "CRIM"];
    let raw = dir.path().join("raw.csv");
    rewrite(&data("boston_housing.csv"), &raw, &cols, None);
    let out = dir.path().join("p.csv");
    kerust()
        .args(["predict", "--model"])
        .arg(run.join("model.kerust"))
        .arg(&raw)
        .arg("--out")
        .arg(&out)
        .args(["--id", "extra"])
        .assert()
        .success();
    let predicted = std::fs::read_to_string(&out).unwrap();
    let predicted: Vec<&str> = predicted.lines().collect();
    assert_eq!(predicted[0], "extra,predicted_MEDV");
    assert_eq!(predicted.len(), 1 + 506);
    let run_preds = std::fs::read_to_string(run.join("predictions.csv")).unwrap();
    for line in run_preds.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let row: usize = cells[0].parse().unwrap();
        assert_eq!(predicted[1 + row], format!("junk{row},{}", cells[2]), "row {row} differs");
    }
}

#[test]
fn unseen_category_warns_and_missing_column_errors() {
    let dir = tempfile::tempdir().unwrap();
    let run = train(dir.path(), "carseats");
    let model = run.join("model.kerust");
    let cols =
        ["US", "Urban", "Education", "Age", "ShelveLoc", "Price", "Population", "Advertising", "Income", "CompPrice"];
    let odd = dir.path().join("odd.csv");
    rewrite(&data("carseats.csv"), &odd, &cols, Some(("ShelveLoc", 3, "Excellent")));
    let assert = kerust().args(["predict", "--model"]).arg(&model).arg(&odd).assert().success();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("warning:") && stderr.contains("\"Excellent\"") && stderr.contains("ShelveLoc"),
        "{stderr}"
    );
    assert_eq!(String::from_utf8(assert.get_output().stdout.clone()).unwrap().lines().count(), 401);

    let short = dir.path().join("short.csv");
    rewrite(&data("carseats.csv"), &short, &cols[1..], None);
    let assert = kerust().args(["predict", "--model"]).arg(&model).arg(&short).assert().code(1);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(stderr.starts_with("error:") && stderr.contains("US") && !stderr.contains("panicked"), "{stderr}");
}

#[test]
fn classifier_predicts_labels_and_evaluates() {
    let dir = tempfile::tempdir().unwrap();
    let run = train(dir.path(), "iris");
    let model = run.join("model.kerust");
    let text = stdout(kerust().args(["predict", "--model"]).arg(&model).arg(data("iris.csv")));
    let first: Vec<&str> = text.lines().take(2).collect();
    assert_eq!(first[0], "predicted_species,p_setosa,p_versicolor,p_virginica");
    assert!(first[1].starts_with("setosa,"), "{text}");
    let probs: f32 = first[1].split(',').skip(1).map(|p| p.parse::<f32>().unwrap()).sum();
    assert!((probs - 1.0).abs() < 1e-5);
    let text = stdout(kerust().args(["evaluate", "--model"]).arg(&model).arg(data("iris.csv")));
    assert!(text.contains("Results on 150 rows") && text.contains("accuracy") && text.contains("virginica"), "{text}");
    let text = stdout(kerust().args(["summary", "--model"]).arg(&model));
    assert!(text.contains("Model: \"sequential\"") && text.contains("accuracy") && text.contains("seed"), "{text}");
}

#[test]
fn predict_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.kerust");
    std::fs::write(&bad, b"not a model").unwrap();
    let assert = kerust().args(["predict", "--model"]).arg(&bad).arg(data("iris.csv")).assert().code(1);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(stderr.starts_with("error:") && stderr.contains("bad.kerust"), "{stderr}");
    kerust().args(["predict", "--model", "/nonexistent.kerust"]).arg(data("iris.csv")).assert().code(1);
}
