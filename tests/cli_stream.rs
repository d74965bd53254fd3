//! `kerust train DATA.csv --stream`: the run folder of a file read a chunk at a time, the same
//! run as in memory when one chunk holds the file, and a printed command that reproduces it.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use common::cli::{json, kerust, train};

/// A regression CSV with a categorical column and a quoted field with a line break inside,
/// so that chunks must be cut at records, not at lines.
fn write_csv(path: &Path, rows: usize) {
    let mut text = String::from("a,note,kind,y\n");
    for i in 0..rows {
        let a = (i * 37 % 101) as f32 / 101.0;
        let note = if i % 97 == 5 { "\"two\nlines\"" } else { "plain" };
        let kind = ["u", "v", "w"][i % 3];
        writeln!(text, "{a},{note},{kind},{}", 2.0 * a + (i % 3) as f32 * 0.5).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn one_chunk_holding_the_file_is_the_in_memory_run_with_hashed_test_rows() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.csv");
    write_csv(&data, 700);
    let d = data.to_str().unwrap();
    let flags = ["--target", "y", "--epochs", "3", "--layers", "8", "--seed", "4", "--threads", "1", "--quiet"];
    let memory = dir.path().join("memory");
    std::fs::create_dir(&memory).unwrap();
    let (whole, _) = train(&memory, &[&[d, "--test-selection", "hash"], &flags[..]].concat());
    let streamed_dir = dir.path().join("streamed");
    std::fs::create_dir(&streamed_dir).unwrap();
    let (streamed, _) = train(&streamed_dir, &[&[d, "--stream", "--chunk-rows", "5000"], &flags[..]].concat());
    assert_eq!(read(&streamed.join("history.csv")), read(&whole.join("history.csv")));
    assert_eq!(read(&streamed.join("predictions.csv")), read(&whole.join("predictions.csv")));
    assert_eq!(json(&streamed.join("metrics.json")), json(&whole.join("metrics.json")));
    let (s, w) = (json(&streamed.join("run.json")), json(&whole.join("run.json")));
    assert_eq!(s["rows"], w["rows"]);
    assert_eq!(s["data"]["sha256"], w["data"]["sha256"]);
    assert_eq!(s["stream"]["chunk_rows"], 5000);
    assert!(w["stream"].is_null());
}

#[test]
fn a_streamed_run_writes_its_folder_predicts_and_reproduces_from_the_printed_command() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.csv");
    write_csv(&data, 1500);
    let d = data.to_str().unwrap();
    let (run, stdout) = train(dir.path(), &[d, "--stream", "--chunk-rows", "200", "--epochs", "4", "--seed", "9"]);
    assert!(stdout.contains("read in chunks of 200 rows"), "{stdout}");
    for file in ["model.kerust", "history.csv", "learning_curve.png", "predictions.csv", "metrics.json", "report.html"]
    {
        assert!(run.join(file).exists(), "{file}");
    }
    let record = json(&run.join("run.json"));
    assert_eq!(record["rows"]["total"], 1500);
    assert_eq!(record["settings"]["test_selection"], "hash");
    let settings = read(&run.join("settings.toml"));
    assert!(settings.contains("test_selection = \"hash\""), "{settings}");
    // The report's command, as printed, trains the same History.
    let html = read(&run.join("report.html"));
    let start = html.find("kerust train --config").expect("a reproduce command");
    let command: String = html[start..].chars().take_while(|&c| c != '<').collect();
    assert!(command.contains("--stream --chunk-rows 200"), "{command}");
    let args: Vec<&str> = command.split(' ').skip(1).collect();
    kerust().args(&args).arg("--quiet").assert().success();
    let again = Path::new(args.last().unwrap());
    assert_eq!(read(&again.join("history.csv")), read(&run.join("history.csv")));
    // The model predicts on the raw CSV like any other.
    let out = dir.path().join("p.csv");
    kerust()
        .args(["predict", "--model"])
        .arg(run.join("model.kerust"))
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(read(&out).lines().count(), 1501);
}
