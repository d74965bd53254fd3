//! Gradient clipping shared by every optimizer (Keras's `clipnorm`, `clipvalue`,
//! `global_clipnorm`; at most one may be set).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::layers::Param;

/// Gradient clipping settings; all off by default.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Clipping {
    /// Each gradient tensor is rescaled so that its L2 norm is at most this.
    pub clipnorm: Option<f32>,
    /// Each gradient element is clipped to `[-clipvalue, clipvalue]`.
    pub clipvalue: Option<f32>,
    /// All gradients together are rescaled so that their joint L2 norm is at most this.
    pub global_clipnorm: Option<f32>,
}

impl Clipping {
    /// Checks that at most one is set and that it is positive.
    pub fn validate(&self) -> Result<()> {
        let set = [self.clipnorm, self.clipvalue, self.global_clipnorm];
        if set.iter().filter(|v| v.is_some()).count() > 1 {
            return Err(Error::invalid(
                "clipnorm/clipvalue/global_clipnorm",
                format!("{:?}/{:?}/{:?}", self.clipnorm, self.clipvalue, self.global_clipnorm),
                "allow only one of the three to be set",
            ));
        }
        for (name, v) in
            [("clipnorm", self.clipnorm), ("clipvalue", self.clipvalue), ("global_clipnorm", self.global_clipnorm)]
        {
            if let Some(v) = v
                && !(v.is_finite() && v > 0.0)
            {
                return Err(Error::invalid(name, v, "must be a finite number > 0"));
            }
        }
        Ok(())
    }

    /// Clips the gradients in place.
    pub fn apply(&self, params: &mut [Param<'_>]) {
        if let Some(c) = self.clipvalue {
            for p in params.iter_mut() {
                p.grad.iter_mut().for_each(|g| *g = g.clamp(-c, c));
            }
        }
        if let Some(c) = self.clipnorm {
            for p in params.iter_mut() {
                let norm = l2(p.grad);
                // Keras: g * c / max(norm, c) — unchanged when the norm is within c.
                if norm > 0.0 {
                    let denom = norm.max(c);
                    p.grad.iter_mut().for_each(|g| *g = *g * c / denom);
                }
            }
        }
        if let Some(c) = self.global_clipnorm {
            let norm = params.iter().map(|p| l2(p.grad).powi(2)).sum::<f32>().sqrt();
            if norm > c {
                let scale = c / norm;
                params.iter_mut().for_each(|p| p.grad.iter_mut().for_each(|g| *g *= scale));
            }
        }
    }
}

fn l2(v: &[f32]) -> f32 {
    v.iter().map(|g| g * g).sum::<f32>().sqrt()
}
