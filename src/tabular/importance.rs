//! Permutation importance (scikit-learn's `permutation_importance`): how much worse the
//! model scores when one original column's values are shuffled across the rows, breaking
//! its link to the target. A column the model ignores scores ~0; one it leans on, high.
//! A categorical column is shuffled whole (its one-hot features move together), and so is
//! its missing-value indicator.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::model::TabularModel;
use super::scoring::scores;
use crate::data::{Table, Unseen};
use crate::error::{Error, Result};

/// The importance of one original column.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Importance {
    /// The table column.
    pub column: String,
    /// Mean increase of the error (rmse, or 1 − accuracy) over the repeats.
    pub mean: f64,
    /// Its standard deviation over the repeats.
    pub std: f64,
}

impl TabularModel {
    /// The permutation importance of every feature column on `table` (which needs the
    /// target), by the error `rmse` (regression) or `1 - accuracy` (classification), each
    /// column shuffled `repeats` times with a generator seeded by `seed`; largest first.
    pub fn permutation_importance(&self, table: &Table, repeats: usize, seed: u64) -> Result<Vec<Importance>> {
        if repeats == 0 {
            return Err(Error::invalid("repeats", 0, "must be at least 1"));
        }
        let pre = self.preprocessor();
        let y = pre.targets(table)?;
        let (x, _) = pre.transform(table, Unseen::AllZeros)?;
        let error = |x: &ndarray::Array2<f32>| -> Result<f64> {
            let output = self.lock().predict(x)?;
            let metrics = scores(&y, &pre.answers(output, Vec::new()))?;
            Ok(metrics.get("rmse").copied().unwrap_or_else(|| 1.0 - metrics["accuracy"]))
        };
        let base = error(&x)?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut out = Vec::new();
        for (column, features) in column_features(pre) {
            let mut rises = Vec::with_capacity(repeats);
            for _ in 0..repeats {
                let mut order: Vec<usize> = (0..x.nrows()).collect();
                order.shuffle(&mut rng);
                let mut shuffled = x.clone();
                for &f in &features {
                    for (row, &from) in order.iter().enumerate() {
                        shuffled[[row, f]] = x[[from, f]];
                    }
                }
                rises.push(error(&shuffled)? - base);
            }
            let mean = rises.iter().sum::<f64>() / repeats as f64;
            let std = (rises.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / repeats as f64).sqrt();
            out.push(Importance { column, mean, std });
        }
        out.sort_by(|a, b| b.mean.total_cmp(&a.mean).then_with(|| a.column.cmp(&b.column)));
        Ok(out)
    }
}

/// Each original column and the feature positions it became (its indicator included).
fn column_features(pre: &super::Preprocessor) -> Vec<(String, Vec<usize>)> {
    let enc = &pre.encoding;
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    let mut next = 0;
    for spec in &enc.features {
        let width = spec.width(enc.drop_first);
        out.push((spec.name.clone(), (next..next + width).collect()));
        next += width;
    }
    for name in &enc.indicators {
        if let Some((_, features)) = out.iter_mut().find(|(c, _)| c == name) {
            features.push(next);
        }
        next += 1;
    }
    out
}
