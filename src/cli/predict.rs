//! `kerust predict` and `kerust evaluate`: a saved model on a raw CSV, through the
//! preprocessing pipeline stored in the model file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use kerust::data::{CsvOptions, Value};
use kerust::prelude::*;
use kerust::preprocessing::{Pipeline, Task};
use ndarray::Array2;

use super::output::Evaluation;

#[derive(Args)]
pub struct PredictArgs {
    /// Model file written by `kerust train` (model.kerust in a run folder).
    #[arg(long)]
    model: PathBuf,
    /// CSV with the feature columns (any order; extra columns and the target are ignored).
    data: PathBuf,
    /// Where to write the predictions (default: standard output).
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

/// The model, its pipeline, the table and the model input.
fn prepare(model: &PathBuf, data: &PathBuf) -> anyhow::Result<(Sequential, Pipeline, Table, Array2<f32>)> {
    let (model, meta) = Sequential::load_with(model)?;
    let pipeline: Pipeline = serde_json::from_value(meta.extra["pipeline"].clone())
        .context("the model file holds no preprocessing pipeline; was it written by `kerust train`?")?;
    if data.is_dir() {
        anyhow::bail!("{} is a directory; give the path of a CSV file", data.display());
    }
    let source = data.display().to_string();
    let table = Table::from_csv_with(data, &CsvOptions::default().source_name(&source))?;
    let (x, warnings) = pipeline.transform_new(&table)?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    Ok((model, pipeline, table, x))
}

pub fn predict(args: PredictArgs) -> anyhow::Result<ExitCode> {
    let (mut model, pipeline, table, x) = prepare(&args.model, &args.data)?;
    let output = model.predict(&x)?;
    let ids = match &args.id {
        Some(col) => Some(table.column_values(col)?.iter().map(cell).collect::<Vec<_>>()),
        None => None,
    };
    let target = &pipeline.target;
    let mut header: Vec<String> = args.id.iter().cloned().collect();
    header.push(format!("predicted_{target}"));
    let mut lines = Vec::with_capacity(x.nrows());
    match pipeline.task {
        Task::Regression => {
            for (i, v) in output.iter().enumerate() {
                let mut row: Vec<String> = ids.as_ref().map(|ids| vec![ids[i].clone()]).unwrap_or_default();
                row.push(v.to_string());
                lines.push(row.join(","));
            }
        }
        Task::Classification => {
            let labels = pipeline.class_labels()?;
            header.extend(labels.classes().iter().map(|l| format!("p_{l}")));
            for (i, (class, probs)) in pipeline.class_probabilities(&output).into_iter().enumerate() {
                let mut row: Vec<String> = ids.as_ref().map(|ids| vec![ids[i].clone()]).unwrap_or_default();
                row.push(labels.label(class).unwrap_or_default().to_string());
                row.extend(probs.iter().map(|p| p.to_string()));
                lines.push(row.join(","));
            }
        }
    }
    let text = format!("{}\n{}\n", header.join(","), lines.join("\n"));
    match &args.out {
        Some(path) => {
            kerust::io::write_atomic(path, text.as_bytes())?;
            eprintln!("{} predictions written to {}", lines.len(), path.display());
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn evaluate(args: EvaluateArgs) -> anyhow::Result<ExitCode> {
    let (mut model, pipeline, table, x) = prepare(&args.model, &args.data)?;
    let values = table.column_values(&pipeline.target).context("evaluate needs the target column")?;
    let y = targets(&pipeline, &values)?;
    let output = model.predict(&x)?;
    let rows: Vec<usize> = (0..x.nrows()).collect();
    let evaluation = Evaluation::new(&pipeline, &y, &output, &rows)?;
    println!("{}", evaluation.table(&format!("Results on {} rows of {}", x.nrows(), args.data.display())));
    Ok(ExitCode::SUCCESS)
}

/// The target as the model sees it: values, or class indices by the stored label map.
fn targets(pipeline: &Pipeline, values: &[Value<'_>]) -> anyhow::Result<Array2<f32>> {
    let mut y = Array2::zeros((values.len(), 1));
    for (i, v) in values.iter().enumerate() {
        y[[i, 0]] = match (pipeline.task, v) {
            (Task::Regression, Value::Number(n)) => *n,
            (Task::Classification, v) if !matches!(v, Value::Missing) => {
                let label = cell(v);
                let labels = pipeline.class_labels()?;
                labels.index_of(&label).with_context(|| {
                    format!(
                        "row {}: class {label:?} was not among the training classes ({})",
                        i + 1,
                        labels.classes().join(", ")
                    )
                })? as f32
            }
            _ => anyhow::bail!("row {}: the target {:?} is missing or not a number", i + 1, pipeline.target),
        };
    }
    Ok(y)
}

fn cell(v: &Value<'_>) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::Text(t) => t.to_string(),
        Value::Missing => String::new(),
    }
}
