//! Keras-style progress output of `fit`: `verbose = 1` a bar per epoch (redrawn in place on
//! a terminal, printed once per epoch when piped), `verbose = 2` one line per epoch.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use super::Logs;

/// Width of the bar in characters, as Keras's `Progbar`.
const BAR_WIDTH: usize = 20;
/// Minimum time between redraws on a terminal.
const REDRAW: Duration = Duration::from_millis(50);

pub(crate) struct Progress {
    verbose: u8,
    epochs: usize,
    steps: usize,
    tty: bool,
    start: Instant,
    last_draw: Option<Instant>,
}

impl Progress {
    pub(crate) fn new(verbose: u8, epochs: usize, steps: usize) -> Self {
        Progress {
            verbose,
            epochs,
            steps,
            tty: std::io::stdout().is_terminal(),
            start: Instant::now(),
            last_draw: None,
        }
    }

    /// Whether per-batch logs are wanted (a live bar on a terminal).
    pub(crate) fn shows_batches(&self) -> bool {
        self.verbose == 1 && self.tty
    }

    pub(crate) fn epoch_begin(&mut self, epoch: usize) {
        self.start = Instant::now();
        self.last_draw = None;
        if self.verbose > 0 {
            println!("Epoch {}/{}", epoch + 1, self.epochs);
        }
    }

    pub(crate) fn batch_end(&mut self, step: usize, logs: &Logs) {
        let now = Instant::now();
        if self.last_draw.is_some_and(|t| now - t < REDRAW) && step < self.steps {
            return;
        }
        self.last_draw = Some(now);
        let elapsed = self.start.elapsed().as_secs_f64();
        let eta = elapsed / step as f64 * (self.steps - step) as f64;
        let mut out = std::io::stdout().lock();
        // Progress output is best effort: a closed stdout must not stop training.
        let _ = write!(out, "\r{} {:.0}s{}\x1b[K", self.bar(step), eta, format_logs(logs));
        let _ = out.flush();
    }

    pub(crate) fn epoch_end(&mut self, logs: &Logs) {
        if self.verbose == 0 {
            return;
        }
        let elapsed = self.start.elapsed().as_secs_f64();
        let per_step = format_per_step(elapsed / self.steps.max(1) as f64);
        let line = if self.verbose == 1 {
            format!("{} {:.0}s {per_step}{}", self.bar(self.steps), elapsed, format_logs(logs))
        } else {
            format!("{}/{} - {:.0}s - {per_step}{}", self.steps, self.steps, elapsed, format_logs(logs))
        };
        if self.tty && self.verbose == 1 {
            println!("\r{line}\x1b[K");
        } else {
            println!("{line}");
        }
    }

    fn bar(&self, step: usize) -> String {
        let filled = BAR_WIDTH * step / self.steps.max(1);
        format!("{step}/{} {}{}", self.steps, "━".repeat(filled), " ".repeat(BAR_WIDTH - filled))
    }
}

/// ` - loss: 0.1234 - val_loss: 0.2345` with Keras's number format.
fn format_logs(logs: &Logs) -> String {
    logs.iter().map(|(k, v)| format!(" - {k}: {}", format_value(v))).collect()
}

/// Keras's `Progbar`: 4 decimals, or scientific notation for tiny values.
pub(crate) fn format_value(v: f32) -> String {
    if v.abs() > 1e-3 || v == 0.0 || !v.is_finite() { format!("{v:.4}") } else { format!("{v:.4e}") }
}

fn format_per_step(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.0}s/step")
    } else if seconds >= 1e-3 {
        format!("{:.0}ms/step", seconds * 1e3)
    } else {
        format!("{:.0}us/step", seconds * 1e6)
    }
}
