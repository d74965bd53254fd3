//! Dense's regularizers and constraints: builder methods, validation, the activity penalty
//! of the last output and the projection after an optimizer step.

use ndarray::ArrayViewMut1;

use super::{Dense, DenseConfig};
use crate::constraints::Constraint;
use crate::error::Result;
use crate::regularizers::Regularizer;
use crate::setters::setters;

impl Dense {
    setters! {
        /// Adds `regularizer`'s penalty on the kernel to the loss (default none).
        kernel_regularizer(regularizer: Regularizer) => config.kernel_regularizer = Some(regularizer);
        /// Adds `regularizer`'s penalty on the bias to the loss (default none).
        bias_regularizer(regularizer: Regularizer) => config.bias_regularizer = Some(regularizer);
        /// Adds `regularizer`'s penalty on the layer output, divided by the batch size, to the
        /// loss (default none). Turns off the fused sigmoid/softmax + cross-entropy gradient.
        activity_regularizer(regularizer: Regularizer) => config.activity_regularizer = Some(regularizer);
        /// Projects the kernel onto `constraint` after every optimizer step (default none).
        kernel_constraint(constraint: Constraint) => config.kernel_constraint = Some(constraint);
        /// Projects the bias onto `constraint` after every optimizer step (default none).
        bias_constraint(constraint: Constraint) => config.bias_constraint = Some(constraint);
    }

    /// The regularizer of the kernel and of the bias (if any), in `params_mut` order; empty
    /// (no allocation: the training step asks every time) when neither has one.
    pub(super) fn regularizers(&self) -> Vec<Option<Regularizer>> {
        let c = &self.config;
        if c.kernel_regularizer.is_none() && c.bias_regularizer.is_none() {
            return Vec::new();
        }
        [c.kernel_regularizer, c.bias_regularizer][..self.weight_count()].to_vec()
    }

    /// The activity penalty of the last forward's output (0 without an activity regularizer).
    pub(super) fn output_activity_penalty(&self) -> f32 {
        let Some(r) = self.config.activity_regularizer else { return 0.0 };
        r.activity_penalty(self.a.view())
    }

    /// Applies the kernel and bias constraints in place.
    pub(super) fn project_weights(&mut self) {
        if let Some(c) = self.config.kernel_constraint {
            c.apply(self.kernel.view_mut().into_dyn());
        }
        if let Some(c) = self.config.bias_constraint.filter(|_| self.config.use_bias) {
            c.apply(ArrayViewMut1::from(&mut self.bias[..]).into_dyn());
        }
    }
}

/// Checks the regularizer factors and constraint settings (at build time).
pub(super) fn validate(c: &DenseConfig) -> Result<()> {
    for r in [c.kernel_regularizer, c.bias_regularizer, c.activity_regularizer].into_iter().flatten() {
        r.validate()?;
    }
    if let Some(k) = c.kernel_constraint {
        k.validate(2)?;
    }
    if let Some(b) = c.bias_constraint {
        b.validate(1)?;
    }
    Ok(())
}
