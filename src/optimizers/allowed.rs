//! The values a hyper-parameter may take, written beside its declaration in `optimizer!`
//! (`beta_1: f32 = 0.9 in 0.0..1.0;`) and checked by `compile`.

use std::ops::{Range, RangeFrom, RangeInclusive};

use crate::error::{Error, Result};

/// A set of allowed values.
pub(crate) trait Allowed {
    /// Errors, naming the hyper-parameter and the rule, unless `v` is allowed.
    fn check(&self, name: &'static str, v: f32) -> Result<()>;
}

/// Finite and strictly positive (an epsilon).
pub(crate) struct Positive;

impl Allowed for Positive {
    fn check(&self, name: &'static str, v: f32) -> Result<()> {
        if v.is_finite() && v > 0.0 { Ok(()) } else { Err(Error::invalid(name, v, "must be a finite number > 0")) }
    }
}

/// `lo..`: finite and at least `lo` (a learning rate, a starting accumulator).
impl Allowed for RangeFrom<f32> {
    fn check(&self, name: &'static str, v: f32) -> Result<()> {
        if v.is_finite() && v >= self.start {
            Ok(())
        } else {
            Err(Error::invalid(name, v, format!("must be a finite number >= {}", self.start)))
        }
    }
}

/// `lo..hi`: a decay, in `[lo, hi)`.
impl Allowed for Range<f32> {
    fn check(&self, name: &'static str, v: f32) -> Result<()> {
        if self.contains(&v) {
            Ok(())
        } else {
            Err(Error::invalid(name, v, format!("must be in [{}, {})", self.start, self.end)))
        }
    }
}

/// `lo..=hi`: a momentum, in `[lo, hi]`.
impl Allowed for RangeInclusive<f32> {
    fn check(&self, name: &'static str, v: f32) -> Result<()> {
        if self.contains(&v) {
            Ok(())
        } else {
            Err(Error::invalid(name, v, format!("must be in [{}, {}]", self.start(), self.end())))
        }
    }
}
