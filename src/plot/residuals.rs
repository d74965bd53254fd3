//! Residuals against predicted values of a regression: structure here (a funnel, a curve)
//! is what a good predicted-vs-actual chart can hide.

use plotters::prelude::SeriesLabelPosition;

use super::scatter::{Scatter, finite_pairs};
use super::{Chart, padded, render_points};
use crate::error::Result;

/// A scatter of `(predicted, actual − predicted)` with the horizontal line of zero residual.
/// `unit` names the target (axis labels). Rows where either value is not finite are left
/// out. Beyond 2,000 points the `svg` is the PNG embedded in a small SVG document.
pub fn residuals_vs_predicted(actual: &[f32], predicted: &[f32], unit: &str) -> Result<Chart> {
    let points: Vec<(f64, f64)> = finite_pairs(predicted, actual).into_iter().map(|(p, a)| (p, a - p)).collect();
    let fold = |f: fn(&(f64, f64)) -> f64| {
        points.iter().map(f).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)))
    };
    let x = fold(|p| p.0);
    let x = padded(x.0, x.1);
    let y = fold(|p| p.1);
    let y = padded(y.0.min(0.0), y.1.max(0.0)); // zero always in view
    let scatter = Scatter {
        caption: "Residuals vs predicted (test rows)".to_string(),
        x_desc: format!("predicted {unit}"),
        y_desc: format!("actual − predicted {unit}"),
        x,
        y,
        reference: vec![(x.0, 0.0), (x.1, 0.0)],
        reference_label: "zero residual",
        points,
        legend: SeriesLabelPosition::UpperRight,
    };
    render_points((800, 600), &scatter, scatter.points.len(), &scatter.caption)
}
