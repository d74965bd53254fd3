//! `gradients`: the loss of one batch and its gradient with respect to every trainable
//! weight, without changing the model (for gradient checks and teaching).

use ndarray::{Array1, Array2, ArrayD, ArrayView1};

use super::Sequential;
use super::sample_weight::check_sample_weight;
use super::step::Batch;
use crate::error::Result;

impl Sequential {
    /// The loss on `(x, y)` as one batch (with the regularization penalties, as Keras) and
    /// its gradient with respect to every trainable weight, in `get_weights` order (a
    /// BatchNormalization layer contributes gamma and beta, not its moving statistics),
    /// without changing the weights (Keras: `GradientTape` over `model(x, training=True)`).
    /// Dropout draws a mask as in training.
    pub fn gradients(&mut self, x: &Array2<f32>, y: &Array2<f32>) -> Result<(f32, Vec<ArrayD<f32>>)> {
        self.gradients_with(x, y, None)
    }

    /// As [`Sequential::gradients`], with one loss weight ≥ 0 per row (`Σ loss_i w_i / rows`).
    pub fn gradients_weighted(
        &mut self,
        x: &Array2<f32>,
        y: &Array2<f32>,
        sample_weight: &Array1<f32>,
    ) -> Result<(f32, Vec<ArrayD<f32>>)> {
        self.gradients_with(x, y, Some(sample_weight.view()))
    }

    fn gradients_with(
        &mut self,
        x: &Array2<f32>,
        y: &Array2<f32>,
        w: Option<ArrayView1<f32>>,
    ) -> Result<(f32, Vec<ArrayD<f32>>)> {
        self.ready("gradients")?;
        self.check_xy("gradients", x.view(), y.view())?;
        if let Some(w) = w {
            check_sample_weight(w, x.nrows())?;
        }
        // A training forward updates BatchNormalization's moving statistics: put them back.
        let before = self.get_weights();
        let loss = self.backprop(Batch { x: x.view(), y: y.view(), weights: w.map(ArrayView1::reborrow) }, &mut []);
        for (mut w, old) in self.layers.iter_mut().flat_map(|l| l.weights_mut()).zip(&before) {
            w.assign(old);
        }
        let mut grads = Vec::new();
        for layer in self.layers.iter_mut() {
            let shapes: Vec<Vec<usize>> = layer.weights().iter().map(|w| w.shape().to_vec()).collect();
            for (p, shape) in layer.params_mut().into_iter().zip(shapes) {
                // Trainable weights come first in `weights()`, so each gradient has its
                // weight's element count and the shape always fits.
                grads.push(ArrayD::from_shape_vec(shape, p.grad.to_vec()).expect("gradient matches its weight"));
            }
        }
        Ok((loss, grads))
    }
}
