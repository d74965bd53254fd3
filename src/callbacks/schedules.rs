//! Learning-rate schedules (Keras's `keras.optimizers.schedules`) and the
//! `LearningRateScheduler` callback that applies them.
//!
//! In Keras a schedule is given to the optimizer and evaluated at `optimizer.iterations`
//! (the number of steps taken before the current one); here the scheduler callback sets the
//! rate before each batch from the same step count, which is the same sequence. A per-epoch
//! closure `(epoch, lr) -> lr` is Keras's `LearningRateScheduler`. Either way the rate in
//! force at the end of each epoch is added to History as `learning_rate`.

use std::f64::consts::PI;

use super::{Callback, TrainContext};
use crate::error::Result;
use crate::model::Logs;

/// A learning rate as a function of the optimizer step (0-based).
pub trait LearningRateSchedule {
    /// The rate for the step that follows `step` completed steps.
    fn at(&self, step: u64) -> f32;
}

/// `initial · rate^(step / decay_steps)` (floored exponent when `staircase`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExponentialDecay {
    /// Rate at step 0.
    pub initial_learning_rate: f32,
    /// Steps per decay period.
    pub decay_steps: u64,
    /// Factor per period.
    pub decay_rate: f32,
    /// Decay in whole periods.
    pub staircase: bool,
}

impl LearningRateSchedule for ExponentialDecay {
    fn at(&self, step: u64) -> f32 {
        let mut p = step as f32 / self.decay_steps.max(1) as f32;
        if self.staircase {
            p = p.floor();
        }
        self.initial_learning_rate * self.decay_rate.powf(p)
    }
}

/// `values[0]` while `step <= boundaries[0]`, `values[1]` while `step <= boundaries[1]`, ...,
/// `values[n]` after the last boundary (`values` has one more entry than `boundaries`).
#[derive(Debug, Clone, PartialEq)]
pub struct PiecewiseConstantDecay {
    /// Increasing step boundaries.
    pub boundaries: Vec<u64>,
    /// One more value than boundaries.
    pub values: Vec<f32>,
}

impl LearningRateSchedule for PiecewiseConstantDecay {
    fn at(&self, step: u64) -> f32 {
        let i = self.boundaries.iter().take_while(|&&b| step > b).count();
        self.values.get(i).or(self.values.last()).copied().unwrap_or(0.0)
    }
}

/// Cosine decay from `initial` to `initial · alpha` over `decay_steps`, after an optional
/// linear warm-up from `initial` to `warmup_target` over `warmup_steps` (then the decay starts
/// from `warmup_target`), as Keras's `CosineDecay`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CosineDecay {
    /// Rate at step 0.
    pub initial_learning_rate: f32,
    /// Length of the decay.
    pub decay_steps: u64,
    /// Final rate as a fraction of the starting one (Keras default 0).
    pub alpha: f32,
    /// Rate reached at the end of the warm-up, if any.
    pub warmup_target: Option<f32>,
    /// Length of the warm-up (Keras default 0).
    pub warmup_steps: u64,
}

impl CosineDecay {
    /// Keras's defaults: no warm-up, `alpha = 0`.
    pub fn new(initial_learning_rate: f32, decay_steps: u64) -> Self {
        CosineDecay { initial_learning_rate, decay_steps, alpha: 0.0, warmup_target: None, warmup_steps: 0 }
    }
}

impl LearningRateSchedule for CosineDecay {
    fn at(&self, step: u64) -> f32 {
        let (start, step) = match self.warmup_target {
            Some(target) if self.warmup_steps > 0 => {
                if step < self.warmup_steps {
                    let done = step as f32 / self.warmup_steps as f32;
                    return self.initial_learning_rate + (target - self.initial_learning_rate) * done;
                }
                (target, step - self.warmup_steps)
            }
            _ => (self.initial_learning_rate, step),
        };
        let done = step.min(self.decay_steps) as f64 / self.decay_steps.max(1) as f64;
        let cosine = 0.5 * (1.0 + (PI * done).cos());
        start * ((1.0 - self.alpha as f64) * cosine + self.alpha as f64) as f32
    }
}

enum Rule {
    PerEpoch(Box<dyn FnMut(usize, f32) -> f32>),
    PerStep(Box<dyn LearningRateSchedule>),
}

/// Sets the learning rate from a schedule: per epoch from a closure `(epoch, lr) -> lr`
/// (Keras `LearningRateScheduler`), or per step from a [`LearningRateSchedule`].
pub struct LearningRateScheduler {
    rule: Rule,
}

impl LearningRateScheduler {
    /// Calls `schedule(epoch, current_lr)` before each epoch and uses its result.
    pub fn new(schedule: impl FnMut(usize, f32) -> f32 + 'static) -> Self {
        LearningRateScheduler { rule: Rule::PerEpoch(Box::new(schedule)) }
    }

    /// Sets `schedule.at(iterations)` before every optimizer step.
    pub fn from_schedule(schedule: impl LearningRateSchedule + 'static) -> Self {
        LearningRateScheduler { rule: Rule::PerStep(Box::new(schedule)) }
    }
}

impl Callback for LearningRateScheduler {
    fn on_epoch_begin(&mut self, ctx: &mut TrainContext<'_>, epoch: usize) -> Result<()> {
        if let Rule::PerEpoch(f) = &mut self.rule {
            let lr = f(epoch, ctx.learning_rate());
            ctx.set_learning_rate(lr)?;
        }
        Ok(())
    }

    fn on_train_batch_begin(&mut self, ctx: &mut TrainContext<'_>, _batch: usize) -> Result<()> {
        if let Rule::PerStep(s) = &self.rule {
            let lr = s.at(ctx.iterations());
            ctx.set_learning_rate(lr)?;
        }
        Ok(())
    }

    fn on_epoch_end(&mut self, ctx: &mut TrainContext<'_>, _epoch: usize, logs: &mut Logs) -> Result<()> {
        logs.set("learning_rate", ctx.learning_rate());
        Ok(())
    }
}
