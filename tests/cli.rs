//! The `kerust` binary, run as a user would: every dataset, the files of a run folder, the
//! charts, the report, and every bad input.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn kerust() -> Command {
    Command::cargo_bin("kerust").unwrap()
}

/// Runs `kerust train ARGS --out DIR/run` and returns the run folder.
fn train(dir: &Path, args: &[&str]) -> (PathBuf, String) {
    let out = dir.join("run");
    let assert = kerust().arg("train").args(args).arg("--out").arg(&out).assert().success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains(&format!("Run folder: {}", out.display())), "{stdout}");
    (out, stdout)
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

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
    for k in ["mae", "r2", "mape"] {
        assert!(m[k].is_f64(), "{k}");
    }
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

/// Runs a failing command: non-zero exit, one `error:` line, no panic, no run folder left.
fn fails(args: &[&str], needle: &str) {
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
    assert!(stderr.starts_with("error:") && !stderr.contains("panicked"), "{stderr}");
}

#[test]
fn usage_errors_exit_2_and_data_errors_exit_1() {
    kerust().args(["train", "--epochs", "0"]).assert().code(2);
    kerust().args(["train", "--no-such-flag"]).assert().code(2);
    kerust().args(["train", "/nonexistent.csv"]).assert().code(1);
}

#[test]
fn training_control_flags() {
    let dir = tempfile::tempdir().unwrap();
    let (run, _) = train(
        dir.path(),
        &[
            "--seed",
            "1",
            "--epochs",
            "400",
            "--lr",
            "0.01",
            "--early-stopping",
            "5",
            "--reduce-lr",
            "2",
            "--checkpoint-every",
            "10",
        ],
    );
    let record = json(&run.join("run.json"));
    let epochs = record["epochs_run"].as_u64().unwrap();
    assert!(epochs < 400, "early stopping should end the run ({epochs} epochs)");
    let history = std::fs::read_to_string(run.join("history.csv")).unwrap();
    assert!(history.lines().next().unwrap().ends_with(",learning_rate"), "{history}");
    // ReduceLROnPlateau really lowered the rate: a tenth of --lr at some epoch.
    let rates: Vec<f32> = history.lines().skip(1).map(|l| l.rsplit(',').next().unwrap().parse().unwrap()).collect();
    assert_eq!(rates[0], 0.01);
    assert!(rates.iter().any(|&r| (r - 0.001).abs() < 1e-6), "{rates:?}");
    let checkpoints = std::fs::read_dir(&run)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("checkpoint-epoch"))
        .count();
    assert_eq!(checkpoints as u64, epochs / 10);
    assert!(run.join("checkpoint-epoch0010.kerust").is_file());
}

#[test]
fn regularization_flags() {
    let dir = tempfile::tempdir().unwrap();
    let (run, stdout) = train(
        dir.path(),
        &[
            "--dataset",
            "breast_cancer",
            "--seed",
            "1",
            "--dropout",
            "0.3",
            "--batch-norm",
            "--l2",
            "0.001",
            "--class-weight",
            "balanced",
        ],
    );
    assert!(stdout.contains("dropout (Dropout)") && stdout.contains("(BatchNormalization)"), "{stdout}");
    let m = json(&run.join("metrics.json"));
    assert!(m["accuracy"].as_f64().unwrap() >= 0.93, "{m}");
    let settings = std::fs::read_to_string(run.join("settings.toml")).unwrap();
    // The model itself carries the L2 penalty on every kernel, not only the settings file.
    let network = kerust::model::Sequential::load(run.join("model.kerust")).unwrap();
    let layers = network.layer_configs().unwrap();
    let configs = serde_json::to_string(&layers).unwrap();
    let dense = layers.iter().filter(|c| serde_json::to_string(c).unwrap().contains("Dense")).count();
    assert_eq!(configs.matches("\"l2\":0.001").count(), dense, "{configs}");
    assert!(settings.contains("l2 = 0.001"), "{settings}");
    assert!(
        settings.contains("dropout = 0.3")
            && settings.contains("batch_norm = true")
            && settings.contains("class_weight = \"balanced\""),
        "{settings}"
    );
    fails(&["train", "--dropout", "1.5"], "--dropout");
    fails(&["train", "--class-weight", "balanced"], "classification");
    fails(&["train", "--class-weight", "heavy"], "balanced");
}
