//! Axes and their tick labels: the one compact number formatter every chart uses, whole-number
//! ticks, a value axis that turns logarithmic when the values span more than two decades, the
//! light grid, and label areas sized to their labels.

use plotters::chart::MeshStyle;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::FONT;

/// A tick label of at most 4 significant digits, without trailing zeros: `0.5`, `3`, `1.5k`,
/// `20M`, `1.2e-4`. Thousands and up take SI suffixes (k, M, G, T) because `20000000` is hard
/// to read at a glance; below 0.001 scientific notation, as a suffix like µ is easily misread.
pub(crate) fn tick_label(v: f64) -> String {
    if v == 0.0 {
        return "0".to_string(); // also -0
    }
    if !v.is_finite() {
        return format!("{v}");
    }
    // Rounded first, so 999_999.9 becomes "1M" and not "1000k".
    let r: f64 = format!("{v:.3e}").parse().unwrap_or(v);
    let a = r.abs();
    if !(1e-3..1e15).contains(&a) {
        let text = format!("{r:e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        return format!("{}e{exponent}", trim(mantissa));
    }
    let (scale, suffix) =
        [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")].into_iter().find(|(s, _)| a >= *s).unwrap_or((1.0, ""));
    let m = r / scale;
    let decimals = (3.0 - m.abs().log10().floor()).max(0.0) as usize;
    format!("{}{suffix}", trim(&format!("{m:.decimals$}")))
}

/// `text` without the trailing zeros of its fraction (and without a bare trailing point).
fn trim(text: &str) -> &str {
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { text }
}

/// [`tick_label`] in the shape plotters' label formatters take.
pub(crate) fn fmt_tick(v: &f64) -> String {
    tick_label(*v)
}

/// Light grey grid, fonts of every chart: the grid should guide the eye, not compete with the data.
pub(crate) fn style_mesh<X: Ranged, Y: Ranged, DB: DrawingBackend>(mesh: &mut MeshStyle<'_, '_, X, Y, DB>) {
    mesh.light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(205, 205, 205))
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16));
}

/// Width of a y label area holding `axis`'s tick labels and, to their left, the rotated axis
/// description: about 9 px per character of the longest label, the tick marks, the 16 px
/// description and gaps. Plotters draws the description at the outer edge of the area, so
/// an area too narrow puts it over the labels.
pub(crate) fn y_label_area(axis: &impl Ranged<ValueType = f64>) -> u32 {
    let chars = axis.key_points(11usize).iter().map(|&v| tick_label(v).chars().count()).max().unwrap_or(1);
    text_width(chars) + 46
}

/// The height of an x label area: tick labels, tick marks and the description below them.
pub(crate) const X_LABEL_AREA: u32 = 52;

/// About how many pixels `chars` characters of 14 px DejaVu Sans take.
pub(crate) fn text_width(chars: usize) -> u32 {
    9 * chars as u32
}

/// Whole numbers in `lo..=hi` at a step of 1, 2, 5, 10, 20, 50, … giving at most 10 ticks
/// (epoch and trial axes, where 0.5 is not a value).
pub(crate) fn integer_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (first, last) = (lo.ceil(), hi.floor());
    if !(first.is_finite() && last.is_finite()) || last < first {
        return Vec::new();
    }
    let mut step = 1.0;
    for factor in [2.0, 2.5, 2.0].into_iter().cycle() {
        if (last - first) / step <= 10.0 {
            break;
        }
        step *= factor;
    }
    let mut ticks = Vec::new();
    let mut tick = (first / step).ceil() * step;
    while tick <= last {
        ticks.push(if tick == 0.0 { 0.0 } else { tick }); // never label "-0"
        tick += step;
    }
    ticks
}

/// A linear axis with ticks exactly at the given values (whole epochs, trial numbers,
/// category positions). Labels come from the chart's label formatter.
pub(crate) struct Ticked {
    linear: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Ticked {
    pub(crate) fn new(range: std::ops::Range<f64>, ticks: Vec<f64>) -> Ticked {
        Ticked { linear: range.into(), ticks }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.linear.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Only bold ticks: no light grid lines between whole numbers.
        if hint.weight().allow_light_points() { Vec::new() } else { self.ticks.clone() }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.linear.range()
    }
}

/// The max/min ratio above which a value axis is logarithmic. The issue asked for "more than
/// two decades" (100) but also for log on the diamonds loss, 2e7 falling to 3e5: a ratio of
/// 67. That case is the reason for the rule, so the threshold is 50 (1.7 decades).
pub(crate) const LOG_RATIO: f64 = 50.0;

/// A value axis, linear or logarithmic, chosen by [`ValueAxis::fit`].
pub(crate) enum ValueAxis {
    /// Plotters' own linear axis.
    Linear(RangedCoordf64),
    /// `lo..hi` on a log scale, both ends positive.
    Log { lo: f64, hi: f64 },
}

impl ValueAxis {
    /// Log when all finite `values` are positive and the largest is more than [`LOG_RATIO`]
    /// times the smallest (a loss falling from 2e7 to 3e5 is a flat line after a few epochs
    /// on a linear axis); linear, padded by 5%, otherwise. Non-positive values cannot go on
    /// a log axis.
    pub(crate) fn fit(values: impl IntoIterator<Item = f64>) -> ValueAxis {
        let (lo, hi) = values
            .into_iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        if lo > 0.0 && hi / lo > LOG_RATIO {
            let pad = (hi / lo).powf(0.05); // 5% of the span in log space
            return ValueAxis::Log { lo: lo / pad, hi: hi * pad };
        }
        let (lo, hi) = super::padded(lo, hi);
        ValueAxis::Linear((lo..hi).into())
    }

    /// Whether the axis is logarithmic.
    #[cfg(test)]
    pub(crate) fn is_log(&self) -> bool {
        matches!(self, ValueAxis::Log { .. })
    }
}

/// `m × 10^k` for each `m` in `mantissas` and every decade `k` touching `lo..=hi`, within it.
fn decade_points(lo: f64, hi: f64, mantissas: &[f64]) -> Vec<f64> {
    let (first, last) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let mut out = Vec::new();
    for k in first..=last {
        for m in mantissas {
            let v = m * 10f64.powi(k);
            if v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9) {
                out.push(v);
            }
        }
    }
    out
}

impl Ranged for ValueAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        match self {
            ValueAxis::Linear(linear) => linear.map(value, limit),
            ValueAxis::Log { lo, hi } => {
                let f = if *value > 0.0 { (value.ln() - lo.ln()) / (hi.ln() - lo.ln()) } else { -1.0 };
                let f = f.clamp(-10.0, 10.0); // keeps far-off points representable in pixels
                limit.0 + (f * (limit.1 - limit.0) as f64).round() as i32
            }
        }
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        let (lo, hi) = match self {
            ValueAxis::Linear(linear) => return linear.key_points(hint),
            ValueAxis::Log { lo, hi } => (*lo, *hi),
        };
        if hint.weight().allow_light_points() {
            return decade_points(lo, hi, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
        }
        // Powers of ten; with 1-2-5 steps too when there are only a few decades.
        let max = hint.max_num_points().max(2);
        let powers = decade_points(lo, hi, &[1.0]);
        if powers.len() < 4 {
            let more = decade_points(lo, hi, &[1.0, 2.0, 5.0]);
            if more.len() <= max {
                return more;
            }
        }
        let step = powers.len().div_ceil(max).max(1);
        powers.into_iter().step_by(step).collect()
    }

    fn range(&self) -> std::ops::Range<f64> {
        match self {
            ValueAxis::Linear(linear) => linear.range(),
            ValueAxis::Log { lo, hi } => *lo..*hi,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plot_integer_ticks_are_whole_and_few() {
        assert_eq!(integer_ticks(-0.5, 0.5), vec![0.0]);
        assert!(integer_ticks(-0.5, 0.5)[0].is_sign_positive(), "a tick labelled -0");
        assert_eq!(integer_ticks(1.0, 5.0), vec![1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(integer_ticks(1.0, 100.0), vec![10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0]);
        assert!(integer_ticks(0.2, 0.8).is_empty());
    }

    #[test]
    fn plot_tick_labels_are_compact() {
        assert_eq!(tick_label(20_000_000.0), "20M");
        assert_eq!(tick_label(0.5), "0.5");
        assert_eq!(tick_label(3.0), "3");
        assert_eq!(tick_label(0.00012), "1.2e-4");
        assert_eq!(tick_label(1500.0), "1.5k");
        assert_eq!(tick_label(0.001), "0.001");
        assert_eq!(tick_label(3.0 * 0.1), "0.3");
        assert_eq!(tick_label(250.0), "250");
        assert_eq!(tick_label(-2.5e6), "-2.5M");
        assert_eq!(tick_label(999_999.9), "1M");
        assert_eq!(tick_label(0.00002), "2e-5");
        assert_eq!(tick_label(2e20), "2e20");
        assert_eq!(tick_label(0.0), "0");
        assert_eq!(tick_label(-0.0), "0");
    }

    #[test]
    fn plot_value_axis_turns_log_beyond_two_decades() {
        let axis = ValueAxis::fit([2e7, 5e6, 3e5]);
        assert!(axis.is_log());
        let ticks: Vec<String> = axis.key_points(11usize).into_iter().map(tick_label).collect();
        assert!(ticks.contains(&"1M".to_string()) && ticks.contains(&"10M".to_string()), "{ticks:?}");
        assert!(ValueAxis::fit([2e7, 3e5]).is_log(), "the diamonds loss");
        assert!(!ValueAxis::fit([3.0, 0.5]).is_log());
        assert!(!ValueAxis::fit([40.0, 1.0]).is_log());
        assert!(!ValueAxis::fit([2e7, 0.0, 3e5]).is_log(), "zero on a log axis");
        assert!(!ValueAxis::fit([f64::NAN]).is_log());
    }
}
