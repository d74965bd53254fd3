//! What a training run writes into its folder: the model file, `history.csv`, the charts, the
//! test-split `predictions.csv`, `metrics.json`, `run.json`, `settings.toml`, `importance.json`
//! and `report.html`.

use kerust::prelude::*;
use kerust::tabular::{TestSplit, Timings};
use serde_json::json;

use super::output::{csv_text, diverged_message, ordered, rows_of};
use super::resampled::Resampled;
use super::run_dir::RunDir;
use super::settings::RunSettings;
use super::side::spawn_or_keep;
use super::source::DataRecord;
use super::{analysis, report};

pub(super) fn write_files(
    dir: &RunDir,
    settings: &RunSettings,
    data: &DataRecord<'_>,
    history: &History,
    run: &TabularRun,
    resampled: Option<&Resampled>,
    perceptron: Option<kerust::tabular::Baseline>,
) -> anyhow::Result<()> {
    let (model, test) = (&run.model, &run.test);
    // The report's analysis (baselines, importance, the column table) needs only the
    // trained run: with a second core it runs there while the charts and files are made.
    // It is extra: if it fails, the run's own files are still written.
    let report_analysis = move || {
        // A streamed file is never in memory: its report has no data sections.
        let Some(table) = data.table else { return (None, Vec::new()) };
        let analysis = (run.diverged.is_none() && !history.interrupted()).then(|| {
            analysis::analyse(table, &settings.spec, run, perceptron)
                .map_err(|e| eprintln!("warning: the report's baselines and importance were left out: {e:#}"))
                .ok()
        });
        (analysis.flatten(), model.column_summaries(table))
    };
    let threads = settings.spec.threads.unwrap_or_else(kerust::model::default_threads);
    std::thread::scope(|scope| {
        let side = if threads > 1 { spawn_or_keep(scope, report_analysis) } else { Err(report_analysis) };
        let best = best_epoch(history);
        let curve = kerust::plot::learning_curve(history, best)?;
        dir.write("learning_curve.svg", &curve.svg)?;
        dir.write("learning_curve.png", &curve.png)?;
        let labels: Vec<String> =
            model.preprocessor().labels.as_ref().map(|l| l.classes().to_vec()).unwrap_or_default();
        let confusion = test.confusion.as_ref().map(rows_of);
        let second = match &confusion {
            None => {
                let predicted: Vec<f32> = test.predictions.values().iter().copied().collect();
                let actual: Vec<f32> = test.y.iter().copied().collect();
                let chart = kerust::plot::pred_vs_actual(&actual, &predicted, model.target())?;
                dir.write("pred_vs_actual.png", &chart.png)?;
                dir.write("pred_vs_actual.svg", &chart.svg)?;
                ("pred_vs_actual", chart.svg)
            }
            Some(matrix) => {
                let chart = kerust::plot::confusion_matrix(matrix, &labels)?;
                dir.write("confusion_matrix.png", &chart.png)?;
                dir.write("confusion_matrix.svg", &chart.svg)?;
                ("confusion_matrix", chart.svg)
            }
        };
        dir.write("history.csv", history.to_csv())?;
        dir.write("predictions.csv", test_predictions(model, test)?)?;

        let mut metrics = serde_json::Map::new();
        metrics.insert("task".into(), json!(model.task()));
        metrics.insert("test_rows".into(), json!(test.scored_rows));
        for (name, value) in &test.metrics {
            metrics.insert(name.clone(), json!(value));
        }
        if let Some(matrix) = &confusion {
            metrics.insert("labels".into(), json!(labels));
            metrics.insert("confusion_matrix".into(), json!(matrix));
        }
        let resampling_html = match resampled {
            Some(r) => {
                metrics.insert("resampling".into(), r.json());
                let svg = r.write(dir)?;
                Some(r.html(&svg))
            }
            None => None,
        };
        dir.write("metrics.json", serde_json::to_string_pretty(&serde_json::Value::Object(metrics))?)?;

        let t: &Timings = &run.timings;
        let total = run.train_rows + test.scored_rows;
        let record = json!({
            "kerust_version": env!("CARGO_PKG_VERSION"),
            "seed": run.seed,
            "threads": settings.spec.threads.unwrap_or_else(kerust::model::default_threads),
            "split_threads": run.split_threads,
            "settings": settings.to_json()?,
            "data": { "source": data.source, "sha256": data.sha256 },
            "rows": { "total": total, "train": run.train_rows, "test": test.scored_rows,
                      "test_kept": test.rows.len(),
                      "validation": (run.train_rows as f64 * settings.spec.validation_split).ceil() as usize },
            "rows_used": total,
            "rows_given": data.rows,
            "stream": data.chunk_rows.map(|rows| json!({ "chunk_rows": rows })),
            "missing": run.missing,
            "warnings": run.warnings,
            "lint": data.lint,
            "epochs_run": history.len(),
            "best_epoch": best.map(|b| history.epoch()[b] + 1),
            "interrupted": history.interrupted(),
            "diverged": run.diverged.is_some() || history.diverged(),
            "divergence": json_text(&run.diverged)?,
            "wall_seconds": { "load": data.seconds, "preprocess": t.preprocess, "train": t.train, "evaluate": t.evaluate },
        });
        dir.write("run.json", serde_json::to_string_pretty(&record)?)?;
        dir.write("settings.toml", settings.to_toml()?)?;
        model.save(dir.path().join("model.kerust"))?;

        let (analysis, columns) = match side {
            Ok(handle) => handle.join().unwrap_or_else(|_| (None, Vec::new())),
            Err(report_analysis) => report_analysis(),
        };
        if let Some(a) = &analysis {
            dir.write("importance.json", serde_json::to_string_pretty(&a.importance)?)?;
        }
        let reproduce = reproduce_command(settings, data.chunk_rows, dir.target());
        let html = report::html(&report::Page {
            settings,
            summary: &model.summary(),
            metrics: &ordered(&test.metrics),
            confusion: confusion.as_ref().map(|m| (labels.as_slice(), m.as_slice())),
            curve_svg: &curve.svg,
            second: Some(second),
            interrupted: history.interrupted(),
            epochs_run: history.len(),
            rows: (data.rows, total),
            missing: &run.missing,
            warnings: &run.warnings,
            lint: data.lint,
            resampling: resampling_html.as_deref(),
            analysis: analysis.as_ref(),
            columns: &columns,
            reproduce: &reproduce,
            timings: (data.seconds, &run.timings),
            diverged: run.diverged.as_ref().map(|d| diverged_message(d, settings)),
        });
        dir.write("report.html", html)?;
        Ok(())
    })
}

/// `predictions.csv` of the test split: the row's position in the data, the actual and the
/// predicted target, and each class's probability.
fn test_predictions(model: &TabularModel, test: &TestSplit) -> anyhow::Result<Vec<u8>> {
    let target = model.target();
    let mut header = vec!["row".to_string(), target.to_string(), format!("predicted_{target}")];
    let p = &test.predictions;
    let rows: Vec<Vec<String>> = match (model.preprocessor().labels.as_ref(), p.labels()) {
        (Some(labels), Some(predicted)) => {
            header.extend(labels.classes().iter().map(|l| format!("p_{l}")));
            let actual = |y: f32| labels.label(y as usize).unwrap_or_default().to_string();
            (0..p.len())
                .map(|i| {
                    let mut row = vec![test.rows[i].to_string(), actual(test.y[[i, 0]]), predicted[i].clone()];
                    row.extend(p.values().row(i).iter().map(f32::to_string));
                    row
                })
                .collect()
        }
        _ => (0..p.len())
            .map(|i| vec![test.rows[i].to_string(), test.y[[i, 0]].to_string(), p.values()[[i, 0]].to_string()])
            .collect(),
    };
    csv_text(&header, rows)
}

/// The epoch with the best val_loss (or loss without validation), as an index into History.
fn best_epoch(history: &History) -> Option<usize> {
    let values = history.get("val_loss").or_else(|| history.get("loss"))?;
    let mut best: Option<usize> = None;
    for (i, v) in values.iter().enumerate() {
        if v.is_finite() && best.is_none_or(|b| *v < values[b]) {
            best = Some(i);
        }
    }
    best
}

/// `value` as JSON, through its text: `json!` would widen an `f32` (1e30 → 1.0000000150474662e30).
fn json_text(value: &impl serde::Serialize) -> anyhow::Result<serde_json::Value> {
    Ok(serde_json::from_str(&serde_json::to_string(value)?)?)
}

/// `kerust train` with the run's recorded settings and seed, into a new folder.
fn reproduce_command(settings: &RunSettings, chunk_rows: Option<usize>, folder: &std::path::Path) -> String {
    let seed = settings.spec.seed.map(|s| format!(" --seed {s}")).unwrap_or_default();
    let stream = chunk_rows.map(|rows| format!(" --stream --chunk-rows {rows}")).unwrap_or_default();
    // The same weights need the same thread count, also on a machine with other cores.
    let threads = settings.spec.threads.unwrap_or_else(kerust::model::default_threads);
    format!(
        "kerust train --config {}{seed} --threads {threads}{stream} --out {}-again",
        folder.join("settings.toml").display(),
        folder.display()
    )
}
