//! kerust's errors as Python exceptions: `ValueError` for what the caller passed (Keras
//! raises `ValueError` for bad arguments and shapes), `OSError` (`FileNotFoundError` where
//! it applies) for files, with kerust's message, which names the argument and the value.

use pyo3::PyErr;
use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyValueError};

/// The Python exception for a kerust error.
pub fn to_py(error: kerust::Error) -> PyErr {
    match &error {
        kerust::Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            PyFileNotFoundError::new_err(error.to_string())
        }
        kerust::Error::Io { .. } => PyOSError::new_err(error.to_string()),
        _ => PyValueError::new_err(error.to_string()),
    }
}

/// `Result` of kerust → `PyResult`.
pub trait IntoPy<T> {
    /// Converts the error, if any.
    fn py(self) -> pyo3::PyResult<T>;
}

impl<T> IntoPy<T> for kerust::Result<T> {
    fn py(self) -> pyo3::PyResult<T> {
        self.map_err(to_py)
    }
}

/// A `ValueError` with this message.
pub fn value_error(message: impl Into<String>) -> PyErr {
    PyValueError::new_err(message.into())
}
