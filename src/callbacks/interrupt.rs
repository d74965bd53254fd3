//! Stopping a run from outside: a flag `fit` checks after every batch, and an opt-in
//! Ctrl-C handler that sets it.

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

/// A shared "please stop" flag. `fit` finishes the current batch, runs the epoch end
/// (validation, callbacks — so `EarlyStopping` can still restore its best weights) and
/// returns a History marked [`interrupted`](crate::model::History::interrupted).
#[derive(Debug, Clone, Default)]
pub struct StopFlag(Arc<AtomicBool>);

/// The process has one SIGINT handler; it sets this flag (the only global state of the
/// crate, because a signal handler is process-wide by nature).
static CTRL_C: OnceLock<StopFlag> = OnceLock::new();

impl StopFlag {
    /// A new, unset flag.
    pub fn new() -> Self {
        StopFlag::default()
    }

    /// Asks the training to stop.
    pub fn request(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether a stop was asked for.
    pub fn is_requested(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// The flag set by Ctrl-C (SIGINT). Installs the handler on first use; later calls
    /// return the same flag.
    pub fn ctrl_c() -> Result<StopFlag> {
        if let Some(flag) = CTRL_C.get() {
            return Ok(flag.clone());
        }
        let flag = StopFlag::new();
        let handler_flag = flag.clone();
        ctrlc::set_handler(move || handler_flag.request())
            .map_err(|e| Error::Io { path: "<signal handler>".into(), source: std::io::Error::other(e.to_string()) })?;
        Ok(CTRL_C.get_or_init(|| flag).clone())
    }
}
