//! What the report adds to a run's own results to answer "is this model any good?": the
//! baselines beside it (`TabularRun::constant_baseline`, `TabularSpec::perceptron_baseline`),
//! the residuals or ROC chart, and the permutation importance of each original column on the
//! test rows, as charts for the page.

use kerust::prelude::*;
use kerust::tabular::{Baseline, Importance};

/// Repeats of each column's shuffle (scikit-learn's default `n_repeats=5`).
const IMPORTANCE_REPEATS: usize = 5;

/// The report's analysis of a finished run.
pub struct Analysis {
    pub baselines: Vec<Baseline>,
    pub importance: Vec<Importance>,
    /// `(id, title, svg)` of the residuals / ROC chart and the importance bars.
    pub charts: Vec<(&'static str, String, String)>,
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
    let mut baselines = vec![run.constant_baseline(table)?];
    match perceptron {
        Some(p) => baselines.push(p),
        None => baselines.extend(spec.perceptron_baseline(table, &target, run.seed, None)?),
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
