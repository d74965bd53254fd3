//! The TPE sampler (Bergstra et al. 2011), as Optuna's `TPESampler` does it by default:
//! univariate Parzen estimators, a prior, magic clipping of the bandwidths, no endpoints.
//!
//! The finished trials are split into the best γ(n) = min(⌈0.1 n⌉, 25) ("below", density
//! l) and the rest ("above", density g; pruned trials are always above). For each parameter,
//! 24 candidates are drawn from l and the one with the largest log l(x) − log g(x) is kept.
//! Numeric parameters work on their own scale (the logarithm for log ranges) with a
//! truncated-normal kernel per observation; choices and booleans with a categorical kernel.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::Direction;
use super::sampler::random_point;
use super::space::{Param, Params, SearchSpace, Value};
use super::trial::{Trial, TrialState};

/// TPE's settings (Optuna's defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct TpeConfig {
    /// Trials drawn at random before TPE starts modelling (10).
    pub n_startup_trials: usize,
    /// Candidates drawn from l(x) per parameter (24).
    pub n_ei_candidates: usize,
    /// Weight of the prior kernel (1.0).
    pub prior_weight: f64,
}

impl Default for TpeConfig {
    fn default() -> Self {
        TpeConfig { n_startup_trials: 10, n_ei_candidates: 24, prior_weight: 1.0 }
    }
}

/// γ(n) = min(⌈0.1 n⌉, 25): how many of n finished trials form the "below" group.
pub fn gamma(n: usize) -> usize {
    n.div_ceil(10).min(25)
}

/// Optuna's `default_weights`: equal weights for fewer than 25 observations, else a linear
/// ramp from 1/n up to 1 for the oldest n − 25 and 1 for the newest 25.
pub fn default_weights(n: usize) -> Vec<f64> {
    if n < 25 {
        return vec![1.0; n];
    }
    let ramp = n - 25;
    let mut w: Vec<f64> = (0..ramp)
        .map(|i| {
            let start = 1.0 / n as f64;
            if ramp == 1 { start } else { start + (1.0 - start) * i as f64 / (ramp - 1) as f64 }
        })
        .collect();
    w.extend(std::iter::repeat_n(1.0, 25));
    w
}

/// The next point from the finished trials `seen`.
pub(crate) fn propose(
    config: &TpeConfig,
    space: &SearchSpace,
    seen: &[&Trial],
    direction: Direction,
    rng: &mut ChaCha8Rng,
) -> Params {
    let mut complete: Vec<(&Trial, f64)> = seen.iter().filter_map(|t| t.complete_value().map(|v| (*t, v))).collect();
    if complete.is_empty() {
        return random_point(space, rng);
    }
    let pruned = seen.iter().filter(|t| t.state == TrialState::Pruned).count();
    complete.sort_by(|a, b| {
        let order = a.1.total_cmp(&b.1);
        let order = if direction == Direction::Maximize { order.reverse() } else { order };
        order.then(a.0.number.cmp(&b.0.number))
    });
    let n_below = gamma(complete.len() + pruned).min(complete.len());
    let mut below: Vec<&Trial> = complete[..n_below].iter().map(|(t, _)| *t).collect();
    let mut above: Vec<&Trial> = complete[n_below..].iter().map(|(t, _)| *t).collect();
    above.extend(seen.iter().filter(|t| t.state == TrialState::Pruned).copied());
    // Weights follow the order of the trials in time.
    below.sort_by_key(|t| t.number);
    above.sort_by_key(|t| t.number);

    let mut point = Params::new();
    for (name, param) in &space.params {
        let values =
            |group: &[&Trial]| -> Vec<Value> { group.iter().filter_map(|t| t.params.get(name).cloned()).collect() };
        let l = Estimator::new(param, &values(&below), config.prior_weight);
        let g = Estimator::new(param, &values(&above), config.prior_weight);
        let mut best = (f64::NEG_INFINITY, None);
        for _ in 0..config.n_ei_candidates {
            let x = l.sample(rng);
            let score = l.log_pdf(x) - g.log_pdf(x);
            if score > best.0 || best.1.is_none() {
                best = (score, Some(x));
            }
        }
        let x = best.1.unwrap_or_else(|| l.sample(rng));
        point.insert(name.clone(), l.value(param, x));
    }
    point
}

/// A Parzen estimator of one parameter: a weighted mixture of one kernel per observation and
/// a prior kernel, over the parameter's internal scale.
enum Estimator {
    /// Truncated normals on `[low, high]`; with `step`, a value stands for the interval of
    /// width `step` around it.
    Numeric { weights: Vec<f64>, mus: Vec<f64>, sigmas: Vec<f64>, low: f64, high: f64, step: f64 },
    /// A probability per choice for each kernel.
    Categorical { weights: Vec<f64>, table: Vec<Vec<f64>> },
}

impl Estimator {
    fn new(param: &Param, observed: &[Value], prior_weight: f64) -> Estimator {
        let mut weights = default_weights(observed.len());
        weights.push(prior_weight);
        let total: f64 = weights.iter().sum();
        weights.iter_mut().for_each(|w| *w /= total);
        let (low, high, step, log) = match *param {
            // Optuna treats a log Int as continuous over [ln(low − ½), ln(high + ½)].
            Param::Int { low, high, log: true, .. } => ((low as f64 - 0.5).ln(), (high as f64 + 0.5).ln(), 0.0, true),
            Param::Int { low, high, log: false, step } => (low as f64, high as f64, step.unwrap_or(1) as f64, false),
            Param::Float { low, high, log: true, .. } => (low.ln(), high.ln(), 0.0, true),
            Param::Float { low, high, log: false, .. } => (low, high, 0.0, false),
            Param::Choice { ref values } => {
                let index = |v: &Value| values.iter().position(|c| c == v).unwrap_or(0);
                return Estimator::categorical(
                    weights,
                    observed.iter().map(index).collect(),
                    values.len(),
                    prior_weight,
                );
            }
            Param::Bool => {
                let index = |v: &Value| usize::from(*v == Value::Bool(true));
                return Estimator::categorical(weights, observed.iter().map(index).collect(), 2, prior_weight);
            }
        };
        let scale = |v: &Value| {
            let x = v.as_f64().unwrap_or(low);
            if log { x.ln() } else { x }
        };
        let mus: Vec<f64> = observed.iter().map(scale).collect();
        let sigmas = bandwidths(&mus, low, high, step);
        let (mut mus, mut sigmas) = (mus, sigmas);
        mus.push(0.5 * (low + high));
        sigmas.push(high - low + step);
        Estimator::Numeric { weights, mus, sigmas, low, high, step }
    }

    fn categorical(weights: Vec<f64>, observed: Vec<usize>, choices: usize, prior_weight: f64) -> Estimator {
        let kernels = observed.len() + 1;
        let mut table = vec![vec![prior_weight / kernels as f64; choices]; kernels];
        for (row, &c) in observed.iter().enumerate() {
            table[row][c] += 1.0;
        }
        for row in &mut table {
            let sum: f64 = row.iter().sum();
            row.iter_mut().for_each(|p| *p /= sum);
        }
        Estimator::Categorical { weights, table }
    }

    /// A draw on the internal scale (a choice's index, as a number).
    fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match self {
            Estimator::Numeric { weights, mus, sigmas, low, high, step } => {
                let k = pick(weights, rng);
                let (lo, hi) = (low - step / 2.0, high + step / 2.0);
                let x = truncated_normal(mus[k], sigmas[k], lo, hi, rng);
                if *step > 0.0 { (low + ((x - low) / step).round() * step).clamp(*low, *high) } else { x }
            }
            Estimator::Categorical { weights, table } => pick(&table[pick(weights, rng)], rng) as f64,
        }
    }

    fn log_pdf(&self, x: f64) -> f64 {
        let terms: Vec<f64> = match self {
            Estimator::Numeric { weights, mus, sigmas, low, high, step } => {
                let (lo, hi) = (low - step / 2.0, high + step / 2.0);
                (0..mus.len())
                    .map(|k| {
                        let (mu, sigma) = (mus[k], sigmas[k]);
                        let norm = cdf((hi - mu) / sigma) - cdf((lo - mu) / sigma);
                        let density = if *step > 0.0 {
                            cdf((x + step / 2.0 - mu) / sigma) - cdf((x - step / 2.0 - mu) / sigma)
                        } else {
                            let z = (x - mu) / sigma;
                            (-0.5 * z * z).exp() / (sigma * (2.0 * std::f64::consts::PI).sqrt())
                        };
                        weights[k].ln() + (density.max(1e-300)).ln() - norm.max(1e-300).ln()
                    })
                    .collect()
            }
            Estimator::Categorical { weights, table } => {
                (0..table.len()).map(|k| weights[k].ln() + table[k][x as usize].max(1e-300).ln()).collect()
            }
        };
        log_sum_exp(&terms)
    }

    /// The parameter's value for draw `x`.
    fn value(&self, param: &Param, x: f64) -> Value {
        match *param {
            Param::Int { low, high, log: true, .. } => Value::Int((x.exp().round() as i64).clamp(low, high)),
            Param::Int { low, high, .. } => Value::Int((x.round() as i64).clamp(low, high)),
            Param::Float { low, high, log: true, .. } => Value::Float(x.exp().clamp(low, high)),
            Param::Float { low, high, .. } => Value::Float(x.clamp(low, high)),
            Param::Choice { ref values } => values[(x as usize).min(values.len() - 1)].clone(),
            Param::Bool => Value::Bool(x >= 0.5),
        }
    }
}

/// Optuna's univariate bandwidths: each kernel as wide as the larger gap to its neighbours
/// (the prior's centre among them), the outermost kernels measured inwards, clipped to
/// `[range / min(100, n + 2), range]`.
fn bandwidths(mus: &[f64], low: f64, high: f64, step: f64) -> Vec<f64> {
    let mut with_prior: Vec<(f64, usize)> = mus.iter().copied().zip(0..).collect();
    with_prior.push((0.5 * (low + high), mus.len()));
    with_prior.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let m = with_prior.len();
    let mut points = Vec::with_capacity(m + 2);
    points.push(low - step / 2.0);
    points.extend(with_prior.iter().map(|p| p.0));
    points.push(high + step / 2.0);
    let mut sorted: Vec<f64> = (0..m).map(|i| (points[i + 1] - points[i]).max(points[i + 2] - points[i + 1])).collect();
    if points.len() >= 4 {
        sorted[0] = points[2] - points[1];
        sorted[m - 1] = points[m] - points[m - 1];
    }
    let range = high - low + step;
    let (min_sigma, max_sigma) = (range / (100f64).min(mus.len() as f64 + 2.0), range);
    let mut sigmas = vec![0.0; mus.len()];
    for (s, &(_, original)) in sorted.iter().zip(&with_prior) {
        if original < mus.len() {
            sigmas[original] = s.clamp(min_sigma, max_sigma);
        }
    }
    sigmas
}

fn pick(weights: &[f64], rng: &mut ChaCha8Rng) -> usize {
    let mut u: f64 = rng.gen_range(0.0..1.0);
    for (i, &w) in weights.iter().enumerate() {
        if u < w {
            return i;
        }
        u -= w;
    }
    weights.len() - 1
}

/// A normal draw kept within `[lo, hi]` by rejection (the kernels sit inside the range and
/// are at most as wide as it, so about a third of draws land; after 1000 misses, clamp).
fn truncated_normal(mu: f64, sigma: f64, lo: f64, hi: f64, rng: &mut ChaCha8Rng) -> f64 {
    for _ in 0..1000 {
        let z: f64 = rand_distr::Distribution::sample(&rand_distr::StandardNormal, rng);
        let x = mu + sigma * z;
        if (lo..=hi).contains(&x) {
            return x;
        }
    }
    mu.clamp(lo, hi)
}

/// The standard normal CDF.
fn cdf(z: f64) -> f64 {
    0.5 * (1.0 + libm::erf(z / std::f64::consts::SQRT_2))
}

fn log_sum_exp(terms: &[f64]) -> f64 {
    let max = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return max;
    }
    max + terms.iter().map(|t| (t - max).exp()).sum::<f64>().ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamma_and_weights_are_optunas() {
        assert_eq!((gamma(1), gamma(10), gamma(11), gamma(300)), (1, 1, 2, 25));
        assert_eq!(default_weights(3), vec![1.0; 3]);
        let w = default_weights(27);
        assert_eq!(w.len(), 27);
        assert!((w[0] - 1.0 / 27.0).abs() < 1e-12 && w[1] == 1.0 && w[26] == 1.0);
    }

    #[test]
    fn bandwidths_follow_the_neighbours() {
        // mus 0.2 and 0.9 on [0, 1] with the prior at 0.5: sorted 0.2, 0.5, 0.9.
        let s = bandwidths(&[0.2, 0.9], 0.0, 1.0, 0.0);
        // outermost measured inwards: 0.5 − 0.2 and 0.9 − 0.5; clip floor 1/4.
        assert!((s[0] - 0.3).abs() < 1e-12 && (s[1] - 0.4).abs() < 1e-12, "{s:?}");
        let s = bandwidths(&[0.5, 0.5, 0.5], 0.0, 1.0, 0.0);
        assert!(s.iter().all(|&v| (v - 0.2).abs() < 1e-12), "clipped to range / (n + 2): {s:?}");
    }
}
