//! Ctrl-C (SIGINT) during `kerust train`: a clean stop after the current batch, exit code
//! 130, a complete run folder marked interrupted; `--resume` then finishes the epochs.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn sigint_stops_cleanly_and_resume_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("big.csv");
    let mut text = String::from("a,b,c,d,y\n");
    for i in 0..30_000u32 {
        let v: Vec<f32> = (0..4).map(|j| ((i * (7 + j) + j * 13) % 101) as f32 / 101.0).collect();
        text += &format!("{},{},{},{},{}\n", v[0], v[1], v[2], v[3], v[0] * 3.0 - v[1] + v[2] * v[3]);
    }
    std::fs::write(&csv, text).unwrap();
    let out = dir.path().join("run");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kerust"))
        .args(["train", csv.to_str().unwrap(), "--target", "y", "--epochs", "40", "--seed", "1", "--out"])
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // Wait for the first finished epoch (the second one's header), then press Ctrl-C.
    for line in lines.by_ref() {
        if line.unwrap().starts_with("Epoch 2/40") {
            break;
        }
    }
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let rest: Vec<String> = lines.map(|l| l.unwrap()).collect();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(130), "{stderr}\n{rest:?}");
    assert!(stderr.contains("interrupted") && !stderr.contains("panicked"), "{stderr}");
    for f in [
        "model.kerust",
        "history.csv",
        "learning_curve.png",
        "metrics.json",
        "run.json",
        "report.html",
        "predictions.csv",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let run: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["interrupted"], true);
    let done = run["epochs_run"].as_u64().unwrap();
    assert!((1..40).contains(&done), "stopped after {done} epochs");
    assert!(std::fs::read_to_string(out.join("report.html")).unwrap().contains("interrupted"));

    let resumed = dir.path().join("resumed");
    let status = Command::new(env!("CARGO_BIN_EXE_kerust"))
        .args(["train", "--quiet", "--resume"])
        .arg(&out)
        .arg("--out")
        .arg(&resumed)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let history = std::fs::read_to_string(resumed.join("history.csv")).unwrap();
    let epochs: Vec<u64> = history.lines().skip(1).map(|l| l.split(',').next().unwrap().parse().unwrap()).collect();
    assert_eq!(epochs, (0..40).collect::<Vec<u64>>(), "the resumed run ends with all 40 epochs");
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(resumed.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["interrupted"], false);
    // The earlier run is untouched.
    assert!(out.join("model.kerust").is_file());
    // A finished run cannot be resumed without more epochs.
    let output = Command::new(env!("CARGO_BIN_EXE_kerust")).args(["train", "--resume"]).arg(&resumed).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8(output.stderr).unwrap().contains("already ran 40 of 40 epochs"));
}
