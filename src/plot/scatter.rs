//! Predicted against actual values of a regression, with the line of perfect prediction;
//! and the scatter-with-a-reference-line drawing that the residual chart shares.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    Chart, Draw, FONT, X_LABEL_AREA, draw_legend, fmt_tick, padded, render_points, s, style_mesh, y_label_area,
};
use crate::error::Result;

/// A scatter of `(actual, predicted)` pairs with the diagonal `predicted = actual`.
/// `unit` names the target (axis labels). Beyond 2,000 points the `svg` is the PNG embedded
/// in a small SVG document.
pub fn pred_vs_actual(actual: &[f32], predicted: &[f32], unit: &str) -> Result<Chart> {
    let points = finite_pairs(actual, predicted);
    let all = points.iter().flat_map(|&(a, p)| [a, p]);
    let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let range = padded(lo, hi);
    let scatter = Scatter {
        caption: "Predicted vs actual (test rows)".to_string(),
        x_desc: format!("actual {unit}"),
        y_desc: format!("predicted {unit}"),
        x: range,
        y: range,
        reference: vec![(range.0, range.0), (range.1, range.1)],
        reference_label: "perfect prediction",
        points,
        legend: SeriesLabelPosition::UpperLeft,
    };
    render_points((700, 700), &scatter, scatter.points.len(), &scatter.caption)
}

/// The pairs of `a` and `b` where both are finite, as f64.
pub(crate) fn finite_pairs(a: &[f32], b: &[f32]) -> Vec<(f64, f64)> {
    a.iter().zip(b).filter(|(x, y)| x.is_finite() && y.is_finite()).map(|(&x, &y)| (x.into(), y.into())).collect()
}

/// A scatter of `points` on `x × y` with a black `reference` line (the diagonal, zero).
pub(crate) struct Scatter {
    pub(crate) caption: String,
    pub(crate) x_desc: String,
    pub(crate) y_desc: String,
    pub(crate) x: (f64, f64),
    pub(crate) y: (f64, f64),
    pub(crate) reference: Vec<(f64, f64)>,
    pub(crate) reference_label: &'static str,
    pub(crate) points: Vec<(f64, f64)>,
    pub(crate) legend: SeriesLabelPosition,
}

impl Draw for Scatter {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        root.fill(&WHITE).map_err(s)?;
        let y = plotters::coord::types::RangedCoordf64::from(self.y.0..self.y.1);
        let mut chart = ChartBuilder::on(root)
            .caption(&self.caption, (FONT, 22))
            .margin(12)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(y_label_area(&y))
            .build_cartesian_2d(self.x.0..self.x.1, y)
            .map_err(s)?;
        let mut mesh = chart.configure_mesh();
        style_mesh(&mut mesh);
        mesh.x_desc(&self.x_desc).y_desc(&self.y_desc).x_label_formatter(&fmt_tick).y_label_formatter(&fmt_tick);
        mesh.draw().map_err(s)?;
        chart
            .draw_series(LineSeries::new(self.reference.iter().copied(), BLACK.stroke_width(1)))
            .map_err(s)?
            .label(self.reference_label)
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK));
        // Dense charts become PNG: small dots of one opaque colour keep dense regions dense
        // and the PNG compressible (alpha blending makes a shade per overlap count).
        let dense = self.points.len() > super::embed::MAX_SVG_POINTS;
        let (radius, color) = if dense { (2, RGBColor(70, 110, 230).to_rgba()) } else { (3, BLUE.mix(0.6)) };
        chart
            .draw_series(self.points.iter().map(|&p| Circle::new(p, radius, color.filled())))
            .map_err(s)?
            .label("test rows")
            .legend(|(x, y)| Circle::new((x + 10, y), 3, BLUE.filled()));
        draw_legend(&mut chart, self.legend.clone())
    }
}
