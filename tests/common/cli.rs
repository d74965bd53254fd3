//! Helpers of the tests that run the `kerust` binary.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The built `kerust` binary.
pub fn kerust() -> Command {
    Command::cargo_bin("kerust").unwrap()
}

/// Runs `kerust train ARGS --out DIR/run` and returns the run folder.
pub fn train(dir: &Path, args: &[&str]) -> (PathBuf, String) {
    let out = dir.join("run");
    let assert = kerust().arg("train").args(args).arg("--out").arg(&out).assert().success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains(&format!("Run folder: {}", out.display())), "{stdout}");
    (out, stdout)
}

/// A JSON file of a run folder.
pub fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Runs a failing command: non-zero exit, one `error:` line, no panic, no run folder left.
pub fn fails(args: &[&str], needle: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("runs").join("bad");
    let assert = kerust().current_dir(dir.path()).args(args).arg("--out").arg(&out).assert().failure();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(stderr.lines().any(|l| l.starts_with("error:")), "{args:?}: {stderr}");
    assert!(stderr.contains(needle), "{args:?}: expected {needle:?} in {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.exists(), "a run folder was left behind for {args:?}");
    if let Ok(entries) = std::fs::read_dir(dir.path().join("runs")) {
        assert_eq!(entries.count(), 0, "temporary files left for {args:?}");
    }
}

/// The rows of a run's `predictions.csv`: the header, then each row's cells.
pub fn predictions(run: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(run.join("predictions.csv")).unwrap();
    let header = reader.headers().unwrap().iter().map(str::to_string).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    (header, rows)
}

/// scikit-learn's regression scores of the true and predicted columns, computed here in f64
/// from the written values read as the f32 numbers the model saw and gave: rmse, mae, r2,
/// mape (a fraction, over `max(|y|, f64 eps)`).
pub fn regression_scores(rows: &[Vec<String>]) -> Vec<(&'static str, f64)> {
    let f32_of = |s: &str| s.parse::<f32>().unwrap() as f64;
    let pairs: Vec<(f64, f64)> = rows.iter().map(|r| (f32_of(&r[1]), f32_of(&r[2]))).collect();
    let n = pairs.len() as f64;
    let mean = |f: &dyn Fn(f64, f64) -> f64| pairs.iter().map(|&(t, p)| f(t, p)).sum::<f64>() / n;
    let mse = mean(&|t, p| (t - p) * (t - p));
    let y_mean = mean(&|t, _| t);
    let total = mean(&|t, _| (t - y_mean) * (t - y_mean));
    vec![
        ("rmse", mse.sqrt()),
        ("mae", mean(&|t, p| (t - p).abs())),
        ("r2", 1.0 - mse / total),
        ("mape", mean(&|t, p| (t - p).abs() / t.abs().max(f64::EPSILON))),
    ]
}

/// Accuracy, macro F1 and the `[true][predicted]` confusion matrix of the label columns,
/// over `labels` (every class of the label map, in order).
pub fn classification_scores(rows: &[Vec<String>], labels: &[String]) -> (f64, f64, Vec<Vec<u64>>) {
    let index = |l: &str| labels.iter().position(|x| x == l).unwrap();
    let mut confusion = vec![vec![0u64; labels.len()]; labels.len()];
    for r in rows {
        confusion[index(&r[1])][index(&r[2])] += 1;
    }
    let correct: u64 = (0..labels.len()).map(|k| confusion[k][k]).sum();
    let f1 = (0..labels.len())
        .map(|k| {
            let tp = confusion[k][k] as f64;
            let predicted: u64 = confusion.iter().map(|row| row[k]).sum();
            let actual: u64 = confusion[k].iter().sum();
            if tp == 0.0 { 0.0 } else { 2.0 * tp / (predicted + actual) as f64 }
        })
        .sum::<f64>()
        / labels.len() as f64;
    (correct as f64 / rows.len() as f64, f1, confusion)
}

/// `metrics.json` agrees with the scores recomputed from `predictions.csv` (to 1e-9
/// relative, summation order aside: the file holds each f32 prediction's shortest form).
pub fn check_scores_consistent(run: &Path) {
    let m = json(&run.join("metrics.json"));
    let (_, rows) = predictions(run);
    assert_eq!(m["test_rows"].as_u64().unwrap() as usize, rows.len(), "{m}");
    let close = |key: &str, want: f64| {
        let got = m[key].as_f64().unwrap_or_else(|| panic!("{key} in {m}"));
        assert!((got - want).abs() <= 1e-9 * want.abs().max(1e-3), "{key}: metrics.json {got}, predictions.csv {want}");
    };
    match m["task"].as_str().unwrap() {
        "regression" => regression_scores(&rows).into_iter().for_each(|(k, v)| close(k, v)),
        _ => {
            let labels: Vec<String> =
                m["labels"].as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_string()).collect();
            let (accuracy, f1, confusion) = classification_scores(&rows, &labels);
            close("accuracy", accuracy);
            close("f1_macro", f1);
            assert_eq!(m["confusion_matrix"], serde_json::json!(confusion), "{m}");
        }
    }
}

/// `metrics.json` holds exactly the test scores of the same settings run through the library
/// (`kerust train` is a shell over `TabularSpec::fit`, bit for bit).
pub fn check_scores_equal_the_library(run: &Path, dataset: &str, spec: kerust::tabular::TabularSpec) {
    let m = json(&run.join("metrics.json"));
    let info = kerust::datasets::all().iter().find(|d| d.name == dataset).unwrap();
    let fitted = spec.fit(&kerust::datasets::load(dataset).unwrap(), info.target).unwrap();
    for (key, value) in &fitted.test.metrics {
        assert_eq!(m[key.as_str()].as_f64(), Some(*value), "{dataset}: {key} in {m}");
    }
}
