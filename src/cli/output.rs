//! The end of a training run: the results table (also printed by `evaluate`), the run
//! folder written (`run_files`) and renamed into place, and the exit code.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::Context;
use kerust::prelude::*;
use kerust::preprocessing::ScalerKind;
use kerust::tabular::Divergence;
use ndarray::Array2;

use super::resampled::Resampled;
use super::run_dir::RunDir;
use super::run_files;
use super::settings::RunSettings;
use super::source::DataRecord;

/// The order metrics are shown in; any others follow, by name.
const METRIC_ORDER: [&str; 6] = ["rmse", "mae", "r2", "mape", "accuracy", "f1_macro"];

/// `(name, value)` in display order.
pub fn ordered(metrics: &BTreeMap<String, f64>) -> Vec<(&str, f64)> {
    let rank = |k: &str| METRIC_ORDER.iter().position(|m| *m == k).unwrap_or(METRIC_ORDER.len());
    let mut out: Vec<(&str, f64)> = metrics.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    out.sort_by_key(|(k, _)| rank(k));
    out
}

/// A confusion matrix as nested rows.
pub fn rows_of(matrix: &Array2<usize>) -> Vec<Vec<usize>> {
    matrix.rows().into_iter().map(|r| r.to_vec()).collect()
}

/// The results table: metrics, then the confusion matrix of a classifier.
pub fn results_table(
    title: &str,
    metrics: &BTreeMap<String, f64>,
    confusion: Option<(&[String], &Array2<usize>)>,
) -> String {
    let mut out = format!("{title}\n");
    for (name, value) in ordered(metrics) {
        out += &format!("  {name:<10} {value:>12.4}\n");
    }
    if let Some((labels, matrix)) = confusion {
        let w = labels.iter().map(String::len).max().unwrap_or(4).max(6);
        out += &format!("\n  confusion matrix (rows: true, columns: predicted)\n  {:w$}", "");
        for l in labels {
            out += &format!(" {l:>w$}");
        }
        out.push('\n');
        for (l, row) in labels.iter().zip(matrix.rows()) {
            out += &format!("  {l:>w$}");
            for c in row {
                out += &format!(" {c:>w$}");
            }
            out.push('\n');
        }
    }
    out
}

/// CSV text of `header` and `rows`, through the csv crate (fields with commas or quotes
/// are quoted).
pub fn csv_text(header: &[String], rows: impl IntoIterator<Item = Vec<String>>) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(&row)?;
    }
    writer.into_inner().context("writing CSV")
}

/// What went wrong in a diverged run and what to try, naming the flags.
pub(super) fn diverged_message(d: &Divergence, settings: &RunSettings) -> String {
    let lr = compact(d.learning_rate);
    let smaller = compact(d.learning_rate / 10.0);
    let kept = match d.restored_epoch {
        0 => "the saved model holds the weights it started from".to_string(),
        e => format!("the saved model holds the weights after epoch {e}, the last with a finite loss"),
    };
    let scaling = if settings.spec.scaler == ScalerKind::None {
        " and scale the features (--scaler minmax: unscaled features make large steps)"
    } else {
        ""
    };
    format!(
        "training diverged: the loss became NaN or infinite in epoch {}, batch {}, at learning rate {lr} (--lr); \
         {kept}, and the run folder is marked diverged. Try a smaller --lr (e.g. --lr {smaller}, or Keras's \
         default 0.001){scaling}",
        d.epoch, d.batch
    )
}

/// A number as a user would type it: `1e30`, `0.001`.
fn compact(v: f32) -> String {
    if v != 0.0 && !(1e-4..1e5).contains(&v.abs()) { format!("{v:e}") } else { v.to_string() }
}

/// Writes the run folder of `run` (History continuing `earlier`), moves it into place,
/// prints the results, and gives the exit code (130 for an interrupted run).
pub fn finish(
    dir: RunDir,
    settings: &RunSettings,
    data: &DataRecord<'_>,
    earlier: History,
    run: TabularRun,
    resampled: Option<&Resampled>,
    perceptron: Option<kerust::tabular::Baseline>,
) -> anyhow::Result<ExitCode> {
    for w in &run.warnings {
        eprintln!("warning: {w}");
    }
    let mut history = earlier;
    history.extend(&run.history);
    let model = &run.model;
    let labels: Vec<String> = model.preprocessor().labels.as_ref().map(|l| l.classes().to_vec()).unwrap_or_default();
    let confusion = run.test.confusion.as_ref().map(|m| (labels.as_slice(), m));
    println!("\n{}", results_table("Test-split results", &run.test.metrics, confusion));
    if let Some(r) = resampled {
        println!("{}", r.table());
    }
    run_files::write_files(&dir, settings, data, &history, &run, resampled, perceptron)
        .with_context(|| format!("writing the run folder {}", dir.target().display()))?;
    let folder = dir.finish()?;
    println!("Run folder: {}", folder.display());
    if let Some(d) = &run.diverged {
        eprintln!("error: {}", diverged_message(d, settings));
        return Ok(ExitCode::from(1));
    }
    if history.interrupted() {
        eprintln!(
            "interrupted: stopped after epoch {}; the run folder is complete and marked interrupted",
            history.len()
        );
        return Ok(ExitCode::from(130));
    }
    Ok(ExitCode::SUCCESS)
}
