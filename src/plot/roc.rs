//! The ROC curve of a binary classifier: true against false positive rate over all
//! thresholds, the diagonal of chance, and the area under the curve.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::{Chart, Draw, FONT, GREY, ORANGE, X_LABEL_AREA, draw_legend, fmt_tick, render_points, s, style_mesh};
use crate::error::{Error, Result};

/// A ROC chart and the area under its curve.
#[derive(Debug, Clone)]
pub struct RocChart {
    /// The chart.
    pub chart: Chart,
    /// Area under the ROC curve (trapezoid rule; tied scores count half, as in
    /// [`roc_auc_score`](crate::metrics::roc_auc_score)).
    pub auc: f64,
}

/// The ROC curve of scores `score` for labels `actual` (true = positive class), with the
/// diagonal of chance and the AUC in the legend. Errors (never panics) when the inputs are
/// empty, of different lengths, hold a non-finite score, or have only one class.
pub fn roc_curve(actual: &[bool], score: &[f32]) -> Result<RocChart> {
    let points = roc_points(actual, score)?;
    let auc = points.windows(2).map(|w| (w[1].0 - w[0].0) * (w[0].1 + w[1].1) / 2.0).sum();
    let roc = Roc { points, auc };
    let caption = format!("ROC curve (AUC {auc:.3})");
    let chart = render_points((600, 600), &roc, roc.points.len(), &caption)?;
    Ok(RocChart { chart, auc })
}

/// `(false positive rate, true positive rate)` from `(0, 0)` to `(1, 1)`, one point per
/// distinct score: thresholds are lowered past a whole group of tied scores at once, so a
/// tie between classes is a diagonal step and not an arbitrary staircase.
pub(crate) fn roc_points(actual: &[bool], score: &[f32]) -> Result<Vec<(f64, f64)>> {
    if actual.is_empty() || actual.len() != score.len() {
        let rule = format!("(roc_curve) must be non-empty and as long as actual ({} labels)", actual.len());
        return Err(Error::invalid("score", format!("{} scores", score.len()), rule));
    }
    if let Some(bad) = score.iter().find(|v| !v.is_finite()) {
        return Err(Error::invalid("score", bad, "(roc_curve) must hold finite scores"));
    }
    let positives = actual.iter().filter(|&&a| a).count();
    let negatives = actual.len() - positives;
    if positives == 0 || negatives == 0 {
        let value = format!("{positives} positive and {negatives} negative labels");
        return Err(Error::invalid("actual", value, "(roc_curve) must hold both classes"));
    }
    let mut order: Vec<usize> = (0..score.len()).collect();
    order.sort_by(|&a, &b| score[b].total_cmp(&score[a])); // highest score first
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut points = vec![(0.0, 0.0)];
    for (i, &row) in order.iter().enumerate() {
        if actual[row] {
            tp += 1
        } else {
            fp += 1
        }
        let group_ends = order.get(i + 1).is_none_or(|&next| score[next] != score[row]);
        if group_ends {
            points.push((fp as f64 / negatives as f64, tp as f64 / positives as f64));
        }
    }
    Ok(points)
}

struct Roc {
    points: Vec<(f64, f64)>,
    auc: f64,
}

impl Draw for Roc {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        root.fill(&WHITE).map_err(s)?;
        let mut chart = ChartBuilder::on(root)
            .caption("ROC curve", (FONT, 22))
            .margin(12)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(75)
            .build_cartesian_2d(-0.02..1.02, -0.02..1.02)
            .map_err(s)?;
        let mut mesh = chart.configure_mesh();
        style_mesh(&mut mesh);
        mesh.x_desc("false positive rate").y_desc("true positive rate");
        mesh.x_label_formatter(&fmt_tick).y_label_formatter(&fmt_tick).draw().map_err(s)?;
        chart
            .draw_series(std::iter::once(DashedPathElement::new(vec![(0.0, 0.0), (1.0, 1.0)], 6, 4, GREY)))
            .map_err(s)?
            .label("chance (AUC 0.5)")
            .legend(|(x, y)| DashedPathElement::new(vec![(x, y), (x + 20, y)], 5, 3, GREY));
        chart
            .draw_series(LineSeries::new(self.points.iter().copied(), ORANGE.stroke_width(2)))
            .map_err(s)?
            .label(format!("ROC (AUC {:.3})", self.auc))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], ORANGE.stroke_width(2)));
        draw_legend(&mut chart, SeriesLabelPosition::LowerRight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plot_roc_points_group_ties() {
        let points = roc_points(&[false, true, false, true], &[0.5, 0.5, 0.1, 0.9]).unwrap();
        assert_eq!(points, vec![(0.0, 0.0), (0.0, 0.5), (0.5, 1.0), (1.0, 1.0)]);
    }
}
