//! The learning curve: one panel per quantity (loss, then each metric), training and
//! validation values per epoch, the best epoch marked.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::{
    Chart, Draw, FONT, ORANGE, Ticked, ValueAxis, X_LABEL_AREA, draw_legend, fmt_tick, integer_ticks, render, s,
    style_mesh, tick_label, y_label_area,
};
use crate::error::Result;
use crate::model::History;

/// Width of the chart and height of each panel, in pixels.
const WIDTH: u32 = 900;
const PANEL: u32 = 360;

/// The learning curve of `history`: a panel for `loss` and one for each other logged
/// quantity (metrics, `learning_rate`), each with its `val_` twin when present. `best_epoch`
/// (0-based index into the History) is marked with a dashed vertical line, in the legend as
/// "best epoch N (val_loss X)". A panel whose values are all positive and span more than two
/// decades (max/min > 50, so that 2e7 falling to 3e5 qualifies) has a log-scale y axis
/// with ticks at powers of ten.
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
        let y = ValueAxis::fit(series.iter().flat_map(|(_, v, _)| v.iter().map(|&v| f64::from(v))));
        let (y0, y1) = (y.range().start, y.range().end);
        let y_area = y_label_area(&y);
        let first = epochs.first().copied().unwrap_or(0) as f64 + 1.0;
        let last = (epochs.last().copied().unwrap_or(0) as f64 + 1.0).max(first + 1.0);
        let title = if key == "loss" { "Learning curve: loss".to_string() } else { format!("Learning curve: {key}") };
        let mut chart = ChartBuilder::on(area)
            .caption(title, (FONT, 22))
            .margin(12)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(y_area)
            .build_cartesian_2d(Ticked::new(first..last, integer_ticks(first, last)), y)
            .map_err(s)?;
        let mut mesh = chart.configure_mesh();
        style_mesh(&mut mesh);
        mesh.x_desc("epoch").x_label_formatter(&fmt_tick).y_label_formatter(&fmt_tick).y_desc(key);
        mesh.draw().map_err(s)?;
        for (name, values, color) in &series {
            let points = epochs
                .iter()
                .zip(values.iter())
                .filter(|(_, v)| v.is_finite())
                .map(|(&e, &v)| (e as f64 + 1.0, f64::from(v)));
            chart
                .draw_series(LineSeries::new(points, color.stroke_width(2)))
                .map_err(s)?
                .label(*name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
        }
        if let Some(best) = self.best_epoch.filter(|&b| b < epochs.len()) {
            let x = epochs[best] as f64 + 1.0;
            // The value the best epoch was chosen by: validation when logged, else training.
            let (name, values, _) = series.last().copied().unwrap_or((key, &[], BLACK));
            let value = values.get(best).map_or(String::new(), |&v| format!(" ({name} {})", tick_label(f64::from(v))));
            chart
                .draw_series(std::iter::once(DashedPathElement::new(
                    vec![(x, y0), (x, y1)],
                    6,
                    4,
                    BLACK.stroke_width(1),
                )))
                .map_err(s)?
                .label(format!("best epoch {}{value}", epochs[best] + 1))
                .legend(|(x, y)| DashedPathElement::new(vec![(x, y), (x + 20, y)], 5, 3, BLACK.stroke_width(1)));
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)
    }
}
