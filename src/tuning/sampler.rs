//! Samplers: where the next trial goes. Grid and random search ignore the results so far; TPE
//! ([`super::tpe`]) models them.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::Direction;
use super::space::{Param, Params, SearchSpace, Value};
use super::tpe::{self, TpeConfig};
use super::trial::Trial;
use crate::error::Result;
use crate::names::named;

/// How a study chooses its trials' parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SamplerKind {
    /// Optuna's TPE (Tree-structured Parzen Estimator) with its defaults: random for the
    /// first 10 trials, then 24 candidates scored by l(x)/g(x).
    #[default]
    Tpe,
    /// Every parameter drawn uniformly (on a log scale where the range says so).
    Random,
    /// Every point of the grid, in order (see [`SearchSpace::grid`]).
    Grid,
}

named!(SamplerKind, "sampler", Tpe = "tpe", Random = "random", Grid = "grid");

impl SamplerKind {
    /// Whether proposals depend on earlier trials' results (then trials run in batches).
    pub fn uses_results(self) -> bool {
        self == SamplerKind::Tpe
    }
}

/// A sampler with what it needs: the grid, TPE's settings.
#[derive(Debug, Clone)]
pub(crate) struct Sampler {
    pub(crate) kind: SamplerKind,
    pub(crate) tpe: TpeConfig,
    grid: Vec<Params>,
}

impl Sampler {
    pub(crate) fn new(kind: SamplerKind, space: &SearchSpace) -> Result<Sampler> {
        let grid = if kind == SamplerKind::Grid { space.grid()? } else { Vec::new() };
        Ok(Sampler { kind, tpe: TpeConfig::default(), grid })
    }

    /// How many trials the sampler can give (`None`: no end).
    pub(crate) fn limit(&self) -> Option<usize> {
        (self.kind == SamplerKind::Grid).then_some(self.grid.len())
    }

    /// The parameters of trial `number`, from the trials finished before its batch.
    pub(crate) fn propose(
        &self,
        space: &SearchSpace,
        number: usize,
        seen: &[&Trial],
        direction: Direction,
        rng: &mut ChaCha8Rng,
    ) -> Params {
        match self.kind {
            SamplerKind::Grid => self.grid[number % self.grid.len().max(1)].clone(),
            SamplerKind::Random => random_point(space, rng),
            SamplerKind::Tpe if number < self.tpe.n_startup_trials => random_point(space, rng),
            SamplerKind::Tpe => tpe::propose(&self.tpe, space, seen, direction, rng),
        }
    }
}

/// A point drawn uniformly from every parameter's range.
pub(crate) fn random_point(space: &SearchSpace, rng: &mut ChaCha8Rng) -> Params {
    space.params.iter().map(|(name, param)| (name.clone(), random_value(param, rng))).collect()
}

/// One value drawn uniformly; a log `Int` draws its logarithm over `[low − ½, high + ½]` and
/// rounds (Optuna's way, so each integer keeps a fair share).
pub(crate) fn random_value(param: &Param, rng: &mut ChaCha8Rng) -> Value {
    match *param {
        Param::Int { low, high, log: false, .. } => Value::Int(rng.gen_range(low..=high)),
        Param::Int { low, high, log: true, .. } => {
            let (a, b) = ((low as f64 - 0.5).ln(), (high as f64 + 0.5).ln());
            Value::Int((rng.gen_range(a..b).exp().round() as i64).clamp(low, high))
        }
        Param::Float { low, high, log: false, .. } => Value::Float(rng.gen_range(low..high)),
        Param::Float { low, high, log: true, .. } => {
            Value::Float(rng.gen_range(low.ln()..high.ln()).exp().clamp(low, high))
        }
        Param::Choice { ref values } => values[rng.gen_range(0..values.len())].clone(),
        Param::Bool => Value::Bool(rng.r#gen::<bool>()),
    }
}
