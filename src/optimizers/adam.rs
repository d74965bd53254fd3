//! Adam, with Keras 3's update (epsilon added to `sqrt(v)`, not to the bias-corrected root).

use serde::{Deserialize, Serialize};

use super::clipping::clipping_builders;
use super::{
    Clipping, Optimizer, OptimizerConfig, check_learning_rate, check_positive, check_range, saved_slots, slots,
};
use crate::error::Result;
use crate::layers::Param;

/// Adam. Keras defaults: `learning_rate = 0.001`, `beta_1 = 0.9`, `beta_2 = 0.999`,
/// `epsilon = 1e-7`, `amsgrad = false`.
///
/// Step `t = 1, 2, ...`: `m += (g - m)(1 - β1)`, `v += (g² - v)(1 - β2)`,
/// `α = lr √(1 - β2^t) / (1 - β1^t)`, `w -= α m / (√v + ε)` (with AMSGrad, `v` is replaced
/// by its running maximum).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adam {
    /// Step size.
    pub learning_rate: f32,
    /// Decay of the first moment.
    pub beta_1: f32,
    /// Decay of the second moment.
    pub beta_2: f32,
    /// Added to `√v` for stability.
    pub epsilon: f32,
    /// Use the AMSGrad variant.
    pub amsgrad: bool,
    /// Gradient clipping.
    #[serde(flatten)]
    pub clipping: Clipping,
    #[serde(skip)]
    m: Vec<Vec<f32>>,
    #[serde(skip)]
    v: Vec<Vec<f32>>,
    #[serde(skip)]
    v_hat: Vec<Vec<f32>>,
    #[serde(skip)]
    iterations: u64,
}

impl Default for Adam {
    fn default() -> Self {
        Adam::new(0.001)
    }
}

impl Adam {
    /// Adam with this learning rate and Keras's other defaults.
    pub fn new(learning_rate: f32) -> Self {
        Adam {
            learning_rate,
            beta_1: 0.9,
            beta_2: 0.999,
            epsilon: 1e-7,
            amsgrad: false,
            clipping: Clipping::default(),
            m: Vec::new(),
            v: Vec::new(),
            v_hat: Vec::new(),
            iterations: 0,
        }
    }

    /// Sets `beta_1` (default 0.9).
    pub fn beta_1(mut self, beta_1: f32) -> Self {
        self.beta_1 = beta_1;
        self
    }

    /// Sets `beta_2` (default 0.999).
    pub fn beta_2(mut self, beta_2: f32) -> Self {
        self.beta_2 = beta_2;
        self
    }

    /// Sets `epsilon` (default 1e-7).
    pub fn epsilon(mut self, epsilon: f32) -> Self {
        self.epsilon = epsilon;
        self
    }

    /// Turns AMSGrad on or off (default off).
    pub fn amsgrad(mut self, amsgrad: bool) -> Self {
        self.amsgrad = amsgrad;
        self
    }

    pub(crate) fn fresh(&self) -> Self {
        Adam { m: Vec::new(), v: Vec::new(), v_hat: Vec::new(), iterations: 0, ..self.clone() }
    }
}

clipping_builders!(Adam);

impl Optimizer for Adam {
    fn learning_rate(&self) -> f32 {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f32) {
        self.learning_rate = learning_rate;
    }

    fn iterations(&self) -> u64 {
        self.iterations
    }

    fn apply(&mut self, params: &mut [Param<'_>]) {
        self.clipping.apply(params);
        slots(&mut self.m, params, 0.0);
        slots(&mut self.v, params, 0.0);
        if self.amsgrad {
            slots(&mut self.v_hat, params, 0.0);
        }
        let t = (self.iterations + 1) as f32;
        let (b1, b2, eps) = (self.beta_1, self.beta_2, self.epsilon);
        let alpha = self.learning_rate * (1.0 - b2.powf(t)).sqrt() / (1.0 - b1.powf(t));
        for (i, p) in params.iter_mut().enumerate() {
            let (m, v) = (&mut self.m[i][..], &mut self.v[i][..]);
            if self.amsgrad {
                moments(p.grad, m, v, b1, b2);
                let vh = &mut self.v_hat[i];
                vh.iter_mut().zip(v.iter()).for_each(|(h, &x)| *h = h.max(x));
                for ((w, &mj), &vj) in p.value.iter_mut().zip(m.iter()).zip(vh.iter()) {
                    *w -= (mj * alpha) / (vj.sqrt() + eps);
                }
            } else {
                fused_update(p.value, p.grad, m, v, [b1, b2, alpha, eps]);
            }
        }
        self.iterations += 1;
    }

    fn config(&self) -> OptimizerConfig {
        OptimizerConfig::Adam(self.fresh())
    }

    fn validate(&self) -> Result<()> {
        check_learning_rate(self.learning_rate)?;
        check_range("beta_1", self.beta_1, 0.0, 1.0, false)?;
        check_range("beta_2", self.beta_2, 0.0, 1.0, false)?;
        check_positive("epsilon", self.epsilon)?;
        self.clipping.validate()
    }

    fn reset(&mut self) {
        *self = self.fresh();
    }

    fn state(&self) -> Vec<(&'static str, &[Vec<f32>])> {
        saved_slots([("m", &self.m[..]), ("v", &self.v[..]), ("v_hat", &self.v_hat[..])])
    }

    fn set_state(&mut self, iterations: u64, slots: Vec<(String, Vec<Vec<f32>>)>) {
        self.iterations = iterations;
        for (name, values) in slots {
            match name.as_str() {
                "m" => self.m = values,
                "v" => self.v = values,
                "v_hat" => self.v_hat = values,
                _ => {}
            }
        }
    }
}

/// `m += (g - m)(1 - β1)`, `v += (g² - v)(1 - β2)`, element-wise.
fn moments(g: &[f32], m: &mut [f32], v: &mut [f32], b1: f32, b2: f32) {
    for ((&g, m), v) in g.iter().zip(m.iter_mut()).zip(v.iter_mut()) {
        *m += (g - *m) * (1.0 - b1);
        *v += (g * g - *v) * (1.0 - b2);
    }
}

/// The whole Adam update in one pass over memory (moments, then the weight), with the same
/// operations in the same order as the two-pass form, so the results are identical.
/// `h` = `[β1, β2, α, ε]`.
fn fused_update(w: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32], h: [f32; 4]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU supports AVX-512F (checked just above).
        return unsafe { fused_update_avx512(w, g, m, v, h) };
    }
    fused_update_portable(w, g, m, v, h);
}

/// Compiled for AVX-512: sixteen lanes of sqrt and division per instruction. Without FMA
/// contraction (Rust never contracts), so every lane rounds as the portable loop does.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn fused_update_avx512(w: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32], h: [f32; 4]) {
    fused_update_portable(w, g, m, v, h);
}

#[inline(always)]
fn fused_update_portable(w: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32], [b1, b2, alpha, eps]: [f32; 4]) {
    let n = w.len();
    let (g, m, v) = (&g[..n], &mut m[..n], &mut v[..n]);
    for j in 0..n {
        let gj = g[j];
        let mj = m[j] + (gj - m[j]) * (1.0 - b1);
        let vj = v[j] + (gj * gj - v[j]) * (1.0 - b2);
        m[j] = mj;
        v[j] = vj;
        w[j] -= (mj * alpha) / (vj.sqrt() + eps);
    }
}
