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

mod history;
mod params;

pub use history::study_history;
pub use params::params_vs_objective;

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

#[cfg(test)]
mod tests {
    use super::history::best_so_far;
    use super::params::{Axis, Panel, log_ticks};
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
