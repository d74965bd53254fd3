//! One progress line per epoch (and a live bar within the epoch on a terminal).

use std::io::{IsTerminal, Write};
use std::time::Instant;

use kerust::callbacks::{Callback, TrainContext};
use kerust::model::Logs;

/// Prints `epoch   3/100  loss 12.3456  mae 2.3456  val_loss ...  (4 ms)`.
pub struct EpochPrinter {
    epochs: usize,
    tty: bool,
    start: Instant,
    epoch: usize,
}

impl EpochPrinter {
    pub fn new(epochs: usize) -> Self {
        EpochPrinter { epochs, tty: std::io::stdout().is_terminal(), start: Instant::now(), epoch: 0 }
    }
}

impl Callback for EpochPrinter {
    fn on_epoch_begin(&mut self, _ctx: &mut TrainContext<'_>, epoch: usize) -> kerust::Result<()> {
        self.start = Instant::now();
        self.epoch = epoch;
        Ok(())
    }

    fn on_train_batch_end(&mut self, _ctx: &mut TrainContext<'_>, batch: usize, logs: &Logs) -> kerust::Result<()> {
        if batch.is_multiple_of(16) {
            let loss = logs.get("loss").unwrap_or(f32::NAN);
            let mut out = std::io::stdout().lock();
            let _ = write!(
                out,
                "\repoch {:>4}/{}  batch {:>5}  loss {loss:.4}\x1b[K",
                self.epoch + 1,
                self.epochs,
                batch + 1
            );
            let _ = out.flush();
        }
        Ok(())
    }

    fn on_epoch_end(&mut self, _ctx: &mut TrainContext<'_>, epoch: usize, logs: &mut Logs) -> kerust::Result<()> {
        let mut line = format!("epoch {:>4}/{}", epoch + 1, self.epochs);
        for (key, value) in logs.iter() {
            line += &format!("  {key} {}", format_value(value));
        }
        line += &format!("  ({} ms)", self.start.elapsed().as_millis());
        if self.tty {
            println!("\r{line}\x1b[K");
        } else {
            println!("{line}");
        }
        Ok(())
    }

    fn wants_batch_logs(&self) -> bool {
        self.tty
    }
}

fn format_value(v: f32) -> String {
    if v.abs() >= 1e-3 || v == 0.0 || !v.is_finite() { format!("{v:.4}") } else { format!("{v:.3e}") }
}
