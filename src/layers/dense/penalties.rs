//! Dense's regularizers and constraints: builder methods, validation, the activity penalty
//! of the last output and the projection after an optimizer step.

use ndarray::ArrayView2;

use super::{Dense, DenseConfig};
use crate::activations::Activation;
use crate::constraints::Constraint;
use crate::error::Result;
use crate::layers::Buffer;
use crate::regularizers::Regularizer;

impl Dense {
    /// Adds `regularizer`'s penalty on the kernel to the loss (default none).
    pub fn kernel_regularizer(mut self, regularizer: Regularizer) -> Self {
        self.config.kernel_regularizer = Some(regularizer);
        self
    }

    /// Adds `regularizer`'s penalty on the bias to the loss (default none).
    pub fn bias_regularizer(mut self, regularizer: Regularizer) -> Self {
        self.config.bias_regularizer = Some(regularizer);
        self
    }

    /// Adds `regularizer`'s penalty on the layer output, divided by the batch size, to the
    /// loss (default none). Turns off the fused sigmoid/softmax + cross-entropy gradient.
    pub fn activity_regularizer(mut self, regularizer: Regularizer) -> Self {
        self.config.activity_regularizer = Some(regularizer);
        self
    }

    /// Projects the kernel onto `constraint` after every optimizer step (default none).
    pub fn kernel_constraint(mut self, constraint: Constraint) -> Self {
        self.config.kernel_constraint = Some(constraint);
        self
    }

    /// Projects the bias onto `constraint` after every optimizer step (default none).
    pub fn bias_constraint(mut self, constraint: Constraint) -> Self {
        self.config.bias_constraint = Some(constraint);
        self
    }

    /// The activity penalty of the last forward's output (0 without an activity regularizer).
    pub(super) fn output_activity_penalty(&self) -> f32 {
        let Some(r) = self.config.activity_regularizer else { return 0.0 };
        r.activity_penalty(output(&self.config, &self.z, &self.a))
    }

    /// Applies the kernel and bias constraints in place.
    pub(super) fn project_weights(&mut self) {
        if let Some(c) = self.config.kernel_constraint {
            c.apply(self.kernel.view_mut().into_dyn());
        }
        if let Some(c) = self.config.bias_constraint.filter(|_| self.config.use_bias) {
            c.apply(self.bias.view_mut().into_dyn());
        }
    }
}

/// The layer output of the last forward: `z` for a linear activation, else `a`.
pub(super) fn output<'a>(config: &DenseConfig, z: &'a Buffer, a: &'a Buffer) -> ArrayView2<'a, f32> {
    if config.activation == Activation::Linear { z.view() } else { a.view() }
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
