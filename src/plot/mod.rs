//! Charts of a training run, as SVG text and PNG bytes: the learning curve, predicted vs
//! actual values, and a confusion matrix. Text uses the bundled DejaVu Sans font, so no
//! system font is needed.
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

mod confusion;
mod curve;
mod scatter;

pub use confusion::confusion_matrix;
pub use curve::learning_curve;
pub use scatter::pred_vs_actual;

use std::sync::Once;

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

/// Draws `chart` on an SVG and on a PNG canvas of `size` pixels.
pub(crate) fn render(size: (u32, u32), chart: &impl Draw) -> Result<Chart> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        chart.draw(&root).map_err(plot_error)?;
        root.present().map_err(|e| plot_error(e.to_string()))?;
    }
    let mut rgb = vec![0u8; (size.0 * size.1 * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
        chart.draw(&root).map_err(plot_error)?;
        root.present().map_err(|e| plot_error(e.to_string()))?;
    }
    Ok(Chart { svg, png: encode_png(&rgb, size)? })
}

fn encode_png(rgb: &[u8], (w, h): (u32, u32)) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
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
