//! Charts of a tuning study: the objective of each trial with the best so far, and each
//! parameter against the objective.
//!
//! ```
//! use kerust::plot::{ParamColumn, ParamValue, TrialPoint, params_vs_objective, study_history};
//! let trials: Vec<TrialPoint> = [(0, 0.9, "complete"), (1, 0.7, "pruned"), (2, 0.4, "complete")]
//!     .into_iter()
//!     .map(|(number, value, state)| TrialPoint { number, value: Some(value), std: None, state })
//!     .collect();
//! let lr = ParamColumn {
//!     name: "learning_rate".into(),
//!     log: true,
//!     values: [1e-3, 1e-2, 3e-3].into_iter().map(ParamValue::Number).collect(),
//! };
//! let svg = study_history(&trials, "val_loss", true)?.svg;
//! assert!(svg.contains("Tuning history: val_loss"));
//! let svg = params_vs_objective(&[lr], &trials, "val_loss", true)?.svg;
//! assert!(svg.contains("learning_rate"));
//! # Ok::<(), kerust::Error>(())
//! ```

use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::{
    Chart, Draw, FONT, GREY, ORANGE, Ticked, draw_legend, draw_note, fmt_tick, integer_ticks, padded, quiet_corner,
    render, s, shorten, style_mesh, tick_label,
};
use crate::error::Result;

/// One trial as the study charts see it.
#[derive(Debug, Clone, PartialEq)]
pub struct TrialPoint {
    /// The trial's number (x of the history chart).
    pub number: usize,
    /// The objective; `None`, NaN and ±inf are not drawn.
    pub value: Option<f64>,
    /// Standard deviation of the objective (e.g. over folds), drawn as an error bar of ±std
    /// when finite and > 0.
    pub std: Option<f64>,
    /// `"complete"`, `"pruned"` or `"failed"`. Failed trials (and any other state) are not drawn.
    pub state: &'static str,
}

/// The values one parameter took, for [`params_vs_objective`].
#[derive(Debug, Clone, PartialEq)]
pub struct ParamColumn {
    /// The parameter's name (the panel's caption).
    pub name: String,
    /// Draw the values on a log axis (non-positive values are then not drawn).
    pub log: bool,
    /// One value per trial, in the order of the `trials` slice.
    pub values: Vec<ParamValue>,
}

/// The value a parameter took in one trial.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// A numeric value; NaN and ±inf are not drawn.
    Number(f64),
    /// A categorical value.
    Label(String),
    /// The trial did not use this parameter.
    Missing,
}

/// The objective of each trial against its number: complete trials as filled blue dots,
/// pruned ones as hollow grey dots (failed ones are not drawn), an error bar of ±std where
/// std > 0, the best trial ringed in red, and the best value so far over complete trials as
/// an orange step line. `lower_is_better` decides what "best" means. Caption
/// "Tuning history: {objective}".
pub fn study_history(trials: &[TrialPoint], objective: &str, lower_is_better: bool) -> Result<Chart> {
    let dots = dots(trials);
    let best = best_dot(&dots, lower_is_better);
    let best_line = best_so_far(&dots, lower_is_better);
    render((900, 500), &Trials { dots, best, best_line, objective, lower_is_better })
}

/// One panel per parameter, in a grid of up to 3 columns: x is the parameter's value, y the
/// objective of complete trials (filled blue) and pruned ones (hollow grey); the best trial
/// is ringed in red. Numbers go on a linear axis, or a log axis when the column is `log`. A
/// column is categorical, its values evenly spaced and labelled, when it holds any
/// [`ParamValue::Label`], or when it is not `log` and its numbers take at most 5 distinct
/// values with some repeated (a choice among a few numbers). Caption
/// "Parameters vs {objective}".
pub fn params_vs_objective(
    params: &[ParamColumn],
    trials: &[TrialPoint],
    objective: &str,
    lower_is_better: bool,
) -> Result<Chart> {
    let dots = dots(trials);
    let best = best_dot(&dots, lower_is_better).map(|d| d.trial);
    let panels: Vec<Panel> = params.iter().map(|column| Panel::new(column, &dots, best)).collect();
    let y = value_range(&dots);
    let columns = match panels.len() {
        0 | 1 => 1,
        2..=4 => 2,
        _ => 3,
    };
    let rows = panels.len().max(1).div_ceil(columns) as u32;
    let size = ((columns as u32 * PANEL.0).max(700), rows * PANEL.1 + 40);
    render(size, &Params { panels, y, columns, objective, lower_is_better })
}

/// Width and height of one parameter panel, in pixels.
const PANEL: (u32, u32) = (450, 340);

/// A numeric column with at most this many distinct values, some repeated, is drawn as categories.
const FEW: usize = 5;

/// Category labels longer than this are cut.
const LABEL_CHARS: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Complete,
    Pruned,
}

/// A trial that is drawn: complete or pruned, with a finite objective.
#[derive(Debug, Clone, Copy)]
struct Dot {
    /// Index into the `trials` slice.
    trial: usize,
    number: f64,
    value: f64,
    /// 0 when there is no error bar.
    std: f64,
    kind: Kind,
}

fn dots(trials: &[TrialPoint]) -> Vec<Dot> {
    trials
        .iter()
        .enumerate()
        .filter_map(|(trial, t)| {
            let kind = match t.state {
                "complete" => Kind::Complete,
                "pruned" => Kind::Pruned,
                _ => return None,
            };
            let value = t.value.filter(|v| v.is_finite())?;
            let bar = |s: &f64| *s > 0.0 && (value - s).is_finite() && (value + s).is_finite();
            let std = t.std.filter(bar).unwrap_or(0.0);
            Some(Dot { trial, number: t.number as f64, value, std, kind })
        })
        .collect()
}

fn better(a: f64, b: f64, lower_is_better: bool) -> bool {
    if lower_is_better { a < b } else { a > b }
}

/// The first complete dot with the best value.
fn best_dot(dots: &[Dot], lower_is_better: bool) -> Option<Dot> {
    dots.iter().filter(|d| d.kind == Kind::Complete).fold(None, |best: Option<Dot>, &d| match best {
        Some(b) if !better(d.value, b.value, lower_is_better) => Some(b),
        _ => Some(d),
    })
}

/// The best value so far over complete trials in number order, as the corners of a step line
/// that runs on to the last drawn trial.
fn best_so_far(dots: &[Dot], lower_is_better: bool) -> Vec<(f64, f64)> {
    let mut complete: Vec<&Dot> = dots.iter().filter(|d| d.kind == Kind::Complete).collect();
    complete.sort_by(|a, b| a.number.total_cmp(&b.number));
    let mut line: Vec<(f64, f64)> = Vec::new();
    for d in complete {
        match line.last().map(|&(_, best)| best) {
            None => line.push((d.number, d.value)),
            Some(best) => {
                line.push((d.number, best));
                if better(d.value, best, lower_is_better) {
                    line.push((d.number, d.value));
                }
            }
        }
    }
    let last = dots.iter().map(|d| d.number).fold(f64::NEG_INFINITY, f64::max);
    if let Some(&(x, best)) = line.last()
        && last > x
    {
        line.push((last, best));
    }
    line
}

/// The padded range of the dots' values including their error bars.
fn value_range(dots: &[Dot]) -> (f64, f64) {
    let (lo, hi) = dots
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), d| (lo.min(d.value - d.std), hi.max(d.value + d.std)));
    padded(lo, hi)
}

fn dot_color(kind: Kind) -> RGBColor {
    match kind {
        Kind::Complete => BLUE,
        Kind::Pruned => GREY,
    }
}

struct Trials<'a> {
    dots: Vec<Dot>,
    best: Option<Dot>,
    best_line: Vec<(f64, f64)>,
    objective: &'a str,
    lower_is_better: bool,
}

impl Draw for Trials<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        root.fill(&WHITE).map_err(s)?;
        let (first, last) =
            self.dots.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), d| (a.min(d.number), b.max(d.number)));
        let (first, last) = if first.is_finite() { (first, last) } else { (0.0, 1.0) };
        let pad = ((last - first) * 0.03).max(0.5);
        let (x0, x1) = (first - pad, last + pad);
        let (y0, y1) = value_range(&self.dots);
        let mut chart = ChartBuilder::on(root)
            .caption(format!("Tuning history: {}", self.objective), (FONT, 22))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(Ticked::new(x0..x1, integer_ticks(x0, x1)), y0..y1)
            .map_err(s)?;
        let mut mesh = chart.configure_mesh();
        style_mesh(&mut mesh);
        mesh.x_desc("trial").x_label_formatter(&fmt_tick).y_label_formatter(&fmt_tick).y_desc(self.objective);
        mesh.draw().map_err(s)?;
        if self.dots.is_empty() {
            return draw_note(chart.plotting_area(), "no complete or pruned trial with a finite objective");
        }
        for d in self.dots.iter().filter(|d| d.std > 0.0) {
            let style = dot_color(d.kind).mix(0.6).stroke_width(1);
            let (lo, hi) = ((d.number, d.value - d.std), (d.number, d.value + d.std));
            // The caps are 8 pixels wide whatever the x scale.
            let cap = |at| EmptyElement::at(at) + PathElement::new(vec![(-4, 0), (4, 0)], style);
            chart.draw_series(std::iter::once(PathElement::new(vec![lo, hi], style))).map_err(s)?;
            chart.draw_series([cap(lo), cap(hi)]).map_err(s)?;
        }
        let placed: Vec<(f64, Dot)> = self.dots.iter().map(|d| (d.number, *d)).collect();
        draw_dots(&mut chart, &placed)?;
        if !self.best_line.is_empty() {
            chart
                .draw_series(LineSeries::new(self.best_line.iter().copied(), ORANGE.stroke_width(2)))
                .map_err(s)?
                .label("best so far")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], ORANGE.stroke_width(2)));
        }
        if let Some(best) = self.best {
            draw_best(&mut chart, (best.number, best.value), best.number)?;
        }
        // The best values gather at the bottom when lower is better, so the legend starts at the top.
        let points = self.dots.iter().flat_map(|d| [(d.number, d.value - d.std), (d.number, d.value + d.std)]);
        let corner = quiet_corner(&chart, points.chain(self.best_line.iter().copied()), 4, !self.lower_is_better);
        draw_legend(&mut chart, corner)
    }
}

/// Draws the `(x, dot)` pairs, complete dots filled and pruned ones hollow, each kind
/// labelled once when present.
fn draw_dots<'a, DB: DrawingBackend + 'a, X: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, RangedCoordf64>>,
    dots: &[(f64, Dot)],
) -> std::result::Result<(), String> {
    for (kind, label) in [(Kind::Pruned, "pruned"), (Kind::Complete, "complete")] {
        let points: Vec<(f64, f64)> = dots.iter().filter(|(_, d)| d.kind == kind).map(|(x, d)| (*x, d.value)).collect();
        if points.is_empty() {
            continue;
        }
        let style = match kind {
            Kind::Complete => BLUE.mix(0.7).filled(),
            Kind::Pruned => GREY.stroke_width(2),
        };
        chart
            .draw_series(points.into_iter().map(|p| Circle::new(p, 4, style)))
            .map_err(s)?
            .label(label)
            .legend(move |(x, y)| Circle::new((x + 10, y), 4, style));
    }
    Ok(())
}

/// Rings the best trial in red.
fn draw_best<'a, DB: DrawingBackend + 'a, X: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, RangedCoordf64>>,
    at: (f64, f64),
    number: f64,
) -> std::result::Result<(), String> {
    chart
        .draw_series(std::iter::once(Circle::new(at, 8, RED.stroke_width(2))))
        .map_err(s)?
        .label(format!("best (trial {number:.0})"))
        .legend(|(x, y)| Circle::new((x + 10, y), 7, RED.stroke_width(2)));
    Ok(())
}

/// How a panel's x axis places a parameter's values.
enum Axis {
    /// Numbers on a linear axis over this (padded) range.
    Linear(f64, f64),
    /// Positive numbers on a log axis over this (padded) range.
    Log(f64, f64),
    /// Categories at x = 0, 1, 2, …
    Categories(Vec<String>),
}

/// One parameter's panel: its axis, the drawn trials at their x, and the best trial's point.
struct Panel {
    name: String,
    axis: Axis,
    dots: Vec<(f64, Dot)>,
    best: Option<(f64, Dot)>,
}

impl Panel {
    fn new(column: &ParamColumn, dots: &[Dot], best: Option<usize>) -> Panel {
        let numbers: Vec<f64> = column.values.iter().filter_map(|v| number(v, column.log)).collect();
        let mut distinct = numbers.clone();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        let has_label = column.values.iter().any(|v| matches!(v, ParamValue::Label(_)));
        let few = !column.log && distinct.len() <= FEW && numbers.len() > distinct.len();
        let (axis, xs) = if has_label || few { categorical(column, &distinct) } else { numeric(column, &distinct) };
        let placed = |d: &Dot| xs.get(d.trial).copied().flatten().map(|x| (x, *d));
        Panel {
            name: column.name.clone(),
            axis,
            dots: dots.iter().filter_map(placed).collect(),
            best: best.and_then(|b| dots.iter().find(|d| d.trial == b)).and_then(placed),
        }
    }
}

/// The value as a number that can be drawn: finite, and positive on a log axis.
fn number(value: &ParamValue, log: bool) -> Option<f64> {
    match value {
        ParamValue::Number(x) if x.is_finite() && (!log || *x > 0.0) => Some(*x),
        _ => None,
    }
}

/// Categories in order: the `distinct` numbers ascending, then the labels sorted; and the x
/// (category index) of each value.
fn categorical(column: &ParamColumn, distinct: &[f64]) -> (Axis, Vec<Option<f64>>) {
    let mut labels: Vec<&str> = column
        .values
        .iter()
        .filter_map(|v| match v {
            ParamValue::Label(l) => Some(l.as_str()),
            _ => None,
        })
        .collect();
    labels.sort();
    labels.dedup();
    let xs = column
        .values
        .iter()
        .map(|v| match v {
            ParamValue::Label(l) => labels.iter().position(|d| d == l).map(|i| (distinct.len() + i) as f64),
            _ => number(v, column.log).and_then(|x| distinct.iter().position(|&d| d == x)).map(|i| i as f64),
        })
        .collect();
    let names = distinct.iter().map(|&x| tick_label(x)).chain(labels.iter().map(|l| l.to_string())).collect();
    (Axis::Categories(names), xs)
}

/// A linear or log axis padded around the `distinct` numbers (ascending); x is the value.
fn numeric(column: &ParamColumn, distinct: &[f64]) -> (Axis, Vec<Option<f64>>) {
    let axis = match (distinct.first(), distinct.last()) {
        (Some(&lo), Some(&hi)) if column.log => {
            // 5% of the decades on each side, at least ×1.1; a single value gets ×2 each side.
            // Worked in logs and kept within the positive normal numbers, so nothing overflows.
            let factor = if hi > lo { ((hi.ln() - lo.ln()) * 0.05).exp().max(1.1) } else { 2.0 };
            Axis::Log((lo / factor).max(f64::MIN_POSITIVE), (hi * factor).min(f64::MAX / 4.0))
        }
        (Some(&lo), Some(&hi)) => {
            let (lo, hi) = padded(lo, hi);
            Axis::Linear(lo, hi)
        }
        _ => Axis::Linear(0.0, 1.0),
    };
    (axis, column.values.iter().map(|v| number(v, column.log)).collect())
}

/// Log-axis ticks inside `lo..hi`: the powers of ten when there are at least 3 (every
/// second, third, … power when there are more than 8), else 1, 2, 5 × powers of ten, else
/// every digit, else the middle of the range.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (first, last) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let ticks = |mantissas: &[f64], every: i32| -> Vec<f64> {
        (first..=last)
            .filter(|e| e.rem_euclid(every) == 0)
            .flat_map(|e| mantissas.iter().map(move |m| m * 10f64.powi(e)))
            .filter(|t| (lo..=hi).contains(t))
            .collect()
    };
    let decades = ticks(&[1.0], 1);
    if decades.len() > 8 {
        return ticks(&[1.0], decades.len().div_ceil(8) as i32);
    }
    if decades.len() >= 3 {
        return decades;
    }
    for mantissas in [&[1.0, 2.0, 5.0][..], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]] {
        let ticks = ticks(mantissas, 1);
        if ticks.len() >= 2 {
            return ticks;
        }
    }
    vec![(lo * hi).sqrt()]
}

struct Params<'a> {
    panels: Vec<Panel>,
    /// Objective range shared by all panels.
    y: (f64, f64),
    columns: usize,
    objective: &'a str,
    lower_is_better: bool,
}

impl Draw for Params<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        root.fill(&WHITE).map_err(s)?;
        let body =
            root.margin(8, 0, 0, 0).titled(&format!("Parameters vs {}", self.objective), (FONT, 22)).map_err(s)?;
        let rows = self.panels.len().max(1).div_ceil(self.columns);
        let areas = body.split_evenly((rows, self.columns));
        if self.panels.is_empty() {
            let empty = Panel { name: String::new(), axis: Axis::Linear(0.0, 1.0), dots: Vec::new(), best: None };
            return self.panel(&areas[0], &empty, 0.0..1.0, None, false);
        }
        for (i, (panel, area)) in self.panels.iter().zip(areas.iter()).enumerate() {
            let legend = i == 0;
            match &panel.axis {
                Axis::Linear(lo, hi) => self.panel(area, panel, *lo..*hi, None, legend)?,
                Axis::Log(lo, hi) => {
                    let x = (*lo..*hi).log_scale().with_key_points(log_ticks(*lo, *hi));
                    self.panel(area, panel, x, Some(&|x: &f64| tick_label(*x)), legend)?
                }
                Axis::Categories(names) => {
                    let k = names.len().max(1);
                    let width = area.dim_in_pixel().0 as usize;
                    // About 8 pixels per character at 14 px, so neighbouring labels do not touch.
                    let chars = (width / k / 8).clamp(3, LABEL_CHARS);
                    let name = |x: &f64| {
                        let i = x.round();
                        let label = if i >= 0.0 { names.get(i as usize) } else { None };
                        label.map(|l| shorten(l, chars)).unwrap_or_default()
                    };
                    let x = Ticked::new(-0.5..k as f64 - 0.5, (0..k).map(|i| i as f64).collect());
                    self.panel(area, panel, x, Some(&name), legend)?
                }
            }
        }
        Ok(())
    }
}

impl Params<'_> {
    fn panel<DB: DrawingBackend, X>(
        &self,
        area: &DrawingArea<DB, Shift>,
        panel: &Panel,
        x: X,
        x_label: Option<&dyn Fn(&f64) -> String>,
        legend: bool,
    ) -> std::result::Result<(), String>
    where
        X: AsRangedCoord<Value = f64>,
        X::CoordDescType: ValueFormatter<f64>,
    {
        let mut chart = ChartBuilder::on(area)
            .caption(&panel.name, (FONT, 18))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(x, self.y.0..self.y.1)
            .map_err(s)?;
        let mut mesh = chart.configure_mesh();
        if let Some(format) = x_label {
            mesh.x_label_formatter(format);
        }
        style_mesh(&mut mesh);
        mesh.y_desc(self.objective).y_label_formatter(&fmt_tick).draw().map_err(s)?;
        if panel.dots.is_empty() {
            let note = if panel.name.is_empty() { "no parameters" } else { "no complete or pruned trial with a value" };
            return draw_note(chart.plotting_area(), note);
        }
        draw_dots(&mut chart, &panel.dots)?;
        if let Some((x, best)) = panel.best {
            draw_best(&mut chart, (x, best.value), best.number)?;
        }
        if !legend {
            return Ok(());
        }
        let corner = quiet_corner(&chart, panel.dots.iter().map(|(x, d)| (*x, d.value)), 3, !self.lower_is_better);
        draw_legend(&mut chart, corner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::assert_chart;

    fn trial(number: usize, value: f64, state: &'static str) -> TrialPoint {
        TrialPoint { number, value: Some(value), std: None, state }
    }

    fn study() -> Vec<TrialPoint> {
        let mut trials: Vec<TrialPoint> = [0.9, 0.7, 0.8, 0.45, 0.6, 0.5, 0.42, 0.55]
            .into_iter()
            .enumerate()
            .map(|(i, v)| TrialPoint { std: Some(0.04), ..trial(i, v, "complete") })
            .collect();
        trials[2].state = "pruned";
        trials[4].state = "failed";
        trials
    }

    fn columns() -> Vec<ParamColumn> {
        let numbers = |xs: &[f64]| xs.iter().map(|&x| ParamValue::Number(x)).collect();
        vec![
            ParamColumn {
                name: "learning_rate".into(),
                log: true,
                values: numbers(&[1e-4, 3e-3, 1e-2, 2e-3, 5e-2, 1e-3, 4e-3, 8e-4]),
            },
            ParamColumn {
                name: "dropout".into(),
                log: false,
                values: numbers(&[0.0, 0.1, 0.5, 0.2, 0.3, 0.25, 0.15, 0.4]),
            },
            ParamColumn {
                name: "units".into(),
                log: false,
                values: numbers(&[32.0, 64.0, 128.0, 64.0, 32.0, 128.0, 64.0, 32.0]),
            },
            ParamColumn {
                name: "optimizer".into(),
                log: false,
                values: ["adam", "sgd", "rmsprop", "adam", "sgd", "adam", "adam", "rmsprop"]
                    .into_iter()
                    .map(|l| ParamValue::Label(l.into()))
                    .collect(),
            },
        ]
    }

    #[test]
    fn plot_study_history_renders() {
        let chart = study_history(&study(), "val_loss", true).unwrap();
        assert_chart(&chart, "Tuning history: val_loss");
        for label in ["complete", "pruned", "best so far", "best (trial 6)"] {
            assert!(chart.svg.contains(label), "{label} missing");
        }
    }

    #[test]
    fn plot_study_history_of_nothing_is_an_empty_frame_with_a_note() {
        let nan = [trial(0, f64::NAN, "complete"), TrialPoint { value: None, ..trial(1, 0.0, "complete") }];
        for trials in [&nan[..], &[]] {
            let chart = study_history(trials, "loss", true).unwrap();
            assert_chart(&chart, "Tuning history: loss");
            assert!(chart.svg.contains("no complete or pruned trial"));
        }
    }

    #[test]
    fn plot_study_history_of_one_trial() {
        let chart = study_history(&[trial(3, 0.5, "complete")], "accuracy", false).unwrap();
        assert_chart(&chart, "Tuning history: accuracy");
        assert!(chart.svg.contains("best (trial 3)"));
    }

    #[test]
    fn plot_best_so_far_steps_over_complete_trials_only() {
        let trials =
            [trial(0, 3.0, "complete"), trial(1, 1.0, "pruned"), trial(2, 2.0, "complete"), trial(3, 2.5, "complete")];
        let dots = dots(&trials);
        assert_eq!(best_so_far(&dots, true), vec![(0.0, 3.0), (2.0, 3.0), (2.0, 2.0), (3.0, 2.0)]);
        assert_eq!(best_so_far(&dots, false), vec![(0.0, 3.0), (2.0, 3.0), (3.0, 3.0)]);
        assert_eq!(best_dot(&dots, true).map(|d| d.trial), Some(2));
        assert_eq!(best_dot(&dots, false).map(|d| d.trial), Some(0));
    }

    #[test]
    fn plot_failed_and_non_finite_trials_are_not_drawn() {
        let trials = [
            trial(0, 1.0, "failed"),
            trial(1, f64::INFINITY, "complete"),
            trial(2, 2.0, "pruned"),
            trial(3, 4.0, "running"),
        ];
        let dots = dots(&trials);
        assert_eq!(dots.len(), 1);
        assert_eq!(dots[0].kind, Kind::Pruned);
        assert!(best_dot(&dots, true).is_none());
    }

    #[test]
    fn plot_params_vs_objective_renders_every_kind_of_axis() {
        let chart = params_vs_objective(&columns(), &study(), "val_loss", true).unwrap();
        assert_chart(&chart, "Parameters vs val_loss");
        for label in ["learning_rate", "dropout", "units", "optimizer", "rmsprop", "best (trial 6)"] {
            assert!(chart.svg.contains(label), "{label} missing");
        }
    }

    #[test]
    fn plot_params_axes_are_chosen_from_the_values() {
        let dots = dots(&study());
        let axes: Vec<Panel> = columns().iter().map(|c| Panel::new(c, &dots, None)).collect();
        assert!(matches!(axes[0].axis, Axis::Log(lo, hi) if lo < 1e-4 && hi > 5e-2));
        assert!(matches!(axes[1].axis, Axis::Linear(lo, hi) if lo < 0.0 && hi > 0.5));
        assert!(matches!(&axes[2].axis, Axis::Categories(c) if c == &["32", "64", "128"]));
        assert!(matches!(&axes[3].axis, Axis::Categories(c) if c == &["adam", "rmsprop", "sgd"]));
        // Trial 4 failed, so 7 of the 8 values are drawn; "sgd" (trial 1) sits at x = 2.
        assert_eq!(axes[3].dots.len(), 7);
        assert_eq!(axes[3].dots[1].0, 2.0);
    }

    #[test]
    fn plot_params_of_a_categorical_parameter_alone() {
        let optimizer = columns().remove(3);
        let chart = params_vs_objective(&[optimizer], &study(), "val_loss", true).unwrap();
        assert_chart(&chart, "Parameters vs val_loss");
        assert!(chart.svg.contains("adam") && chart.svg.contains("sgd"));
    }

    #[test]
    fn plot_params_of_one_trial() {
        let trials = [trial(0, 0.3, "complete")];
        let params = [
            ParamColumn { name: "lr".into(), log: true, values: vec![ParamValue::Number(0.01)] },
            ParamColumn { name: "units".into(), log: false, values: vec![ParamValue::Number(64.0)] },
            ParamColumn { name: "act".into(), log: false, values: vec![ParamValue::Label("relu".into())] },
        ];
        let chart = params_vs_objective(&params, &trials, "loss", true).unwrap();
        assert_chart(&chart, "Parameters vs loss");
        assert!(chart.svg.contains("relu"));
    }

    #[test]
    fn plot_params_of_nothing_is_a_note() {
        let chart = params_vs_objective(&[], &[], "loss", true).unwrap();
        assert_chart(&chart, "Parameters vs loss");
        assert!(chart.svg.contains("no parameters"));
        let nan = [trial(0, f64::NAN, "complete"), trial(1, 1.0, "complete")];
        let params = [ParamColumn {
            name: "lr".into(),
            log: true,
            values: vec![ParamValue::Number(f64::NAN), ParamValue::Number(-1.0)],
        }];
        let chart = params_vs_objective(&params, &nan, "loss", true).unwrap();
        assert_chart(&chart, "Parameters vs loss");
        assert!(chart.svg.contains("no complete or pruned trial with a value"));
    }

    #[test]
    fn plot_log_ticks_fit_the_range() {
        assert_eq!(log_ticks(5e-5, 0.1), vec![1e-4, 1e-3, 1e-2, 1e-1]);
        assert_eq!(log_ticks(12.0, 330.0), vec![20.0, 50.0, 100.0, 200.0]);
        assert_eq!(log_ticks(2e-12, 5.0), vec![1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1.0]);
        assert!(log_ticks(f64::MIN_POSITIVE, f64::MAX / 4.0).len() <= 8);
        assert_eq!(log_ticks(1.1, 1.3), vec![(1.1f64 * 1.3).sqrt()]);
        assert_eq!(log_ticks(0.00091, 0.0022), vec![0.001, 0.002]);
        let ticks = log_ticks(0.005, 0.02);
        assert!(ticks.len() >= 2 && ticks.iter().all(|t| (0.005..=0.02).contains(t)), "{ticks:?}");
    }

    #[test]
    fn plot_long_category_names_are_cut() {
        assert_eq!(shorten("adam", 12), "adam");
        assert_eq!(shorten("a_very_long_name", 6), "a_ver…");
    }

    #[test]
    fn plot_extreme_values_do_not_panic() {
        let trials = [
            TrialPoint { std: Some(1e308), ..trial(usize::MAX, 1e308, "complete") },
            trial(0, -1e308, "complete"),
            trial(1, f64::MIN_POSITIVE, "pruned"),
        ];
        let params = [
            ParamColumn {
                name: "x".into(),
                log: false,
                values: vec![ParamValue::Number(-1e308), ParamValue::Number(1e308), ParamValue::Missing],
            },
            ParamColumn {
                name: "y".into(),
                log: true,
                values: vec![ParamValue::Number(1e-310), ParamValue::Number(1e308), ParamValue::Number(0.0)],
            },
        ];
        assert_chart(&study_history(&trials, "loss", true).unwrap(), "Tuning history: loss");
        assert_chart(&params_vs_objective(&params, &trials, "loss", false).unwrap(), "Parameters vs loss");
    }
}
