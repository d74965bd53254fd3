//! Permutation importance as horizontal bars: how much a metric worsens when one column is
//! shuffled, the most important column on top.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    Chart, Draw, FONT, GREY, Ticked, X_LABEL_AREA, fmt_tick, padded, render, s, shorten, style_mesh, text_width,
};
use crate::error::{Error, Result};

/// Names longer than this many characters are cut with "…", so the bars keep their width.
const MAX_NAME: usize = 40;

/// A horizontal bar per column of `names`: `values[i]` is the increase of `metric` when
/// column `i` is shuffled, `stds[i]` (when given) its standard deviation over repeats, drawn
/// as a whisker. Bars are sorted largest first (on top); non-finite values sort last and
/// draw no bar. Errors when `values` or `stds` is not as long as `names`.
pub fn importance_bars(names: &[String], values: &[f64], stds: Option<&[f64]>, metric: &str) -> Result<Chart> {
    if values.len() != names.len() {
        let rule = format!("(importance_bars) must have one value per name ({} names)", names.len());
        return Err(Error::invalid("values", format!("{} values", values.len()), rule));
    }
    if let Some(stds) = stds.filter(|s| s.len() != names.len()) {
        let rule = format!("(importance_bars) must have one std per name ({} names)", names.len());
        return Err(Error::invalid("stds", format!("{} stds", stds.len()), rule));
    }
    let mut bars: Vec<Bar> = (0..names.len())
        .map(|i| Bar { name: shorten(&names[i], MAX_NAME), value: values[i], std: stds.map_or(0.0, |s| s[i]).abs() })
        .collect();
    // Largest first; NaN last whatever its sign bit.
    bars.sort_by(|a, b| b.value.is_finite().cmp(&a.value.is_finite()).then(b.value.total_cmp(&a.value)));
    let longest = bars.iter().map(|b| b.name.chars().count()).max().unwrap_or(1);
    let height = (90 + 28 * bars.len() as u32).max(300);
    let chart = Bars { bars, metric, name_area: text_width(longest) + 20 };
    render((900, height), &chart)
}

struct Bar {
    name: String,
    value: f64,
    std: f64,
}

struct Bars<'a> {
    bars: Vec<Bar>,
    metric: &'a str,
    name_area: u32,
}

impl Draw for Bars<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        root.fill(&WHITE).map_err(s)?;
        let n = self.bars.len();
        let finite = self.bars.iter().filter(|b| b.value.is_finite());
        let ends = finite.flat_map(|b| [b.value - b.std, b.value + b.std]).filter(|v| v.is_finite());
        let (lo, hi) = ends.fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v))); // 0 in view
        let (x0, x1) = padded(lo, hi);
        // Bar i sits at height n - 1 - i, so the first (largest) is on top.
        let ticks = (0..n).map(|i| i as f64).collect();
        let y = Ticked::new(-0.6..(n as f64 - 0.4).max(0.4), ticks);
        let name = |v: &f64| {
            let i = n as i64 - 1 - v.round() as i64;
            usize::try_from(i).ok().and_then(|i| self.bars.get(i)).map(|b| b.name.clone()).unwrap_or_default()
        };
        let mut chart = ChartBuilder::on(root)
            .caption(format!("Permutation importance: increase in {}", self.metric), (FONT, 22))
            .margin(12)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(self.name_area)
            .build_cartesian_2d(x0..x1, y)
            .map_err(s)?;
        let mut mesh = chart.configure_mesh();
        style_mesh(&mut mesh);
        mesh.disable_y_mesh().x_desc(format!("increase in {} when the column is shuffled", self.metric));
        mesh.x_label_formatter(&fmt_tick).y_label_formatter(&name).draw().map_err(s)?;
        for (i, bar) in self.bars.iter().enumerate().filter(|(_, b)| b.value.is_finite()) {
            let y = (n - 1 - i) as f64;
            let color = if bar.value >= 0.0 { BLUE.mix(0.7) } else { GREY.mix(0.7) };
            let rect = Rectangle::new([(0.0, y - 0.35), (bar.value, y + 0.35)], color.filled());
            chart.draw_series(std::iter::once(rect)).map_err(s)?;
            if bar.std > 0.0 && bar.std.is_finite() {
                let (a, b) = ((bar.value - bar.std, y), (bar.value + bar.std, y));
                let cap = |at| EmptyElement::at(at) + PathElement::new(vec![(0, -5), (0, 5)], BLACK);
                chart.draw_series(std::iter::once(PathElement::new(vec![a, b], BLACK))).map_err(s)?;
                chart.draw_series([cap(a), cap(b)]).map_err(s)?;
            }
        }
        Ok(())
    }
}
