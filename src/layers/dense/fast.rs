//! Dense's forward and backward as they run in training: the matrix products go to the
//! `gemm` kernels, and the bias, the activation and its mask are fused into single passes
//! over plain slices (which vectorize). `reference.rs` computes the same in plain loops; the
//! tests hold the two together.

use ndarray::ArrayView2;

use super::Dense;
use crate::activations::Activation;
use crate::kernels::matmul;

/// x: (batch, in) -> a = activation(x · kernel + bias): (batch, units).
///
/// Linear and ReLU finish in place on the product in `a`: one pass adds the bias and clamps.
/// ReLU keeps no `z`, since its mask `a > 0` equals `z > 0`. Other activations keep `z` for
/// their derivative.
pub(super) fn forward<'a>(layer: &'a mut Dense, x: ArrayView2<f32>, training: bool) -> ArrayView2<'a, f32> {
    let Dense { config, kernel, bias, input, z, a, .. } = layer;
    let (batch, units) = (x.nrows(), config.units);
    debug_assert_eq!(x.ncols(), kernel.nrows());
    if training {
        input.shape_mut(batch, x.ncols()).assign(&x); // (batch, in)
    }
    let activation = config.activation;
    let in_place = matches!(activation, Activation::Linear | Activation::Relu);
    let product = if in_place { &mut *a } else { &mut *z }; // (batch, units)
    matmul(product.shape_mut(batch, units), x, kernel.view());
    let rows = product.as_slice_mut();
    match (activation, bias.is_empty()) {
        (Activation::Relu, true) => rows.iter_mut().for_each(|v| *v = v.max(0.0)),
        (Activation::Relu, false) => each_row(rows, bias, |v, b| (v + b).max(0.0)),
        (_, false) => each_row(rows, bias, |v, b| v + b),
        (_, true) => {}
    }
    if !in_place {
        activation.forward(z.view(), a.shape_mut(batch, units));
    }
    a.view()
}

/// dout: (batch, units) -> dx: (batch, in); overwrites dkernel and dbias.
///
/// dz = dout ⊙ activation'(z), after adding the activity penalty's gradient to dout (Keras
/// puts that penalty on the layer output). When fused, dout already is dL/dz. Then
/// dbias = Σ_rows dz, dkernel = inputᵀ · dz, dx = dz · kernelᵀ.
pub(super) fn backward<'a>(layer: &'a mut Dense, dout: ArrayView2<f32>) -> ArrayView2<'a, f32> {
    let Dense { config, kernel, dkernel, dbias, input, z, a, dz, dx, fused, .. } = layer;
    let (batch, units) = dout.dim();
    let activation = if *fused { Activation::Linear } else { config.activation };
    // Every caller passes a buffer (standard layout); a strided view would be copied here.
    let dout_std = dout.as_standard_layout();
    let dout_rows = dout_std.as_slice().expect("a standard-layout array is one slice"); // (batch · units)
    dbias.fill(0.0);
    let dz: ArrayView2<f32> = match (activation, config.activity_regularizer) {
        // dz is dout itself: no copy.
        (Activation::Linear, None) => {
            add_rows(dbias, dout_rows);
            dout.view()
        }
        // Mask and sum the bias gradient while each row is still in L1.
        (Activation::Relu, None) => {
            dz.shape_mut(batch, units);
            let rows = dz.as_slice_mut().chunks_exact_mut(units);
            for ((drow, orow), arow) in rows.zip(dout_rows.chunks_exact(units)).zip(a.as_slice().chunks_exact(units)) {
                drow.iter_mut().zip(orow).zip(arow).for_each(|((d, &g), &av)| *d = relu_gradient(g, av));
                dbias.iter_mut().zip(drow.iter()).for_each(|(db, &g)| *db += g);
            }
            dz.view()
        }
        (activation, activity) => {
            let mut d = dz.shape_mut(batch, units);
            d.assign(&dout);
            if let Some(r) = activity {
                r.add_activity_gradient(a.view(), d.view_mut());
            }
            match activation {
                Activation::Linear => {}
                Activation::Relu => d.zip_mut_with(&a.view(), |g, &av| *g = relu_gradient(*g, av)),
                other => other.backward(z.view(), a.view(), d),
            }
            add_rows(dbias, dz.as_slice());
            dz.view()
        }
    };
    matmul(dkernel.view_mut(), input.view().t(), dz); // (in, units)
    if let Some(d) = dx.shape_mut(batch, kernel.nrows()) {
        matmul(d, dz, kernel.t()); // (batch, in)
    }
    dx.view()
}

/// ReLU's derivative applied to `g`, from the output `a` (`a > 0` exactly when `z > 0`).
fn relu_gradient(g: f32, a: f32) -> f32 {
    if a > 0.0 { g } else { 0.0 }
}

/// `row[j] = f(row[j], bias[j])` for every row of width `bias.len()`.
fn each_row(rows: &mut [f32], bias: &[f32], f: impl Fn(f32, f32) -> f32) {
    for row in rows.chunks_exact_mut(bias.len()) {
        row.iter_mut().zip(bias).for_each(|(v, &b)| *v = f(*v, b));
    }
}

/// `sums[j] += Σ_rows rows[r·n + j]` for rows of width `n = sums.len()` (no-op when empty).
fn add_rows(sums: &mut [f32], rows: &[f32]) {
    if sums.is_empty() {
        return;
    }
    for row in rows.chunks_exact(sums.len()) {
        sums.iter_mut().zip(row).for_each(|(s, &g)| *s += g);
    }
}
