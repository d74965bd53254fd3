//! The gradients of the losses: `dL/dy_pred` of the batch mean, and the fused `dL/dz` of
//! cross-entropy after its softmax or sigmoid output.

use ndarray::{ArrayView2, ArrayViewMut2, Zip};

use super::{EPSILON, Loss};
use crate::activations::sigmoid;

impl Loss {
    /// Writes `dL/dy_pred` of the batch mean loss into `d`. All: (batch, outputs), except
    /// `y_true` (batch, 1) for the sparse loss.
    pub fn gradient(&self, y_true: ArrayView2<f32>, y_pred: ArrayView2<f32>, mut d: ArrayViewMut2<f32>) {
        let (n, width) = y_pred.dim();
        let scale = 1.0 / (n * width) as f32; // mean over rows and the last axis
        match *self {
            Loss::MeanSquaredError => {
                Zip::from(&mut d).and(&y_true).and(&y_pred).for_each(|g, &t, &p| *g = 2.0 * (p - t) * scale)
            }
            // Keras takes |y_true - y_pred|: d/dp = -abs'(t - p).
            Loss::MeanAbsoluteError => {
                Zip::from(&mut d).and(&y_true).and(&y_pred).for_each(|g, &t, &p| *g = -abs_derivative(t - p) * scale)
            }
            Loss::Huber { delta } => Zip::from(&mut d).and(&y_true).and(&y_pred).for_each(|g, &t, &p| {
                let e = p - t;
                *g = if e.abs() <= delta { e } else { delta * abs_derivative(e) } * scale
            }),
            Loss::MeanAbsolutePercentageError => Zip::from(&mut d)
                .and(&y_true)
                .and(&y_pred)
                .for_each(|g, &t, &p| *g = -100.0 * abs_derivative(t - p) / t.abs().max(EPSILON) * scale),
            Loss::BinaryCrossentropy { from_logits: false } => {
                Zip::from(&mut d).and(&y_true).and(&y_pred).for_each(|g, &t, &p| {
                    // The clip passes no gradient outside [eps, 1 - eps], as in autodiff.
                    *g = if (EPSILON..=1.0 - EPSILON).contains(&p) {
                        (-t / p + (1.0 - t) / (1.0 - p)) * scale
                    } else {
                        0.0
                    }
                })
            }
            Loss::BinaryCrossentropy { from_logits: true } => {
                Zip::from(&mut d).and(&y_true).and(&y_pred).for_each(|g, &t, &z| *g = (sigmoid(z) - t) * scale)
            }
            Loss::CategoricalCrossentropy { from_logits } | Loss::SparseCategoricalCrossentropy { from_logits } => {
                let sparse = matches!(self, Loss::SparseCategoricalCrossentropy { .. });
                let inv_n = 1.0 / n as f32;
                for ((t, p), mut g) in y_true.rows().into_iter().zip(y_pred.rows()).zip(d.rows_mut()) {
                    let target = |k: usize| if sparse { f32::from(t[0] as usize == k) } else { t[k] };
                    if from_logits {
                        // d/dz of -sum y log_softmax(z) = softmax(z) * sum(y) - y.
                        let max = p.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
                        let total: f32 = p.iter().map(|&v| (v - max).exp()).sum();
                        let ysum: f32 = (0..width).map(target).sum();
                        for k in 0..width {
                            g[k] = (((p[k] - max).exp() / total) * ysum - target(k)) * inv_n;
                        }
                    } else {
                        // q = p / S clipped; dL/dq_k = -y_k / q_k; chain through q = p / S.
                        let s: f32 = p.sum();
                        let mut dq_dot_p = 0.0f32;
                        for k in 0..width {
                            let q = p[k] / s;
                            let dq = if (EPSILON..=1.0 - EPSILON).contains(&q) { -target(k) / q } else { 0.0 };
                            g[k] = dq;
                            dq_dot_p += dq * p[k];
                        }
                        for k in 0..width {
                            g[k] = (g[k] / s - dq_dot_p / (s * s)) * inv_n;
                        }
                    }
                }
            }
        }
    }

    /// Writes `dL/dz` for the output pre-activation `z` when [`Loss::fuses_with`] the output
    /// activation: `(p · sum(y) - y) / n` (softmax; `p - y` for one-hot rows) or
    /// `(p - y) / (n · outputs)` (sigmoid), which is stable where the chained gradient would
    /// divide by a vanishing probability.
    pub fn fused_gradient(&self, y_true: ArrayView2<f32>, y_pred: ArrayView2<f32>, mut d: ArrayViewMut2<f32>) {
        let (n, width) = y_pred.dim();
        match self {
            Loss::SparseCategoricalCrossentropy { .. } => {
                let inv_n = 1.0 / n as f32;
                for ((t, p), mut g) in y_true.rows().into_iter().zip(y_pred.rows()).zip(d.rows_mut()) {
                    let label = t[0] as usize;
                    for k in 0..width {
                        g[k] = (p[k] - f32::from(k == label)) * inv_n;
                    }
                }
            }
            Loss::CategoricalCrossentropy { .. } => {
                // d/dz of -sum y log softmax(z) is softmax(z) · sum(y) - y: `p - y` only when
                // the targets of the row sum to 1 (one-hot, label smoothing).
                let inv_n = 1.0 / n as f32;
                for ((t, p), mut g) in y_true.rows().into_iter().zip(y_pred.rows()).zip(d.rows_mut()) {
                    let ysum: f32 = t.sum();
                    for k in 0..width {
                        g[k] = (p[k] * ysum - t[k]) * inv_n;
                    }
                }
            }
            // Binary cross-entropy after a sigmoid (no other loss fuses).
            _ => {
                let scale = 1.0 / (n * width) as f32;
                Zip::from(&mut d).and(&y_true).and(&y_pred).for_each(|g, &t, &p| *g = (p - t) * scale)
            }
        }
    }
}

/// The derivative of `|x|` as JAX takes it: 1 for `x >= 0` (0 and -0 included), -1 below.
fn abs_derivative(x: f32) -> f32 {
    if x >= 0.0 { 1.0 } else { -1.0 }
}
