//! Metrics on predicted probabilities or scores: [`log_loss`], [`roc_auc_score`].

use ndarray::Array2;

use super::labels;
use crate::error::{Error, Result};

/// Cross-entropy of class probabilities (scikit-learn `log_loss`): `y_true` `(n, 1)` class
/// indices, `y_pred` `(n, classes)` probabilities whose column `j` is class `j` (Keras's
/// layout), or `(n, 1)` probabilities of class 1 for a binary problem. Probabilities are
/// clipped to `[eps, 1 - eps]` with `eps = f32::EPSILON` (scikit-learn uses the input dtype's
/// epsilon; ours is `f32`); rows are not renormalised, and a value outside `[0, 1]` is an
/// error (scikit-learn 1.9).
pub fn log_loss(y_true: &Array2<f32>, y_pred: &Array2<f32>) -> Result<f64> {
    let what = "log_loss";
    let t = labels(y_true, "y_true", what)?;
    if y_true.ncols() != 1 {
        return Err(Error::invalid(
            "y_true",
            format!("shape {:?}", y_true.shape()),
            "(log_loss) must be class indices (n, 1)",
        ));
    }
    if y_pred.nrows() != t.len() || t.is_empty() {
        return Err(Error::invalid(
            "y_pred",
            format!("shape {:?}", y_pred.shape()),
            format!("(log_loss) must have one row per row of y_true ({}), at least one", t.len()),
        ));
    }
    if let Some(((row, col), &value)) = y_pred.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(Error::NonFinite { what: "y_pred passed to log_loss".into(), row, col, value });
    }
    if let Some(((row, col), &value)) = y_pred.indexed_iter().find(|(_, v)| !(0.0..=1.0).contains(*v)) {
        return Err(Error::InvalidArgument {
            name: "y_pred",
            value: format!("{value} at row {row}, column {col}"),
            rule: "(log_loss) must hold probabilities in [0, 1]; apply softmax or sigmoid to logits first".into(),
        });
    }
    let k = if y_pred.ncols() == 1 { 2 } else { y_pred.ncols() };
    if let Some(row) = t.iter().position(|&c| c >= k) {
        return Err(Error::InvalidTarget {
            what: format!("y_true passed to log_loss, row {row}"),
            reason: format!("class {} has no column in y_pred, which has {k} classes", t[row]),
        });
    }
    let eps = f64::from(f32::EPSILON);
    let total: f64 = t
        .iter()
        .enumerate()
        .map(|(r, &c)| {
            let p = if y_pred.ncols() == 1 {
                let p1 = f64::from(y_pred[[r, 0]]);
                if c == 1 { p1 } else { 1.0 - p1 }
            } else {
                f64::from(y_pred[[r, c]])
            };
            -p.clamp(eps, 1.0 - eps).ln()
        })
        .sum();
    Ok(total / t.len() as f64)
}

/// Area under the ROC curve of a binary problem (scikit-learn `roc_auc_score`): `y_true`
/// `(n, 1)` labels 0/1 with both present, `y_score` `(n, 1)` scores of class 1 (probabilities,
/// logits, any monotone score) or `(n, 2)` probabilities (column 1 is used). Ties count half.
pub fn roc_auc_score(y_true: &Array2<f32>, y_score: &Array2<f32>) -> Result<f64> {
    let what = "roc_auc_score";
    if y_true.ncols() != 1 {
        return Err(Error::invalid(
            "y_true",
            format!("shape {:?}", y_true.shape()),
            "(roc_auc_score) must be binary labels (n, 1)",
        ));
    }
    let t = labels(y_true, "y_true", what)?;
    if y_score.nrows() != t.len() || !(1..=2).contains(&y_score.ncols()) {
        return Err(Error::invalid(
            "y_score",
            format!("shape {:?}", y_score.shape()),
            format!("(roc_auc_score) must be ({}, 1) scores of class 1 or ({}, 2) probabilities", t.len(), t.len()),
        ));
    }
    if let Some(((row, col), &value)) = y_score.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(Error::NonFinite { what: "y_score passed to roc_auc_score".into(), row, col, value });
    }
    if let Some(&bad) = t.iter().find(|&&c| c > 1) {
        return Err(Error::InvalidTarget {
            what: "y_true passed to roc_auc_score".into(),
            reason: format!("label {bad} is not 0 or 1; roc_auc_score supports binary labels"),
        });
    }
    let n_pos = t.iter().filter(|&&c| c == 1).count();
    let n_neg = t.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return Err(Error::InvalidTarget {
            what: "y_true passed to roc_auc_score".into(),
            reason: "only one class is present; ROC AUC is not defined in that case".into(),
        });
    }
    let col = y_score.ncols() - 1;
    let mut order: Vec<usize> = (0..t.len()).collect();
    order.sort_by(|&a, &b| y_score[[a, col]].total_cmp(&y_score[[b, col]]));
    // Mann-Whitney U with average ranks for ties.
    let mut rank_sum_pos = 0.0;
    let mut i = 0;
    while i < order.len() {
        let v = y_score[[order[i], col]];
        let j = order[i..].iter().position(|&r| y_score[[r, col]] != v).map_or(order.len(), |p| i + p);
        let avg_rank = (i + 1 + j) as f64 / 2.0; // ranks i+1 ..= j
        rank_sum_pos += avg_rank * order[i..j].iter().filter(|&&r| t[r] == 1).count() as f64;
        i = j;
    }
    let u = rank_sum_pos - (n_pos * (n_pos + 1)) as f64 / 2.0;
    Ok(u / (n_pos as f64 * n_neg as f64))
}
