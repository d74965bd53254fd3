//! The parameter panels' drawing: one panel per parameter, its axis numeric, log or
//! categorical, the objective of each trial against the parameter's value.

use plotters::prelude::*;

use super::*;

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

/// How a panel's x axis places a parameter's values.
pub(super) enum Axis {
    /// Numbers on a linear axis over this (padded) range.
    Linear(f64, f64),
    /// Positive numbers on a log axis over this (padded) range.
    Log(f64, f64),
    /// Categories at x = 0, 1, 2, …
    Categories(Vec<String>),
}

/// One parameter's panel: its axis, the drawn trials at their x, and the best trial's point.
pub(super) struct Panel {
    name: String,
    pub(super) axis: Axis,
    pub(super) dots: Vec<(f64, Dot)>,
    best: Option<(f64, Dot)>,
}

impl Panel {
    pub(super) fn new(column: &ParamColumn, dots: &[Dot], best: Option<usize>) -> Panel {
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
pub(super) fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
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
