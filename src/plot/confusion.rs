//! A confusion matrix as a heat map with the counts written in the cells.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Chart, Draw, FONT, render, s};
use crate::error::Result;

/// `matrix[true][predicted]` counts, with the class `labels` in order.
pub fn confusion_matrix(matrix: &[Vec<usize>], labels: &[String]) -> Result<Chart> {
    let n = labels.len().max(1) as u32;
    let side = (200 + 90 * n).min(1400);
    render((side + 120, side), &Confusion { matrix, labels })
}

struct Confusion<'a> {
    matrix: &'a [Vec<usize>],
    labels: &'a [String],
}

impl Draw for Confusion<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        root.fill(&WHITE).map_err(s)?;
        let k = self.labels.len().max(1);
        let max = self.matrix.iter().flatten().copied().max().unwrap_or(0).max(1) as f64;
        let mut chart = ChartBuilder::on(root)
            .caption("Confusion matrix (test rows)", (FONT, 22))
            .margin(12)
            .x_label_area_size(60)
            .y_label_area_size(110)
            .build_cartesian_2d((0..k - 1).into_segmented(), (0..k - 1).into_segmented())
            .map_err(s)?;
        let name = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => self.labels.get(*i).cloned().unwrap_or_default(),
            SegmentValue::Last => String::new(),
        };
        // Rows are drawn bottom-up, so the true class of row `y` is `k - 1 - y`.
        let row_name = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) if *i < k => name(&SegmentValue::Exact(k - 1 - i)),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("predicted class")
            .y_desc("true class")
            .x_labels(k)
            .y_labels(k)
            .x_label_formatter(&name)
            .y_label_formatter(&row_name)
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .draw()
            .map_err(s)?;
        for (t, row) in self.matrix.iter().enumerate() {
            for (p, &count) in row.iter().enumerate() {
                let y = k - 1 - t; // true class 0 at the top
                let shade = 1.0 - 0.8 * count as f64 / max;
                let color = RGBColor((40.0 + 215.0 * shade) as u8, (90.0 + 165.0 * shade) as u8, 255);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [
                            (SegmentValue::Exact(p), SegmentValue::Exact(y)),
                            (SegmentValue::Exact(p + 1), SegmentValue::Exact(y + 1)),
                        ],
                        color.filled(),
                    )))
                    .map_err(s)?;
                let text_color = if shade < 0.5 { WHITE } else { BLACK };
                let style = TextStyle::from((FONT, 18).into_font()).color(&text_color).pos(
                    plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Center,
                        plotters::style::text_anchor::VPos::Center,
                    ),
                );
                chart
                    .draw_series(std::iter::once(Text::new(
                        count.to_string(),
                        (SegmentValue::CenterOf(p), SegmentValue::CenterOf(y)),
                        style,
                    )))
                    .map_err(s)?;
            }
        }
        Ok(())
    }
}
