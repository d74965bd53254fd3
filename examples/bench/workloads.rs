//! The benchmark workloads W1 and W2, defined exactly as in `bench/peers/bench_common.py`,
//! shared by the bench program, the criterion benches and the `tests/perf_*.rs` tests.

use std::path::Path;

use kerust::prelude::*;
use ndarray::{Array2, ArrayView2, s};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

/// One workload: the data, the architecture and the training settings.
pub struct Workload {
    /// Short name (`w1`, `w2`).
    pub id: &'static str,
    /// Human name, as the peer scripts write it.
    pub name: &'static str,
    /// Hidden layer widths (ReLU); the output is `Dense(1)`.
    pub hidden: Vec<usize>,
    /// Adam learning rate.
    pub lr: f32,
    /// Rows per step.
    pub batch_size: usize,
    /// Passes over the training rows.
    pub epochs: usize,
    /// The training rows, then the validation rows.
    pub train: Rows,
    pub val: Rows,
    /// Where the data came from.
    pub source: String,
}

/// Inputs (rows, features) and targets (rows, 1).
pub struct Rows {
    pub x: Array2<f32>,
    pub y: Array2<f32>,
}

/// The first `n_train` rows of `x` and `y` to train on, the others to validate with.
fn split(x: ArrayView2<f32>, y: ArrayView2<f32>, n_train: usize) -> (Rows, Rows) {
    let rows =
        |r: std::ops::Range<usize>| Rows { x: x.slice(s![r.clone(), ..]).to_owned(), y: y.slice(s![r, ..]).to_owned() };
    (rows(0..n_train), rows(n_train..x.nrows()))
}

impl Workload {
    /// Training flops per sample: 6 · Σ in·out over the Dense layers (forward + backward).
    pub fn flops_per_sample(&self) -> usize {
        let mut dims = vec![self.train.x.ncols()];
        dims.extend(&self.hidden);
        dims.push(1);
        6 * dims.windows(2).map(|w| w[0] * w[1]).sum::<usize>()
    }

    /// A fresh compiled model: Dense(h, relu)… → Dense(1), Adam(lr), mse.
    pub fn model(&self, seed: u64) -> Sequential {
        let mut model = Sequential::new().seed(seed);
        let mut width = self.train.x.ncols();
        for &h in &self.hidden {
            model.add(Dense::new(h).input_dim(width).activation(Activation::Relu));
            width = h;
        }
        model.add(Dense::new(1));
        model.compile(Adam::new(self.lr), Loss::MeanSquaredError, &[]).expect("valid workload model");
        model
    }

    /// The fit settings: per-epoch shuffle and validation on the held-out rows.
    pub fn fit_config(&self, seed: u64, threads: usize) -> FitConfig {
        FitConfig {
            epochs: self.epochs,
            batch_size: self.batch_size,
            validation_data: Some((self.val.x.clone(), self.val.y.clone())),
            seed: Some(seed),
            verbose: 0,
            threads: Some(threads),
            ..Default::default()
        }
    }
}

/// W1 "seed": Boston housing (506 rows, 13 features, MEDV last), MinMax-scaled with the
/// min/max of the first 404 rows (in f64, then f32, as the peers do); 404 train, 102 val.
pub fn w1(csv: &str) -> Workload {
    let rows: Vec<Vec<f64>> = csv
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|v| v.trim().parse().expect("numeric Boston CSV")).collect())
        .collect();
    let n_train = 404;
    let features = rows[0].len() - 1;
    let (mut lo, mut hi) = (vec![f64::INFINITY; features], vec![f64::NEG_INFINITY; features]);
    for r in &rows[..n_train] {
        for j in 0..features {
            lo[j] = lo[j].min(r[j]);
            hi[j] = hi[j].max(r[j]);
        }
    }
    let range: Vec<f64> = lo.iter().zip(&hi).map(|(l, h)| if h - l == 0.0 { 1.0 } else { h - l }).collect();
    let x = Array2::from_shape_fn((rows.len(), features), |(i, j)| ((rows[i][j] - lo[j]) / range[j]) as f32);
    let y = Array2::from_shape_fn((rows.len(), 1), |(i, _)| rows[i][features] as f32);
    let (train, val) = split(x.view(), y.view(), n_train);
    Workload {
        id: "w1",
        name: "seed (Boston housing)",
        hidden: vec![64, 32],
        lr: 0.01,
        batch_size: 32,
        epochs: 100,
        train,
        val,
        source: "data/boston_housing.csv".into(),
    }
}

/// W2 "large": 200,000 × 32 Friedman-style rows, first 90% train. `raw` is the peers' exact
/// data (`bench/w2_dump.py`: 200,000 rows of 33 little-endian f32, features then target);
/// without it the same formula is drawn from ChaCha8 (same distribution, other draws).
/// `rows` < 200,000 gives a smaller instance of the same workload (tests).
pub fn w2(raw: Option<&Path>, rows: usize) -> Workload {
    let features = 32;
    let (data, source) = match raw {
        Some(path) => {
            let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(bytes.len(), 200_000 * 33 * 4, "{}: expected 200000 x 33 f32", path.display());
            let all: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
            (all[..rows * 33].to_vec(), format!("{} (numpy default_rng(0), as the peers)", path.display()))
        }
        None => (friedman(rows, features), "ChaCha8(0) Friedman-style synthetic (not the peers' draws)".into()),
    };
    let table = Array2::from_shape_vec((rows, features + 1), data).expect("rows x 33");
    let (train, val) = split(table.slice(s![.., ..features]), table.slice(s![.., features..]), rows * 9 / 10);
    Workload {
        id: "w2",
        name: "large (synthetic Friedman-1 style, 200k x 32)",
        hidden: vec![256, 256],
        lr: 1e-3,
        batch_size: 256,
        epochs: 3,
        train,
        val,
        source,
    }
}

/// `y = 10 sin(π x0 x1) + 20 (x2 − ½)² + 10 x3 + 5 x4 + N(0, 1)`, `x ~ U(0, 1)`, row-major
/// with the target in the last column.
fn friedman(rows: usize, features: usize) -> Vec<f32> {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let mut out = Vec::with_capacity(rows * (features + 1));
    for _ in 0..rows {
        let x: Vec<f32> = (0..features).map(|_| rng.r#gen::<f32>()).collect();
        let noise: f64 = rng.sample(StandardNormal);
        let f =
            10.0 * (std::f32::consts::PI * x[0] * x[1]).sin() + 20.0 * (x[2] - 0.5).powi(2) + 10.0 * x[3] + 5.0 * x[4];
        out.extend(&x);
        out.push((f as f64 + noise) as f32);
    }
    out
}
