//! `mpirun -np N kerust train DATA.csv --distributed` (feature `mpi`): the weights of one
//! process splitting each batch over N threads, bit for bit; `kerust tune --distributed`
//! runs the study of one process; outside mpirun, a clear error.
#![cfg(feature = "mpi")]

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use common::cli::kerust;
use kerust::tabular::TabularModel;

/// One MPI job at a time: ranks spin while they wait, and this machine has two cores.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// A regression CSV big enough that a batch of 256 rows of a 256-256 MLP splits over threads.
fn write_csv(path: &Path) {
    let mut text = String::from("a,b,c,kind,y\n");
    for i in 0..1200 {
        let (a, b, c) = ((i * 7 % 101) as f32 / 10.0, (i * 13 % 97) as f32, (i % 11) as f32 * 0.3);
        writeln!(text, "{a},{b},{c},{},{}", ["p", "q", "r"][i % 3], a * 2.0 - b * 0.1 + c).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

const FLAGS: [&str; 12] =
    ["--target", "y", "--seed", "5", "--layers", "256,256", "--batch-size", "256", "--epochs", "3", "--quiet", "--lr"];

fn mpirun(ranks: usize, data: &Path, out: &Path) {
    let status = Command::new("mpirun")
        .args([
            "--allow-run-as-root",
            "--oversubscribe",
            "--mca",
            "mpi_yield_when_idle",
            "1",
            "-np",
            &ranks.to_string(),
        ])
        .arg(env!("CARGO_BIN_EXE_kerust"))
        .arg("train")
        .arg(data)
        .arg("--distributed")
        .args(FLAGS)
        .arg("0.01")
        .arg("--out")
        .arg(out)
        .status()
        .expect("mpirun (Debian: openmpi-bin) is installed");
    assert!(status.success(), "mpirun -np {ranks}: {status}");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn n_ranks_train_the_weights_of_one_process_splitting_each_batch_over_n_threads() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.csv");
    write_csv(&data);
    for ranks in [2, 3] {
        let distributed = dir.path().join(format!("ranks-{ranks}"));
        mpirun(ranks, &data, &distributed);
        let threads = dir.path().join(format!("threads-{ranks}"));
        kerust()
            .arg("train")
            .arg(&data)
            .args(FLAGS)
            .args(["0.01", "--threads", &ranks.to_string(), "--out"])
            .arg(&threads)
            .assert()
            .success();
        let record: serde_json::Value = serde_json::from_str(&read(&threads.join("run.json"))).unwrap();
        assert_eq!(record["split_threads"], ranks, "the one-process run splits its batches");
        assert_eq!(read(&distributed.join("history.csv")), read(&threads.join("history.csv")), "{ranks} ranks");
        assert_eq!(read(&distributed.join("predictions.csv")), read(&threads.join("predictions.csv")));
        let mut a = TabularModel::load(distributed.join("model.kerust")).unwrap();
        let mut b = TabularModel::load(threads.join("model.kerust")).unwrap();
        assert_eq!(a.network().get_weights(), b.network().get_weights(), "{ranks} ranks");
        // Only rank 0 wrote files: the one folder, nothing beside it.
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.starts_with('.')), "{names:?}");
    }
}

#[test]
fn distributed_outside_mpirun_or_with_what_it_cannot_honour_is_a_clear_error() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.csv");
    write_csv(&data);
    let out = kerust().arg("train").arg(&data).args(["--target", "y", "--distributed"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--distributed runs under mpirun"), "{stderr}");
    let out = Command::new("mpirun")
        .args(["--allow-run-as-root", "-np", "2"])
        .arg(env!("CARGO_BIN_EXE_kerust"))
        .arg("train")
        .arg(&data)
        .args(["--target", "y", "--distributed", "--batch-norm", "--epochs", "1", "--quiet"])
        .arg("--out")
        .arg(dir.path().join("bn"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("BatchNormalization") && !stderr.contains("panicked"), "{stderr}");
}

/// trials.csv without its `seconds` column (the one thing that depends on the machine).
fn trials_without_seconds(study: &Path) -> Vec<String> {
    let text = read(&study.join("trials.csv"));
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let seconds = header.iter().position(|h| *h == "seconds").unwrap();
    text.lines()
        .map(|l| l.split(',').enumerate().filter(|(i, _)| *i != seconds).map(|(_, f)| f).collect::<Vec<_>>().join(","))
        .collect()
}

#[test]
fn a_study_spread_over_ranks_is_the_study_of_one_process() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let flags = ["tune", "--trials", "8", "--batch", "3", "--seed", "4", "--epochs", "4", "--quiet", "--out"];
    let spread = dir.path().join("spread");
    let status = Command::new("mpirun")
        .args(["--allow-run-as-root", "--mca", "mpi_yield_when_idle", "1", "-np", "2"])
        .arg(env!("CARGO_BIN_EXE_kerust"))
        .args(flags)
        .arg(&spread)
        .arg("--distributed")
        .status()
        .unwrap();
    assert!(status.success());
    let alone = dir.path().join("alone");
    kerust().args(flags).arg(&alone).args(["--workers", "1"]).assert().success();
    let trials = trials_without_seconds(&spread);
    assert_eq!(trials.len(), 9, "{trials:?}");
    assert_eq!(trials, trials_without_seconds(&alone));
    assert_eq!(read(&spread.join("best/history.csv")), read(&alone.join("best/history.csv")));
}
