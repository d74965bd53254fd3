//! Activation functions, with Keras's names and defaults.
//!
//! Each activation has a forward (`z -> a`) and a backward (`dout -> dz`, given the cached
//! pre-activation `z` and output `a`). Softmax works on rows; every other one element-wise.
//!
//! ```
//! use kerust::activations::Activation;
//! let relu: Activation = "relu".parse().unwrap();
//! assert_eq!(relu, Activation::Relu);
//! assert_eq!(Activation::Sigmoid.name(), "sigmoid");
//! ```

use ndarray::{ArrayView2, ArrayViewMut2, Zip};
use serde::{Deserialize, Serialize};

use crate::names::named;

/// ELU's `alpha` (Keras default 1.0).
const ELU_ALPHA: f32 = 1.0;
/// SELU's constants, as in Keras (`keras.activations.selu`).
const SELU_ALPHA: f32 = 1.673_263_2;
const SELU_SCALE: f32 = 1.050_701;
/// `keras.activations.leaky_relu` default `negative_slope` (the LeakyReLU *layer* uses 0.3).
const LEAKY_RELU_SLOPE: f32 = 0.2;

/// An activation function. Parses from Keras's names (`"relu"`, `"swish"`, `"silu"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// Identity (Keras `"linear"`, the Dense default).
    #[default]
    Linear,
    /// `max(z, 0)`.
    Relu,
    /// `1 / (1 + e^-z)`.
    Sigmoid,
    /// Hyperbolic tangent.
    Tanh,
    /// Row-wise `e^z / sum(e^z)`, computed stably (max subtracted).
    Softmax,
    /// `z` if `z > 0`, else `alpha (e^z - 1)` with `alpha = 1`.
    Elu,
    /// `scale * elu(z, alpha)` with Keras's self-normalising constants.
    Selu,
    /// Exact GELU, `z Φ(z)` (Keras default `approximate=False`).
    Gelu,
    /// `z` if `z >= 0`, else `0.2 z` (Keras's `leaky_relu` activation default).
    LeakyRelu,
    /// `log(1 + e^z)`, computed stably.
    Softplus,
    /// `z * sigmoid(z)` (also called SiLU).
    Swish,
}

impl Activation {
    /// Every activation, for listings and exhaustive tests.
    pub const ALL: [Activation; 11] = [
        Activation::Linear,
        Activation::Relu,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Softmax,
        Activation::Elu,
        Activation::Selu,
        Activation::Gelu,
        Activation::LeakyRelu,
        Activation::Softplus,
        Activation::Swish,
    ];

    /// Writes `a = activation(z)`. `z` and `a`: (batch, units).
    pub fn forward(self, z: ArrayView2<f32>, mut a: ArrayViewMut2<f32>) {
        debug_assert_eq!(z.dim(), a.dim());
        if self == Activation::Softmax {
            for (zr, mut ar) in z.rows().into_iter().zip(a.rows_mut()) {
                let max = zr.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
                let mut sum = 0.0f32;
                for (o, &v) in ar.iter_mut().zip(zr.iter()) {
                    *o = (v - max).exp();
                    sum += *o;
                }
                ar.mapv_inplace(|v| v / sum);
            }
            return;
        }
        Zip::from(&mut a).and(&z).for_each(|o, &v| *o = self.apply(v));
    }

    /// Element-wise value; for softmax (a row operation) use [`Activation::forward`].
    fn apply(self, z: f32) -> f32 {
        match self {
            Activation::Linear | Activation::Softmax => z,
            Activation::Relu => z.max(0.0),
            Activation::Sigmoid => sigmoid(z),
            Activation::Tanh => z.tanh(),
            Activation::Elu => {
                if z > 0.0 {
                    z
                } else {
                    ELU_ALPHA * z.exp_m1()
                }
            }
            Activation::Selu => {
                if z > 0.0 {
                    SELU_SCALE * z
                } else {
                    SELU_SCALE * SELU_ALPHA * z.exp_m1()
                }
            }
            Activation::Gelu => 0.5 * z * (1.0 + libm::erff(z / std::f32::consts::SQRT_2)),
            Activation::LeakyRelu => {
                if z >= 0.0 {
                    z
                } else {
                    LEAKY_RELU_SLOPE * z
                }
            }
            Activation::Softplus => softplus(z),
            Activation::Swish => z * sigmoid(z),
        }
    }

    /// Turns `dout = dL/da` into `dz = dL/dz`, in place, given the cached `z` and `a`.
    /// All three: (batch, units).
    pub fn backward(self, z: ArrayView2<f32>, a: ArrayView2<f32>, mut d: ArrayViewMut2<f32>) {
        debug_assert_eq!(z.dim(), d.dim());
        match self {
            Activation::Linear => {}
            Activation::Softmax => {
                // dz_i = a_i (dout_i - sum_j dout_j a_j)
                for (ar, mut dr) in a.rows().into_iter().zip(d.rows_mut()) {
                    let dot: f32 = ar.iter().zip(dr.iter()).map(|(&p, &g)| p * g).sum();
                    Zip::from(&mut dr).and(&ar).for_each(|g, &p| *g = p * (*g - dot));
                }
            }
            _ => Zip::from(&mut d).and(&z).and(&a).for_each(|g, &zv, &av| *g *= self.derivative(zv, av)),
        }
    }

    /// `da/dz` of an element-wise activation, from the pre-activation `z` and output `a`.
    fn derivative(self, z: f32, a: f32) -> f32 {
        match self {
            Activation::Linear | Activation::Softmax => 1.0,
            // JAX's relu gradient at exactly 0 is 0; leaky_relu's `where(x >= 0, ..)` gives 1.
            Activation::Relu => f32::from(z > 0.0),
            Activation::Sigmoid => a * (1.0 - a),
            Activation::Tanh => 1.0 - a * a,
            Activation::Elu => {
                if z > 0.0 {
                    1.0
                } else {
                    a + ELU_ALPHA
                }
            }
            Activation::Selu => {
                if z > 0.0 {
                    SELU_SCALE
                } else {
                    a + SELU_SCALE * SELU_ALPHA
                }
            }
            Activation::Gelu => {
                let cdf = 0.5 * (1.0 + libm::erff(z / std::f32::consts::SQRT_2));
                let pdf = (-0.5 * z * z).exp() / (2.0 * std::f32::consts::PI).sqrt();
                cdf + z * pdf
            }
            Activation::LeakyRelu => {
                if z >= 0.0 {
                    1.0
                } else {
                    LEAKY_RELU_SLOPE
                }
            }
            Activation::Softplus => sigmoid(z),
            Activation::Swish => {
                let s = sigmoid(z);
                s + z * s * (1.0 - s)
            }
        }
    }
}

/// Logistic sigmoid; `exp` overflowing to infinity gives the correct limit 0.
pub(crate) fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// `log(1 + e^z)` without overflow: `max(z, 0) + log1p(e^-|z|)`.
pub(crate) fn softplus(z: f32) -> f32 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

named!(
    Activation,
    "activation",
    Linear = "linear" | "none" | "",
    Relu = "relu",
    Sigmoid = "sigmoid",
    Tanh = "tanh",
    Softmax = "softmax",
    Elu = "elu",
    Selu = "selu",
    Gelu = "gelu",
    LeakyRelu = "leaky_relu",
    Softplus = "softplus",
    Swish = "swish" | "silu"
);

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn names_round_trip() {
        for a in Activation::ALL {
            assert_eq!(a.name().parse::<Activation>().unwrap(), a);
        }
        assert_eq!("silu".parse::<Activation>().unwrap(), Activation::Swish);
        assert!("relux".parse::<Activation>().is_err());
    }

    #[test]
    fn softmax_is_stable_and_sums_to_one() {
        let z = array![[1000.0f32, 1000.0, -1000.0], [0.0, 1.0, 2.0]];
        let mut a = z.clone();
        Activation::Softmax.forward(z.view(), a.view_mut());
        assert!((a[[0, 0]] - 0.5).abs() < 1e-6 && a[[0, 2]] == 0.0);
        assert!((a.row(1).sum() - 1.0).abs() < 1e-6);
    }

    #[test]
    fn known_values() {
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert_eq!(softplus(1000.0), 1000.0);
        assert!((Activation::Gelu.apply(1.0) - 0.841_344_7).abs() < 1e-6);
        assert!((Activation::Selu.apply(-1.0) - (-1.111_330_7)).abs() < 1e-6);
        assert_eq!(Activation::LeakyRelu.apply(-1.0), -0.2);
    }
}
