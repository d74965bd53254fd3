//! `kerust train --repeats N` / `--cv K`: the run's settings over N seeds (the same test
//! rows) or K folds of the training rows — every metric as mean ± std, and the learning
//! curve as a mean line with a ±1 std band.

use std::collections::BTreeMap;

use kerust::model::History;
use kerust::prelude::TabularSpec;
use kerust::tuning::{Fit, Resampling, curve_band, resample, summarize};
use serde_json::json;

use super::output::{csv_text, ordered};
use super::report::{escape, inline_svg};
use super::run_dir::RunDir;

/// The fits of `--repeats` or `--cv`, and what they add to the run folder.
pub struct Resampled {
    pub how: Resampling,
    pub fits: Vec<Fit>,
    /// Metric → (mean, std).
    pub summary: BTreeMap<String, (f64, f64)>,
}

impl Resampled {
    /// Runs every fit of `how` for `spec` (whose seed is the run's).
    pub fn run(table: &kerust::data::Table, target: &str, spec: &TabularSpec, how: Resampling) -> kerust::Result<Self> {
        let fits = resample(table, target, spec, how)?;
        let summary = summarize(&fits);
        Ok(Resampled { how, fits, summary })
    }

    /// "5 seeds (test rows)" or "5-fold cross-validation (held-out folds)".
    pub fn label(&self) -> String {
        match self.how.cv {
            Some(k) if self.how.repeats > 1 => {
                format!("{k}-fold cross-validation × {} seeds (held-out folds)", self.how.repeats)
            }
            Some(k) => format!("{k}-fold cross-validation (held-out folds)"),
            None => format!("{} seeds (test rows)", self.how.repeats),
        }
    }

    /// The lines printed after the run's results.
    pub fn table(&self) -> String {
        let mut out = format!("Over {}: mean ± std\n", self.label());
        for (name, (mean, std)) in self.ordered() {
            out += &format!("  {name:<10} {mean:>12.4} ± {std:.4}\n");
        }
        out
    }

    /// (metric, (mean, std)) in the results table's order.
    fn ordered(&self) -> Vec<(String, (f64, f64))> {
        let means: BTreeMap<String, f64> = self.summary.iter().map(|(k, v)| (k.clone(), v.0)).collect();
        ordered(&means).into_iter().map(|(k, _)| (k.to_string(), self.summary[k])).collect()
    }

    /// `metrics.json`'s `resampling` entry.
    pub fn json(&self) -> serde_json::Value {
        let mean: BTreeMap<&String, f64> = self.summary.iter().map(|(k, v)| (k, v.0)).collect();
        let std: BTreeMap<&String, f64> = self.summary.iter().map(|(k, v)| (k, v.1)).collect();
        json!({ "cv": self.how.cv, "repeats": self.how.repeats, "fits": self.fits.len(), "mean": mean, "std": std })
    }

    /// Writes `resampling.csv` and the band chart; returns the chart's SVG for the report.
    pub fn write(&self, dir: &RunDir) -> anyhow::Result<String> {
        let names: Vec<String> = self.summary.keys().cloned().collect();
        let mut header = vec!["fold".to_string(), "repeat".into(), "seed".into(), "epochs".into()];
        header.extend(names.iter().cloned());
        let rows = self.fits.iter().map(|f| {
            let mut row = vec![
                f.fold.map_or(String::new(), |k| k.to_string()),
                f.repeat.to_string(),
                f.seed.to_string(),
                f.history.len().to_string(),
            ];
            row.extend(names.iter().map(|n| f.metrics.get(n).map_or(String::new(), |v| v.to_string())));
            row
        });
        dir.write("resampling.csv", csv_text(&header, rows)?)?;
        let histories: Vec<&History> = self.fits.iter().map(|f| &f.history).collect();
        let bands: Vec<(&str, Vec<f64>, Vec<f64>)> = ["loss", "val_loss"]
            .into_iter()
            .filter_map(|k| curve_band(&histories, k).map(|(m, s)| (k, m, s)))
            .collect();
        let series: Vec<(&str, &[f64], &[f64])> =
            bands.iter().map(|(k, m, s)| (*k, m.as_slice(), s.as_slice())).collect();
        let chart = kerust::plot::learning_curve_band(&series, self.fits.len())?;
        dir.write("learning_curve_band.svg", &chart.svg)?;
        dir.write("learning_curve_band.png", &chart.png)?;
        Ok(chart.svg)
    }

    /// The report's section: the table of means and stds, and the band chart.
    pub fn html(&self, band_svg: &str) -> String {
        let mut out = format!(
            "<h2>Over {}</h2>\n<table>\n<tr><th>metric</th><th>mean</th><th>std</th></tr>\n",
            escape(&self.label())
        );
        for (name, (mean, std)) in self.ordered() {
            out += &format!("<tr><td>{}</td><td>{mean:.4}</td><td>{std:.4}</td></tr>\n", escape(&name));
        }
        out += "</table>\n<p>Every run's curve differs: the line is the mean over the runs, the band ±1 std.</p>\n<figure id=\"learning_curve_band\">\n";
        out += &inline_svg(band_svg);
        out += "\n</figure>\n";
        out
    }
}
