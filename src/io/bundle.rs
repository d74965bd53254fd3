//! The model file: one safetensors file whose tensors are the weights (`layers.{i}.kernel`,
//! `layers.{i}.bias`, little-endian f32; `optimizer.{slot}.{i}` for resuming) and whose
//! header metadata holds, under the key `kerust`, one JSON document ([`ModelMeta`]): format
//! version, layer configs, compile config. A [`TabularModel`](crate::tabular::TabularModel)
//! adds a second, typed and versioned document under `kerust.tabular` (the fitted
//! preprocessor and the settings that trained it). Python's `safetensors` reads the weights
//! as they are.
//!
//! Loading treats the file as untrusted: the safetensors header is validated against the
//! file length, then every tensor's dtype and shape is checked against the layer configs
//! before any layer is built, so nothing is allocated beyond what the file itself holds;
//! every value read (weights and optimizer state) must be finite.

use std::collections::HashMap;
use std::path::Path;

use ndarray::ArrayD;
use safetensors::{Dtype, SafeTensors, tensor::TensorView};
use serde::{Deserialize, Serialize};

use super::locate::malformed_part;
use super::write_atomic;
use crate::error::{Error, Result};
use crate::layers::LayerConfig;
use crate::losses::Loss;
use crate::metrics::Metric;
use crate::model::Sequential;
use crate::optimizers::OptimizerConfig;

/// Version of the metadata layout this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// Metadata key holding the JSON document.
const META_KEY: &str = "kerust";

/// What `compile` was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompileConfig {
    /// The optimizer's hyper-parameters.
    pub optimizer: OptimizerConfig,
    /// The loss.
    pub loss: Loss,
    /// The metrics, in order.
    pub metrics: Vec<Metric>,
    /// Optimizer steps taken (its slots are saved as `optimizer.{slot}.{i}` tensors).
    #[serde(default)]
    pub iterations: u64,
}

/// The JSON document stored in the model file's header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelMeta {
    /// Layout version ([`FORMAT_VERSION`] when written by this build).
    pub format_version: u32,
    /// Version of kerust that wrote the file.
    pub kerust_version: String,
    /// Model name.
    pub name: String,
    /// The model seed.
    pub seed: Option<u64>,
    /// Layer configurations, in order.
    pub layers: Vec<LayerConfig>,
    /// The compile configuration, if the model was compiled.
    pub compile: Option<CompileConfig>,
    /// Read only, for files written before the typed `kerust.tabular` section existed
    /// (they kept the CLI's preprocessing here, untyped); never written.
    #[serde(default, skip_serializing)]
    pub extra: serde_json::Value,
}

/// Further named JSON documents in the header metadata, beside `kerust` (key, JSON text).
pub(crate) type Sections = HashMap<String, String>;

impl Sequential {
    /// Saves architecture, weights, compile configuration and optimizer state to one file
    /// (atomically: an earlier file at `path` stays whole until the new one is complete).
    /// Errors if a layer has no weights yet or was defined outside kerust.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        self.save_sections(path.as_ref(), &Sections::new(), true)
    }

    /// Writes the model file with `sections` beside the model document; `with_compile`
    /// false leaves out the compile configuration and optimizer state (`save_weights`).
    /// The model must be built.
    pub(crate) fn save_sections(&self, path: &Path, sections: &Sections, with_compile: bool) -> Result<()> {
        let bytes = self.file_bytes(sections, with_compile).map_err(|e| match e {
            Error::ModelFile { reason, .. } => bad(path, reason),
            other => other,
        })?;
        write_atomic(path, &bytes)
    }

    fn file_bytes(&self, sections: &Sections, with_compile: bool) -> Result<Vec<u8>> {
        let here = Path::new("<memory>");
        if !self.is_built() {
            return Err(Error::NotBuilt {
                reason: "some layers have no weights yet: declare the first layer's input_dim before saving".into(),
            });
        }
        let compiled = self.compiled.as_ref().filter(|_| with_compile);
        let meta = ModelMeta {
            format_version: FORMAT_VERSION,
            kerust_version: env!("CARGO_PKG_VERSION").to_string(),
            name: self.name.clone(),
            seed: Some(self.seed_used()),
            layers: self.layer_configs()?,
            compile: compiled.map(|c| CompileConfig {
                optimizer: c.optimizer.config(),
                loss: c.loss,
                metrics: c.metrics.iter().map(|m| m.given).collect(),
                iterations: c.optimizer.iterations(),
            }),
            extra: serde_json::Value::Null,
        };
        let mut tensors: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
        for (i, layer) in self.layers.iter().enumerate() {
            for (w, name) in layer.weights().iter().zip(layer.weight_names()) {
                let bytes = w.iter().flat_map(|v| v.to_le_bytes()).collect();
                tensors.push((format!("layers.{i}.{name}"), w.shape().to_vec(), bytes));
            }
        }
        if let Some(c) = compiled {
            for (slot, vectors) in c.optimizer.state() {
                for (i, v) in vectors.iter().enumerate() {
                    let bytes = v.iter().flat_map(|x| x.to_le_bytes()).collect();
                    tensors.push((format!("optimizer.{slot}.{i}"), vec![v.len()], bytes));
                }
            }
        }
        let views = tensors
            .iter()
            .map(|(name, shape, bytes)| Ok((name.clone(), TensorView::new(Dtype::F32, shape.clone(), bytes)?)))
            .collect::<std::result::Result<Vec<_>, safetensors::SafeTensorError>>()
            .map_err(|e| bad(here, e))?;
        let mut header = sections.clone();
        header.insert(META_KEY.to_string(), serde_json::to_string(&meta).map_err(|e| bad(here, e))?);
        safetensors::serialize(views, Some(header)).map_err(|e| bad(here, e))
    }

    /// Saves the weights and layer configs only (no compile configuration); read them back
    /// into a model of the same architecture with [`Sequential::load_weights`].
    pub fn save_weights(&self, path: impl AsRef<Path>) -> Result<()> {
        self.save_sections(path.as_ref(), &Sections::new(), false)
    }

    /// Replaces this model's weights with those of a file written by `save` or
    /// `save_weights` for the same architecture.
    pub fn load_weights(&mut self, path: impl AsRef<Path>) -> Result<()> {
        let (file, _) = Sequential::load_with(&path)?;
        if file.layers.len() != self.layers.len() {
            return Err(Error::ModelFile {
                path: path.as_ref().display().to_string(),
                reason: format!("the file has {} layers, this model {}", file.layers.len(), self.layers.len()),
            });
        }
        self.set_weights(&file.get_weights())
    }

    /// Loads a model saved by [`Sequential::save`]: architecture, weights, and (if it was
    /// compiled) the compile configuration with a fresh optimizer.
    pub fn load(path: impl AsRef<Path>) -> Result<Sequential> {
        Ok(Sequential::load_with(path)?.0)
    }

    /// As [`Sequential::load`], also returning the stored metadata.
    pub fn load_with(path: impl AsRef<Path>) -> Result<(Sequential, ModelMeta)> {
        let (model, meta, _) = Sequential::load_sections(path.as_ref())?;
        Ok((model, meta))
    }

    /// Loads a model file with the further documents of its header (see [`Sections`]).
    pub(crate) fn load_sections(path: &Path) -> Result<(Sequential, ModelMeta, Sections)> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        Sequential::parse(&bytes).map_err(|e| match e {
            Error::ModelFile { reason, .. } => Error::ModelFile { path: path.display().to_string(), reason },
            other => other,
        })
    }

    /// Parses a model file held in memory (see [`Sequential::load`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<(Sequential, ModelMeta)> {
        let (model, meta, _) = Sequential::parse(bytes)?;
        Ok((model, meta))
    }

    fn parse(bytes: &[u8]) -> Result<(Sequential, ModelMeta, Sections)> {
        let here = Path::new("<memory>");
        let file = SafeTensors::deserialize(bytes).map_err(|e| bad(here, format!("not a valid model file ({e})")))?;
        let (_, header) = SafeTensors::read_metadata(bytes).map_err(|e| bad(here, e))?;
        let mut sections = header.metadata().clone().unwrap_or_default();
        let json = sections
            .remove(META_KEY)
            .ok_or_else(|| bad(here, "no kerust metadata: this safetensors file was not written by kerust"))?;
        let version: serde_json::Value =
            serde_json::from_str(&json).map_err(|e| bad(here, format!("bad metadata JSON: {e}")))?;
        let found = version.get("format_version").and_then(|v| v.as_u64()).unwrap_or(0);
        if found > FORMAT_VERSION as u64 {
            return Err(Error::UnsupportedVersion { found, supported: FORMAT_VERSION });
        }
        let meta = ModelMeta::deserialize(&version)
            .map_err(|e| bad(here, format!("bad metadata: {}{e}", malformed_part(&version))))?;
        let weights = check_tensors(&file, &meta)?;

        let mut model = Sequential::new().with_name(meta.name.clone());
        if let Some(seed) = meta.seed {
            model = model.seed(seed);
        }
        for config in &meta.layers {
            model.push(config.to_layer());
        }
        match &meta.compile {
            Some(c) => model.compile(c.optimizer.build(), c.loss, &c.metrics)?,
            None => model.build()?,
        }
        model.set_weights(&weights)?;
        if let Some(c) = &meta.compile {
            let slots = optimizer_slots(&file, &mut model)?;
            if let Some(compiled) = model.compiled.as_mut() {
                compiled.optimizer.set_state(c.iterations, slots);
            }
        }
        Ok((model, meta, sections))
    }
}

/// Checks that the file holds exactly the tensors the configs call for, as f32 of the
/// right shapes, and returns them in `get_weights` order.
fn check_tensors(file: &SafeTensors<'_>, meta: &ModelMeta) -> Result<Vec<ArrayD<f32>>> {
    let here = Path::new("<memory>");
    let mut width = meta
        .layers
        .first()
        .and_then(LayerConfig::input_dim)
        .ok_or_else(|| bad(here, "the first layer has no input_dim"))?;
    let mut weights = Vec::new();
    for (i, config) in meta.layers.iter().enumerate() {
        let shapes = config.weight_shapes(width).ok_or_else(|| bad(here, format!("layer {i} is too large")))?;
        for (name, shape) in shapes {
            let key = format!("layers.{i}.{name}");
            let t = file.tensor(&key).map_err(|_| bad(here, format!("tensor {key} is missing")))?;
            if t.dtype() != Dtype::F32 {
                return Err(bad(here, format!("tensor {key} has dtype {:?}; expected F32", t.dtype())));
            }
            if t.shape() != shape.as_slice() {
                return Err(bad(
                    here,
                    format!("tensor {key} has shape {:?}; the layer config needs {shape:?}", t.shape()),
                ));
            }
            let values = finite_values(&key, t.data())?;
            // The dtype and shape were checked, so the data holds exactly this many values.
            weights.push(ArrayD::from_shape_vec(shape, values).expect("checked shape"));
        }
        width = config.output_dim(width);
    }
    let layer_tensors = file.names().iter().filter(|n| n.starts_with("layers.")).count();
    if layer_tensors != weights.len() {
        return Err(bad(
            here,
            format!("{layer_tensors} layer tensors in the file; the configs call for {}", weights.len()),
        ));
    }
    Ok(weights)
}

/// The optimizer tensors `optimizer.{slot}.{i}`, checked against the model's parameters:
/// every slot needs one f32 vector per parameter tensor, of that tensor's length.
fn optimizer_slots(file: &SafeTensors<'_>, model: &mut Sequential) -> Result<Vec<(String, Vec<Vec<f32>>)>> {
    let here = Path::new("<memory>");
    let lengths: Vec<usize> = model.layers.iter_mut().flat_map(|l| l.params_mut()).map(|p| p.value.len()).collect();
    let mut slots: Vec<(String, Vec<Option<Vec<f32>>>)> = Vec::new();
    for name in file.names() {
        let Some(rest) = name.strip_prefix("optimizer.") else { continue };
        let (slot, index) = rest.rsplit_once('.').ok_or_else(|| bad(here, format!("bad tensor name {name}")))?;
        let index: usize = index.parse().map_err(|_| bad(here, format!("bad tensor name {name}")))?;
        let t = file.tensor(name).map_err(|e| bad(here, e))?;
        let expected = lengths.get(index).copied();
        if t.dtype() != Dtype::F32 || Some(t.shape()) != expected.as_ref().map(std::slice::from_ref) {
            return Err(bad(here, format!("optimizer tensor {name} does not match parameter {index} of the model")));
        }
        let values = finite_values(name, t.data())?;
        let entry = match slots.iter_mut().position(|(s, _)| s == slot) {
            Some(i) => &mut slots[i].1,
            None => {
                slots.push((slot.to_string(), vec![None; lengths.len()]));
                &mut slots.last_mut().expect("just pushed").1
            }
        };
        entry[index] = Some(values);
    }
    slots
        .into_iter()
        .map(|(slot, vectors)| {
            let complete: Option<Vec<Vec<f32>>> = vectors.into_iter().collect();
            complete.map(|v| (slot.clone(), v)).ok_or_else(|| bad(here, format!("optimizer slot {slot} is incomplete")))
        })
        .collect()
}

/// The little-endian f32 values of tensor `name`, which must all be finite.
fn finite_values(name: &str, data: &[u8]) -> Result<Vec<f32>> {
    let values: Vec<f32> = data.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    match values.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(bad(
            Path::new("<memory>"),
            format!("tensor {name} holds a non-finite value ({}) at element {i}", values[i]),
        )),
        None => Ok(values),
    }
}

fn bad(path: &Path, reason: impl ToString) -> Error {
    Error::ModelFile { path: path.display().to_string(), reason: reason.to_string() }
}
