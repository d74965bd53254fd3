//! What a training run writes: test metrics, predictions, plots, History, the model file
//! (with its preprocessing pipeline), `metrics.json`, `run.json`, `settings.toml` and the
//! one-page report.

use kerust::metrics::Average;
use kerust::prelude::*;
use kerust::preprocessing::{Pipeline, Task};
use ndarray::Array2;
use serde::Serialize;
use serde_json::json;

use super::report;
use super::run_dir::RunDir;
use super::settings::Settings;

/// Seconds spent in each phase.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Timings {
    pub load: f64,
    pub preprocess: f64,
    pub train: f64,
    pub evaluate: f64,
}

/// Everything `run.json` records.
pub struct Record<'a> {
    pub settings: &'a Settings,
    pub data_source: &'a str,
    pub data_sha256: &'a str,
    /// (all, train, test) rows.
    pub rows: (usize, usize, usize),
    pub timings: &'a Timings,
}

/// Test-split results.
pub struct Evaluation {
    /// `(name, value)` in display order.
    pub metrics: Vec<(&'static str, f64)>,
    /// Class labels and `matrix[true][predicted]` (classification).
    pub confusion: Option<(Vec<String>, Vec<Vec<usize>>)>,
    /// Header and rows of predictions.csv.
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// (actual, predicted) of a regression, for the scatter plot.
    pub pairs: Option<(Vec<f32>, Vec<f32>)>,
}

impl Evaluation {
    pub fn new(pipeline: &Pipeline, y: &Array2<f32>, output: &Array2<f32>, rows: &[usize]) -> anyhow::Result<Self> {
        let target = &pipeline.target;
        match pipeline.task {
            Task::Regression => {
                let metrics = vec![
                    ("rmse", root_mean_squared_error(y, output)?),
                    ("mae", mean_absolute_error(y, output)?),
                    ("r2", r2_score(y, output)?),
                    ("mape", mean_absolute_percentage_error(y, output)?),
                ];
                let table_rows = rows
                    .iter()
                    .zip(y.iter().zip(output.iter()))
                    .map(|(r, (t, p))| vec![r.to_string(), t.to_string(), p.to_string()])
                    .collect();
                Ok(Evaluation {
                    metrics,
                    confusion: None,
                    header: vec!["row".into(), target.clone(), format!("predicted_{target}")],
                    rows: table_rows,
                    pairs: Some((y.iter().copied().collect(), output.iter().copied().collect())),
                })
            }
            Task::Classification => {
                let labels = pipeline.class_labels()?.classes().to_vec();
                let probs = pipeline.class_probabilities(output);
                let predicted = Array2::from_shape_fn((probs.len(), 1), |(i, _)| probs[i].0 as f32);
                let k = labels.len();
                let mut matrix = vec![vec![0usize; k]; k];
                for (t, (p, _)) in y.iter().zip(&probs) {
                    if let Some(row) = matrix.get_mut(*t as usize) {
                        row[*p] += 1;
                    }
                }
                let metrics = vec![
                    ("accuracy", accuracy_score(y, &predicted)?),
                    ("f1_macro", f1_score(y, &predicted, Average::Macro)?),
                ];
                let mut header = vec!["row".into(), target.clone(), format!("predicted_{target}")];
                header.extend(labels.iter().map(|l| format!("p_{l}")));
                let table_rows = rows
                    .iter()
                    .zip(y.iter().zip(&probs))
                    .map(|(r, (t, (p, ps)))| {
                        let mut row = vec![r.to_string(), labels[*t as usize].clone(), labels[*p].clone()];
                        row.extend(ps.iter().map(|v| v.to_string()));
                        row
                    })
                    .collect();
                Ok(Evaluation { metrics, confusion: Some((labels, matrix)), header, rows: table_rows, pairs: None })
            }
        }
    }

    /// The results table printed at the end of a run.
    pub fn table(&self, title: &str) -> String {
        let mut out = format!("{title}\n");
        for (name, value) in &self.metrics {
            out += &format!("  {name:<10} {value:>12.4}\n");
        }
        if let Some((labels, matrix)) = &self.confusion {
            let w = labels.iter().map(String::len).max().unwrap_or(4).max(6);
            out += &format!("\n  confusion matrix (rows: true, columns: predicted)\n  {:w$}", "");
            for l in labels {
                out += &format!(" {l:>w$}");
            }
            out.push('\n');
            for (l, row) in labels.iter().zip(matrix) {
                out += &format!("  {l:>w$}");
                for c in row {
                    out += &format!(" {c:>w$}");
                }
                out.push('\n');
            }
        }
        out
    }

    fn csv(&self) -> String {
        let mut out = self.header.join(",") + "\n";
        for row in &self.rows {
            out += &(row.join(",") + "\n");
        }
        out
    }
}

/// The epoch with the best val_loss (or loss without validation), as an index into History.
pub fn best_epoch(history: &History) -> Option<usize> {
    let values = history.get("val_loss").or_else(|| history.get("loss"))?;
    let mut best: Option<usize> = None;
    for (i, v) in values.iter().enumerate() {
        if v.is_finite() && best.is_none_or(|b| *v < values[b]) {
            best = Some(i);
        }
    }
    best
}

pub fn write_all(
    dir: &RunDir,
    model: &mut Sequential,
    pipeline: &Pipeline,
    history: &History,
    evaluation: &Evaluation,
    record: &Record<'_>,
) -> anyhow::Result<()> {
    let best = best_epoch(history);
    let curve = kerust::plot::learning_curve(history, best)?;
    dir.write("learning_curve.svg", &curve.svg)?;
    dir.write("learning_curve.png", &curve.png)?;
    let second = match (&evaluation.pairs, &evaluation.confusion) {
        (Some((actual, predicted)), _) => {
            let chart = kerust::plot::pred_vs_actual(actual, predicted, &pipeline.target)?;
            dir.write("pred_vs_actual.png", &chart.png)?;
            dir.write("pred_vs_actual.svg", &chart.svg)?;
            Some(("pred_vs_actual", chart.svg))
        }
        (None, Some((labels, matrix))) => {
            let chart = kerust::plot::confusion_matrix(matrix, labels)?;
            dir.write("confusion_matrix.png", &chart.png)?;
            dir.write("confusion_matrix.svg", &chart.svg)?;
            Some(("confusion_matrix", chart.svg))
        }
        _ => None,
    };
    dir.write("history.csv", history.to_csv())?;
    dir.write("predictions.csv", evaluation.csv())?;

    let mut metrics = serde_json::Map::new();
    metrics.insert("task".into(), json!(pipeline.task));
    metrics.insert("test_rows".into(), json!(record.rows.2));
    for (name, value) in &evaluation.metrics {
        metrics.insert(name.to_string(), json!(value));
    }
    if let Some((labels, matrix)) = &evaluation.confusion {
        metrics.insert("labels".into(), json!(labels));
        metrics.insert("confusion_matrix".into(), json!(matrix));
    }
    let metrics = serde_json::Value::Object(metrics);
    dir.write("metrics.json", serde_json::to_string_pretty(&metrics)?)?;

    let run = json!({
        "kerust_version": env!("CARGO_PKG_VERSION"),
        "seed": record.settings.seed,
        "settings": record.settings,
        "data": { "source": record.data_source, "sha256": record.data_sha256 },
        "rows": { "total": record.rows.0, "train": record.rows.1, "test": record.rows.2,
                  "validation": (record.rows.1 as f64 * record.settings.validation_split).ceil() as usize },
        "epochs_run": history.len(),
        "best_epoch": best.map(|b| history.epoch()[b] + 1),
        "interrupted": history.interrupted(),
        "diverged": history.diverged(),
        "wall_seconds": record.timings,
    });
    dir.write("run.json", serde_json::to_string_pretty(&run)?)?;
    dir.write("settings.toml", toml::to_string(record.settings)?)?;

    let extra = json!({ "pipeline": pipeline, "record": { "metrics": metrics, "run": run } });
    model.save_with(dir.path().join("model.kerust"), extra)?;

    let summary = model.summary();
    let html = report::html(&report::Page {
        settings: record.settings,
        summary: &summary,
        metrics: &evaluation.metrics,
        confusion: evaluation.confusion.as_ref(),
        curve_svg: &curve.svg,
        second,
        interrupted: history.interrupted(),
        epochs_run: history.len(),
    });
    dir.write("report.html", html)?;
    Ok(())
}
