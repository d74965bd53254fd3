//! What the report adds to a run's own results to answer "is this model any good?": the
//! baselines beside it (a constant predictor, and the lesson's single perceptron trained with
//! the same settings), the residuals or ROC chart, the permutation importance of each
//! original column on the test rows, and a description of every column.

use std::collections::BTreeMap;

use kerust::data::{ColumnType, FeatureKind, Value};
use kerust::metrics::{
    Average, accuracy_score, f1_score, mean_absolute_error, mean_absolute_percentage_error, r2_score,
    root_mean_squared_error,
};
use kerust::prelude::*;
use kerust::tabular::Importance;
use ndarray::Array2;

/// Repeats of each column's shuffle (scikit-learn's default `n_repeats=5`).
const IMPORTANCE_REPEATS: usize = 5;

/// A model the run is compared with, and its test metrics.
pub struct Baseline {
    pub name: String,
    pub metrics: BTreeMap<String, f64>,
}

/// The report's analysis of a finished run.
pub struct Analysis {
    pub baselines: Vec<Baseline>,
    pub importance: Vec<Importance>,
    /// `(id, title, svg)` of the residuals / ROC chart and the importance bars.
    pub charts: Vec<(&'static str, String, String)>,
}

/// The lesson's single perceptron (no hidden layer) with the run's other settings and seed,
/// trained on `table`: the baseline that says whether depth paid off. `None` for a run
/// without hidden layers (it is that perceptron). One thread: it may run beside the run's
/// own training (`kerust train` starts it there when it has a second core).
pub fn perceptron_baseline(
    table: &Table,
    target: &str,
    spec: &TabularSpec,
    seed: u64,
    stop_flag: Option<StopFlag>,
) -> anyhow::Result<Option<Baseline>> {
    if spec.layers.is_empty() {
        return Ok(None);
    }
    // Same settings, no hidden layer; it writes no checkpoints of its own.
    let perceptron =
        TabularSpec { layers: Vec::new(), seed: Some(seed), checkpoint_every: None, threads: Some(1), ..spec.clone() };
    let options = kerust::tabular::TrainOptions { stop_flag, ..Default::default() };
    let fitted = perceptron.fit_with(table, target, options)?;
    Ok(Some(Baseline {
        name: "single perceptron (no hidden layer, same settings)".into(),
        metrics: fitted.test.metrics,
    }))
}

/// Baselines, importance and charts for `run` on `table` (the table it trained on);
/// `perceptron` is the perceptron baseline if it was trained already.
pub fn analyse(
    table: &Table,
    spec: &TabularSpec,
    run: &TabularRun,
    perceptron: Option<Baseline>,
) -> anyhow::Result<Analysis> {
    let (model, test) = (&run.model, &run.test);
    let target = model.target().to_string();
    let mut baselines = vec![constant_baseline(table, &target, run)?];
    match perceptron {
        Some(p) => baselines.push(p),
        None => baselines.extend(perceptron_baseline(table, &target, spec, run.seed, None)?),
    }
    let test_table = table.take_rows(&test.rows)?;
    let importance = model.permutation_importance(&test_table, IMPORTANCE_REPEATS, run.seed)?;
    let mut charts = Vec::new();
    let actual: Vec<f32> = test.y.iter().copied().collect();
    match test.predictions.classes() {
        None => {
            let predicted: Vec<f32> = test.predictions.values().iter().copied().collect();
            let chart = kerust::plot::residuals_vs_predicted(&actual, &predicted, &target)?;
            charts.push(("residuals", "Residuals vs predicted".to_string(), chart.svg));
        }
        Some(_) if test.predictions.values().ncols() == 2 => {
            let positive: Vec<bool> = actual.iter().map(|&c| c == 1.0).collect();
            let score: Vec<f32> = test.predictions.values().column(1).to_vec();
            if let Ok(roc) = kerust::plot::roc_curve(&positive, &score) {
                charts.push(("roc", format!("ROC curve (AUC {:.4})", roc.auc), roc.chart.svg));
            }
        }
        Some(_) => {}
    }
    let metric = if test.predictions.classes().is_some() { "1 - accuracy" } else { "rmse" };
    let names: Vec<String> = importance.iter().map(|i| i.column.clone()).collect();
    let means: Vec<f64> = importance.iter().map(|i| i.mean).collect();
    let stds: Vec<f64> = importance.iter().map(|i| i.std).collect();
    let bars = kerust::plot::importance_bars(&names, &means, Some(&stds), metric)?;
    charts.push(("importance", format!("Permutation importance (increase of {metric} on the test rows)"), bars.svg));
    Ok(Analysis { baselines, importance, charts })
}

/// The mean of the training targets (regression) or their most frequent class, predicted
/// for every test row.
fn constant_baseline(table: &Table, target: &str, run: &TabularRun) -> anyhow::Result<Baseline> {
    let test = &run.test;
    let in_test: std::collections::HashSet<usize> = test.rows.iter().copied().collect();
    let train: Vec<usize> = (0..table.n_rows()).filter(|r| !in_test.contains(r)).collect();
    let y = run.model.preprocessor().targets(&table.take_rows(&train)?)?;
    let values: Vec<f32> = y.iter().copied().filter(|v| v.is_finite()).collect();
    let n = test.y.nrows();
    let mut metrics = BTreeMap::new();
    let name = match test.predictions.classes() {
        None => {
            let mean = values.iter().map(|&v| f64::from(v)).sum::<f64>() / values.len().max(1) as f64;
            let p = Array2::from_elem((n, 1), mean as f32);
            metrics.insert("rmse".into(), root_mean_squared_error(&test.y, &p)?);
            metrics.insert("mae".into(), mean_absolute_error(&test.y, &p)?);
            metrics.insert("r2".into(), r2_score(&test.y, &p)?);
            metrics.insert("mape".into(), mean_absolute_percentage_error(&test.y, &p)?);
            format!("constant: the training mean of {target} ({mean:.4})")
        }
        Some(_) => {
            let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
            for v in &values {
                *counts.entry(*v as i64).or_default() += 1;
            }
            let majority = counts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map_or(0, |(c, _)| *c);
            let p = Array2::from_elem((n, 1), majority as f32);
            metrics.insert("accuracy".into(), accuracy_score(&test.y, &p)?);
            metrics.insert("f1_macro".into(), f1_score(&test.y, &p, Average::Macro)?);
            let label = run.model.preprocessor().labels.as_ref().and_then(|l| l.label(majority as usize));
            format!("constant: the most frequent class ({})", label.unwrap_or("?"))
        }
    };
    Ok(Baseline { name, metrics })
}

/// One row of the report's data table.
pub struct ColumnRow {
    pub name: String,
    pub kind: String,
    pub missing: usize,
    pub distinct: usize,
    /// `min – max`, or the top levels with their counts.
    pub values: String,
    /// The features it became, or "target".
    pub became: String,
}

/// Every column of `table`: type, missing and distinct counts, range or top levels, and
/// the features `model` made of it.
pub fn columns(table: &Table, model: &TabularModel) -> Vec<ColumnRow> {
    let pre = model.preprocessor();
    let mut out = Vec::new();
    for name in table.columns() {
        let Ok(values) = table.column_values(name) else { continue };
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        let (mut lo, mut hi, mut missing) = (f32::INFINITY, f32::NEG_INFINITY, 0);
        for v in &values {
            match v {
                Value::Number(x) => {
                    lo = lo.min(*x);
                    hi = hi.max(*x);
                    *counts.entry(x.to_string()).or_default() += 1;
                }
                Value::Text(t) => *counts.entry(t.to_string()).or_default() += 1,
                Value::Missing => missing += 1,
            }
        }
        let categorical = table.column_type(name).is_ok_and(|t| t == ColumnType::Categorical);
        let summary = if categorical {
            let mut top: Vec<(&String, &usize)> = counts.iter().collect();
            top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let shown: Vec<String> = top.iter().take(3).map(|(l, c)| format!("{l} ({c})")).collect();
            shown.join(", ") + if top.len() > 3 { ", …" } else { "" }
        } else if lo.is_finite() {
            format!("{lo} – {hi}")
        } else {
            "all missing".into()
        };
        let became = if *name == pre.target {
            "target".to_string()
        } else {
            match pre.encoding.features.iter().find(|f| f.name == *name).map(|f| &f.kind) {
                Some(FeatureKind::Numeric) => "1 numeric feature".into(),
                Some(FeatureKind::OneHot { categories }) => {
                    format!("{} one-hot features", categories.len() - usize::from(pre.encoding.drop_first))
                }
                None => "not used".into(),
            }
        };
        out.push(ColumnRow {
            name: name.clone(),
            kind: if categorical { "categorical" } else { "numeric" }.into(),
            missing,
            distinct: counts.len(),
            values: summary,
            became,
        });
    }
    out
}
