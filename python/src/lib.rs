//! `kerust._kerust`: the Rust side of the `kerust` Python package. The Python modules
//! (`kerust.keras`, `kerust.tabular`) give Keras's API; this module gives them a kerust
//! model to drive ([`model::Model`]), Keras's built-in callbacks backed by kerust's, the
//! tabular workflow, and the checks that make a bad argument a `ValueError`.

mod arrays;
mod bridge;
mod callbacks;
mod configs;
mod errors;
mod history;
mod model;
mod tabular;

use pyo3::prelude::*;

/// The extension module.
#[pymodule]
fn _kerust(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<model::Model>()?;
    m.add_class::<tabular::TabularModel>()?;
    m.add_function(wrap_pyfunction!(configs::check_layer, m)?)?;
    m.add_function(wrap_pyfunction!(configs::check_optimizer, m)?)?;
    m.add_function(wrap_pyfunction!(tabular::fit_tabular, m)?)?;
    callbacks::register(m)?;
    Ok(())
}
