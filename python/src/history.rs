//! What `fit` hands back to Python (the History as plain lists), and the wrapper that lets
//! a training loop holding Python handles run with the GIL released.

use kerust::model::History;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The training loop's callbacks hold `Rc`s and Python handles; `fit` runs them on this
/// thread only (the GIL is released, the thread stays the same), so handing them across
/// `Python::detach`'s `Send` bound is sound.
pub(crate) struct SameThread<T>(pub(crate) T);
// SAFETY: see above: the value is created, used and dropped on one thread.
unsafe impl<T> Send for SameThread<T> {}

/// The History as `{"keys": [...], "values": [[...]], "epochs": [...]}`, without the
/// epoch that an interrupt cut short (Keras records finished epochs only).
pub fn history_dict<'py>(
    py: Python<'py>,
    history: &History,
    unfinished: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let keep: Vec<bool> = history.epoch().iter().map(|&e| Some(e) != unfinished).collect();
    let dict = PyDict::new(py);
    let values: Vec<Vec<f64>> = history
        .keys()
        .iter()
        .map(|k| {
            let v = history.get(k).unwrap_or_default();
            v.iter().zip(&keep).filter(|(_, k)| **k).map(|(&x, _)| x as f64).collect()
        })
        .collect();
    let epochs: Vec<usize> = history.epoch().iter().zip(&keep).filter(|(_, k)| **k).map(|(&e, _)| e).collect();
    dict.set_item("keys", history.keys().to_vec())?;
    dict.set_item("values", values)?;
    dict.set_item("epochs", epochs)?;
    Ok(dict)
}
