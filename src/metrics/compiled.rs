//! Metrics tracked by `compile` during `fit` and `evaluate`, aggregated like Keras's
//! stateful metrics: a sample-weighted mean over the epoch (RMSE and R² from running sums).

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::losses::{EPSILON, Loss};
use crate::names::named;

/// A metric to track during training. Parses from Keras's names and short aliases.
///
/// History keys: `mae`, `mse`, `root_mean_squared_error`, `mape`, `r2_score`, `accuracy`
/// (`val_` prefixed for validation data). `Accuracy` resolves at `compile`, as in Keras:
/// binary for one output unit, sparse categorical with a sparse loss, else categorical.
///
/// ```
/// use kerust::metrics::Metric;
/// assert_eq!("mae".parse::<Metric>().unwrap(), Metric::MeanAbsoluteError);
/// assert_eq!(Metric::RootMeanSquaredError.name(), "root_mean_squared_error");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Mean absolute error.
    MeanAbsoluteError,
    /// Mean squared error.
    MeanSquaredError,
    /// `sqrt` of the mean squared error accumulated over the epoch.
    RootMeanSquaredError,
    /// Mean absolute percentage error (a percentage, as Keras).
    MeanAbsolutePercentageError,
    /// Coefficient of determination over the epoch (Keras `R2Score`, uniform average).
    R2Score,
    /// Fraction of correct predictions; resolved to one of the three below at `compile`.
    Accuracy,
    /// `(p > 0.5) == y`.
    BinaryAccuracy,
    /// `argmax(p) == argmax(y)`.
    CategoricalAccuracy,
    /// `argmax(p) == y`.
    SparseCategoricalAccuracy,
}

impl Metric {
    /// Every metric, for listings and exhaustive tests.
    pub const ALL: [Metric; 9] = [
        Metric::MeanAbsoluteError,
        Metric::MeanSquaredError,
        Metric::RootMeanSquaredError,
        Metric::MeanAbsolutePercentageError,
        Metric::R2Score,
        Metric::Accuracy,
        Metric::BinaryAccuracy,
        Metric::CategoricalAccuracy,
        Metric::SparseCategoricalAccuracy,
    ];

    /// Whether larger is better (for `mode: auto` in callbacks).
    pub fn higher_is_better(self) -> bool {
        matches!(
            self,
            Metric::R2Score
                | Metric::Accuracy
                | Metric::BinaryAccuracy
                | Metric::CategoricalAccuracy
                | Metric::SparseCategoricalAccuracy
        )
    }

    /// Resolves `Accuracy` for a model with `outputs` units trained with `loss` (Keras's rule).
    fn resolve(self, loss: &Loss, outputs: usize) -> Metric {
        match self {
            Metric::Accuracy if matches!(loss, Loss::SparseCategoricalCrossentropy { .. }) => {
                Metric::SparseCategoricalAccuracy
            }
            Metric::Accuracy if outputs == 1 => Metric::BinaryAccuracy,
            Metric::Accuracy => Metric::CategoricalAccuracy,
            m => m,
        }
    }
}

// The name is the History key (without `val_`); the aliases are Keras's other spellings.
named!(
    Metric,
    "metric",
    MeanAbsoluteError = "mae" | "mean_absolute_error",
    MeanSquaredError = "mse" | "mean_squared_error",
    RootMeanSquaredError = "root_mean_squared_error" | "rmse",
    MeanAbsolutePercentageError = "mape" | "mean_absolute_percentage_error",
    R2Score = "r2_score" | "r2",
    Accuracy = "accuracy" | "acc",
    BinaryAccuracy = "binary_accuracy",
    CategoricalAccuracy = "categorical_accuracy",
    SparseCategoricalAccuracy = "sparse_categorical_accuracy"
);

/// A metric as given to `compile` (its name is the History key) and as computed for the
/// model's loss and output width (`accuracy` becomes `binary_accuracy` for one sigmoid unit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CompiledMetric {
    pub(crate) given: Metric,
    pub(crate) resolved: Metric,
}

impl CompiledMetric {
    /// `given` as a model with `outputs` units trained with `loss` computes it.
    pub(crate) fn new(given: Metric, loss: &Loss, outputs: usize) -> Self {
        CompiledMetric { given, resolved: given.resolve(loss, outputs) }
    }
}

/// Running state of one metric over an epoch (or an `evaluate` call).
#[derive(Debug, Clone)]
pub(crate) struct MetricTracker {
    name: &'static str,
    metric: Metric,
    total: f64,
    count: f64,
    // R²: per output column, sums of y, y², squared residuals.
    r2: Vec<[f64; 3]>,
}

impl MetricTracker {
    /// Tracks `metric`, under the name it was given.
    pub(crate) fn new(metric: &CompiledMetric) -> Self {
        MetricTracker { name: metric.given.name(), metric: metric.resolved, total: 0.0, count: 0.0, r2: Vec::new() }
    }

    /// The History key.
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    pub(crate) fn reset(&mut self) {
        self.total = 0.0;
        self.count = 0.0;
        self.r2.clear();
    }

    /// Adds a batch. `y_true`: (batch, k) or (batch, 1) labels; `y_pred`: (batch, outputs).
    pub(crate) fn update(&mut self, y_true: ArrayView2<f32>, y_pred: ArrayView2<f32>) {
        if self.metric == Metric::R2Score {
            self.r2.resize(y_pred.ncols(), [0.0; 3]);
            for (t, p) in y_true.rows().into_iter().zip(y_pred.rows()) {
                for (k, s) in self.r2.iter_mut().enumerate() {
                    let (t, p) = (t[k] as f64, p[k] as f64);
                    s[0] += t;
                    s[1] += t * t;
                    s[2] += (t - p) * (t - p);
                }
            }
            self.count += y_pred.nrows() as f64;
            return;
        }
        for (t, p) in y_true.rows().into_iter().zip(y_pred.rows()) {
            self.total += self.per_sample(t, p) as f64;
        }
        self.count += y_pred.nrows() as f64;
    }

    fn per_sample(&self, t: ArrayView1<f32>, p: ArrayView1<f32>) -> f32 {
        let d = p.len() as f32;
        let mean = |f: &dyn Fn(f32, f32) -> f32| t.iter().zip(p.iter()).map(|(&a, &b)| f(a, b)).sum::<f32>() / d;
        match self.metric {
            Metric::MeanAbsoluteError => mean(&|a, b| (a - b).abs()),
            Metric::MeanSquaredError | Metric::RootMeanSquaredError => mean(&|a, b| (a - b) * (a - b)),
            Metric::MeanAbsolutePercentageError => 100.0 * mean(&|a, b| (a - b).abs() / a.abs().max(EPSILON)),
            Metric::BinaryAccuracy | Metric::Accuracy => mean(&|a, b| f32::from(a == f32::from(b > 0.5))),
            Metric::CategoricalAccuracy => f32::from(argmax(t) == argmax(p)),
            Metric::SparseCategoricalAccuracy => f32::from(t[0] as usize == argmax(p)),
            Metric::R2Score => 0.0, // handled in `update`
        }
    }

    /// The value over everything added since the last reset.
    pub(crate) fn result(&self) -> f32 {
        if self.count == 0.0 {
            return 0.0;
        }
        match self.metric {
            Metric::RootMeanSquaredError => (self.total / self.count).sqrt() as f32,
            Metric::R2Score => {
                let n = self.count;
                let scores: Vec<f64> = self
                    .r2
                    .iter()
                    .map(|[sum, sum_sq, ss_res]| {
                        let ss_tot = sum_sq - sum * sum / n;
                        if ss_tot == 0.0 { 0.0 } else { 1.0 - ss_res / ss_tot }
                    })
                    .collect();
                (scores.iter().sum::<f64>() / scores.len().max(1) as f64) as f32
            }
            _ => (self.total / self.count) as f32,
        }
    }
}

/// Index of the first largest value (numpy's `argmax`).
pub(crate) fn argmax(v: ArrayView1<f32>) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_parse() {
        let parsed = |s: &str| s.parse::<Metric>().unwrap();
        assert!(Metric::ALL.iter().all(|&m| parsed(m.name()) == m && m.to_string() == m.name()));
        let aliases = [
            ("mean_absolute_error", Metric::MeanAbsoluteError),
            ("mean_squared_error", Metric::MeanSquaredError),
            ("RMSE", Metric::RootMeanSquaredError),
            ("mean_absolute_percentage_error", Metric::MeanAbsolutePercentageError),
            (" r2 ", Metric::R2Score),
            ("acc", Metric::Accuracy),
        ];
        for (alias, m) in aliases {
            assert_eq!(parsed(alias), m, "{alias}");
        }
        let err = "accuracyy".parse::<Metric>().unwrap_err().to_string();
        assert!(err.contains("r2_score") && err.contains("acc"), "{err}");
    }
}
