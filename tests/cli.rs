//! The `kerust` binary, run as a user would: every dataset, the files of a run folder, the
//! charts, the report, and every bad input.

use std::path::Path;

mod common;

use common::cli::{check_scores_consistent, check_scores_equal_the_library, fails, json, kerust, train};
use kerust::tabular::TabularSpec;

/// Decodes a PNG and checks it is a real picture: its size, and many distinct colours.
fn check_png(path: &Path) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert!(info.width >= 400 && info.height >= 300, "{}: {}x{}", path.display(), info.width, info.height);
    let pixels: std::collections::HashSet<&[u8]> = buf[..info.buffer_size()].chunks(3).collect();
    assert!(pixels.len() > 20, "{} looks blank ({} colours)", path.display(), pixels.len());
}

const COMMON: [&str; 9] = [
    "history.csv",
    "learning_curve.png",
    "learning_curve.svg",
    "predictions.csv",
    "metrics.json",
    "run.json",
    "report.html",
    "model.kerust",
    "settings.toml",
];

fn check_common(run: &Path) {
    for f in COMMON {
        assert!(run.join(f).is_file(), "{f} missing in {}", run.display());
    }
    check_png(&run.join("learning_curve.png"));
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    check_report(&html);
    let record = json(&run.join("run.json"));
    assert!(record["seed"].is_u64());
    assert_eq!(record["data"]["sha256"].as_str().unwrap().len(), 64);
    assert!(record["wall_seconds"]["train"].as_f64().unwrap() >= 0.0);
    assert!(record["settings"]["epochs"].is_u64());
    let history = std::fs::read_to_string(run.join("history.csv")).unwrap();
    assert!(history.starts_with("epoch,loss,"));
    check_scores_consistent(run);
    // No temporary folder is left beside the run.
    let parent = run.parent().unwrap();
    let leftovers: Vec<_> = std::fs::read_dir(parent)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());
}

/// A self-contained, well-formed page embedding the learning curve.
fn check_report(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("src="), "external reference");
    assert!(html.contains("<figure id=\"learning_curve\">\n<svg"));
    // Every opened element is closed, in order (void and self-closed elements aside).
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("unclosed tag");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') || tag.ends_with('/') {
            continue;
        }
        let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_alphanumeric()).collect();
        if ["meta", "br"].contains(&name.as_str()) {
            continue;
        }
        if tag.starts_with('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "mismatched </{name}>");
        } else {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn default_boston_run() {
    let dir = tempfile::tempdir().unwrap();
    let (run, stdout) = train(dir.path(), &["--seed", "3"]);
    check_common(&run);
    check_png(&run.join("pred_vs_actual.png"));
    let svg = std::fs::read_to_string(run.join("pred_vs_actual.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.contains("MEDV"), "pred_vs_actual.svg");
    assert!(stdout.contains("Model: \"sequential\"") && stdout.contains("Epoch 100/100"), "{stdout}");
    let m = json(&run.join("metrics.json"));
    assert_eq!(m["task"], "regression");
    assert!(m["rmse"].as_f64().unwrap() < 8.0, "{m}");
    // rmse, mae, r2 and mape are those of the library run with the same settings, and those
    // of the predictions written (check_common).
    check_scores_equal_the_library(&run, "boston_housing", TabularSpec { seed: Some(3), ..TabularSpec::default() });
    let preds = std::fs::read_to_string(run.join("predictions.csv")).unwrap();
    assert!(preds.starts_with("row,MEDV,predicted_MEDV\n"));
    assert_eq!(preds.lines().count(), 1 + 102);
}

#[test]
fn carseats_one_hot() {
    let dir = tempfile::tempdir().unwrap();
    let (run, stdout) = train(dir.path(), &["--dataset", "carseats", "--seed", "1", "--epochs", "60"]);
    check_common(&run);
    // 7 numeric columns + ShelveLoc (3) + Urban (2) + US (2) dummies.
    assert!(stdout.contains("14 features"), "{stdout}");
    let m = json(&run.join("metrics.json"));
    assert!(m["r2"].as_f64().unwrap() > 0.5, "{m}");
    check_scores_equal_the_library(
        &run,
        "carseats",
        TabularSpec { seed: Some(1), epochs: 60, ..TabularSpec::default() },
    );
}

#[test]
fn iris_multiclass() {
    let dir = tempfile::tempdir().unwrap();
    let (run, _) = train(dir.path(), &["--dataset", "iris", "--seed", "1"]);
    check_common(&run);
    check_png(&run.join("confusion_matrix.png"));
    let m = json(&run.join("metrics.json"));
    assert_eq!(m["task"], "classification");
    assert!(m["accuracy"].as_f64().unwrap() >= 0.9, "{m}");
    assert_eq!(m["labels"], serde_json::json!(["setosa", "versicolor", "virginica"]));
    check_scores_equal_the_library(&run, "iris", TabularSpec { seed: Some(1), ..TabularSpec::default() });
    let preds = std::fs::read_to_string(run.join("predictions.csv")).unwrap();
    assert!(preds.starts_with("row,species,predicted_species,p_setosa,p_versicolor,p_virginica\n"));
}

#[test]
fn breast_cancer_binary() {
    let dir = tempfile::tempdir().unwrap();
    let (run, _) = train(dir.path(), &["--dataset", "breast_cancer", "--seed", "1"]);
    check_common(&run);
    let m = json(&run.join("metrics.json"));
    assert!(m["accuracy"].as_f64().unwrap() >= 0.93, "{m}");
    assert_eq!(m["confusion_matrix"].as_array().unwrap().len(), 2);
}

#[test]
fn diabetes_regression() {
    let dir = tempfile::tempdir().unwrap();
    let (run, _) = train(dir.path(), &["--dataset", "diabetes", "--seed", "1"]);
    check_common(&run);
    let m = json(&run.join("metrics.json"));
    assert!(m["r2"].as_f64().unwrap() >= 0.35, "{m}");
}

#[test]
fn own_csv_with_target_and_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("mine.csv");
    let mut text = String::from("a,b,colour,y\n");
    for i in 0..120 {
        let (a, b) = ((i % 7) as f32, (i % 5) as f32);
        let colour = ["red", "green", "blue"][i % 3];
        text += &format!(
            "{a},{b},{colour},{}\n",
            2.0 * a - b + if colour == "red" { 3.0 } else { 0.0 } + (i % 11) as f32 / 10.0
        );
    }
    std::fs::write(&csv, text).unwrap();
    let config = dir.path().join("run.toml");
    std::fs::write(&config, "epochs = 40\nlayers = [16]\nlr = 0.01\nseed = 5\n").unwrap();
    let (run, stdout) = train(
        dir.path(),
        &[csv.to_str().unwrap(), "--target", "y", "--config", config.to_str().unwrap(), "--epochs", "30"],
    );
    assert!(stdout.contains("Epoch 30/30"), "flags override the config file: {stdout}");
    let settings = std::fs::read_to_string(run.join("settings.toml")).unwrap();
    assert!(
        settings.contains("epochs = 30") && settings.contains("layers = [16]") && settings.contains("seed = 5"),
        "{settings}"
    );
    check_common(&run);
}

#[test]
fn datasets_and_summary_commands() {
    let out = kerust().arg("datasets").assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    for name in ["boston_housing", "diabetes", "iris", "breast_cancer", "wine", "carseats"] {
        assert!(text.contains(name), "{text}");
    }
    let out = kerust()
        .args(["summary", "--layers", "64,32", "--input-dim", "13"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let expected = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/summary.txt")).unwrap();
    assert!(String::from_utf8(out).unwrap().starts_with(&expected));
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn bad_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fails(&["train", "/nonexistent/data.csv"], "/nonexistent/data.csv");
    fails(&["train", d.to_str().unwrap()], "is a directory");
    fails(&["train", &write(d, "empty.csv", "")], "empty");
    let good =
        write(d, "good.csv", &(0..30).fold("a,b,y\n".to_string(), |s, i| s + &format!("{i},{},{}\n", i % 4, i * 2)));
    fails(&["train", &good, "--target", "nope"], "a, b, y");
    let nan = write(
        d,
        "nan.csv",
        &(0..30).fold("a,y\n".to_string(), |s, i| {
            s + &format!("{i},{}\n", if i == 7 { "NaN".into() } else { i.to_string() })
        }),
    );
    // A missing target drops its row (with a warning) unless --missing error.
    fails(&["train", &nan, "--target", "y", "--missing", "error"], "line 9");
    fails(&["train", &write(d, "one.csv", "a,y\n1,2\n")], "1 data row");
    fails(&["train", &good, "--epochs", "0"], "--epochs");
    fails(&["train", &good, "--layers", "64,x"], "--layers");
    fails(&["train", &good, "--validation-split", "1"], "--validation-split");
    fails(&["train", "--dataset", "nope"], "boston_housing");
    // An --out below a regular file cannot be created.
    let blocker = write(d, "blocker", "x");
    let assert = kerust().args(["train", &good, "--out", &format!("{blocker}/run")]).assert().failure();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    // (The lint warns first: column a is the row number.)
    assert!(stderr.lines().last().is_some_and(|l| l.starts_with("error:")) && !stderr.contains("panicked"), "{stderr}");
}

#[test]
fn usage_errors_exit_2_and_data_errors_exit_1() {
    kerust().args(["train", "--epochs", "0"]).assert().code(2);
    kerust().args(["train", "--no-such-flag"]).assert().code(2);
    kerust().args(["train", "/nonexistent.csv"]).assert().code(1);
}
