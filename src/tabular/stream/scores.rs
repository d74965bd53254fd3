//! The test metrics of a streamed run, summed a piece at a time, so that no test row needs
//! to stay in memory: the same formulas as [`scores`](crate::tabular::scores) (scikit-learn's),
//! with the sums taken piece by piece (equal to rounding; a run that keeps every test row
//! scores them with `scores` itself); and the pass over the test rows that feeds them.

use std::collections::BTreeMap;

use ndarray::{Array2, Axis, concatenate};

use super::cache::TestRowsFile;
use crate::error::{Error, Result};
use crate::tabular::fit::TestRows;
use crate::tabular::preprocessor::Preprocessor;

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

/// The network's answers on the test rows, a piece at a time: the first `keep` rows kept
/// (all of them: scored later as any run's; fewer: scored here, over every row).
pub(super) fn score_test(
    network: &mut crate::model::Sequential,
    test: &mut TestRowsFile,
    positions: Vec<usize>,
    keep: usize,
    pre: &Preprocessor,
) -> Result<TestRows> {
    let (mut outputs, mut ys) = (Vec::new(), Vec::new());
    let mut sums = TestScores::new(pre.labels.as_ref().map_or(0, |l| l.len()));
    let mut kept = 0;
    for k in 0..test.pieces() {
        let (x, y) = test.load(k)?;
        let output = network.predict(&x)?;
        sums.add(&y, &pre.answers(output.clone(), Vec::new()));
        let take = (keep - kept).min(output.nrows());
        if take > 0 {
            outputs.push(output.slice(ndarray::s![..take, ..]).to_owned());
            ys.push(y.slice(ndarray::s![..take, ..]).to_owned());
            kept += take;
        }
    }
    let all = test.file.rows;
    let scored = (kept < all).then(|| {
        let (metrics, confusion) = sums.finish();
        (metrics, confusion, all)
    });
    debug_assert_eq!(positions.len(), kept);
    Ok(TestRows { output: stack(&outputs, network.output_dim())?, y: stack(&ys, 1)?, rows: positions, scored })
}

/// The pieces stacked as rows.
fn stack(pieces: &[Array2<f32>], width: usize) -> Result<Array2<f32>> {
    if pieces.is_empty() {
        return Ok(Array2::zeros((0, width)));
    }
    let views: Vec<_> = pieces.iter().map(|p| p.view()).collect();
    concatenate(Axis(0), &views)
        .map_err(|e| Error::invalid("stream", "test rows", format!("could not be stacked: {e}")))
}
