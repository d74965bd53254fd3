//! Model files damaged past the safetensors length prefix: a valid header over damaged
//! tensors, valid tensors under a damaged JSON document, damaged header bytes. Every file
//! kerust refuses gets a typed error that names what was wrong; every file it accepts holds
//! exactly what its bytes say.

use std::sync::OnceLock;

use kerust::Error;
use kerust::prelude::*;
use ndarray::Array2;
use proptest::prelude::*;
use serde_json::{Value, json};

/// A small trained model with every kind of tensor: kernels, biases, BatchNormalization's
/// statistics and Adam's slots. Its file, made once.
fn saved() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let x = Array2::from_shape_fn((16, 3), |(i, j)| ((i * 5 + j * 3) % 7) as f32 / 7.0);
        let y = Array2::from_shape_fn((16, 1), |(i, _)| (i % 3) as f32);
        let mut m = Sequential::new().seed(2);
        m.add(Dense::new(4).input_dim(3).activation(Activation::Relu));
        m.add(BatchNormalization::new());
        m.add(Dense::new(1));
        m.compile(Adam::new(0.01), Loss::MeanSquaredError, &[]).unwrap();
        m.fit(&x, &y, FitConfig { epochs: 2, batch_size: 8, verbose: 0, ..Default::default() }).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.kerust");
        m.save(&path).unwrap();
        std::fs::read(path).unwrap()
    })
}

/// The header JSON and the data section of a model file.
fn split(bytes: &[u8]) -> (Value, &[u8]) {
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    (serde_json::from_slice(&bytes[8..8 + n]).unwrap(), &bytes[8 + n..])
}

/// A model file from a header text and a data section (the length prefix made to fit).
fn join(header: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend(header);
    out.extend(data);
    out
}

/// Tensor names and `[start, end)` byte ranges, sorted by name.
fn tensors(header: &Value) -> Vec<(String, usize, usize)> {
    let mut out: Vec<(String, usize, usize)> = header
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| *k != "__metadata__")
        .map(|(k, v)| {
            let o = &v["data_offsets"];
            (k.clone(), o[0].as_u64().unwrap() as usize, o[1].as_u64().unwrap() as usize)
        })
        .collect();
    out.sort();
    out
}

/// The error of a refused file, which must be kerust's typed model-file error.
fn reason(err: Error) -> String {
    match err {
        Error::ModelFile { reason, .. } => reason,
        other => panic!("not a ModelFile error: {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A valid header over damaged tensor bytes: any finite value loads as written, a NaN or
    /// an infinity is refused naming the tensor and the element.
    #[test]
    fn damaged_tensor_values_load_as_written_or_are_refused_by_name(
        which in any::<prop::sample::Index>(),
        element in any::<prop::sample::Index>(),
        bits in prop_oneof![any::<u32>(), Just(f32::NAN.to_bits()), Just(f32::INFINITY.to_bits()), Just(0xff80_0001u32)],
    ) {
        let (header, data) = split(saved());
        let list = tensors(&header);
        let (name, start, end) = list[which.index(list.len())].clone();
        let k = element.index((end - start) / 4);
        let mut data = data.to_vec();
        data[start + 4 * k..start + 4 * k + 4].copy_from_slice(&bits.to_le_bytes());
        let text = serde_json::to_vec(&header).unwrap();
        let value = f32::from_bits(bits);
        match Sequential::from_bytes(&join(&text, &data)) {
            Ok((model, _)) => {
                prop_assert!(value.is_finite(), "{name}[{k}] = {value} was accepted");
                if let Some(rest) = name.strip_prefix("layers.") {
                    let (layer, weight) = rest.split_once('.').unwrap();
                    let layer: usize = layer.parse().unwrap();
                    let names = model.layers()[layer].weight_names();
                    let index = names.iter().position(|n| *n == weight).unwrap();
                    let got = model.layers()[layer].weights()[index].iter().nth(k).copied().unwrap();
                    prop_assert_eq!(got.to_bits(), bits, "{}[{}]", name, k);
                }
            }
            Err(err) => {
                prop_assert!(!value.is_finite(), "{name}[{k}] = {value} was refused: {err}");
                let reason = reason(err);
                prop_assert!(reason.contains(&name) && reason.contains(&format!("element {k}")), "{}", reason);
            }
        }
    }

    /// Damaged bytes inside the header text, with a length prefix that fits: a typed error
    /// (or, for a change that keeps the header equivalent, the model).
    #[test]
    fn damaged_header_bytes_give_a_model_file_error(
        position in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let bytes = saved();
        let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        let mut text = bytes[8..8 + n].to_vec();
        let i = position.index(n);
        text[i] = byte;
        if let Err(err) = Sequential::from_bytes(&join(&text, &bytes[8 + n..])) {
            let ok = matches!(err, Error::ModelFile { .. } | Error::UnsupportedVersion { .. } | Error::InvalidArgument { .. } | Error::NotBuilt { .. });
            prop_assert!(ok, "byte {i} = {byte}: {err:?}");
        }
    }
}

/// A step into a JSON document: an object key or an array index.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every path to a node of `v` (the root excluded).
fn paths(v: &Value) -> Vec<Vec<Step>> {
    let mut out = Vec::new();
    let children: Vec<(Step, &Value)> = match v {
        Value::Object(o) => o.iter().map(|(k, c)| (Step::Key(k.clone()), c)).collect(),
        Value::Array(a) => a.iter().enumerate().map(|(i, c)| (Step::Index(i), c)).collect(),
        _ => Vec::new(),
    };
    for (step, child) in children {
        out.push(vec![step.clone()]);
        for mut rest in paths(child) {
            rest.insert(0, step.clone());
            out.push(rest);
        }
    }
    out
}

/// Replaces the node at `path` by `value`, or removes it (`None`).
fn edit(v: &mut Value, path: &[Step], value: Option<Value>) {
    let (last, parents) = path.split_last().unwrap();
    let mut node = v;
    for step in parents {
        node = match step {
            Step::Key(k) => &mut node[k.as_str()],
            Step::Index(i) => &mut node[*i],
        };
    }
    match (last, value) {
        (Step::Key(k), Some(value)) => node[k.as_str()] = value,
        (Step::Key(k), None) => {
            node.as_object_mut().unwrap().remove(k);
        }
        (Step::Index(i), Some(value)) => node[*i] = value,
        (Step::Index(i), None) => {
            node.as_array_mut().unwrap().remove(*i);
        }
    }
}

#[test]
fn the_saved_file_itself_loads() {
    let (model, meta) = Sequential::from_bytes(saved()).unwrap();
    assert_eq!(model.layers().len(), 3);
    assert!(meta.compile.is_some());
    let (header, _) = split(saved());
    let names: Vec<String> = tensors(&header).into_iter().map(|t| t.0).collect();
    assert!(names.iter().any(|n| n.starts_with("optimizer.m.")) && names.contains(&"layers.1.moving_mean".to_string()));
}

/// What replaces a node of the `kerust` document: nothing (the key or item removed), or a
/// value of each JSON type, in and out of every range.
fn replacements() -> Vec<Option<Value>> {
    let values = [
        Value::Null,
        json!(true),
        json!(-1),
        json!(0),
        json!(3),
        json!(1e30),
        json!(0.5),
        json!("relu"),
        json!("x"),
        json!([]),
        json!({}),
    ];
    std::iter::once(None).chain(values.into_iter().map(Some)).collect()
}

/// Whether a refusal says what is wrong: the part of the document that does not parse (and
/// serde's expectation), a tensor or layer that no longer fits, the version, or the
/// hyper-parameter out of range, by name and value.
fn names_the_problem(err: &Error) -> bool {
    let message = err.to_string();
    match err {
        Error::ModelFile { reason, .. } => match reason.strip_prefix("bad metadata: ") {
            Some(rest) => {
                let parts = [
                    "layers[",
                    "layers: ",
                    "compile: ",
                    "compile.optimizer: ",
                    "format_version: ",
                    "kerust_version: ",
                    "name: ",
                    "seed: ",
                    "missing field `",
                ];
                parts.iter().any(|p| rest.starts_with(p))
            }
            None => {
                reason.starts_with("tensor ")
                    || reason.starts_with("optimizer ")
                    || reason.starts_with("layer ")
                    || reason.contains("layer tensors in the file")
                    || reason == "the first layer has no input_dim"
            }
        },
        Error::UnsupportedVersion { .. } => true,
        Error::InvalidArgument { name, .. } => message.contains(&format!("Received: {name}=")),
        Error::NotBuilt { reason } => reason.starts_with("layer \""),
        _ => false,
    }
}

/// Valid tensors under a damaged `kerust` document, every node of it in turn replaced by
/// every value of [`replacements`] (or removed): the file loads, or is refused with a
/// typed error that names the problem.
#[test]
fn damaged_metadata_is_refused_with_a_typed_error_naming_the_problem() {
    let (header, data) = split(saved());
    let meta: Value = serde_json::from_str(header["__metadata__"]["kerust"].as_str().unwrap()).unwrap();
    let (mut refused, mut total) = (0, 0);
    for path in paths(&meta) {
        for replacement in replacements() {
            let (mut header, mut doc) = (header.clone(), meta.clone());
            edit(&mut doc, &path, replacement.clone());
            header["__metadata__"]["kerust"] = Value::String(doc.to_string());
            let text = serde_json::to_vec(&header).unwrap();
            total += 1;
            if let Err(err) = Sequential::from_bytes(&join(&text, data)) {
                refused += 1;
                assert!(names_the_problem(&err), "{path:?} = {replacement:?}: {err:?}");
            }
        }
    }
    // Most damage is refused; what loads is a value kerust accepts there (a name, a seed).
    assert!(refused * 10 > total * 8, "{refused} of {total} refused");
}
