//! Python inside the Rust training loop. `fit` runs with the GIL released; these Rust
//! callbacks take it back only when there is Python to run:
//!
//! - [`SignalCheck`] lets Python see Ctrl-C: every 20 ms of training it runs Python's signal
//!   handlers, and a `KeyboardInterrupt` stops training after the current batch.
//! - [`PyCallback`] runs one `keras.callbacks.Callback` object (a user's subclass, the
//!   progress bar, `LearningRateScheduler`): its hooks get `(epoch, logs)` as Keras passes
//!   them, `self.model.stop_training = True` stops training, a change of
//!   `self.model.optimizer.learning_rate` reaches the optimizer, and keys a hook adds to
//!   `logs` at the end of an epoch go into the History.
//!
//! A Python exception cannot travel through the Rust loop: it is kept in [`Outcome`], the
//! loop is stopped (a `KeyboardInterrupt`) or fails, and `fit` raises it afterwards.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use kerust::callbacks::{Callback, TrainContext};
use kerust::model::Logs;
use pyo3::exceptions::PyKeyboardInterrupt;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// How often a fit without Python callbacks looks for Ctrl-C.
const SIGNAL_EVERY: Duration = Duration::from_millis(20);

/// What the Python side of one `fit` call left behind.
#[derive(Default)]
pub struct Outcome {
    /// The exception to raise once the loop has returned (the first one).
    pub error: Option<PyErr>,
    /// A `KeyboardInterrupt` stopped training.
    pub interrupted: bool,
    /// The epoch that was running (not finished) when it did.
    pub unfinished_epoch: Option<usize>,
    /// The epoch running now.
    epoch: usize,
    /// Inside `on_epoch_end` (an interrupt there leaves the epoch finished).
    at_epoch_end: bool,
}

/// Shared by every bridge callback of one `fit`.
pub type Shared = Rc<RefCell<Outcome>>;

impl Outcome {
    /// Keeps `error`; a `KeyboardInterrupt` becomes a stop after the current batch.
    /// Returns whether training may go on (interrupts) or must fail (other exceptions).
    fn keep(&mut self, py: Python<'_>, error: PyErr, ctx: &mut TrainContext<'_>) -> bool {
        let interrupt = error.is_instance_of::<PyKeyboardInterrupt>(py);
        if interrupt {
            self.interrupted = true;
            if !self.at_epoch_end {
                self.unfinished_epoch = Some(self.epoch);
            }
            ctx.stop_training();
        }
        self.error.get_or_insert(error);
        interrupt
    }
}

/// The error that makes the Rust loop return once a Python callback raised (the Python
/// exception itself is raised by `fit`).
fn raised(hook: &str) -> kerust::Error {
    kerust::Error::InvalidArgument {
        name: "callbacks",
        value: hook.to_string(),
        rule: "raised a Python exception".into(),
    }
}

/// Keeps `error` in `shared`: training stops after the batch (an interrupt) or fails.
fn keep_or_fail(
    shared: &Shared,
    py: Python<'_>,
    error: PyErr,
    ctx: &mut TrainContext<'_>,
    hook: &str,
) -> kerust::Result<()> {
    if shared.borrow_mut().keep(py, error, ctx) { Ok(()) } else { Err(raised(hook)) }
}

/// Runs Python's signal handlers every [`SIGNAL_EVERY`] of training.
pub struct SignalCheck {
    shared: Shared,
    last: Instant,
}

impl SignalCheck {
    /// A check reporting into `shared`.
    pub fn new(shared: Shared) -> Self {
        SignalCheck { shared, last: Instant::now() }
    }
}

impl Callback for SignalCheck {
    fn on_epoch_begin(&mut self, _ctx: &mut TrainContext<'_>, epoch: usize) -> kerust::Result<()> {
        let mut shared = self.shared.borrow_mut();
        shared.epoch = epoch;
        shared.at_epoch_end = false;
        Ok(())
    }

    fn on_train_batch_begin(&mut self, ctx: &mut TrainContext<'_>, _batch: usize) -> kerust::Result<()> {
        if self.last.elapsed() < SIGNAL_EVERY || self.shared.borrow().interrupted {
            return Ok(());
        }
        self.last = Instant::now();
        Python::attach(|py| match py.check_signals() {
            Ok(()) => Ok(()),
            Err(e) => keep_or_fail(&self.shared, py, e, ctx, "signal handler"),
        })
    }

    fn on_epoch_end(&mut self, _ctx: &mut TrainContext<'_>, _epoch: usize, _logs: &mut Logs) -> kerust::Result<()> {
        self.shared.borrow_mut().at_epoch_end = true;
        Ok(())
    }
}

/// One Python `Callback` object in the Rust loop.
pub struct PyCallback {
    callback: Py<PyAny>,
    /// The Python `Sequential` (`callback.model`): its `stop_training` and `optimizer`.
    model: Py<PyAny>,
    shared: Shared,
    /// Whether the object overrides a batch hook (else batches never take the GIL).
    batch_hooks: bool,
    /// Batch-end calls closer together than this are skipped (the progress bar), except
    /// at an epoch's last batch.
    min_interval: Option<Duration>,
    /// Batches per epoch.
    steps: usize,
    last_batch_call: Option<Instant>,
}

impl PyCallback {
    /// Wraps `callback` of `model`.
    pub fn new(
        callback: Py<PyAny>,
        model: Py<PyAny>,
        shared: Shared,
        batch_hooks: bool,
        min_interval: Option<f64>,
        steps: usize,
    ) -> Self {
        PyCallback {
            callback,
            model,
            shared,
            batch_hooks,
            min_interval: min_interval.map(Duration::from_secs_f64),
            steps,
            last_batch_call: None,
        }
    }

    /// Calls `hook([index,] logs)` on the Python object (`logs`: a dict of `given`, or an
    /// empty one), with the learning rate synchronised both ways and `model.stop_training`
    /// read back; with `read_back`, the numeric entries the hook left in the dict go there.
    fn call(
        &mut self,
        ctx: &mut TrainContext<'_>,
        hook: &str,
        index: Option<usize>,
        given: Option<&Logs>,
        read_back: Option<&mut Logs>,
    ) -> kerust::Result<()> {
        if self.shared.borrow().interrupted {
            // Keras unwinds on KeyboardInterrupt: no hook runs after it.
            return Ok(());
        }
        Python::attach(|py| {
            let result = self.call_attached(py, ctx, hook, index, given, read_back);
            match result {
                Ok(()) => Ok(()),
                Err(e) => keep_or_fail(&self.shared, py, e, ctx, hook),
            }
        })
    }

    fn call_attached(
        &self,
        py: Python<'_>,
        ctx: &mut TrainContext<'_>,
        hook: &str,
        index: Option<usize>,
        given: Option<&Logs>,
        read_back: Option<&mut Logs>,
    ) -> PyResult<()> {
        let model = self.model.bind(py);
        let optimizer = model.getattr("optimizer")?;
        let lr = ctx.learning_rate();
        if !optimizer.is_none() {
            optimizer.setattr("learning_rate", lr as f64)?;
        }
        let logs = match given {
            Some(logs) => logs_dict(py, logs)?,
            None => PyDict::new(py),
        };
        let callback = self.callback.bind(py);
        match index {
            Some(i) => callback.call_method1(hook, (i, &logs))?,
            None => callback.call_method1(hook, (&logs,))?,
        };
        if let Some(out) = read_back {
            // Keys the hook set reach History (Keras); values that are not numbers cannot
            // be logged and are left out.
            for (k, v) in logs.iter() {
                if let (Ok(k), Ok(v)) = (k.extract::<String>(), v.extract::<f64>()) {
                    out.set(&k, v as f32);
                }
            }
        }
        if !optimizer.is_none() {
            let new = optimizer.getattr("learning_rate")?.extract::<f64>()? as f32;
            if new.to_bits() != lr.to_bits() {
                ctx.set_learning_rate(new).map_err(crate::errors::to_py)?;
            }
        }
        if model.getattr("stop_training")?.is_truthy()? {
            ctx.stop_training();
        }
        Ok(())
    }
}

/// `logs` as a Python dict of floats, in order.
fn logs_dict<'py>(py: Python<'py>, logs: &Logs) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (k, v) in logs.iter() {
        dict.set_item(k, v as f64)?;
    }
    Ok(dict)
}

impl Callback for PyCallback {
    fn on_train_begin(&mut self, ctx: &mut TrainContext<'_>) -> kerust::Result<()> {
        self.call(ctx, "on_train_begin", None, None, None)
    }

    fn on_train_end(&mut self, ctx: &mut TrainContext<'_>, logs: &Logs) -> kerust::Result<()> {
        self.call(ctx, "on_train_end", None, Some(logs), None)
    }

    fn on_epoch_begin(&mut self, ctx: &mut TrainContext<'_>, epoch: usize) -> kerust::Result<()> {
        self.call(ctx, "on_epoch_begin", Some(epoch), None, None)
    }

    fn on_epoch_end(&mut self, ctx: &mut TrainContext<'_>, epoch: usize, logs: &mut Logs) -> kerust::Result<()> {
        let mut updated = logs.clone();
        self.call(ctx, "on_epoch_end", Some(epoch), Some(logs), Some(&mut updated))?;
        *logs = updated;
        Ok(())
    }

    fn on_train_batch_begin(&mut self, ctx: &mut TrainContext<'_>, batch: usize) -> kerust::Result<()> {
        if !self.batch_hooks || self.min_interval.is_some() {
            return Ok(());
        }
        self.call(ctx, "on_train_batch_begin", Some(batch), None, None)
    }

    fn on_train_batch_end(&mut self, ctx: &mut TrainContext<'_>, batch: usize, logs: &Logs) -> kerust::Result<()> {
        if !self.batch_hooks {
            return Ok(());
        }
        if let Some(every) = self.min_interval {
            let last_of_epoch = batch + 1 == self.steps;
            if !last_of_epoch && self.last_batch_call.is_some_and(|t| t.elapsed() < every) {
                return Ok(());
            }
            self.last_batch_call = Some(Instant::now());
        }
        self.call(ctx, "on_train_batch_end", Some(batch), Some(logs), None)
    }

    fn wants_batch_logs(&self) -> bool {
        self.batch_hooks
    }
}
