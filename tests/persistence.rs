//! The model file: round trips, the safetensors layout, hostile files, atomic saves.

use kerust::prelude::*;
use ndarray::Array2;
use proptest::prelude::*;

fn data() -> (Array2<f32>, Array2<f32>) {
    let x = Array2::from_shape_fn((40, 3), |(i, j)| ((i * 7 + j * 5) % 13) as f32 / 13.0);
    let y = Array2::from_shape_fn((40, 1), |(i, _)| x.row(i).sum());
    (x, y)
}

fn trained(act: Activation, opt: OptimizerConfig) -> Sequential {
    let (x, y) = data();
    let mut m = Sequential::new().seed(3);
    m.add(Dense::new(6).input_dim(3).activation(act));
    m.add(Dense::new(4).activation(Activation::Tanh).use_bias(false));
    m.add(Dense::new(1));
    m.compile(opt, Loss::MeanSquaredError, &[Metric::MeanAbsoluteError]).unwrap();
    m.fit(&x, &y, FitConfig { epochs: 3, batch_size: 8, verbose: 0, ..Default::default() }).unwrap();
    m
}

#[test]
fn round_trip_every_activation_and_optimizer() {
    let dir = tempfile::tempdir().unwrap();
    let (x, _) = data();
    for (k, act) in Activation::ALL.into_iter().enumerate() {
        for opt in ["sgd", "adam", "rmsprop", "adagrad"] {
            let mut m = trained(act, opt.parse().unwrap());
            let path = dir.path().join(format!("m{k}-{opt}.kerust"));
            m.save(&path).unwrap();
            let mut back = Sequential::load(&path).unwrap();
            assert_eq!(back.get_weights(), m.get_weights(), "{act}/{opt}");
            assert_eq!(back.layer_configs().unwrap(), m.layer_configs().unwrap());
            assert_eq!(back.optimizer_config(), m.optimizer_config());
            assert_eq!(back.loss(), m.loss());
            assert_eq!(back.metrics(), m.metrics());
            assert_eq!(back.predict(&x).unwrap(), m.predict(&x).unwrap(), "bit-identical predictions");
            assert_eq!(back.summary(), m.summary());
        }
    }
}

/// A trained model saved as `m.kerust` in a fresh folder (removed when the guard drops).
fn saved(act: Activation, opt: &str) -> (tempfile::TempDir, std::path::PathBuf, Sequential) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.kerust");
    let model = trained(act, opt.parse().unwrap());
    model.save(&path).unwrap();
    (dir, path, model)
}

#[test]
fn file_follows_the_safetensors_layout() {
    let (_dir, path, m) = saved(Activation::Relu, "adam");
    let bytes = std::fs::read(&path).unwrap();
    // 8-byte little-endian header length, a JSON header, then the raw tensor bytes.
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    let data_len = bytes.len() - 8 - n;
    let kernel = &header["layers.0.kernel"];
    assert_eq!(kernel["dtype"], "F32");
    assert_eq!(kernel["shape"], serde_json::json!([3, 6]));
    let offsets: Vec<usize> = header
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| *k != "__metadata__")
        .flat_map(|(_, v)| v["data_offsets"].as_array().unwrap().iter().map(|o| o.as_u64().unwrap() as usize))
        .collect();
    assert_eq!(*offsets.iter().max().unwrap(), data_len, "tensors fill the data section");
    let meta: serde_json::Value = serde_json::from_str(header["__metadata__"]["kerust"].as_str().unwrap()).unwrap();
    assert_eq!(meta["format_version"], 1);
    assert_eq!(meta["layers"][0]["class_name"], "Dense");
    // The kernel bytes are the weights, little-endian f32, row-major (in, out).
    let start = kernel["data_offsets"][0].as_u64().unwrap() as usize + 8 + n;
    let first = f32::from_le_bytes(bytes[start..start + 4].try_into().unwrap());
    assert_eq!(first, m.get_weights()[0][[0, 0]]);
}

fn saved_bytes() -> Vec<u8> {
    let (_dir, path, _) = saved(Activation::Relu, "sgd");
    std::fs::read(path).unwrap()
}

#[test]
fn truncated_at_every_offset_is_an_error() {
    let bytes = saved_bytes();
    for cut in 0..bytes.len() {
        assert!(Sequential::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    assert!(Sequential::from_bytes(&bytes).is_ok());
}

/// Rewrites the header of a saved model with `edit` applied to its JSON.
fn with_header(edit: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
    let bytes = saved_bytes();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let mut header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    edit(&mut header);
    let text = serde_json::to_string(&header).unwrap();
    let mut out = (text.len() as u64).to_le_bytes().to_vec();
    out.extend(text.as_bytes());
    out.extend(&bytes[8 + n..]);
    out
}

fn edit_meta(edit: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
    with_header(|h| {
        let mut meta: serde_json::Value = serde_json::from_str(h["__metadata__"]["kerust"].as_str().unwrap()).unwrap();
        edit(&mut meta);
        h["__metadata__"]["kerust"] = serde_json::Value::String(meta.to_string());
    })
}

/// The file is refused with a typed [`Error::ModelFile`] whose reason contains `needle`.
fn expect_error(bytes: &[u8], needle: &str) {
    assert!(!needle.is_empty(), "an empty needle matches any message");
    let err = Sequential::from_bytes(bytes).err().unwrap_or_else(|| panic!("accepted a bad file ({needle})"));
    assert!(matches!(&err, Error::ModelFile { reason, .. } if reason.contains(needle)), "{err:?}");
}

#[test]
fn hostile_headers() {
    // A tensor claiming 1 TB.
    expect_error(
        &with_header(|h| h["layers.0.kernel"]["shape"] = serde_json::json!([1u64 << 38, 1024])),
        "not a valid model file",
    );
    // A header length far beyond the file.
    let mut huge = saved_bytes();
    huge[..8].copy_from_slice(&(1u64 << 40).to_le_bytes());
    expect_error(&huge, "not a valid model file");
    // Wrong dtype (same byte count).
    expect_error(&with_header(|h| h["layers.0.kernel"]["dtype"] = "I32".into()), "dtype");
    // Shapes inconsistent with the config (same element count).
    expect_error(&with_header(|h| h["layers.0.kernel"]["shape"] = serde_json::json!([6, 3])), "shape");
    // Config inconsistent with the tensors.
    expect_error(&edit_meta(|m| m["layers"][0]["config"]["units"] = 7.into()), "shape");
    expect_error(
        &edit_meta(|m| m["layers"][0]["config"]["units"] = serde_json::json!(u64::MAX)),
        "layer 0 is too large",
    );
    // Unknown layer type.
    expect_error(&edit_meta(|m| m["layers"][0]["class_name"] = "Conv2D".into()), "bad metadata");
    // Bad JSON in the metadata.
    expect_error(&with_header(|h| h["__metadata__"]["kerust"] = "{not json".into()), "bad metadata JSON");
    // A newer format.
    let err = Sequential::from_bytes(&edit_meta(|m| m["format_version"] = 99.into())).err().unwrap();
    assert!(matches!(err, Error::UnsupportedVersion { found: 99, supported: 1 }), "{err}");
    assert!(err.to_string().contains("99") && err.to_string().contains("1"));
    // A safetensors file from elsewhere.
    expect_error(
        &with_header(|h| h.as_object_mut().unwrap().remove("__metadata__").map(|_| ()).unwrap()),
        "no kerust metadata",
    );
    // A missing tensor.
    expect_error(&edit_meta(|m| m["layers"][1]["config"]["use_bias"] = true.into()), "missing");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Sequential::from_bytes(&bytes);
    }

    #[test]
    fn flipped_bytes_never_panic(pos in 0usize..4096, value in any::<u8>()) {
        let mut bytes = saved_bytes();
        let pos = pos % bytes.len();
        bytes[pos] = value;
        let _ = Sequential::from_bytes(&bytes);
    }
}

#[test]
fn a_failed_save_leaves_the_old_file_intact() {
    let (dir, path, good) = saved(Activation::Relu, "adam");
    // Inject a write failure: the temp file's name is taken by a folder.
    let tmp = dir.path().join(format!(".m.kerust.tmp-{}", std::process::id()));
    std::fs::create_dir(&tmp).unwrap();
    let other = trained(Activation::Tanh, "sgd".parse().unwrap());
    assert!(other.save(&path).is_err());
    let back = Sequential::load(&path).unwrap();
    assert_eq!(back.get_weights(), good.get_weights());
}

#[test]
fn missing_file_names_it() {
    let err = Sequential::load("/nonexistent/model.kerust").err().unwrap();
    assert!(err.to_string().contains("/nonexistent/model.kerust"), "{err}");
}

#[test]
fn resuming_from_a_file_continues_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let (x, y) = data();
    for opt in ["sgd", "adam", "rmsprop", "adagrad"] {
        let config: OptimizerConfig = opt.parse().unwrap();
        let config = match config {
            OptimizerConfig::Sgd(s) => OptimizerConfig::Sgd(s.momentum(0.9)),
            OptimizerConfig::Adam(a) => OptimizerConfig::Adam(a.amsgrad(true)),
            OptimizerConfig::RMSprop(r) => OptimizerConfig::RMSprop(r.centered(true).momentum(0.5)),
            other => other,
        };
        let fit = |epochs, initial_epoch| FitConfig {
            epochs,
            initial_epoch,
            batch_size: 8,
            verbose: 0,
            ..Default::default()
        };
        let mut straight = trained(Activation::Relu, config.clone());
        let resumed = trained(Activation::Relu, config);
        let path = dir.path().join(format!("{opt}.kerust"));
        resumed.save(&path).unwrap();
        let mut resumed = Sequential::load(&path).unwrap();
        assert_eq!(resumed.iterations(), straight.iterations(), "{opt}: step count restored");
        let a = straight.fit(&x, &y, fit(5, 3)).unwrap();
        let b = resumed.fit(&x, &y, fit(5, 3)).unwrap();
        assert_eq!(a, b, "{opt}: History of the continued run");
        assert_eq!(straight.get_weights(), resumed.get_weights(), "{opt}: weights after resuming");
    }
}

/// The safetensors header of a model file, as JSON, and the length of its data section.
fn header_of(bytes: &[u8]) -> (serde_json::Value, usize) {
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    (serde_json::from_slice(&bytes[8..8 + n]).unwrap(), bytes.len() - 8 - n)
}

/// The tensor names of a header.
fn tensor_names(header: &serde_json::Value) -> Vec<String> {
    header.as_object().unwrap().keys().filter(|k| *k != "__metadata__").cloned().collect()
}

#[test]
fn save_weights_writes_the_weights_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let m = trained(Activation::Relu, "adam".parse().unwrap());
    // The whole model file holds Adam's slots (so the check below can see them) ...
    let full = dir.path().join("m.kerust");
    m.save(&full).unwrap();
    let (header, _) = header_of(&std::fs::read(&full).unwrap());
    assert!(tensor_names(&header).iter().any(|k| k.starts_with("optimizer.")), "{:?}", tensor_names(&header));
    // ... a weights-only file none, anywhere in its header: the layer tensors and no compile
    // configuration; its data section is the weights' bytes exactly.
    let path = dir.path().join("w.kerust");
    m.save_weights(&path).unwrap();
    let (header, data_len) = header_of(&std::fs::read(&path).unwrap());
    let names = tensor_names(&header);
    assert!(names.iter().all(|k| k.starts_with("layers.")), "{names:?}");
    assert_eq!(names.len(), m.get_weights().len(), "{names:?}");
    assert_eq!(data_len, 4 * m.count_params());
    let meta: serde_json::Value = serde_json::from_str(header["__metadata__"]["kerust"].as_str().unwrap()).unwrap();
    assert!(meta["compile"].is_null(), "{meta}");
    let mut other = trained(Activation::Relu, "sgd".parse().unwrap());
    other.load_weights(&path).unwrap();
    assert_eq!(other.get_weights(), m.get_weights());
}
