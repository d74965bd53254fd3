//! Per-row loss weights: `class_weight` and `sample_weight` of `fit`, as Keras applies them.
//!
//! A weighted batch loss is `Σ loss_i · w_i / rows` (Keras divides by the number of rows, not
//! by `Σ w`). The metrics of `compile` stay unweighted, as Keras's `metrics` (only its
//! separate `weighted_metrics` see the weights). `class_weight` maps each training row's
//! class (its rounded label, or the argmax of a one-hot row) to a weight; classes not listed
//! weigh 1; validation rows are not class-weighted.

use std::collections::BTreeMap;

use ndarray::{Array1, ArrayView1, ArrayView2, ArrayViewMut2, s};

use super::FitConfig;
use crate::error::{Error, Result};
use crate::losses::Loss;
use crate::metrics::argmax;

/// Class weights for `fit` (Keras's `class_weight`).
///
/// ```
/// use kerust::model::ClassWeight;
/// use ndarray::array;
/// let y = array![[1.0f32], [1.0], [1.0], [1.0], [0.0], [0.0]];
/// let w = ClassWeight::balanced_weights(y.view())?;
/// assert_eq!(w[&0], 1.5);  // 6 / (2 * 2)
/// assert_eq!(w[&1], 0.75); // 6 / (2 * 4)
/// assert_eq!("balanced".parse::<ClassWeight>()?, ClassWeight::Balanced);
/// # Ok::<(), kerust::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum ClassWeight {
    /// scikit-learn's `"balanced"`: `n_samples / (n_classes · count(class))` over the
    /// training rows (`n_classes` = the classes present).
    Balanced,
    /// An explicit weight per class index; classes not listed weigh 1.
    Map(BTreeMap<usize, f32>),
}

impl ClassWeight {
    /// scikit-learn's balanced weights of the labels `y` (one column of class indices, or
    /// one-hot rows): `n_samples / (n_classes · bincount)`, for each class present.
    pub fn balanced_weights(y: ArrayView2<f32>) -> Result<BTreeMap<usize, f32>> {
        let labels = class_labels(y)?;
        let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
        for &k in &labels {
            *counts.entry(k).or_default() += 1;
        }
        let (n, classes) = (labels.len() as f64, counts.len() as f64);
        Ok(counts.into_iter().map(|(k, c)| (k, (n / (classes * c as f64)) as f32)).collect())
    }

    /// The weight of each row of `y`.
    pub fn sample_weights(&self, y: ArrayView2<f32>) -> Result<Array1<f32>> {
        let map = match self {
            ClassWeight::Balanced => ClassWeight::balanced_weights(y)?,
            ClassWeight::Map(m) => m.clone(),
        };
        if let Some((k, w)) = map.iter().find(|(_, w)| !(w.is_finite() && **w >= 0.0)) {
            return Err(Error::invalid(
                "class_weight",
                format!("{{{k}: {w}}}"),
                "must map classes to finite weights >= 0",
            ));
        }
        Ok(class_labels(y)?.iter().map(|k| map.get(k).copied().unwrap_or(1.0)).collect())
    }
}

impl std::str::FromStr for ClassWeight {
    type Err = Error;

    /// `"balanced"` (the CLI's `--class-weight balanced`).
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "balanced" => Ok(ClassWeight::Balanced),
            _ => Err(Error::UnknownName { kind: "class weight", value: s.to_string(), expected: "balanced".into() }),
        }
    }
}

/// The class of each row, Keras's rule: argmax of a multi-column row, else the rounded value.
pub fn class_labels(y: ArrayView2<f32>) -> Result<Vec<usize>> {
    y.rows()
        .into_iter()
        .map(|row| {
            if row.len() > 1 {
                return Ok(argmax(row));
            }
            let v = row.first().copied().unwrap_or(0.0).round();
            if v.is_finite() && v >= 0.0 {
                Ok(v as usize)
            } else {
                Err(Error::invalid("y", row[0], "must hold class indices >= 0 to use class_weight"))
            }
        })
        .collect()
}

/// Checks a user's `sample_weight` against `rows`: one finite value ≥ 0 per row.
pub(crate) fn check_sample_weight(w: ArrayView1<f32>, rows: usize) -> Result<()> {
    if w.len() != rows {
        return Err(Error::invalid(
            "sample_weight",
            format!("{} values", w.len()),
            format!("must have one value per row of x ({rows})"),
        ));
    }
    match w.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
        Some(v) => Err(Error::invalid("sample_weight", v, "must hold finite values >= 0")),
        None => Ok(()),
    }
}

/// Loss weights of the training rows (owned) and of the validation rows (a view).
pub(crate) type RowWeights<'c> = (Option<Array1<f32>>, Option<ArrayView1<'c, f32>>);

/// The loss weights of the training rows and of the validation rows (from
/// `validation_split`; explicit `validation_data` is unweighted). `split` says whether the
/// validation rows are the last rows of `y`'s `n`.
pub(crate) fn row_weights<'c>(
    config: &'c FitConfig,
    y_train: ArrayView2<f32>,
    n: usize,
    split: bool,
) -> Result<RowWeights<'c>> {
    if let Some(cw) = &config.class_weight {
        return Ok((Some(cw.sample_weights(y_train)?), None));
    }
    let Some(w) = &config.sample_weight else { return Ok((None, None)) };
    check_sample_weight(w.view(), n)?;
    let train = w.slice(s![..y_train.nrows()]).to_owned();
    let val = split.then(|| w.slice(s![y_train.nrows()..]));
    Ok((Some(train), val))
}

/// The batch loss: the plain mean, or `Σ loss_i · w_i / rows` with weights.
pub(crate) fn batch_loss(loss: &Loss, y: ArrayView2<f32>, p: ArrayView2<f32>, w: Option<ArrayView1<f32>>) -> f32 {
    match w {
        Some(w) => loss.compute_weighted(y, p, w),
        None => loss.compute(y, p),
    }
}

/// `Σ loss_i · w_i` (w = 1 without weights), in f64.
pub(crate) fn loss_sum(loss: &Loss, y: ArrayView2<f32>, p: ArrayView2<f32>, w: Option<ArrayView1<f32>>) -> f64 {
    match w {
        Some(w) => loss.compute_weighted(y, p, w) as f64 * p.nrows() as f64,
        None => loss.sum(y, p),
    }
}

/// Multiplies row `i` of a loss gradient by `w_i`.
pub(crate) fn scale_rows(mut d: ArrayViewMut2<f32>, w: Option<ArrayView1<f32>>) {
    if let Some(w) = w {
        for (mut row, &wi) in d.rows_mut().into_iter().zip(w.iter()) {
            row *= wi;
        }
    }
}

/// The weights of `rows`, gathered into `buf`.
pub(crate) fn gather_weights<'b>(
    buf: &'b mut Vec<f32>,
    w: Option<ArrayView1<f32>>,
    rows: &[usize],
) -> Option<ArrayView1<'b, f32>> {
    let w = w?;
    buf.clear();
    buf.extend(rows.iter().map(|&r| w[r]));
    Some(ArrayView1::from(buf.as_slice()))
}
