//! Every bad input a CLI user can give, in one table: each case asserts the exit code (2 for
//! a mistake in the command, 1 for bad data or files), an `error:` line with the hint that
//! case needs, no panic, and no run folder (nor a temporary one) left behind. The one
//! exception, a diverging run, writes a complete folder marked `diverged`.

mod common;

use std::path::Path;

use common::cli::{json, kerust};

/// One bad command: its arguments (`{d}` is the fixture folder), exit code and hint.
struct Case {
    args: &'static str,
    code: i32,
    hint: &'static str,
}

const fn case(args: &'static str, code: i32, hint: &'static str) -> Case {
    Case { args, code, hint }
}

fn csv(rows: usize, header: &str, row: impl Fn(usize) -> String) -> String {
    (0..rows).fold(format!("{header}\n"), |s, i| s + &row(i) + "\n")
}

/// The CSVs and files the cases use.
fn fixtures(d: &Path) {
    let w = |name: &str, text: String| std::fs::write(d.join(name), text).unwrap();
    w("ok.csv", csv(60, "a,b,y", |i| format!("{},{},{}", i % 7, (i * 3) % 11, (i % 7) as f64 * 0.5 + (i % 3) as f64)));
    w("only_target.csv", csv(30, "y", |i| format!("{}", i % 5)));
    w("one_row.csv", "a,y\n1,2\n".into());
    w("empty.csv", String::new());
    w("header_only.csv", "a,y\n".into());
    w("ragged.csv", "a,b,y\n1,2,3\n4,5,6,7\n".into());
    w("nan.csv", csv(30, "a,y", |i| if i == 7 { format!("{i},NaN") } else { format!("{i},{}", i % 4) }));
    w("text_target.csv", csv(30, "a,kind", |i| format!("{},{}", i % 5, ["cat", "dog", "fox"][i % 3])));
    w("one_class.csv", csv(30, "a,kind", |i| format!("{i},cat")));
    w("ids.csv", csv(60, "name,a,y", |i| format!("id{i},{},{}", i % 6, i % 6 * 2 + i % 2)));
    w("bad_key.toml", "epochs = 3\nlearning_rat = 0.1\n".into());
    w("bad_syntax.toml", "epochs = = 3\n".into());
    w("bad_value.toml", "epochs = \"many\"\n".into());
    w("not_a_model.kerust", "this is not a model file".into());
    w("no_b.csv", csv(10, "a,y", |i| format!("{i},{i}")));
    w("space.toml", "[nonsense]\n".into());
}

/// `kerust train ok.csv` for the model the predict cases need.
fn model(d: &Path) {
    let ok = d.join("ok.csv");
    kerust()
        .args(["train", ok.to_str().unwrap(), "--target", "y", "--epochs", "1", "--quiet", "--out"])
        .arg(d.join("model_run"))
        .assert()
        .success();
}

/// `--distributed` outside mpirun: in a build without MPI, that MPI is missing; with it, that
/// mpirun is.
const DISTRIBUTED_HINT: &str = if cfg!(feature = "mpi") {
    "--distributed runs under mpirun"
} else {
    "--distributed needs kerust built with MPI support"
};

const CASES: &[Case] = &[
    // Where the data comes from.
    case("train {d}/nothere.csv", 1, "nothere.csv"),
    case("train {d}", 1, "is a directory"),
    case("train {d}/empty.csv", 1, "empty"),
    case("train {d}/header_only.csv", 1, "no data rows"),
    case("train {d}/one_row.csv", 1, "1 data row"),
    case("train {d}/ragged.csv", 1, "line 3"),
    case("train --dataset nope", 2, "boston_housing"),
    case("train {d}/ok.csv --target nope", 2, "columns: a, b, y"),
    case("train {d}/only_target.csv --target y", 1, "no feature columns"),
    case("train {d}/nan.csv --target y --missing error", 1, "line 9"),
    case("train {d}/one_class.csv --target kind", 1, "single class"),
    // Model and training flags.
    case("train {d}/ok.csv --target y --epochs 0", 2, "--epochs"),
    case("train {d}/ok.csv --target y --epochs many", 2, "--epochs"),
    case("train {d}/ok.csv --target y --layers 64,x", 2, "--layers"),
    case("train {d}/ok.csv --target y --lr 0", 2, "--lr"),
    case("train {d}/ok.csv --target y --lr=-1", 2, "--lr"),
    case("train {d}/ok.csv --target y --lr nan", 2, "--lr"),
    case("train {d}/ok.csv --target y --batch-size 0", 2, "--batch-size"),
    case("train {d}/ok.csv --target y --threads 0", 2, "--threads must be at least 1"),
    case("train {d}/ok.csv --target y --validation-split 1", 2, "--validation-split"),
    case("train {d}/ok.csv --target y --test-size 1.5", 2, "--test-size"),
    case("train {d}/ok.csv --target y --optimizer nope", 2, "--optimizer"),
    case("train {d}/ok.csv --target y --activation nope", 2, "--activation"),
    case("train {d}/ok.csv --target y --scaler nope", 2, "--scaler"),
    case("train {d}/ok.csv --target y --dropout 1.5", 2, "--dropout"),
    case("train {d}/ok.csv --target y --l2=-1", 2, "--l2"),
    case("train {d}/ok.csv --target y --seed abc", 2, "--seed"),
    case("train {d}/ok.csv --target y --no-such-flag", 2, "--no-such-flag"),
    case("train {d}/ok.csv --target y --class-weight balanced", 2, "classification"),
    case("train {d}/ok.csv --target y --class-weight heavy", 2, "balanced"),
    case("train {d}/text_target.csv --target kind --task regression", 2, "--task"),
    // A loss that does not fit the task or the target names both.
    case(
        "train {d}/ok.csv --target y --loss categorical_crossentropy",
        2,
        "--loss is a classification loss, but the target \"y\" is a regression target",
    ),
    case("train {d}/ok.csv --target y --loss binary_crossentropy", 2, "regression target"),
    case(
        "train {d}/text_target.csv --target kind --loss mse",
        2,
        "--loss is a regression loss, but the target \"kind\" is a classification target (3 classes)",
    ),
    case("train {d}/text_target.csv --target kind --loss binary_crossentropy", 2, "sparse_categorical_crossentropy"),
    case("train {d}/ok.csv --target y --loss nope", 2, "--loss"),
    // Resampling, settings files, output folders, --resume, --strict.
    case("train {d}/ok.csv --target y --repeats 0", 2, "--repeats"),
    case("train {d}/ok.csv --target y --cv 1", 2, "--cv"),
    case("train {d}/ok.csv --target y --cv 1000", 2, "--cv"),
    case("train {d}/ok.csv --target y --config {d}/nothere.toml", 1, "nothere.toml"),
    case("train {d}/ok.csv --target y --config {d}/bad_key.toml", 2, "learning_rat"),
    case("train {d}/ok.csv --target y --config {d}/bad_syntax.toml", 2, "bad_syntax.toml"),
    case("train {d}/ok.csv --target y --config {d}/bad_value.toml", 2, "epochs"),
    case("train {d}/ok.csv --target y --out {d}/model_run", 1, "already exists"),
    case("train --resume {d}/nothere", 1, "nothere"),
    case("train --resume {d}/model_run --epochs 1", 2, "--epochs"),
    case("train --resume {d}/model_run --layers 7 --epochs 5", 2, "--layers"),
    case("train {d}/ids.csv --target y --strict", 1, "--strict"),
    // Streaming and MPI: what they cannot honour is named.
    case("train {d}/ok.csv --target y --distributed", 2, DISTRIBUTED_HINT),
    case("train {d}/ok.csv --target y --chunk-rows 10", 2, "--chunk-rows applies to --stream"),
    case("train {d}/ok.csv --target y --cache-dir {d}", 2, "--cache-dir applies to --stream"),
    case("train --stream", 2, "--stream reads a CSV file"),
    case("train {d}/ok.csv --target y --stream --chunk-rows 0", 2, "--chunk-rows must be at least 1"),
    case("train {d}/ok.csv --target y --stream --repeats 2", 2, "--stream cannot honour --repeats"),
    case("train {d}/ok.csv --target y --stream --cv 3", 2, "--stream cannot honour --cv"),
    case("train {d}/ok.csv --target y --stream --strict", 2, "--stream cannot honour --strict"),
    case("train --resume {d}/model_run --stream --epochs 5", 2, "--stream cannot honour --resume"),
    case(
        "train {d}/text_target.csv --target kind --stream --class-weight balanced",
        2,
        "--stream cannot honour --class-weight",
    ),
    case("train {d}/ok.csv --target y --stream --test-selection shuffle", 2, "--stream chooses the test rows by hash"),
    case("train {d}/ok.csv --target nope --stream", 2, "--target \"nope\" is not a column"),
    case("train {d}/nothere.csv --stream", 1, "nothere.csv"),
    case("train {d}/nan.csv --target y --stream --chunk-rows 4 --missing error", 1, "line 9"),
    case("train {d}/ok.csv --target y --stream --impute median", 2, "--impute"),
    case("train {d}/ok.csv --target y --stream --cache-dir {d}/ok.csv/sub", 1, "streaming cache"),
    // Saved models.
    case("predict --model {d}/nothere.kerust {d}/ok.csv", 1, "--model"),
    case("predict --model {d}/model_run {d}/ok.csv", 1, "is a run folder; give its model file"),
    case("predict --model {d}/not_a_model.kerust {d}/ok.csv", 1, "not_a_model.kerust"),
    case("predict --model {d}/model_run/model.kerust {d}/nothere.csv", 1, "nothere.csv: no such file"),
    case("predict --model {d}/model_run/model.kerust {d}/no_b.csv", 1, "\"b\""),
    case("predict --model {d}/model_run/model.kerust {d}/ok.csv --id nope", 1, "nope"),
    case("evaluate --model {d}/model_run/model.kerust {d}/only_target.csv", 1, "\"a\""),
    case("export --model {d}/nothere.kerust --onnx {d}/m.onnx", 1, "--model"),
    case("summary --model {d}/nothere.kerust", 1, "nothere.kerust"),
    case("summary --layers 8 --input-dim 0", 2, "--input-dim"),
    // Tuning.
    case("tune {d}/ok.csv --target y --trials 0", 2, "--trials"),
    case("tune {d}/ok.csv --target y --space {d}/space.toml", 2, "nonsense"),
    case("tune {d}/ok.csv --target y --objective nope", 2, "--objective"),
];

#[test]
fn every_bad_input_is_one_clear_error() {
    assert!(CASES.len() >= 40, "{} cases", CASES.len());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fixtures(d);
    model(d);
    let before = listing(d);
    let mut failures = Vec::new();
    for c in CASES {
        let args: Vec<String> = c.args.split(' ').map(|a| a.replace("{d}", d.to_str().unwrap())).collect();
        let mut cmd = kerust();
        cmd.current_dir(d).args(&args);
        let out_given = args.iter().any(|a| a == "--out");
        let out = d.join("bad_run");
        if matches!(args[0].as_str(), "train" | "tune") && !out_given {
            cmd.arg("--out").arg(&out);
        }
        let output = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let mut wrong = Vec::new();
        if output.status.code() != Some(c.code) {
            wrong.push(format!("exit {:?}, expected {}", output.status.code(), c.code));
        }
        if !stderr.lines().any(|l| l.starts_with("error:")) {
            wrong.push("no `error:` line".into());
        }
        if !stderr.contains(c.hint) {
            wrong.push(format!("no {:?} in the message", c.hint));
        }
        if stderr.contains("panicked") {
            wrong.push("panicked".into());
        }
        if stderr.matches("os error").count() > 1 {
            wrong.push("the OS error twice".into());
        }
        if out.exists() || listing(d) != before {
            wrong.push("left files behind".into());
            let _ = std::fs::remove_dir_all(&out);
        }
        if !wrong.is_empty() {
            failures.push(format!("{}: {}\n    stderr: {}", c.args, wrong.join("; "), stderr.trim()));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases wrong:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}

/// The names in the fixture folder (a temporary run folder would show here).
fn listing(d: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// A diverging run stops at the first NaN, names the epoch, the batch, the learning rate and
/// the fix, exits 1, and still writes its folder: complete, marked, without a NaN model.
#[test]
fn a_diverging_run_stops_and_writes_a_marked_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fixtures(d);
    let out = d.join("run");
    let ok = d.join("ok.csv");
    let output = kerust()
        .args(["train", ok.to_str().unwrap(), "--target", "y", "--lr", "1e30", "--epochs", "5", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let line = stderr.lines().find(|l| l.starts_with("error:")).unwrap_or_else(|| panic!("{stderr}"));
    for needle in ["diverged", "epoch 1, batch", "learning rate 1e30", "--lr", "smaller"] {
        assert!(line.contains(needle), "{needle:?} not in {line}");
    }
    assert!(!stderr.contains("root_mean_squared_error"), "{stderr}");
    for file in ["model.kerust", "history.csv", "run.json", "settings.toml", "report.html", "metrics.json"] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let run = json(&out.join("run.json"));
    assert_eq!(run["diverged"], true);
    assert_eq!(run["divergence"]["epoch"], 1);
    assert_eq!(run["epochs_run"], 1, "training went on after the NaN");
    assert_eq!(run["settings"]["lr"], 1e30, "the learning rate as given, not widened from f32");
    assert!(run["settings"].get("dataset").is_none(), "a run on a CSV names no embedded dataset");
    let history = std::fs::read_to_string(out.join("history.csv")).unwrap();
    assert_eq!(history.lines().count(), 2, "{history}");
    // The model holds finite weights (loading refuses NaN) and predicts.
    let predicted = kerust().args(["predict", "--model"]).arg(out.join("model.kerust")).arg(&ok).output().unwrap();
    assert!(predicted.status.success(), "{}", String::from_utf8_lossy(&predicted.stderr));
}
