//! Classification metrics, scikit-learn names and results. Labels are class indices:
//! `(n, 1)` non-negative integers, or `(n, classes)` one-hot rows / probabilities (the class is
//! the row's argmax, as Keras's categorical accuracy). The label set is the sorted union of the
//! labels in `y_true` and `y_pred`. A 0/0 precision, recall or F1 is 0.0 (scikit-learn's
//! default `zero_division="warn"`, without the warning). Results are `f64`.

mod probability;
mod report;

pub use probability::{log_loss, roc_auc_score};
pub use report::classification_report;

use ndarray::{Array2, Axis};

use crate::error::{Error, Result};

/// How precision, recall and F1 combine the classes (scikit-learn `average=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Average {
    /// Class 1 only (scikit-learn's default); an error when there are more than two labels.
    #[default]
    Binary,
    /// Global counts of true/false positives (equals accuracy for single-label data).
    Micro,
    /// Unweighted mean over labels.
    Macro,
    /// Mean over labels weighted by support (true count).
    Weighted,
}

/// Per-label scores, scikit-learn `precision_recall_fscore_support(average=None)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassScores {
    /// The labels, sorted.
    pub labels: Vec<usize>,
    /// Precision of each label.
    pub precision: Vec<f64>,
    /// Recall of each label.
    pub recall: Vec<f64>,
    /// F1 of each label.
    pub f1: Vec<f64>,
    /// Number of true rows of each label.
    pub support: Vec<usize>,
}

/// Fraction of rows whose predicted label equals the true one.
///
/// ```
/// use kerust::metrics::accuracy_score;
/// let y_true = ndarray::array![[0.0f32], [1.0], [2.0], [1.0]];
/// let y_pred = ndarray::array![[0.0f32], [2.0], [2.0], [1.0]];
/// assert_eq!(accuracy_score(&y_true, &y_pred)?, 0.75);
/// # Ok::<(), kerust::Error>(())
/// ```
pub fn accuracy_score(y_true: &Array2<f32>, y_pred: &Array2<f32>) -> Result<f64> {
    let (t, p) = label_pair(y_true, y_pred, "accuracy_score")?;
    Ok(t.iter().zip(&p).filter(|(a, b)| a == b).count() as f64 / t.len() as f64)
}

/// `C[i][j]` = rows of true label `labels[i]` predicted as `labels[j]`, over the sorted union
/// of labels (use [`confusion_matrix_labels`] to get that list).
pub fn confusion_matrix(y_true: &Array2<f32>, y_pred: &Array2<f32>) -> Result<Array2<usize>> {
    let (t, p) = label_pair(y_true, y_pred, "confusion_matrix")?;
    let labels = union(&t, &p);
    let mut cm = Array2::<usize>::zeros((labels.len(), labels.len())); // (true, pred)
    for (a, b) in t.iter().zip(&p) {
        cm[[pos(&labels, *a), pos(&labels, *b)]] += 1;
    }
    Ok(cm)
}

/// [`confusion_matrix`] over the given class labels, in that order (scikit-learn's
/// `labels=` argument): `C[i][j]` = rows of true label `labels[i]` predicted as `labels[j]`;
/// rows whose true or predicted label is not listed are not counted.
///
/// ```
/// use kerust::metrics::confusion_matrix_with_labels;
/// let y_true = ndarray::array![[0.0f32], [1.0], [1.0]];
/// let y_pred = ndarray::array![[0.0f32], [1.0], [0.0]];
/// let cm = confusion_matrix_with_labels(&y_true, &y_pred, &[0, 1, 2])?;
/// assert_eq!(cm, ndarray::array![[1, 0, 0], [1, 1, 0], [0, 0, 0]]);
/// # Ok::<(), kerust::Error>(())
/// ```
pub fn confusion_matrix_with_labels(
    y_true: &Array2<f32>,
    y_pred: &Array2<f32>,
    labels: &[usize],
) -> Result<Array2<usize>> {
    let (t, p) = label_pair(y_true, y_pred, "confusion_matrix")?;
    let mut cm = Array2::<usize>::zeros((labels.len(), labels.len())); // (true, pred)
    let at = |l: usize| labels.iter().position(|&x| x == l);
    for (a, b) in t.iter().zip(&p) {
        if let (Some(i), Some(j)) = (at(*a), at(*b)) {
            cm[[i, j]] += 1;
        }
    }
    Ok(cm)
}

/// The labels that index the rows and columns of [`confusion_matrix`].
pub fn confusion_matrix_labels(y_true: &Array2<f32>, y_pred: &Array2<f32>) -> Result<Vec<usize>> {
    let (t, p) = label_pair(y_true, y_pred, "confusion_matrix")?;
    Ok(union(&t, &p))
}

/// Precision `tp / (tp + fp)`, averaged as `average` says.
pub fn precision_score(y_true: &Array2<f32>, y_pred: &Array2<f32>, average: Average) -> Result<f64> {
    averaged(y_true, y_pred, average, "precision_score", |s| &s.precision)
}

/// Recall `tp / (tp + fn)`, averaged as `average` says.
pub fn recall_score(y_true: &Array2<f32>, y_pred: &Array2<f32>, average: Average) -> Result<f64> {
    averaged(y_true, y_pred, average, "recall_score", |s| &s.recall)
}

/// F1 `2 tp / (2 tp + fp + fn)`, averaged as `average` says (micro: from global counts).
pub fn f1_score(y_true: &Array2<f32>, y_pred: &Array2<f32>, average: Average) -> Result<f64> {
    averaged(y_true, y_pred, average, "f1_score", |s| &s.f1)
}

/// Precision, recall, F1 and support of every label.
pub fn precision_recall_fscore_support(y_true: &Array2<f32>, y_pred: &Array2<f32>) -> Result<ClassScores> {
    let (t, p) = label_pair(y_true, y_pred, "precision_recall_fscore_support")?;
    let labels = union(&t, &p);
    Ok(scores(&t, &p, labels))
}

fn averaged(
    y_true: &Array2<f32>,
    y_pred: &Array2<f32>,
    average: Average,
    what: &str,
    pick: fn(&ClassScores) -> &Vec<f64>,
) -> Result<f64> {
    let (t, p) = label_pair(y_true, y_pred, what)?;
    let labels = union(&t, &p);
    match average {
        Average::Binary => {
            if labels.len() > 2 {
                return Err(Error::invalid(
                    "average",
                    "Binary",
                    format!(
                        "({what}) needs at most two labels, but y has {}: {labels:?}; choose Average::Macro, Average::Weighted or Average::Micro",
                        labels.len()
                    ),
                ));
            }
            if labels.len() == 2 && !labels.contains(&1) {
                return Err(Error::invalid(
                    "average",
                    "Binary",
                    format!("({what}) scores the positive label 1, which y does not contain (labels {labels:?})"),
                ));
            }
            Ok(pick(&scores(&t, &p, vec![1]))[0])
        }
        Average::Macro => {
            let s = scores(&t, &p, labels);
            Ok(pick(&s).iter().sum::<f64>() / s.labels.len() as f64)
        }
        Average::Weighted => {
            let s = scores(&t, &p, labels);
            let total: usize = s.support.iter().sum();
            if total == 0 {
                return Ok(0.0);
            }
            Ok(pick(&s).iter().zip(&s.support).map(|(v, &n)| v * n as f64).sum::<f64>() / total as f64)
        }
        Average::Micro => {
            let s = scores(&t, &p, labels);
            let (tp, fp, fn_) = s.labels.iter().fold((0usize, 0usize, 0usize), |acc, &l| {
                let c = counts(&t, &p, l);
                (acc.0 + c.0, acc.1 + c.1, acc.2 + c.2)
            });
            let micro = ClassScores {
                labels: vec![0],
                precision: vec![ratio(tp, tp + fp)],
                recall: vec![ratio(tp, tp + fn_)],
                f1: vec![ratio(2 * tp, 2 * tp + fp + fn_)],
                support: vec![t.len()],
            };
            Ok(pick(&micro)[0])
        }
    }
}

/// Per-label scores for `labels`.
pub(crate) fn scores(t: &[usize], p: &[usize], labels: Vec<usize>) -> ClassScores {
    let mut s = ClassScores { labels: Vec::new(), precision: vec![], recall: vec![], f1: vec![], support: vec![] };
    for &l in &labels {
        let (tp, fp, fn_) = counts(t, p, l);
        s.precision.push(ratio(tp, tp + fp));
        s.recall.push(ratio(tp, tp + fn_));
        s.f1.push(ratio(2 * tp, 2 * tp + fp + fn_));
        s.support.push(tp + fn_);
    }
    s.labels = labels;
    s
}

/// `(tp, fp, fn)` of label `l`.
fn counts(t: &[usize], p: &[usize], l: usize) -> (usize, usize, usize) {
    t.iter().zip(p).fold((0, 0, 0), |(tp, fp, fn_), (&a, &b)| match (a == l, b == l) {
        (true, true) => (tp + 1, fp, fn_),
        (false, true) => (tp, fp + 1, fn_),
        (true, false) => (tp, fp, fn_ + 1),
        (false, false) => (tp, fp, fn_),
    })
}

/// `num / den`, 0 when `den` is 0 (zero_division).
fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 { 0.0 } else { num as f64 / den as f64 }
}

pub(crate) fn union(t: &[usize], p: &[usize]) -> Vec<usize> {
    let mut labels: Vec<usize> = t.iter().chain(p).copied().collect();
    labels.sort_unstable();
    labels.dedup();
    labels
}

fn pos(labels: &[usize], l: usize) -> usize {
    labels.partition_point(|&x| x < l)
}

/// Class labels of both arrays, after checking that they have the same number of rows.
pub(crate) fn label_pair(y_true: &Array2<f32>, y_pred: &Array2<f32>, what: &str) -> Result<(Vec<usize>, Vec<usize>)> {
    if y_true.nrows() != y_pred.nrows() {
        return Err(Error::invalid(
            "y_pred",
            format!("{} rows", y_pred.nrows()),
            format!("({what}) must have one row per row of y_true ({})", y_true.nrows()),
        ));
    }
    if y_true.nrows() == 0 {
        return Err(Error::invalid("y_true", "0 rows", format!("({what}) must have at least one row")));
    }
    Ok((labels(y_true, "y_true", what)?, labels(y_pred, "y_pred", what)?))
}

/// Labels of a `(n, 1)` index array, or the argmax of each row of `(n, k)`.
pub(crate) fn labels(y: &Array2<f32>, name: &str, what: &str) -> Result<Vec<usize>> {
    if let Some(((row, col), &value)) = y.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(Error::NonFinite { what: format!("{name} passed to {what}"), row, col, value });
    }
    if y.ncols() == 1 {
        return crate::preprocessing::class_indices(y, &format!("{what} as {name}")).map_err(|e| match e {
            Error::InvalidTarget { what, reason } => Error::InvalidTarget {
                what,
                reason: format!("{reason}; threshold probabilities first (e.g. p >= 0.5 for a sigmoid output)"),
            },
            other => other,
        });
    }
    Ok(y.axis_iter(Axis(0))
        .map(|row| row.iter().enumerate().fold((0, f32::NEG_INFINITY), |b, (i, &v)| if v > b.1 { (i, v) } else { b }).0)
        .collect())
}
