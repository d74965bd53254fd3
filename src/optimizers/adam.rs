//! Adam, with Keras 3's update (epsilon added to `sqrt(v)`, not to the bias-corrected root).

use super::allowed::Positive;
use super::base::shape_slot;
use super::declare::optimizer;
use crate::layers::Param;

optimizer! {
    /// Adam. Keras defaults: `learning_rate = 0.001`, `beta_1 = 0.9`, `beta_2 = 0.999`,
    /// `epsilon = 1e-7`, `amsgrad = false`.
    ///
    /// Step `t = 1, 2, ...`: `m += (g - m)(1 - β1)`, `v += (g² - v)(1 - β2)`,
    /// `α = lr √(1 - β2^t) / (1 - β1^t)`, `w -= α m / (√v + ε)` (with AMSGrad, `v` is replaced
    /// by its running maximum).
    Adam {
        learning_rate: 0.001,
        slots: ["m", "v", "v_hat"],
        /// Decay of the first moment.
        beta_1: f32 = 0.9 in 0.0..1.0;
        /// Decay of the second moment.
        beta_2: f32 = 0.999 in 0.0..1.0;
        /// Added to `√v` for stability.
        epsilon: f32 = 1e-7 in Positive;
        /// Use the AMSGrad variant.
        amsgrad: bool = false;
    }
}

impl Adam {
    fn update(&mut self, params: &mut [Param<'_>]) {
        // The bias-corrected rate of step t = 1, 2, ...
        let t = (self.base.iterations + 1) as f32;
        let (b1, b2, eps) = (self.beta_1, self.beta_2, self.epsilon);
        let alpha = self.base.learning_rate * (1.0 - b2.powf(t)).sqrt() / (1.0 - b1.powf(t));
        let step = Step { b1, b2, alpha, eps };
        let [m, v, v_hat] = &mut self.slots;
        shape_slot(m, params, 0.0);
        shape_slot(v, params, 0.0);
        if self.amsgrad {
            shape_slot(v_hat, params, 0.0);
        }
        for (i, p) in params.iter_mut().enumerate() {
            let (m, v) = (&mut m[i][..], &mut v[i][..]);
            if self.amsgrad {
                moments(p.grad, m, v, b1, b2);
                let vh = &mut v_hat[i];
                vh.iter_mut().zip(v.iter()).for_each(|(h, &x)| *h = h.max(x));
                for ((w, &mj), &vj) in p.value.iter_mut().zip(m.iter()).zip(vh.iter()) {
                    *w -= (mj * alpha) / (vj.sqrt() + eps);
                }
            } else {
                fused_update(p.value, p.grad, m, v, step);
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

/// The factors of one Adam step: the decays β1 and β2, the bias-corrected rate α, ε.
#[derive(Debug, Clone, Copy)]
struct Step {
    b1: f32,
    b2: f32,
    alpha: f32,
    eps: f32,
}

/// The whole Adam update in one pass over memory (moments, then the weight), with the same
/// operations in the same order as the two-pass form, so the results are identical.
fn fused_update(w: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32], h: Step) {
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
fn fused_update_avx512(w: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32], h: Step) {
    fused_update_portable(w, g, m, v, h);
}

#[inline(always)]
fn fused_update_portable(w: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32], h: Step) {
    let Step { b1, b2, alpha, eps } = h;
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
