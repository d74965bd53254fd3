//! `ModelCheckpoint`: save the model (or its weights) at the end of epochs, atomically.
//!
//! Keras 3 semantics (`keras/src/callbacks/model_checkpoint.py`, `save_freq="epoch"`): the
//! path is formatted with `epoch` (1-based) and the epoch logs (`{epoch:02d}`,
//! `{val_loss:.4f}`); with `save_best_only` the model is saved only when the monitored value
//! beats the best so far (strictly, no `min_delta`). One deliberate difference: when the
//! epoch's loss or the weights are NaN or infinite nothing is written (a diverged run must
//! not replace a good checkpoint); the skip is reported on stderr.

use std::path::PathBuf;

use super::monitor::{Monitor, monitor_builders};
use super::{Callback, TrainContext};
use crate::error::{Error, Result};
use crate::model::Logs;
use crate::setters::setters;

/// Saves the model at epoch ends. Keras defaults: monitor `val_loss`, save_best_only false,
/// save_weights_only false, mode auto.
#[derive(Debug, Clone)]
pub struct ModelCheckpoint {
    filepath: String,
    monitored: Monitor,
    save_best_only: bool,
    save_weights_only: bool,
    verbose: bool,
    best: Option<f64>,
    /// Paths written so far, in order.
    pub saved: Vec<PathBuf>,
}

impl ModelCheckpoint {
    /// Saves to `filepath`, which may hold `{epoch}` and `{<log key>}` fields with an optional
    /// Python-style spec (`model-{epoch:03d}-{val_loss:.3f}.kerust`).
    pub fn new(filepath: impl Into<String>) -> Self {
        ModelCheckpoint {
            filepath: filepath.into(),
            monitored: Monitor::new(),
            save_best_only: false,
            save_weights_only: false,
            verbose: false,
            best: None,
            saved: Vec::new(),
        }
    }

    setters! {
        /// Save only when the monitored value improves.
        save_best_only(on: bool) => save_best_only = on;
        /// Save weights (and layer configs) only, without the compile configuration.
        save_weights_only(on: bool) => save_weights_only = on;
        /// Print a line at each save.
        verbose(verbose: bool) => verbose = verbose;
    }
}

monitor_builders!(ModelCheckpoint);

impl Callback for ModelCheckpoint {
    fn on_train_begin(&mut self, ctx: &mut TrainContext<'_>) -> Result<()> {
        if self.save_best_only {
            self.monitored.resolve("ModelCheckpoint", ctx)?;
        }
        format_path(&self.filepath, 0, &Logs::default())?;
        Ok(())
    }

    fn on_epoch_end(&mut self, ctx: &mut TrainContext<'_>, epoch: usize, logs: &mut Logs) -> Result<()> {
        if self.save_best_only {
            let Some(current) = self.monitored.current(logs) else { return Ok(()) };
            let improved = match self.best {
                None => !current.is_nan(),
                Some(best) if self.monitored.higher_is_better() => current > best,
                Some(best) => current < best,
            };
            if !improved {
                return Ok(());
            }
            self.best = Some(current);
        }
        let path = PathBuf::from(format_path(&self.filepath, epoch + 1, logs)?);
        if diverged(ctx, logs) {
            eprintln!(
                "Epoch {}: ModelCheckpoint not saving {}: the loss or the weights are NaN or infinite",
                epoch + 1,
                path.display()
            );
            return Ok(());
        }
        if self.verbose {
            println!("Epoch {}: saving model to {}", epoch + 1, path.display());
        }
        let model = ctx.network();
        if self.save_weights_only {
            model.save_weights(&path)?
        } else {
            model.save(&path)?
        }
        self.saved.push(path);
        Ok(())
    }
}

/// Whether the epoch's loss or the current weights are NaN or infinite: nothing worth
/// saving over an earlier checkpoint.
pub(crate) fn diverged(ctx: &TrainContext<'_>, logs: &Logs) -> bool {
    logs.get("loss").is_some_and(|l| !l.is_finite())
        || ctx.get_weights().iter().any(|w| w.iter().any(|v| !v.is_finite()))
}

/// Fills `{epoch}` and `{key}` / `{key:spec}` fields (specs: `0Nd`, `Nd`, `.Nf`, `.Ne`).
pub(crate) fn format_path(template: &str, epoch: usize, logs: &Logs) -> Result<String> {
    let bad = |what: String| Error::invalid("filepath", template, what);
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').ok_or_else(|| bad("has an unclosed '{'".into()))? + open;
        let field = &rest[open + 1..close];
        let (key, spec) = field.split_once(':').unwrap_or((field, ""));
        let value = if key == "epoch" { Some(epoch as f64) } else { logs.get(key).map(f64::from) };
        // Before the first epoch only the syntax is checked; log keys appear later.
        let value = match value {
            Some(v) => v,
            None if epoch == 0 => 0.0,
            None => return Err(bad(format!("uses {{{key}}}, which is not logged"))),
        };
        out += &format_number(value, spec).ok_or_else(|| bad(format!("has an unsupported format spec {spec:?}")))?;
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn format_number(v: f64, spec: &str) -> Option<String> {
    if spec.is_empty() {
        return Some(if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") });
    }
    if let Some(d) = spec.strip_suffix('d') {
        let width: usize = if d.is_empty() { 0 } else { d.trim_start_matches('0').parse().unwrap_or(0) };
        let zero = d.starts_with('0');
        let n = v.round() as i64;
        return Some(if zero { format!("{n:0width$}") } else { format!("{n:width$}") });
    }
    let precision: usize = spec.strip_prefix('.')?.get(..spec.len() - 2)?.parse().ok()?;
    match spec.chars().last()? {
        'f' => Some(format!("{v:.precision$}")),
        'e' => Some(format!("{v:.precision$e}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_python() {
        let mut logs = Logs::default();
        logs.set("val_loss", 0.123456);
        assert_eq!(format_path("m-{epoch:02d}-{val_loss:.2f}.kerust", 3, &logs).unwrap(), "m-03-0.12.kerust");
        assert_eq!(format_path("m-{epoch}.kerust", 12, &logs).unwrap(), "m-12.kerust");
        assert_eq!(format_path("best.kerust", 1, &logs).unwrap(), "best.kerust");
        assert!(format_path("m-{epoch.kerust", 1, &logs).is_err());
        assert!(format_path("m-{accuracy}.kerust", 1, &logs).is_err());
        assert!(format_path("m-{epoch:x}.kerust", 1, &logs).is_err());
    }
}
