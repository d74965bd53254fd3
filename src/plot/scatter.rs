//! Predicted against actual values of a regression, with the line of perfect prediction.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Chart, Draw, FONT, draw_legend, render, s};
use crate::error::Result;

/// A scatter of `(actual, predicted)` pairs with the diagonal `predicted = actual`.
/// `unit` names the target (axis labels).
pub fn pred_vs_actual(actual: &[f32], predicted: &[f32], unit: &str) -> Result<Chart> {
    render((700, 700), &Scatter { actual, predicted, unit })
}

struct Scatter<'a> {
    actual: &'a [f32],
    predicted: &'a [f32],
    unit: &'a str,
}

impl Draw for Scatter<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        root.fill(&WHITE).map_err(s)?;
        let all = self.actual.iter().chain(self.predicted).copied().filter(|v| v.is_finite());
        let (lo, hi) = all.fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        let (lo, hi) = if lo.is_finite() && hi > lo { (lo, hi) } else { (0.0, 1.0) };
        let pad = (hi - lo) * 0.05;
        let range = (lo - pad)..(hi + pad);
        let mut chart = ChartBuilder::on(root)
            .caption("Predicted vs actual (test rows)", (FONT, 22))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d(range.clone(), range)
            .map_err(s)?;
        chart
            .configure_mesh()
            .x_desc(format!("actual {}", self.unit))
            .y_desc(format!("predicted {}", self.unit))
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .draw()
            .map_err(s)?;
        chart
            .draw_series(LineSeries::new([(lo - pad, lo - pad), (hi + pad, hi + pad)], BLACK.stroke_width(1)))
            .map_err(s)?
            .label("perfect prediction")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK));
        let points = self.actual.iter().zip(self.predicted).filter(|(a, p)| a.is_finite() && p.is_finite());
        chart
            .draw_series(points.map(|(&a, &p)| Circle::new((a, p), 3, BLUE.mix(0.6).filled())))
            .map_err(s)?
            .label("test rows")
            .legend(|(x, y)| Circle::new((x + 10, y), 3, BLUE.filled()));
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)
    }
}
