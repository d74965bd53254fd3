//! The learning curve of repeated runs: the mean of each logged quantity per epoch with a
//! shaded band of ±1 standard deviation.
//!
//! ```
//! let loss = ([1.0, 0.6, 0.4], [0.10, 0.05, 0.04]);
//! let val_loss = ([1.2, 0.8, 0.7], [0.20, 0.10, 0.12]);
//! let chart = kerust::plot::learning_curve_band(
//!     &[("loss", &loss.0, &loss.1), ("val_loss", &val_loss.0, &val_loss.1)],
//!     5,
//! )?;
//! assert!(chart.svg.contains("Learning curve over 5 runs"));
//! # Ok::<(), kerust::Error>(())
//! ```

use plotters::coord::Shift;
use plotters::prelude::*;

use plotters::coord::types::RangedCoordf64;

use super::{
    Chart, Draw, FONT, ORANGE, Ticked, X_LABEL_AREA, draw_legend, draw_note, fmt_tick, integer_ticks, padded, render,
    s, style_mesh, y_label_area,
};
use crate::error::Result;

/// The learning curve over `runs` repeated runs, in one panel: for each `(key, mean, std)`
/// in `series` (values per epoch, epoch 1 first), the mean as a line and a shaded band of
/// mean ± 1 std. Training keys are blue and `val_` keys orange, as in
/// [`learning_curve`](super::learning_curve); further keys take other colours. Epochs with
/// a non-finite mean are gaps; a non-finite or negative std (or one that overflows the
/// mean) draws no band there. Caption
/// "Learning curve over {runs} runs (mean ± 1 std)".
pub fn learning_curve_band(series: &[(&str, &[f64], &[f64])], runs: usize) -> Result<Chart> {
    let curves = colors(series)
        .into_iter()
        .zip(series)
        .map(|(color, &(key, mean, std))| Curve { key, color, segments: segments(mean, std) })
        .collect();
    let epochs = series.iter().map(|(_, mean, _)| mean.len()).max().unwrap_or(0);
    render((900, 500), &Band { curves, epochs, runs, y_desc: y_desc(series) })
}

/// Colours for further keys once blue and orange are taken.
const MORE: [RGBColor; 4] =
    [RGBColor(40, 160, 60), RGBColor(150, 60, 180), RGBColor(140, 90, 40), RGBColor(20, 160, 170)];

/// Blue for the first training key and orange for the first `val_` key; the rest in turn from [`MORE`].
fn colors(series: &[(&str, &[f64], &[f64])]) -> Vec<RGBColor> {
    let mut used: Vec<RGBColor> = Vec::new();
    let mut more = MORE.iter().cycle();
    for (key, _, _) in series {
        let wanted = if key.starts_with("val_") { ORANGE } else { BLUE };
        let color = if used.contains(&wanted) { *more.next().unwrap_or(&BLACK) } else { wanted };
        used.push(color);
    }
    used
}

/// The shared quantity when all keys are one quantity and its `val_` twin, else "value".
fn y_desc(series: &[(&str, &[f64], &[f64])]) -> String {
    let mut bases = series.iter().map(|(key, _, _)| key.strip_prefix("val_").unwrap_or(key));
    match bases.next() {
        Some(first) if bases.all(|b| b == first) => first.to_string(),
        _ => "value".to_string(),
    }
}

/// One epoch of a curve: `(epoch, mean, std)`, std 0 when there is no band.
type Point = (f64, f64, f64);

/// Runs of consecutive epochs (1-based) with a finite mean.
fn segments(mean: &[f64], std: &[f64]) -> Vec<Vec<Point>> {
    let mut out: Vec<Vec<Point>> = Vec::new();
    let mut run: Vec<Point> = Vec::new();
    for (i, &m) in mean.iter().enumerate() {
        if m.is_finite() {
            let band = |s: &f64| *s > 0.0 && (m - s).is_finite() && (m + s).is_finite();
            let sd = std.get(i).copied().filter(band).unwrap_or(0.0);
            run.push(((i + 1) as f64, m, sd));
        } else if !run.is_empty() {
            out.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        out.push(run);
    }
    out
}

struct Curve<'a> {
    key: &'a str,
    color: RGBColor,
    segments: Vec<Vec<Point>>,
}

struct Band<'a> {
    curves: Vec<Curve<'a>>,
    epochs: usize,
    runs: usize,
    y_desc: String,
}

impl Draw for Band<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        root.fill(&WHITE).map_err(s)?;
        let points = self.curves.iter().flat_map(|c| c.segments.iter().flatten());
        let (lo, hi) =
            points.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &(_, m, sd)| (lo.min(m - sd), hi.max(m + sd)));
        let (y0, y1) = padded(lo, hi);
        // Epochs 1..n edge to edge as in the learning curve; a single epoch sits in the middle.
        let (x0, x1) = if self.epochs > 1 { (1.0, self.epochs as f64) } else { (0.5, 1.5) };
        let mut chart = ChartBuilder::on(root)
            .caption(format!("Learning curve over {} runs (mean ± 1 std)", self.runs), (FONT, 22))
            .margin(12)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(y_label_area(&RangedCoordf64::from(y0..y1)))
            .build_cartesian_2d(Ticked::new(x0..x1, integer_ticks(x0, x1)), y0..y1)
            .map_err(s)?;
        let mut mesh = chart.configure_mesh();
        style_mesh(&mut mesh);
        mesh.x_desc("epoch").x_label_formatter(&fmt_tick).y_label_formatter(&fmt_tick).y_desc(&self.y_desc);
        mesh.draw().map_err(s)?;
        if !lo.is_finite() {
            return draw_note(chart.plotting_area(), "no finite values");
        }
        for curve in &self.curves {
            let shade = curve.color.mix(0.2).filled();
            let bands = curve.segments.iter().filter(|seg| seg.len() > 1).map(|seg| {
                let upper = seg.iter().map(|&(x, m, sd)| (x, m + sd));
                let lower = seg.iter().rev().map(|&(x, m, sd)| (x, m - sd));
                Polygon::new(upper.chain(lower).collect::<Vec<_>>(), shade)
            });
            chart.draw_series(bands).map_err(s)?;
            // A lone epoch has no area to shade: its ±std is an error bar and its mean a dot.
            let lone = curve.segments.iter().filter(|seg| seg.len() == 1).map(|seg| seg[0]);
            chart
                .draw_series(lone.clone().map(|(x, m, sd)| {
                    PathElement::new(vec![(x, m - sd), (x, m + sd)], curve.color.mix(0.5).stroke_width(2))
                }))
                .map_err(s)?;
            chart.draw_series(lone.map(|(x, m, _)| Circle::new((x, m), 3, curve.color.filled()))).map_err(s)?;
            let color = curve.color;
            chart
                .draw_series(curve.segments.iter().map(|seg| {
                    PathElement::new(seg.iter().map(|&(x, m, _)| (x, m)).collect::<Vec<_>>(), color.stroke_width(2))
                }))
                .map_err(s)?
                .label(curve.key)
                .legend(move |(x, y)| {
                    EmptyElement::at((x, y))
                        + Rectangle::new([(0, -6), (20, 6)], color.mix(0.2).filled())
                        + PathElement::new(vec![(0, 0), (20, 0)], color.stroke_width(2))
                });
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::{assert_chart, has_text};

    const CAPTION: &str = "Learning curve over 3 runs (mean ± 1 std)";

    #[test]
    fn plot_band_renders_shaded_bands_and_both_keys() {
        let (loss, loss_std) = ([2.0, 1.4, 1.0, 0.8, 0.7], [0.3, 0.2, 0.15, 0.1, 0.1]);
        let (val, val_std) = ([2.2, 1.7, 1.4, 1.35, 1.4], [0.4, 0.3, 0.3, 0.25, 0.3]);
        let chart = learning_curve_band(&[("loss", &loss, &loss_std), ("val_loss", &val, &val_std)], 3).unwrap();
        assert_chart(&chart, CAPTION);
        assert!(chart.svg.matches("<polygon").count() >= 2, "no shaded band in the SVG");
        assert!(has_text(&chart.svg, "loss") && has_text(&chart.svg, "val_loss"));
    }

    #[test]
    fn plot_band_of_nothing_is_an_empty_frame_with_a_note() {
        let nan = [f64::NAN; 4];
        for series in [&[("loss", &nan[..], &nan[..])][..], &[], &[("loss", &[][..], &[][..])]] {
            let chart = learning_curve_band(series, 3).unwrap();
            assert_chart(&chart, CAPTION);
            assert!(chart.svg.contains("no finite values"));
        }
    }

    #[test]
    fn plot_band_of_one_epoch() {
        let chart = learning_curve_band(&[("loss", &[0.5], &[0.1]), ("val_loss", &[0.7], &[0.0])], 3).unwrap();
        assert_chart(&chart, CAPTION);
        assert!(has_text(&chart.svg, "val_loss"));
    }

    #[test]
    fn plot_band_gaps_split_the_curve() {
        let mean = [1.0, f64::NAN, 0.8, 0.7, f64::INFINITY];
        let std = [0.1, 0.1, f64::NAN, -1.0];
        let segs = segments(&mean, &std);
        assert_eq!(segs, vec![vec![(1.0, 1.0, 0.1)], vec![(3.0, 0.8, 0.0), (4.0, 0.7, 0.0)]]);
    }

    #[test]
    fn plot_band_colours_follow_the_learning_curve() {
        let none: &[f64] = &[];
        let series = [("loss", none, none), ("val_loss", none, none), ("mae", none, none), ("val_mae", none, none)];
        assert_eq!(colors(&series), vec![BLUE, ORANGE, MORE[0], MORE[1]]);
        assert_eq!(y_desc(&series[..2]), "loss");
        assert_eq!(y_desc(&series), "value");
    }

    #[test]
    fn plot_band_of_extreme_values_does_not_panic() {
        let mean = [-1e308, 1e308, f64::MAX];
        let std = [1e308, 1e308, f64::MAX];
        assert_chart(&learning_curve_band(&[("loss", &mean, &std)], 2).unwrap(), "over 2 runs");
    }
}
