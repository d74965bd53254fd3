//! Charts as SVG text and PNG bytes: the learning curve of a run, the mean ± std learning
//! curve of repeated runs, predicted vs actual values, a confusion matrix, and the history
//! and parameters of a tuning study. Text uses the bundled DejaVu Sans font, so no system
//! font is needed.
//!
//! ```
//! use kerust::model::{History, Logs};
//! let mut history = History::default();
//! for (epoch, (loss, val)) in [(3.0, 3.5), (2.0, 2.8), (1.5, 2.9)].into_iter().enumerate() {
//!     let mut logs = Logs::default();
//!     logs.set("loss", loss);
//!     logs.set("val_loss", val);
//!     history.push(epoch, &logs);
//! }
//! let svg = kerust::plot::learning_curve(&history, Some(1))?.svg;
//! assert!(svg.contains("val_loss"));
//! # Ok::<(), kerust::Error>(())
//! ```

mod axis;
mod band;
mod confusion;
mod curve;
mod embed;
mod importance;
mod residuals;
mod roc;
mod scatter;
mod study;

pub use band::learning_curve_band;
pub use confusion::confusion_matrix;
pub use curve::learning_curve;
pub use importance::importance_bars;
pub use residuals::residuals_vs_predicted;
pub use roc::{RocChart, roc_curve};
pub use scatter::pred_vs_actual;
pub use study::{ParamColumn, ParamValue, TrialPoint, params_vs_objective, study_history};

use std::sync::Once;

pub(crate) use axis::{
    Ticked, ValueAxis, X_LABEL_AREA, fmt_tick, integer_ticks, style_mesh, text_width, tick_label, y_label_area,
};
pub(crate) use embed::render_points;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::error::{Error, Result};

/// One chart in two formats.
#[derive(Debug, Clone)]
pub struct Chart {
    /// SVG document.
    pub svg: String,
    /// PNG file bytes.
    pub png: Vec<u8>,
}

/// The font family name every chart uses.
pub(crate) const FONT: &str = "sans-serif";

/// The orange of validation curves and best-so-far lines.
pub(crate) const ORANGE: RGBColor = RGBColor(230, 120, 20);

/// The grey of pruned trials and notes.
pub(crate) const GREY: RGBColor = RGBColor(130, 130, 130);

/// Registers the bundled font once per process.
fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bundled DejaVu Sans is a valid TrueType font, so registration cannot fail;
        // if it ever did, text would be missing from charts but nothing else would break.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

/// Something that can draw itself on any plotters canvas.
pub(crate) trait Draw {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, plotters::coord::Shift>,
    ) -> std::result::Result<(), String>;
}

/// Draws the legend of `chart`'s labelled series at `position`, in the style of every chart.
pub(crate) fn draw_legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> std::result::Result<(), String> {
    chart
        .configure_series_labels()
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(position)
        .draw()
        .map_err(s)
}

/// Writes `note` in grey at the centre of `area` (used when there is nothing to plot).
pub(crate) fn draw_note<DB: DrawingBackend, CT: plotters::coord::CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    note: &str,
) -> std::result::Result<(), String> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let plain = area.strip_coord_spec();
    let (w, h) = plain.dim_in_pixel();
    let style = TextStyle::from((FONT, 16).into_font()).color(&GREY).pos(Pos::new(HPos::Center, VPos::Center));
    plain.draw(&Text::new(note.to_string(), (w as i32 / 2, h as i32 / 2), style)).map_err(s)
}

/// `lo..hi` widened by 5% of its span on each side. A single value gets ±10% of itself (±1
/// at zero), so one point never collapses the axis; no finite value gives `0..1`. The ends
/// are kept within ±`f64::MAX / 4` so the span and the padding stay finite.
pub(crate) fn padded(lo: f64, hi: f64) -> (f64, f64) {
    const LIMIT: f64 = f64::MAX / 4.0;
    let (lo, hi) = (lo.max(-LIMIT), hi.min(LIMIT));
    if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
        return (0.0, 1.0);
    }
    let pad = if hi > lo {
        (hi - lo) * 0.05
    } else if lo != 0.0 {
        lo.abs() * 0.1
    } else {
        1.0
    };
    (lo - pad, hi + pad)
}

/// The legend corner of `chart` whose box (about the size of a legend of `entries` lines)
/// covers the fewest of `points`: tried from the upper right, or from the lower right when
/// `lower_first`, so ties go to the usual corner.
pub(crate) fn quiet_corner<DB: DrawingBackend, X: Ranged, Y: Ranged>(
    chart: &ChartContext<'_, DB, Cartesian2d<X, Y>>,
    points: impl IntoIterator<Item = (X::ValueType, Y::ValueType)>,
    entries: usize,
    lower_first: bool,
) -> SeriesLabelPosition {
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let (w, h) = (190, 20 * entries as i32 + 30);
    let pixels: Vec<(i32, i32)> = points.into_iter().map(|p| chart.backend_coord(&p)).collect();
    let covered = |(right, upper): (bool, bool)| {
        let x0 = if right { xs.end - w } else { xs.start };
        let y0 = if upper { ys.start } else { ys.end - h };
        pixels.iter().filter(|(x, y)| (x0..x0 + w).contains(x) && (y0..y0 + h).contains(y)).count()
    };
    let (right, upper) = (true, !lower_first);
    let corners = [(right, upper), (right, !upper), (!right, upper), (!right, !upper)];
    match corners.into_iter().min_by_key(|&c| covered(c)) {
        Some((true, false)) => SeriesLabelPosition::LowerRight,
        Some((false, true)) => SeriesLabelPosition::UpperLeft,
        Some((false, false)) => SeriesLabelPosition::LowerLeft,
        _ => SeriesLabelPosition::UpperRight,
    }
}

/// Draws `chart` on an SVG and on a PNG canvas of `size` pixels.
pub(crate) fn render(size: (u32, u32), chart: &impl Draw) -> Result<Chart> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        chart.draw(&root).map_err(plot_error)?;
        root.present().map_err(|e| plot_error(e.to_string()))?;
    }
    Ok(Chart { svg, png: render_png(size, chart)? })
}

/// Draws `chart` on a PNG canvas of `size` pixels only.
pub(crate) fn render_png(size: (u32, u32), chart: &impl Draw) -> Result<Vec<u8>> {
    register_font();
    let mut rgb = vec![0u8; (size.0 * size.1 * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
        chart.draw(&root).map_err(plot_error)?;
        root.present().map_err(|e| plot_error(e.to_string()))?;
    }
    encode_png(&rgb, size)
}

/// `text` cut to `chars` characters, the last one an ellipsis when cut.
pub(crate) fn shorten(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_string();
    }
    text.chars().take(chars.saturating_sub(1)).chain(std::iter::once('…')).collect()
}

fn encode_png(rgb: &[u8], (w, h): (u32, u32)) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Dense scatters are embedded in SVG reports as base64 PNG: smaller is worth the time.
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header().map_err(|e| plot_error(e.to_string()))?;
    writer.write_image_data(rgb).map_err(|e| plot_error(e.to_string()))?;
    writer.finish().map_err(|e| plot_error(e.to_string()))?;
    Ok(out)
}

pub(crate) fn plot_error(reason: impl Into<String>) -> Error {
    Error::Plot { reason: reason.into() }
}

/// Maps plotting errors to strings inside drawing closures.
pub(crate) fn s<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

#[cfg(test)]
pub(crate) fn assert_chart(chart: &Chart, caption: &str) {
    assert!(chart.svg.starts_with("<svg"), "not an SVG: {}", &chart.svg[..chart.svg.len().min(80)]);
    assert!(chart.svg.contains(caption), "caption {caption:?} missing from the SVG");
    assert!(chart.png.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]), "not a PNG");
}

/// Whether the SVG has a text element reading exactly `text` (plotters puts each text on its own line).
#[cfg(test)]
pub(crate) fn has_text(svg: &str, text: &str) -> bool {
    svg.lines().any(|line| line.trim() == text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plot_padded_widens_and_never_collapses() {
        assert_eq!(padded(0.0, 10.0), (-0.5, 10.5));
        assert_eq!(padded(2.0, 2.0), (1.8, 2.2));
        assert_eq!(padded(0.0, 0.0), (-1.0, 1.0));
        assert_eq!(padded(f64::INFINITY, f64::NEG_INFINITY), (0.0, 1.0));
        let (lo, hi) = padded(-f64::MAX, f64::INFINITY);
        assert!(lo.is_finite() && hi.is_finite() && lo < -1e307 && hi > 1e307);
    }
}
