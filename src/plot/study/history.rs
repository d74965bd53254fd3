//! The history chart's drawing: each trial's objective against its number, and the best
//! value so far as a step line.

use plotters::prelude::*;

use super::*;

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

/// The best value so far over complete trials in number order, as the corners of a step line
/// that runs on to the last drawn trial.
pub(super) fn best_so_far(dots: &[Dot], lower_is_better: bool) -> Vec<(f64, f64)> {
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
