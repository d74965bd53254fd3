//! Loads a CSV into `(x, y)` and prints the time taken: the kerust side of
//! `bench/csv_vs_pandas.sh`.
//!
//! ```text
//! cargo run --release --example load_csv -- friedman_200k.csv y
//! ```

use std::time::Instant;

use kerust::data::Table;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: load_csv FILE.csv [TARGET]")?;
    let start = Instant::now();
    let table = Table::from_csv(&path)?;
    let target = match args.next() {
        Some(t) => t,
        None => table.columns().last().cloned().ok_or("the table has no columns")?,
    };
    let (x, y) = table.into_features_target(&target)?;
    let seconds = start.elapsed().as_secs_f64();
    let checksum: f64 = x.iter().map(|&v| f64::from(v)).sum::<f64>() + y.iter().map(|&v| f64::from(v)).sum::<f64>();
    println!(
        "kerust x={:?} y={:?} seconds={seconds:.4} f32_bytes={} checksum={checksum:.3}",
        x.dim(),
        y.dim(),
        (x.len() + y.len()) * 4
    );
    Ok(())
}
