//! Keras's built-in callbacks, backed by kerust's (verified against Keras's). Each Python
//! object owns its Rust callback, so its state lasts across `fit` calls as in Keras
//! (`EarlyStopping` keeps its best value) and its results (`stopped_epoch`) can be read
//! after training. During `fit` the callback is lent to the training loop.

use std::cell::RefCell;
use std::rc::Rc;

use kerust::callbacks::{Callback, CsvLogger, EarlyStopping, Mode, ModelCheckpoint, ReduceLROnPlateau, TerminateOnNaN};
use pyo3::prelude::*;

use crate::errors::value_error;

/// `"auto"`, `"min"` or `"max"`.
fn mode(mode: &str) -> PyResult<Mode> {
    match mode {
        "auto" => Ok(Mode::Auto),
        "min" => Ok(Mode::Min),
        "max" => Ok(Mode::Max),
        other => Err(value_error(format!("mode must be one of 'auto', 'min', 'max'. Received: mode={other:?}"))),
    }
}

/// A Rust callback lent to one `fit` call and given back after it.
pub trait Lend {
    /// Takes the callback out (errors if a `fit` already holds it).
    fn lend(&mut self) -> PyResult<Box<dyn Callback>>;
    /// Puts it back after `fit`.
    fn give_back(&mut self);
}

/// Declares a Python class owning one Rust callback.
macro_rules! lendable {
    ($py_name:literal, $name:ident, $inner:ty) => {
        #[doc = concat!("`keras.callbacks.", $py_name, "`, backed by kerust's.")]
        // `unsendable`: the Rc lent to `fit` stays on the thread that made the object.
        #[pyclass(module = "kerust._kerust", name = $py_name, unsendable)]
        pub struct $name {
            owned: Option<$inner>,
            lent: Option<Rc<RefCell<$inner>>>,
        }

        impl $name {
            fn wrap(inner: $inner) -> Self {
                $name { owned: Some(inner), lent: None }
            }

            // Not every class has state to read back.
            #[allow(dead_code)]
            fn get(&self) -> PyResult<&$inner> {
                self.owned.as_ref().ok_or_else(|| value_error(concat!($py_name, " is in use by a running fit")))
            }
        }

        impl Lend for $name {
            fn lend(&mut self) -> PyResult<Box<dyn Callback>> {
                let inner = self.owned.take().ok_or_else(|| {
                    value_error(concat!($py_name, " is already in use by a running fit, or listed twice in callbacks"))
                })?;
                let shared = Rc::new(RefCell::new(inner));
                self.lent = Some(shared.clone());
                Ok(Box::new(shared))
            }

            fn give_back(&mut self) {
                if let Some(shared) = self.lent.take() {
                    // The training loop has dropped its handle by now.
                    if let Ok(cell) = Rc::try_unwrap(shared) {
                        self.owned = Some(cell.into_inner());
                    }
                }
            }
        }
    };
}

lendable!("EarlyStopping", PyEarlyStopping, EarlyStopping);
lendable!("ReduceLROnPlateau", PyReduceLROnPlateau, ReduceLROnPlateau);
lendable!("ModelCheckpoint", PyModelCheckpoint, ModelCheckpoint);
lendable!("CSVLogger", PyCsvLogger, CsvLogger);
lendable!("TerminateOnNaN", PyTerminateOnNaN, TerminateOnNaN);

#[pymethods]
impl PyEarlyStopping {
    #[new]
    #[pyo3(signature = (monitor = "val_loss", min_delta = 0.0, patience = 0, verbose = 0, mode = "auto",
                        baseline = None, restore_best_weights = false, start_from_epoch = 0))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        monitor: &str,
        min_delta: f64,
        patience: usize,
        verbose: u8,
        mode: &str,
        baseline: Option<f64>,
        restore_best_weights: bool,
        start_from_epoch: usize,
    ) -> PyResult<Self> {
        let mut inner = EarlyStopping::new()
            .monitor(monitor)
            .mode(self::mode(mode)?)
            .min_delta(min_delta)
            .patience(patience)
            .verbose(verbose > 0)
            .restore_best_weights(restore_best_weights)
            .start_from_epoch(start_from_epoch);
        if let Some(b) = baseline {
            inner = inner.baseline(b);
        }
        Ok(Self::wrap(inner))
    }

    /// The epoch (0-based) at which training was stopped, 0 if it was not.
    #[getter]
    fn stopped_epoch(&self) -> PyResult<usize> {
        Ok(self.get()?.stopped_epoch())
    }

    /// The best value of the monitored quantity so far.
    #[getter]
    fn best(&self) -> PyResult<f64> {
        Ok(self.get()?.best())
    }

    /// The epoch (0-based) of the best value.
    #[getter]
    fn best_epoch(&self) -> PyResult<usize> {
        Ok(self.get()?.best_epoch())
    }
}

#[pymethods]
impl PyReduceLROnPlateau {
    #[new]
    #[pyo3(signature = (monitor = "val_loss", factor = 0.1, patience = 10, verbose = 0, mode = "auto",
                        min_delta = 1e-4, cooldown = 0, min_lr = 0.0))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        monitor: &str,
        factor: f64,
        patience: usize,
        verbose: u8,
        mode: &str,
        min_delta: f64,
        cooldown: usize,
        min_lr: f64,
    ) -> PyResult<Self> {
        if !(factor < 1.0 && factor.is_finite()) {
            return Err(value_error(format!(
                "ReduceLROnPlateau does not support a factor >= 1.0. Received: factor={factor}"
            )));
        }
        let inner = ReduceLROnPlateau::new()
            .monitor(monitor)
            .mode(self::mode(mode)?)
            .factor(factor)
            .patience(patience)
            .verbose(verbose > 0)
            .min_delta(min_delta)
            .cooldown(cooldown)
            .min_lr(min_lr as f32);
        Ok(Self::wrap(inner))
    }
}

#[pymethods]
impl PyModelCheckpoint {
    #[new]
    #[pyo3(signature = (filepath, monitor = "val_loss", verbose = 0, save_best_only = false,
                        save_weights_only = false, mode = "auto"))]
    fn new(
        filepath: &str,
        monitor: &str,
        verbose: u8,
        save_best_only: bool,
        save_weights_only: bool,
        mode: &str,
    ) -> PyResult<Self> {
        let inner = ModelCheckpoint::new(filepath)
            .monitor(monitor)
            .mode(self::mode(mode)?)
            .verbose(verbose > 0)
            .save_best_only(save_best_only)
            .save_weights_only(save_weights_only);
        Ok(Self::wrap(inner))
    }

    /// The files written so far, in order.
    #[getter]
    fn saved(&self) -> PyResult<Vec<String>> {
        Ok(self.get()?.saved.iter().map(|p| p.display().to_string()).collect())
    }
}

#[pymethods]
impl PyCsvLogger {
    #[new]
    #[pyo3(signature = (filename, separator = ",", append = false))]
    fn new(filename: &str, separator: &str, append: bool) -> PyResult<Self> {
        let mut chars = separator.chars();
        let (Some(sep), None) = (chars.next(), chars.next()) else {
            return Err(value_error(format!(
                "separator must be a single character. Received: separator={separator:?}"
            )));
        };
        Ok(Self::wrap(CsvLogger::new(filename).separator(sep).append(append)))
    }
}

#[pymethods]
impl PyTerminateOnNaN {
    #[new]
    fn new() -> Self {
        Self::wrap(TerminateOnNaN::new())
    }
}

/// The Rust callback of `object` if it is one of the classes above.
pub fn lend(object: &Bound<'_, PyAny>) -> PyResult<Option<Box<dyn Callback>>> {
    macro_rules! try_lend {
        ($($t:ty),*) => {
            $(if let Ok(cell) = object.cast::<$t>() {
                return cell.borrow_mut().lend().map(Some);
            })*
        };
    }
    try_lend!(PyEarlyStopping, PyReduceLROnPlateau, PyModelCheckpoint, PyCsvLogger, PyTerminateOnNaN);
    Ok(None)
}

/// Gives `object`'s callback back after `fit`.
pub fn give_back(object: &Bound<'_, PyAny>) {
    macro_rules! try_give_back {
        ($($t:ty),*) => {
            $(if let Ok(cell) = object.cast::<$t>() {
                cell.borrow_mut().give_back();
                return;
            })*
        };
    }
    try_give_back!(PyEarlyStopping, PyReduceLROnPlateau, PyModelCheckpoint, PyCsvLogger, PyTerminateOnNaN);
}

/// Registers the classes.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEarlyStopping>()?;
    m.add_class::<PyReduceLROnPlateau>()?;
    m.add_class::<PyModelCheckpoint>()?;
    m.add_class::<PyCsvLogger>()?;
    m.add_class::<PyTerminateOnNaN>()?;
    Ok(())
}
