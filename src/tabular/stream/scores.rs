//! The test metrics of a streamed run, summed a piece at a time, so that no test row needs
//! to stay in memory: the same formulas as [`scores`](crate::tabular::scores) (scikit-learn's),
//! with the sums taken piece by piece (equal to rounding; a run that keeps every test row
//! scores them with `scores` itself).

use std::collections::BTreeMap;

use ndarray::Array2;

use crate::metrics::finite_ratio;
use crate::tabular::Predictions;

/// Sums over the test rows so far.
pub(super) enum TestScores {
    Regression {
        rows: usize,
        squared: f64,
        absolute: f64,
        relative: f64,
        y_mean: f64,
        y_m2: f64,
    },
    /// `[true][predicted]` counts over the classes of the label map.
    Classification(Array2<usize>),
}

impl TestScores {
    /// Nothing seen; `classes` 0 for regression.
    pub(super) fn new(classes: usize) -> Self {
        if classes == 0 {
            TestScores::Regression { rows: 0, squared: 0.0, absolute: 0.0, relative: 0.0, y_mean: 0.0, y_m2: 0.0 }
        } else {
            TestScores::Classification(Array2::zeros((classes, classes)))
        }
    }

    /// Adds targets `y` (values, or class indices) and the model's answers for them.
    pub(super) fn add(&mut self, y: &Array2<f32>, predictions: &Predictions) {
        match self {
            TestScores::Regression { rows, squared, absolute, relative, y_mean, y_m2 } => {
                for (t, p) in y.column(0).iter().zip(predictions.values().column(0)) {
                    let (t, p) = (f64::from(*t), f64::from(*p));
                    let e = (t - p).abs();
                    *squared += e * e;
                    *absolute += e;
                    *relative += e / t.abs().max(f64::EPSILON);
                    // Welford: the sum of squares about the mean without a second pass.
                    *rows += 1;
                    let delta = t - *y_mean;
                    *y_mean += delta / *rows as f64;
                    *y_m2 += delta * (t - *y_mean);
                }
            }
            TestScores::Classification(counts) => {
                let classes = predictions.classes().unwrap_or_default();
                for (t, &p) in y.column(0).iter().zip(classes) {
                    counts[[*t as usize, p]] += 1;
                }
            }
        }
    }

    /// The metrics `scores` gives, and a classifier's confusion matrix.
    pub(super) fn finish(self) -> (BTreeMap<String, f64>, Option<Array2<usize>>) {
        let mut out = BTreeMap::new();
        match self {
            TestScores::Regression { rows, squared, absolute, relative, y_m2, .. } => {
                let n = rows.max(1) as f64;
                out.insert("rmse".to_string(), (squared / n).sqrt());
                out.insert("mae".to_string(), absolute / n);
                out.insert("r2".to_string(), if rows < 2 { f64::NAN } else { finite_ratio(squared, y_m2) });
                out.insert("mape".to_string(), relative / n);
                (out, None)
            }
            TestScores::Classification(counts) => {
                let total: usize = counts.sum();
                let correct: usize = (0..counts.nrows()).map(|k| counts[[k, k]]).sum();
                out.insert("accuracy".to_string(), correct as f64 / total.max(1) as f64);
                // Macro F1 over the classes that occur as truth or as answer (scikit-learn's labels).
                let f1: Vec<f64> = (0..counts.nrows())
                    .filter_map(|k| {
                        let (tp, truth, answered) = (counts[[k, k]], counts.row(k).sum(), counts.column(k).sum());
                        (truth + answered > 0).then(|| 2.0 * tp as f64 / (truth + answered) as f64)
                    })
                    .collect();
                out.insert("f1_macro".to_string(), f1.iter().sum::<f64>() / f1.len().max(1) as f64);
                (out, Some(counts))
            }
        }
    }
}
