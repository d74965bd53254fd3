//! `kerust tune` through the binary: the same trials with one worker or two, resuming after
//! Ctrl-C or a kill, the study folder, and usage errors (exit 2) for bad settings.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use common::cli::kerust;

const SPACE: &str = "[num_layers]\ntype = \"int\"\nlow = 1\nhigh = 2\n\n[units]\ntype = \"int\"\nlow = 4\nhigh = 96\nlog = true\n\n[learning_rate]\ntype = \"float\"\nlow = 1e-3\nhigh = 0.1\nlog = true\n\n[batch_size]\ntype = \"choice\"\nvalues = [16, 32]\n";

fn space_file(dir: &Path) -> String {
    let path = dir.join("space.toml");
    std::fs::write(&path, SPACE).unwrap();
    path.to_str().unwrap().to_string()
}

/// trials.csv without the `seconds` column.
fn trials(study: &Path) -> String {
    let text = std::fs::read_to_string(study.join("trials.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "seconds").unwrap();
    text.lines()
        .map(|l| l.split(',').enumerate().filter(|(i, _)| *i != col).map(|(_, f)| f).collect::<Vec<_>>().join(","))
        .collect::<Vec<_>>()
        .join("\n")
}

fn tune_args<'a>(space: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args =
        vec!["tune", "--space", space, "--epochs", "25", "--seed", "5", "--sampler", "tpe", "--trials", "14"];
    args.extend_from_slice(extra);
    args
}

#[test]
fn workers_do_not_change_the_trials_and_the_study_folder_is_complete() {
    let dir = tempfile::tempdir().unwrap();
    let space = space_file(dir.path());
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    for (out, workers) in [(&one, "1"), (&two, "2")] {
        let args = tune_args(&space, &["--pruner", "median", "--workers", workers, "--out"]);
        kerust().args(args).arg(out).assert().success();
    }
    let table = trials(&one);
    assert_eq!(table.lines().count(), 15, "{table}");
    assert_eq!(table, trials(&two), "params and objectives, bit for bit");
    for f in ["journal.jsonl", "trials.csv", "summary.txt", "history.png", "history.svg", "params.png", "report.html"] {
        assert!(one.join(f).is_file(), "{f} missing");
    }
    let summary = std::fs::read_to_string(one.join("summary.txt")).unwrap();
    assert!(
        summary.starts_with("Results summary") && summary.contains("Objective(name=\"val_loss\", direction=\"min\")")
    );
    assert!(summary.contains("Trial ") && summary.contains("Hyperparameters:") && summary.contains("Score: "));
    // best/ is a normal run folder of the best trial's settings.
    for f in ["model.kerust", "history.csv", "metrics.json", "report.html", "settings.toml"] {
        assert!(one.join("best").join(f).is_file(), "best/{f} missing");
    }
    let settings: toml::Table =
        toml::from_str(&std::fs::read_to_string(one.join("best/settings.toml")).unwrap()).unwrap();
    let header: Vec<&str> = table.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let field = |l: &str, c: usize| l.split(',').nth(c).unwrap().parse::<f64>().unwrap();
    let best_line = table
        .lines()
        .skip(1)
        .filter(|l| l.ends_with(",complete"))
        .min_by(|a, b| field(a, col("objective_mean")).total_cmp(&field(b, col("objective_mean"))))
        .unwrap();
    let lr = field(best_line, col("learning_rate"));
    let saved = settings["lr"].as_float().unwrap();
    assert!((saved - lr).abs() <= 1e-6 * lr, "best/ trained with lr {saved}, the best trial had {lr}");
    let report = std::fs::read_to_string(one.join("report.html")).unwrap();
    assert!(report.contains("best/report.html") && report.contains("<svg"));
}

/// A line `kerust tune` prints for a finished trial: `trial   3 (4/14) complete ...`.
fn is_trial_line(line: &str) -> bool {
    line.starts_with("trial ") && line.contains("/14) ")
}

/// Trials long enough (400 epochs, about 0.1 s) to stop a study in the middle.
fn slow(mut args: Vec<&str>) -> Vec<&str> {
    let at = args.iter().position(|a| *a == "--epochs").unwrap();
    args[at + 1] = "400";
    args
}

/// Starts a study, waits for `after` finished trials, sends `signal`, and waits for the end.
fn interrupt(args: &[&str], out: &Path, after: usize, signal: &str) -> Option<i32> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kerust"))
        .args(args)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = 0;
    for line in lines.by_ref() {
        if is_trial_line(&line.unwrap()) {
            seen += 1;
        }
        if seen >= after {
            break;
        }
    }
    let status = Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    lines.for_each(drop);
    child.wait().unwrap().code()
}

#[test]
fn an_interrupted_or_killed_study_resumes_to_the_same_trials() {
    let dir = tempfile::tempdir().unwrap();
    let space = space_file(dir.path());
    let args = slow(tune_args(&space, &["--workers", "2", "--pruner", "halving"]));
    let whole = dir.path().join("whole");
    kerust().args(&args).arg("--out").arg(&whole).assert().success();
    let expected = trials(&whole);

    for (signal, code) in [("-INT", Some(130)), ("-KILL", None)] {
        let out = dir.path().join(format!("study{signal}"));
        assert_eq!(interrupt(&args, &out, 3, signal), code, "{signal}");
        let journal = std::fs::read_to_string(out.join("journal.jsonl")).unwrap();
        let done = journal.lines().filter(|l| l.contains("\"event\":\"trial\"")).count();
        assert!((3..14).contains(&done), "{signal}: {done} trials finished before the stop");
        if signal == "-INT" {
            assert!(journal.contains("\"event\":\"stop\""), "the running trials are marked stopped");
        }
        let assert = kerust().args(["tune", "--resume"]).arg(&out).assert().success();
        let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
        let reran = stdout.lines().filter(|l| is_trial_line(l)).count();
        assert_eq!(reran, 14 - done, "{signal}: finished trials are not redone\n{stdout}");
        assert_eq!(trials(&out), expected, "{signal}: the resumed study equals the uninterrupted one");
        assert!(out.join("best/model.kerust").is_file());
    }
}

#[test]
fn a_trial_that_dies_twice_is_marked_failed() {
    let dir = tempfile::tempdir().unwrap();
    let space = space_file(dir.path());
    let args = slow(tune_args(&space, &["--workers", "1"]));
    let out = dir.path().join("study");
    assert_eq!(interrupt(&args, &out, 2, "-KILL"), None);
    let path = out.join("journal.jsonl");
    let journal = std::fs::read_to_string(&path).unwrap();
    let finished: Vec<u64> = journal
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["event"] == "trial")
        .map(|e| e["trial"]["number"].as_u64().unwrap())
        .collect();
    let last_start = journal
        .lines()
        .rev()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|e| e["event"] == "start")
        .unwrap();
    let number = last_start["number"].as_u64().unwrap();
    assert!(!finished.contains(&number), "the kill came while trial {number} ran");
    // It ran (and died) a second time.
    let mut text = journal.clone();
    if !text.ends_with('\n') {
        text = text[..text.rfind('\n').unwrap() + 1].to_string();
    }
    text += &format!("{}\n{{\"event\":\"start\",\"num", serde_json::to_string(&last_start).unwrap());
    std::fs::write(&path, text).unwrap();
    kerust().args(["tune", "--resume"]).arg(&out).assert().success();
    let rows = std::fs::read_to_string(out.join("trials.csv")).unwrap();
    let row = rows.lines().find(|l| l.starts_with(&format!("{number},"))).unwrap();
    assert!(row.ends_with(",failed"), "{row}");
    assert_eq!(rows.lines().count(), 15);
}

#[test]
fn train_repeats_draws_the_band_and_reports_mean_and_std() {
    let dir = tempfile::tempdir().unwrap();
    let (out, stdout) = common::cli::train(dir.path(), &["--repeats", "5", "--epochs", "20", "--seed", "2", "--quiet"]);
    assert!(stdout.contains("Over 5 seeds (test rows): mean ± std"), "{stdout}");
    for f in ["learning_curve_band.png", "learning_curve_band.svg", "resampling.csv"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let metrics = common::cli::json(&out.join("metrics.json"));
    let r = &metrics["resampling"];
    assert_eq!(r["fits"], 5);
    let rows = std::fs::read_to_string(out.join("resampling.csv")).unwrap();
    let header: Vec<&str> = rows.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "rmse").unwrap();
    let rmse: Vec<f64> = rows.lines().skip(1).map(|l| l.split(',').nth(col).unwrap().parse().unwrap()).collect();
    assert_eq!(rmse.len(), 5);
    let mean = rmse.iter().sum::<f64>() / 5.0;
    let std = (rmse.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 5.0).sqrt();
    assert!((r["mean"]["rmse"].as_f64().unwrap() - mean).abs() < 1e-9);
    assert!((r["std"]["rmse"].as_f64().unwrap() - std).abs() < 1e-9 && std > 0.0);
    assert_eq!(rmse[0], metrics["rmse"].as_f64().unwrap(), "the first repeat is the run itself");
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("Over 5 seeds") && report.contains("id=\"learning_curve_band\""));
    assert!(report.contains(&format!("{mean:.4}")) && report.contains(&format!("{std:.4}")));
}

/// `kerust tune ARGS` exits with 2 and names `needle` in one error line.
fn usage_error(dir: &Path, args: &[&str], needle: &str) {
    let assert = kerust().current_dir(dir).arg("tune").args(args).assert().code(2);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains(needle), "{args:?}: expected {needle:?} in {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn space_with(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn bad_settings_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let empty = space_with(d, "empty.toml", "# nothing to tune\n");
    usage_error(d, &["--space", &empty], "the search space is empty");
    let flat = space_with(d, "flat.toml", "[dropout]\ntype = \"float\"\nlow = 0.3\nhigh = 0.3\n");
    usage_error(d, &["--space", &flat], "Float low (0.3) must be below high (0.3)");
    let log = space_with(d, "log.toml", "[learning_rate]\ntype = \"float\"\nlow = 0.0\nhigh = 0.1\nlog = true\n");
    usage_error(d, &["--space", &log], "a log range needs low > 0");
    let unknown = space_with(d, "unknown.toml", "[momentum]\ntype = \"float\"\nlow = 0.0\nhigh = 0.9\n");
    usage_error(d, &["--space", &unknown], "parameter momentum: unknown parameter");
    usage_error(d, &["--trials", "0"], "--trials must be at least 1");
    usage_error(d, &["--cv", "1"], "--cv must be at least 2");
    usage_error(d, &["--cv", "100000"], "--cv cannot be greater than the number of training rows");
    usage_error(d, &["--sampler", "bayes"], "unknown sampler");
    usage_error(d, &["--pruner", "hyperband"], "unknown pruner");
    let not_study = d.join("plain");
    std::fs::create_dir(&not_study).unwrap();
    usage_error(d, &["--resume", not_study.to_str().unwrap()], "not a study folder");
    usage_error(d, &["--resume", not_study.to_str().unwrap(), "--lr", "0.1"], "drop --lr");
}
