//! Criterion benches of the training kernels at the W1 and W2 shapes: Dense forward and
//! backward (batch 32: 13→64→32→1; batch 256: 32→256→256→1), the Adam step over each
//! model's parameters, the MSE loss and its gradient, and the raw matmul with and without a
//! transposed operand. Run: `cargo bench --bench kernels` (FTZ/DAZ on, one thread, as `fit`).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kerust::kernels::{FlushDenormals, matmul};
use kerust::layers::Param;
use kerust::prelude::*;
use ndarray::Array2;
use ndarray::linalg::general_mat_mul;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// (name, batch, layer widths) of the two workloads.
const SHAPES: [(&str, usize, &[usize]); 2] = [("w1", 32, &[13, 64, 32, 1]), ("w2", 256, &[32, 256, 256, 1])];

fn filled(rows: usize, cols: usize) -> Array2<f32> {
    Array2::from_shape_fn((rows, cols), |(i, j)| ((i * 31 + j * 17) % 23) as f32 / 23.0 - 0.4)
}

fn dense_layers(c: &mut Criterion) {
    let _ftz = FlushDenormals::enable();
    let mut group = c.benchmark_group("dense");
    for (name, batch, widths) in SHAPES {
        for pair in widths.windows(2) {
            let (inputs, units) = (pair[0], pair[1]);
            let relu = units > 1;
            let mut layer = Dense::new(units).input_dim(inputs);
            if relu {
                layer = layer.activation(Activation::Relu);
            }
            layer.build(inputs, &mut ChaCha8Rng::seed_from_u64(0)).unwrap();
            let (x, dout) = (filled(batch, inputs), filled(batch, units));
            let id = format!("{name}/{batch}x{inputs}->{units}");
            group.throughput(Throughput::Elements((2 * batch * inputs * units) as u64));
            group.bench_function(BenchmarkId::new("forward", &id), |b| {
                b.iter(|| black_box(layer.forward(black_box(x.view()), true).len()))
            });
            group.throughput(Throughput::Elements((4 * batch * inputs * units) as u64));
            group.bench_function(BenchmarkId::new("backward", &id), |b| {
                layer.forward(x.view(), true);
                b.iter(|| black_box(layer.backward(black_box(dout.view())).len()))
            });
        }
    }
}

fn adam_step(c: &mut Criterion) {
    let _ftz = FlushDenormals::enable();
    for (name, _, widths) in SHAPES {
        let mut tensors: Vec<(Vec<f32>, Vec<f32>)> = widths
            .windows(2)
            .flat_map(|p| [(p[0] * p[1]), p[1]])
            .map(|n| ((0..n).map(|i| (i % 7) as f32 * 0.01).collect(), (0..n).map(|i| (i % 5) as f32 * 1e-3).collect()))
            .collect();
        let total: usize = tensors.iter().map(|t| t.0.len()).sum();
        let mut adam = Adam::new(1e-3);
        let mut group = c.benchmark_group("adam");
        group.throughput(Throughput::Elements(total as u64));
        group.bench_function(BenchmarkId::new("step", format!("{name}/{total}")), |b| {
            b.iter(|| {
                let mut params: Vec<Param<'_>> = tensors.iter_mut().map(|(v, g)| Param { value: v, grad: g }).collect();
                adam.apply(&mut params);
            })
        });
    }
}

fn mse_loss(c: &mut Criterion) {
    let mut group = c.benchmark_group("loss");
    for (name, batch, _) in SHAPES {
        let (y, p) = (filled(batch, 1), filled(batch, 1) * 1.5);
        let mut d = Array2::zeros((batch, 1));
        group.bench_function(BenchmarkId::new("mse", name), |b| {
            b.iter(|| black_box(Loss::MeanSquaredError.compute(y.view(), p.view())))
        });
        group.bench_function(BenchmarkId::new("mse_gradient", name), |b| {
            b.iter(|| Loss::MeanSquaredError.gradient(y.view(), p.view(), d.view_mut()))
        });
    }
}

fn raw_matmul(c: &mut Criterion) {
    let mut group = c.benchmark_group("matmul");
    for &(m, k, n) in
        &[(32, 13, 64), (32, 64, 32), (32, 32, 1), (256, 32, 256), (256, 256, 256), (256, 256, 1), (256, 1, 256)]
    {
        let (a, b_mat, bt) = (filled(m, k), filled(k, n), filled(n, k));
        let mut out = Array2::zeros((m, n));
        group.throughput(Throughput::Elements((2 * m * n * k) as u64));
        group.bench_function(BenchmarkId::new("nn", format!("{m}x{k}x{n}")), |b| {
            b.iter(|| matmul(out.view_mut(), a.view(), b_mat.view()))
        });
        group.bench_function(BenchmarkId::new("nt", format!("{m}x{k}x{n}")), |b| {
            b.iter(|| matmul(out.view_mut(), a.view(), bt.t()))
        });
        if 2 * m * n * k >= kerust::kernels::PARALLEL_MIN_FLOPS {
            // The same product split over a private pool of two threads.
            let compute = kerust::kernels::ComputeThreads::new(2);
            group.bench_function(BenchmarkId::new("nn_2threads", format!("{m}x{k}x{n}")), |b| {
                b.iter(|| matmul(out.view_mut(), a.view(), b_mat.view()))
            });
            drop(compute);
        }
        // The alternative we replaced: ndarray's own product (the `matrixmultiply` crate).
        group.bench_function(BenchmarkId::new("ndarray_nn", format!("{m}x{k}x{n}")), |b| {
            b.iter(|| general_mat_mul(1.0, &a, &b_mat, 0.0, &mut out))
        });
    }
}

criterion_group!(benches, dense_layers, adam_step, mse_loss, raw_matmul);
criterion_main!(benches);
