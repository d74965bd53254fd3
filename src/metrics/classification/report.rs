//! [`classification_report`]: scikit-learn's text table of per-class scores.

use ndarray::Array2;

use super::{label_pair, scores, union};
use crate::error::{Error, Result};

/// scikit-learn's `classification_report` text: precision, recall, F1 and support per label,
/// then `accuracy`, `macro avg` and `weighted avg`, with `digits` decimals (scikit-learn's
/// default is 2). `target_names` replaces the label numbers (one name per label, in order).
///
/// ```
/// use kerust::metrics::classification_report;
/// let y_true = ndarray::array![[0.0f32], [1.0], [1.0]];
/// let y_pred = ndarray::array![[0.0f32], [1.0], [0.0]];
/// let report = classification_report(&y_true, &y_pred, Some(&["cat", "dog"]), 2)?;
/// assert!(report.contains("         cat       0.50      1.00      0.67         1"));
/// # Ok::<(), kerust::Error>(())
/// ```
pub fn classification_report(
    y_true: &Array2<f32>,
    y_pred: &Array2<f32>,
    target_names: Option<&[&str]>,
    digits: usize,
) -> Result<String> {
    let (t, p) = label_pair(y_true, y_pred, "classification_report")?;
    let labels = union(&t, &p);
    let names: Vec<String> = match target_names {
        Some(names) if names.len() != labels.len() => {
            return Err(Error::invalid(
                "target_names",
                format!("{} names", names.len()),
                format!("must name each of the {} labels found in y_true and y_pred ({labels:?})", labels.len()),
            ));
        }
        Some(names) => names.iter().map(|s| s.to_string()).collect(),
        None => labels.iter().map(|l| l.to_string()).collect(),
    };
    let s = scores(&t, &p, labels);
    let heading = "weighted avg";
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0).max(heading.len()).max(digits);
    let mut out = format!("{:>width$} ", "");
    for h in ["precision", "recall", "f1-score", "support"] {
        out.push_str(&format!(" {h:>9}"));
    }
    out.push_str("\n\n");
    let row = |name: &str, p: f64, r: f64, f: f64, n: usize| {
        format!("{name:>width$}  {p:>9.digits$} {r:>9.digits$} {f:>9.digits$} {n:>9}\n")
    };
    for (i, name) in names.iter().enumerate() {
        out.push_str(&row(name, s.precision[i], s.recall[i], s.f1[i], s.support[i]));
    }
    out.push('\n');
    let total: usize = s.support.iter().sum();
    let accuracy = t.iter().zip(&p).filter(|(a, b)| a == b).count() as f64 / t.len() as f64;
    out.push_str(&format!("{:>width$}  {:>9} {:>9} {accuracy:>9.digits$} {total:>9}\n", "accuracy", "", ""));
    let k = s.labels.len() as f64;
    let macro_avg = |v: &[f64]| v.iter().sum::<f64>() / k;
    out.push_str(&row("macro avg", macro_avg(&s.precision), macro_avg(&s.recall), macro_avg(&s.f1), total));
    let weighted = |v: &[f64]| {
        if total == 0 { 0.0 } else { v.iter().zip(&s.support).map(|(x, &n)| x * n as f64).sum::<f64>() / total as f64 }
    };
    out.push_str(&row(heading, weighted(&s.precision), weighted(&s.recall), weighted(&s.f1), total));
    Ok(out)
}
