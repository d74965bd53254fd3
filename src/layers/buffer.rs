//! A reusable 2-D scratch buffer: grows to the largest batch seen, then never reallocates,
//! so the last partial batch of an epoch costs no allocation either.

use ndarray::{ArrayView2, ArrayViewMut2};

/// Row-major storage for a `(rows, cols)` matrix whose row count changes with the batch.
#[derive(Debug, Clone, Default)]
pub(crate) struct Buffer {
    data: Vec<f32>,
    rows: usize,
    cols: usize,
}

impl Buffer {
    /// Sets the shape, growing the storage if needed, and returns the matrix for writing.
    /// Contents are unspecified: callers overwrite every element.
    pub(crate) fn shape_mut(&mut self, rows: usize, cols: usize) -> ArrayViewMut2<'_, f32> {
        let len = rows * cols;
        if self.data.len() < len {
            self.data.resize(len, 0.0);
        }
        self.rows = rows;
        self.cols = cols;
        // The slice holds exactly rows * cols elements, so the shape always fits.
        ArrayViewMut2::from_shape((rows, cols), &mut self.data[..len]).expect("buffer fits its shape")
    }

    /// The matrix as last shaped, row-major.
    pub(crate) fn as_slice(&self) -> &[f32] {
        &self.data[..self.rows * self.cols]
    }

    /// The same, to overwrite in place.
    pub(crate) fn as_slice_mut(&mut self) -> &mut [f32] {
        &mut self.data[..self.rows * self.cols]
    }

    /// The matrix as last shaped.
    pub(crate) fn view(&self) -> ArrayView2<'_, f32> {
        // Same invariant as `shape_mut`: data holds at least rows * cols elements.
        ArrayView2::from_shape((self.rows, self.cols), self.as_slice()).expect("buffer fits its shape")
    }
}

/// A layer's input gradient dL/dx: a buffer, or nothing on the first layer of a model, whose
/// input gradient nobody uses (`backward` then returns an empty view and skips the work).
#[derive(Debug, Clone, Default)]
pub(crate) struct InputGradient {
    buffer: Buffer,
    skipped: bool,
}

impl InputGradient {
    /// Stops computing the gradient (the model calls it on its first layer).
    pub(crate) fn skip(&mut self) {
        self.skipped = true;
    }

    /// The `(rows, cols)` matrix to write dL/dx into, or `None` (and an empty view) when
    /// skipped. Contents are unspecified: callers overwrite every element.
    pub(crate) fn shape_mut(&mut self, rows: usize, cols: usize) -> Option<ArrayViewMut2<'_, f32>> {
        if self.skipped {
            self.buffer.shape_mut(0, 0);
            return None;
        }
        Some(self.buffer.shape_mut(rows, cols))
    }

    /// dL/dx as last written (empty when skipped).
    pub(crate) fn view(&self) -> ArrayView2<'_, f32> {
        self.buffer.view()
    }
}
