//! The network a [`TabularSpec`] describes: hidden `Dense` layers (each followed by
//! BatchNormalization and Dropout when asked), then the output layer the task calls for.

use super::spec::TabularSpec;
use super::task::Task;
use crate::activations::Activation;
use crate::layers::{BatchNormalization, Dense, Dropout};
use crate::losses::Loss;
use crate::metrics::Metric;
use crate::model::Sequential;
use crate::regularizers::Regularizer;

/// The output layer and loss of a task: one linear unit and MSE for regression; one sigmoid
/// unit and binary cross-entropy for two classes; a softmax over `classes` and sparse
/// categorical cross-entropy for more. Returns `(units, activation, loss)`.
pub fn output_for(task: Task, classes: usize) -> (usize, Activation, Loss) {
    match (task, classes) {
        (Task::Regression, _) => (1, Activation::Linear, Loss::MeanSquaredError),
        (Task::Classification, 2) => (1, Activation::Sigmoid, Loss::BINARY_CROSSENTROPY),
        (Task::Classification, k) => (k, Activation::Softmax, Loss::SPARSE_CATEGORICAL_CROSSENTROPY),
    }
}

/// The metric `compile` gets: MAE for regression, accuracy for classification.
pub(crate) fn metric_for(task: Task) -> Metric {
    match task {
        Task::Regression => Metric::MeanAbsoluteError,
        Task::Classification => Metric::Accuracy,
    }
}

impl TabularSpec {
    /// The uncompiled network of this spec for `inputs` features and an output layer of
    /// `outputs` units with activation `output` (see [`output_for`]).
    ///
    /// ```
    /// use kerust::prelude::*;
    /// let spec = TabularSpec { layers: vec![8], dropout: Some(0.1), ..TabularSpec::default() };
    /// let mut network = spec.network(4, 1, Activation::Linear, Some(0));
    /// network.build()?;
    /// assert_eq!(network.layers().len(), 3); // Dense, Dropout, Dense
    /// assert_eq!(network.count_params(), 4 * 8 + 8 + 8 + 1);
    /// # Ok::<(), kerust::Error>(())
    /// ```
    pub fn network(&self, inputs: usize, outputs: usize, output: Activation, seed: Option<u64>) -> Sequential {
        let mut model = Sequential::new();
        if let Some(seed) = seed {
            model = model.seed(seed);
        }
        let dense = |units: usize| {
            let layer = Dense::new(units);
            match self.l2 {
                Some(l2) => layer.kernel_regularizer(Regularizer::l2(l2)),
                None => layer,
            }
        };
        for (i, &width) in self.layers.iter().enumerate() {
            let mut layer = dense(width).activation(self.activation);
            if i == 0 {
                layer = layer.input_dim(inputs);
            }
            model.add(layer);
            if self.batch_norm {
                model.add(BatchNormalization::new());
            }
            if let Some(rate) = self.dropout {
                model.add(Dropout::new(rate));
            }
        }
        let mut last = dense(outputs).activation(output);
        if self.layers.is_empty() {
            last = last.input_dim(inputs);
        }
        model.add(last);
        model
    }
}
