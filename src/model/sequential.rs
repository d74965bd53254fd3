//! `Sequential`: a stack of layers, each built (given its weights) as soon as its input
//! width is known, then compiled with an optimizer, a loss and metrics.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::error::{Error, Result};
use crate::layers::{Buffer, Layer, LayerConfig, hooks_mut};
use crate::losses::Loss;
use crate::metrics::{CompiledMetric, Metric};
use crate::optimizers::{Optimizer, OptimizerConfig};

/// Random streams derived from the model seed, one per purpose (DESIGN principle 4).
pub(crate) const STREAM_INIT: u64 = 0;
pub(crate) const STREAM_SHUFFLE: u64 = 1;
/// The order of the chunks in `fit_chunks`.
pub(crate) const STREAM_CHUNKS: u64 = 2;
/// Dropout masks of layer `i` use stream `STREAM_NOISE + i` (unless the layer has a seed).
const STREAM_NOISE: u64 = 1 << 32;

/// The generator of stream `stream` of `seed`.
pub(crate) fn stream(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// What `compile` fixed.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub(crate) optimizer: Box<dyn Optimizer>,
    pub(crate) loss: Loss,
    pub(crate) metrics: Vec<CompiledMetric>,
    /// The output layer takes the fused cross-entropy gradient.
    pub(crate) fused: bool,
}

/// A linear stack of layers: Keras's `Sequential`.
///
/// ```
/// use kerust::prelude::*;
/// let mut model = Sequential::new().seed(42);
/// model.add(Dense::new(8).input_dim(3).activation(Activation::Relu));
/// model.add(Dense::new(1));
/// model.compile(Adam::new(0.01), Loss::MeanSquaredError, &[Metric::MeanAbsoluteError])?;
/// assert_eq!(model.count_params(), 3 * 8 + 8 + 8 + 1);
/// # Ok::<(), kerust::Error>(())
/// ```
#[derive(Debug)]
pub struct Sequential {
    pub(crate) name: String,
    pub(crate) layers: Vec<Box<dyn Layer>>,
    seed: u64,
    /// Layers `..built` have their weights. The others wait for an input width (the first
    /// layer declares none) or follow a layer whose settings `build` refuses.
    built: usize,
    /// The initialization stream, where the next layer to build draws its weights.
    init: ChaCha8Rng,
    pub(crate) compiled: Option<Compiled>,
    pub(crate) dloss: Buffer, // (batch, outputs): dL/d(output), or dL/dz when fused
}

impl Default for Sequential {
    fn default() -> Self {
        Sequential::new()
    }
}

impl Sequential {
    /// An empty model named `sequential`, with a random seed (see [`Sequential::seed_used`]).
    pub fn new() -> Self {
        let seed = rand::random();
        Sequential {
            name: "sequential".into(),
            layers: Vec::new(),
            seed,
            built: 0,
            init: stream(seed, STREAM_INIT),
            compiled: None,
            dloss: Buffer::default(),
        }
    }

    /// Sets the seed of every random step of this model (initial weights, shuffling, Dropout
    /// masks): same seed, same data, same settings ⇒ bit-identical weights and History.
    /// Layers already added get new initial weights from it.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self.init = stream(seed, STREAM_INIT);
        self.built = 0;
        // What cannot be built yet is reported by `build` and `compile`.
        self.build().ok();
        self
    }

    /// Renames the model (shown by `summary`).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The model's name (`sequential` unless renamed).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The seed of this model: the one given to [`Sequential::seed`], or the one drawn when
    /// the model was created (for run records).
    pub fn seed_used(&self) -> u64 {
        self.seed
    }

    /// Appends a layer and builds it if its input width is known. Unnamed layers get
    /// Keras-style names: `dense`, `dense_1`, ... The model must be compiled again.
    pub fn add(&mut self, layer: impl Layer + 'static) {
        self.push(Box::new(layer));
    }

    /// [`Sequential::add`] for a boxed layer (one rebuilt from a [`LayerConfig`], say).
    pub fn add_boxed(&mut self, layer: Box<dyn Layer>) {
        self.push(layer);
    }

    /// [`Sequential::add`] for a boxed layer.
    pub(crate) fn push(&mut self, mut layer: Box<dyn Layer>) {
        let class_name = layer.class_name();
        layer.base_mut().name_after(class_name, |n| self.layers.iter().any(|l| l.name() == n));
        self.layers.push(layer);
        self.compiled = None;
        // A layer that cannot be built yet waits; `build` and `compile` report why.
        self.build().ok();
    }

    /// The layers, in order.
    pub fn layers(&self) -> &[Box<dyn Layer>] {
        &self.layers
    }

    /// The layer configurations, in order (Keras's `get_config()["layers"]`). Errors on a
    /// layer defined outside kerust, which has none.
    pub fn layer_configs(&self) -> Result<Vec<LayerConfig>> {
        self.layers
            .iter()
            .map(|l| {
                l.config()
                    .ok_or_else(|| Error::UnsavableLayer { layer: l.name().to_string(), class_name: l.class_name() })
            })
            .collect()
    }

    /// Gives every layer not built yet its weights, from the model seed. Layers are built
    /// when added, as soon as the first layer declares its input width; this reports why
    /// some cannot be (no layers, no input width, a setting out of range). `compile` calls it.
    pub fn build(&mut self) -> Result<()> {
        let Sequential { layers, seed, built, init, .. } = self;
        let first = layers.first().ok_or_else(|| Error::NotBuilt {
            reason: "the model has no layers; add one with model.add(Dense::new(units).input_dim(n))".into(),
        })?;
        let mut width = first.base().input_dim.ok_or_else(|| Error::NotBuilt {
            reason: format!(
                "the first layer ({:?}) has no input dimension; declare it with .input_dim(n_features)",
                first.name()
            ),
        })?;
        for (i, layer) in layers.iter_mut().enumerate() {
            if i >= *built {
                if let Some(declared) = layer.base().input_dim.filter(|&d| i > 0 && d != width) {
                    return Err(Error::NotBuilt {
                        reason: format!(
                            "layer {:?} declares input_dim={declared}, but the layer before it outputs {width} values; remove input_dim from layers after the first",
                            layer.name()
                        ),
                    });
                }
                layer.build(width, init)?;
                if let Some(hooks) = hooks_mut(layer.as_mut()) {
                    if i == 0 {
                        hooks.skip_input_gradient();
                    }
                    hooks.seed_noise(stream(*seed, STREAM_NOISE + i as u64));
                }
                *built = i + 1;
            }
            width = layer.output_dim(width);
        }
        Ok(())
    }

    /// Whether every layer has its weights.
    pub(crate) fn is_built(&self) -> bool {
        !self.layers.is_empty() && self.built == self.layers.len()
    }

    /// Whether layer `i` has its weights.
    pub(crate) fn layer_is_built(&self, i: usize) -> bool {
        i < self.built
    }

    /// Fixes the optimizer, the loss and the metrics. Builds the model first.
    ///
    /// Errors if the model cannot be built or a hyper-parameter is out of range.
    pub fn compile(&mut self, optimizer: impl Into<Box<dyn Optimizer>>, loss: Loss, metrics: &[Metric]) -> Result<()> {
        self.build()?;
        let optimizer = optimizer.into();
        optimizer.validate()?;
        if let Loss::Huber { delta } = loss
            && !(delta.is_finite() && delta > 0.0)
        {
            return Err(Error::invalid("delta", delta, "of the huber loss must be a finite number > 0"));
        }
        let outputs = self.output_dim();
        // Only the output layer fuses its activation with the loss; the layer before a layer
        // added since an earlier compile was the output layer then.
        let (last, hidden) =
            self.layers.split_last_mut().ok_or_else(|| Error::NotBuilt { reason: "no layers".into() })?;
        for layer in hidden {
            if let Some(hooks) = hooks_mut(layer.as_mut()) {
                hooks.fuse_output_activation(None);
            }
        }
        let fused = hooks_mut(last.as_mut()).is_some_and(|hooks| hooks.fuse_output_activation(Some(&loss)));
        let metrics = metrics.iter().map(|&m| CompiledMetric::new(m, &loss, outputs)).collect();
        self.compiled = Some(Compiled { optimizer, loss, metrics, fused });
        Ok(())
    }

    /// Whether `compile` has been called since the last change of layers.
    pub fn is_compiled(&self) -> bool {
        self.compiled.is_some()
    }

    /// The loss given to `compile`.
    pub fn loss(&self) -> Option<Loss> {
        self.compiled.as_ref().map(|c| c.loss)
    }

    /// The optimizer's configuration, if compiled.
    pub fn optimizer_config(&self) -> Option<OptimizerConfig> {
        self.compiled.as_ref().map(|c| c.optimizer.config())
    }

    /// The optimizer's current learning rate, if compiled.
    pub fn learning_rate(&self) -> Option<f32> {
        self.compiled.as_ref().map(|c| c.optimizer.learning_rate())
    }

    /// Changes the learning rate of the compiled optimizer (no-op before `compile`).
    pub fn set_learning_rate(&mut self, learning_rate: f32) {
        if let Some(c) = self.compiled.as_mut() {
            c.optimizer.set_learning_rate(learning_rate);
        }
    }

    /// Optimizer steps taken so far (0 before `compile`).
    pub fn iterations(&self) -> u64 {
        self.compiled.as_ref().map_or(0, |c| c.optimizer.iterations())
    }

    /// The metrics given to `compile`, in order.
    pub fn metrics(&self) -> Vec<Metric> {
        self.compiled.as_ref().map(|c| c.metrics.iter().map(|m| m.given).collect()).unwrap_or_default()
    }

    /// Width of the model input (the first layer's `input_dim`), if declared.
    pub fn input_dim(&self) -> Option<usize> {
        self.layers.first().and_then(|l| l.base().input_dim)
    }

    /// Width of the model output (the last layer's units); 0 without layers.
    pub fn output_dim(&self) -> usize {
        let input = self.input_dim().unwrap_or(0);
        self.layers.iter().fold(input, |width, l| l.output_dim(width))
    }
}
