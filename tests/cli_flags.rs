//! `kerust train`'s training-control and regularization flags reach the model: early
//! stopping ends the run, reduce-lr lowers the rate, checkpoints are written, Dropout,
//! BatchNormalization, L2 and class weights are in the trained network.

mod common;

use common::cli::{fails, json, train};

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

#[test]
fn threads_flag_splits_the_batches_and_keeps_runs_reproducible() {
    // Boston on 256-256 with batches of 128: about 9M rows × parameters a step, which the
    // rule splits over 2 threads.
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, threads: &str| {
        let (run, _) = train(
            &dir.path().join(name),
            &["--seed", "4", "--epochs", "3", "--layers", "256,256", "--batch-size", "128", "--threads", threads],
        );
        let record = json(&run.join("run.json"));
        assert_eq!(record["threads"].as_u64().unwrap().to_string(), threads);
        assert_eq!(record["split_threads"].as_u64().unwrap().to_string(), threads, "the rule splits these steps");
        let history = std::fs::read_to_string(run.join("history.csv")).unwrap();
        let report = std::fs::read_to_string(run.join("report.html")).unwrap();
        assert!(report.contains(&format!("--threads {threads}")), "the reproduce command names the threads");
        let predictions = std::fs::read_to_string(run.join("predictions.csv")).unwrap();
        history + &predictions
    };
    let (two, again, one) = (run("a", "2"), run("b", "2"), run("c", "1"));
    assert_eq!(two, again, "same seed and threads: the same History");
    let values =
        |h: &str| -> Vec<f64> { h.lines().flat_map(|l| l.split(',').filter_map(|v| v.parse().ok())).collect() };
    for (a, b) in values(&two).iter().zip(values(&one)) {
        assert!((a - b).abs() <= 1e-3 * b.abs() + 1e-6, "2 threads {a} vs 1 thread {b}");
    }
}
