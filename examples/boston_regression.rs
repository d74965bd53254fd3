//! The seed lesson of the Keras regression course, on the bundled Boston housing data:
//! hold out 20% of the rows, MinMax-scale (fit on the training rows only), train
//! Dense(64, relu) → Dense(32, relu) → Dense(1) with Adam(0.01) on MSE for 100 epochs with
//! `validation_split = 0.2`, then report RMSE and MAE on the held-out rows (MEDV, $1000s).
//! Data from `kerust::datasets` (provenance and the column-B caveat in `data/README.md`).
//!
//! Run: `cargo run --release --example boston_regression`

use kerust::prelude::*;

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
    let table = datasets::boston_housing();
    let (x, y) = table.features_target("MEDV")?;
    let (x_train, x_test, y_train, y_test) = train_test_split(&x, &y, 0.2, Some(42))?;
    let mut scaler = MinMaxScaler::new();
    let x_train = scaler.fit_transform(&x_train)?;
    let x_test = scaler.transform(&x_test)?;

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
    let rmse = root_mean_squared_error(&y_test, &pred)?;
    let mae = mean_absolute_error(&y_test, &pred)?;
    Ok(Report { rmse, mae, history })
}

#[allow(dead_code)] // unused when the lesson is included by the tests
fn main() -> Result<()> {
    let report = run(1)?;
    println!("\nHeld-out rows: RMSE {:.3}  MAE {:.3}  (MEDV, $1000s)", report.rmse, report.mae);
    Ok(())
}
