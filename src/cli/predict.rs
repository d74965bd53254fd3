//! `kerust predict` and `kerust evaluate`: a saved model on a raw CSV, through the
//! preprocessor stored in the model file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use kerust::data::{CsvOptions, Value};
use kerust::metrics::confusion_matrix_with_labels;
use kerust::prelude::*;
use ndarray::Array2;

use super::output::{csv_text, results_table};

#[derive(Args)]
pub struct PredictArgs {
    /// Model file written by `kerust train` (model.kerust in a run folder, or a checkpoint).
    #[arg(long)]
    model: PathBuf,
    /// CSV with the feature columns (any order; extra columns and the target are ignored).
    data: PathBuf,
    /// Where to write the predictions [default: standard output].
    #[arg(long)]
    out: Option<PathBuf>,
    /// A column to copy into the output to identify rows.
    #[arg(long)]
    id: Option<String>,
}

#[derive(Args)]
pub struct EvaluateArgs {
    /// Model file written by `kerust train`.
    #[arg(long)]
    model: PathBuf,
    /// CSV with the feature columns and the target column.
    data: PathBuf,
}

/// The model, the table, and the predictions on it (warnings printed).
fn prepare(model: &Path, data: &Path) -> anyhow::Result<(TabularModel, Table, Predictions)> {
    let model = load_model(model)?;
    if !data.exists() {
        anyhow::bail!("{}: no such file; give the path of a CSV file with the feature columns", data.display());
    }
    if data.is_dir() {
        anyhow::bail!("{} is a directory; give the path of a CSV file", data.display());
    }
    let source = data.display().to_string();
    let table = Table::from_csv_with(data, &CsvOptions::default().source_name(&source))?;
    let predictions = model.predict(&table)?;
    for w in predictions.warnings() {
        eprintln!("warning: {w}");
    }
    Ok((model, table, predictions))
}

/// `--model PATH`, with the flag named where the path is not a model file.
pub(crate) fn load_model(path: &Path) -> anyhow::Result<TabularModel> {
    if path.is_dir() && path.join("model.kerust").is_file() {
        anyhow::bail!(
            "--model {} is a run folder; give its model file: --model {}",
            path.display(),
            path.join("model.kerust").display()
        );
    }
    if !path.exists() {
        anyhow::bail!(
            "--model {}: no such file; give a model file written by `kerust train` (the run folder's model.kerust)",
            path.display()
        );
    }
    Ok(TabularModel::load(path)?)
}

pub fn predict(args: PredictArgs) -> anyhow::Result<ExitCode> {
    let (model, table, predictions) = prepare(&args.model, &args.data)?;
    let ids: Option<Vec<String>> = match &args.id {
        Some(col) => Some(table.column_values(col)?.iter().map(cell).collect()),
        None => None,
    };
    let mut header: Vec<String> = args.id.iter().cloned().collect();
    header.push(format!("predicted_{}", model.target()));
    if let Some(labels) = &model.preprocessor().labels {
        header.extend(labels.classes().iter().map(|l| format!("p_{l}")));
    }
    let rows = (0..predictions.len()).map(|i| {
        let mut row: Vec<String> = ids.as_ref().map(|ids| vec![ids[i].clone()]).unwrap_or_default();
        match predictions.labels() {
            Some(labels) => {
                row.push(labels[i].clone());
                row.extend(predictions.values().row(i).iter().map(f32::to_string));
            }
            None => row.push(predictions.values()[[i, 0]].to_string()),
        }
        row
    });
    let text = csv_text(&header, rows)?;
    match &args.out {
        Some(path) => {
            kerust::io::write_atomic(path, &text)?;
            eprintln!("{} predictions written to {}", predictions.len(), path.display());
        }
        None => {
            use std::io::Write;
            std::io::stdout().lock().write_all(&text)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn evaluate(args: EvaluateArgs) -> anyhow::Result<ExitCode> {
    let (model, table, predictions) = prepare(&args.model, &args.data)?;
    let scores = model.score(&table, &predictions)?;
    let title = format!("Results on {} rows of {}", table.n_rows(), args.data.display());
    let text = match (&model.preprocessor().labels, predictions.classes()) {
        (Some(labels), Some(classes)) => {
            let y = model.preprocessor().targets(&table)?;
            let predicted = Array2::from_shape_fn((classes.len(), 1), |(i, _)| classes[i] as f32);
            let all: Vec<usize> = (0..labels.len()).collect();
            let matrix = confusion_matrix_with_labels(&y, &predicted, &all)?;
            results_table(&title, &scores, Some((labels.classes(), &matrix)))
        }
        _ => results_table(&title, &scores, None),
    };
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}

fn cell(v: &Value<'_>) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::Text(t) => t.to_string(),
        Value::Missing => String::new(),
    }
}
