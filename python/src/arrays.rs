//! numpy arrays in and out. The Python side (`kerust/_convert.py`) has already made every
//! input a C-ordered float32 array of the right rank and named the argument in its errors;
//! here they are copied into kerust's ndarray arrays (the engine keeps its own buffers).
//! The copy goes through flat slices: the numpy crate's own ndarray interop is built on
//! another ndarray release than kerust's.

use ndarray::{Array1, Array2, ArrayD, IxDyn};
use numpy::{
    PyArray1, PyArray2, PyArrayDyn, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2, PyReadonlyArrayDyn,
    PyUntypedArrayMethods,
};
use pyo3::prelude::*;

use crate::errors::value_error;

/// The values of a C-contiguous array.
fn values(slice: Result<&[f32], numpy::AsSliceError>) -> PyResult<&[f32]> {
    slice.map_err(|_| value_error("arrays passed to kerust must be C-contiguous (numpy.ascontiguousarray)"))
}

/// A (rows, cols) float32 array, copied.
pub fn matrix(a: &PyReadonlyArray2<'_, f32>) -> PyResult<Array2<f32>> {
    let shape = a.shape();
    let v = values(a.as_slice())?.to_vec();
    Array2::from_shape_vec((shape[0], shape[1]), v).map_err(|e| value_error(e.to_string()))
}

/// A float32 vector, copied.
pub fn vector(a: &PyReadonlyArray1<'_, f32>) -> PyResult<Array1<f32>> {
    Ok(Array1::from(values(a.as_slice())?.to_vec()))
}

/// A float32 array of any rank, copied.
pub fn tensor(a: &PyReadonlyArrayDyn<'_, f32>) -> PyResult<ArrayD<f32>> {
    let shape = a.shape().to_vec();
    let v = values(a.as_slice())?.to_vec();
    ArrayD::from_shape_vec(IxDyn(&shape), v).map_err(|e| value_error(e.to_string()))
}

/// The values of `a` in row-major order (moved when already so).
fn row_major<D: ndarray::Dimension>(a: ndarray::Array<f32, D>) -> Vec<f32> {
    if a.is_standard_layout() { a.into_raw_vec_and_offset().0 } else { a.iter().copied().collect() }
}

/// A matrix as a numpy array.
pub fn to_numpy<'py>(py: Python<'py>, a: Array2<f32>) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let (rows, cols) = a.dim();
    PyArray1::from_vec(py, row_major(a)).reshape([rows, cols])
}

/// A tensor as a numpy array.
pub fn to_numpy_dyn<'py>(py: Python<'py>, a: ArrayD<f32>) -> PyResult<Bound<'py, PyArrayDyn<f32>>> {
    let shape = a.shape().to_vec();
    PyArray1::from_vec(py, row_major(a)).reshape(shape)
}
