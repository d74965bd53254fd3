//! The learning curve: one panel per quantity (loss, then each metric), training and
//! validation values per epoch, the best epoch marked.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Chart, Draw, FONT, ORANGE, draw_legend, render, s};
use crate::error::Result;
use crate::model::History;

/// Width of the chart and height of each panel, in pixels.
const WIDTH: u32 = 900;
const PANEL: u32 = 360;

/// The learning curve of `history`: a panel for `loss` and one for each other logged
/// quantity (metrics, `learning_rate`), each with its `val_` twin when present. `best_epoch`
/// (0-based index into the History) is marked with a vertical line.
pub fn learning_curve(history: &History, best_epoch: Option<usize>) -> Result<Chart> {
    let panels: Vec<String> = history.keys().iter().filter(|k| !k.starts_with("val_")).cloned().collect();
    let height = PANEL * panels.len().max(1) as u32;
    render((WIDTH, height), &Curve { history, panels, best_epoch })
}

struct Curve<'a> {
    history: &'a History,
    panels: Vec<String>,
    best_epoch: Option<usize>,
}

impl Draw for Curve<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        root.fill(&WHITE).map_err(s)?;
        let areas = root.split_evenly((self.panels.len().max(1), 1));
        for (key, area) in self.panels.iter().zip(areas.iter()) {
            self.panel(area, key)?;
        }
        Ok(())
    }
}

impl Curve<'_> {
    fn panel<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, key: &str) -> std::result::Result<(), String> {
        let epochs = self.history.epoch();
        let val_key = format!("val_{key}");
        let series: Vec<(&str, &[f32], RGBColor)> = [(key, BLUE), (val_key.as_str(), ORANGE)]
            .into_iter()
            .filter_map(|(k, c)| self.history.get(k).map(|v| (k, v, c)))
            .collect();
        let finite = series.iter().flat_map(|(_, v, _)| v.iter().copied()).filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
        let pad = ((hi - lo) * 0.05).max(1e-6);
        let first = epochs.first().copied().unwrap_or(0) as f32 + 1.0;
        let last = (epochs.last().copied().unwrap_or(0) as f32 + 1.0).max(first + 1.0);
        let title = if key == "loss" { "Learning curve: loss".to_string() } else { format!("Learning curve: {key}") };
        let mut chart = ChartBuilder::on(area)
            .caption(title, (FONT, 22))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(first..last, (lo - pad)..(hi + pad))
            .map_err(s)?;
        chart
            .configure_mesh()
            .x_desc("epoch")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_desc(key)
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .draw()
            .map_err(s)?;
        for (name, values, color) in &series {
            let points =
                epochs.iter().zip(values.iter()).filter(|(_, v)| v.is_finite()).map(|(&e, &v)| (e as f32 + 1.0, v));
            chart
                .draw_series(LineSeries::new(points, color.stroke_width(2)))
                .map_err(s)?
                .label(*name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
        }
        if let Some(best) = self.best_epoch.filter(|&b| b < epochs.len()) {
            let x = epochs[best] as f32 + 1.0;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x, lo - pad), (x, hi + pad)],
                    BLACK.stroke_width(1),
                )))
                .map_err(s)?
                .label(format!("best epoch ({})", epochs[best] + 1))
                .legend(|(x, y)| PathElement::new(vec![(x, y - 6), (x, y + 6)], BLACK));
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)
    }
}
