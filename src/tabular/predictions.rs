//! [`Predictions`]: what a [`TabularModel`](super::TabularModel) answers for a table.

use ndarray::Array2;

/// The answers for each row of a table, in row order.
#[derive(Debug, Clone, PartialEq)]
pub struct Predictions {
    pub(crate) values: Array2<f32>,
    pub(crate) classes: Option<Vec<usize>>,
    pub(crate) labels: Option<Vec<String>>,
    pub(crate) warnings: Vec<String>,
}

impl Predictions {
    /// `(rows, 1)` regression outputs, or `(rows, classes)` class probabilities (columns in
    /// the label map's order; two columns for a binary classifier).
    pub fn values(&self) -> &Array2<f32> {
        &self.values
    }

    /// The predicted class label of each row (classification), the most probable class.
    pub fn labels(&self) -> Option<&[String]> {
        self.labels.as_deref()
    }

    /// The predicted class index of each row (classification).
    pub fn classes(&self) -> Option<&[usize]> {
        self.classes.as_deref()
    }

    /// What was forgiven to give an answer (a category not seen in training, ...).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.values.nrows()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.values.nrows() == 0
    }
}
