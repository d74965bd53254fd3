//! Any bytes as a model file: `Sequential::from_bytes` and `TabularModel::load` (through a
//! file, as users load them) give a model or a typed error, never a panic; a model that loads
//! predicts on a row of zeros.
#![no_main]

use kerust::prelude::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok((mut model, _)) = Sequential::from_bytes(bytes)
        && let Some(width) = model.input_dim()
        && width < 10_000
    {
        let _ = model.predict(&ndarray::Array2::zeros((1, width)));
    }
    let path = std::env::temp_dir().join(format!("kerust-fuzz-model-{}.kerust", std::process::id()));
    if std::fs::write(&path, bytes).is_ok() {
        let _ = TabularModel::load(&path);
    }
});
