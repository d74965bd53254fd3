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
