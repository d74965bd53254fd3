//! A Boston housing model using every activation plus BatchNormalization and Dropout, saved
//! and exported to ONNX: the fifth model `tools/check_onnx.py` checks.
//!
//! `cargo run --release --example onnx_every_activation -- OUT_DIR` writes
//! `OUT_DIR/model.kerust` and `OUT_DIR/model.onnx`.

use kerust::data::Unseen;
use kerust::prelude::*;

fn main() -> Result<()> {
    let out = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "every_activation".into()));
    std::fs::create_dir_all(&out).map_err(|source| Error::Io { path: out.clone(), source })?;
    let table = datasets::boston_housing();
    let spec = TabularSpec { epochs: 1, seed: Some(3), ..TabularSpec::default() };
    let mut model = spec.fit(&table, "MEDV")?.model;
    let (x, _) = model.preprocessor().transform(&table, Unseen::Error)?;
    let y = model.preprocessor().targets(&table)?;
    let mut network = Sequential::new().seed(5);
    network.add(Dense::new(12).input_dim(x.ncols()).activation(Activation::Relu));
    network.add(BatchNormalization::new());
    network.add(Dropout::new(0.2));
    for a in Activation::ALL {
        network.add(Dense::new(6).activation(a));
    }
    network.add(BatchNormalization::new());
    network.add(Dense::new(1));
    network.compile(Adam::new(0.01), Loss::MeanSquaredError, &[])?;
    network.fit(&x, &y, FitConfig { epochs: 20, verbose: 0, ..Default::default() })?;
    *model.network() = network;
    model.save(out.join("model.kerust"))?;
    model.to_onnx(out.join("model.onnx"))?;
    println!("{}", model.summary());
    Ok(())
}
