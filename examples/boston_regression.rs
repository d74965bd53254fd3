//! The seed lesson of the Keras regression course, on the bundled Boston housing data:
//! hold out 20% of the rows, MinMax-scale (fit on the training rows only), train
//! Dense(64, relu) → Dense(32, relu) → Dense(1) with Adam(0.01) on MSE for 100 epochs with
//! `validation_split = 0.2`, then report RMSE and MAE on the held-out rows (MEDV, $1000s).
//!
//! Run: `cargo run --release --example boston_regression`

use kerust::prelude::*;
use ndarray::{Array2, Axis};
use rand::SeedableRng;
use rand::seq::SliceRandom;

/// The data, embedded so the lesson runs anywhere (provenance: data/README.md).
const BOSTON: &str = include_str!("../data/boston_housing.csv");

/// What the lesson reports.
pub struct Report {
    /// RMSE on the held-out rows.
    pub rmse: f64,
    /// MAE on the held-out rows.
    pub mae: f64,
    /// The training history.
    pub history: History,
}

/// Runs the whole lesson; `verbose` as in `FitConfig`.
pub fn run(verbose: u8) -> Result<Report> {
    let (x, y) = load();
    let (x_train, x_test, y_train, y_test) = split(&x, &y, 0.2, 42);
    let (lo, hi) = min_max(&x_train);
    let x_train = scale(&x_train, &lo, &hi);
    let x_test = scale(&x_test, &lo, &hi);

    let mut model = Sequential::new().seed(42);
    model.add(Dense::new(64).input_dim(x.ncols()).activation(Activation::Relu));
    model.add(Dense::new(32).activation(Activation::Relu));
    model.add(Dense::new(1));
    model.compile(Adam::new(0.01), Loss::MeanSquaredError, &[Metric::MeanAbsoluteError])?;
    if verbose > 0 {
        println!("{}", model.summary());
    }
    let config = FitConfig { epochs: 100, validation_split: 0.2, verbose, ..Default::default() };
    let history = model.fit(&x_train, &y_train, config)?;

    let pred = model.predict(&x_test)?;
    let n = pred.len() as f64;
    let errors: Vec<f64> = pred.iter().zip(y_test.iter()).map(|(&p, &t)| (p - t) as f64).collect();
    let rmse = (errors.iter().map(|e| e * e).sum::<f64>() / n).sqrt();
    let mae = errors.iter().map(|e| e.abs()).sum::<f64>() / n;
    Ok(Report { rmse, mae, history })
}

/// The 13 features and MEDV from the embedded CSV (numbers only, header skipped).
fn load() -> (Array2<f32>, Array2<f32>) {
    let rows: Vec<Vec<f32>> = BOSTON
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        // The embedded file is fixed and checked by a test, so every cell parses.
        .map(|l| l.split(',').map(|v| v.parse().expect("embedded data is numeric")).collect())
        .collect();
    let table = Array2::from_shape_vec((rows.len(), 14), rows.concat()).expect("14 columns per row");
    let x = table.slice(ndarray::s![.., ..13]).to_owned();
    let y = table.slice(ndarray::s![.., 13..]).to_owned();
    (x, y)
}

/// A seeded shuffle, then the last `test_size` fraction of the shuffled rows held out.
fn split(
    x: &Array2<f32>,
    y: &Array2<f32>,
    test_size: f64,
    seed: u64,
) -> (Array2<f32>, Array2<f32>, Array2<f32>, Array2<f32>) {
    let mut order: Vec<usize> = (0..x.nrows()).collect();
    order.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(seed));
    let n_test = (x.nrows() as f64 * test_size).ceil() as usize;
    let (test, train) = order.split_at(n_test);
    (x.select(Axis(0), train), x.select(Axis(0), test), y.select(Axis(0), train), y.select(Axis(0), test))
}

fn min_max(x: &Array2<f32>) -> (Vec<f32>, Vec<f32>) {
    let lo = x.columns().into_iter().map(|c| c.fold(f32::INFINITY, |a, &b| a.min(b))).collect();
    let hi = x.columns().into_iter().map(|c| c.fold(f32::NEG_INFINITY, |a, &b| a.max(b))).collect();
    (lo, hi)
}

fn scale(x: &Array2<f32>, lo: &[f32], hi: &[f32]) -> Array2<f32> {
    Array2::from_shape_fn(x.dim(), |(i, j)| {
        let range = if hi[j] > lo[j] { hi[j] - lo[j] } else { 1.0 };
        (x[[i, j]] - lo[j]) / range
    })
}

#[allow(dead_code)] // unused when the lesson is included by the tests
fn main() -> Result<()> {
    let report = run(1)?;
    println!("\nHeld-out rows: RMSE {:.3}  MAE {:.3}  (MEDV, $1000s)", report.rmse, report.mae);
    Ok(())
}
