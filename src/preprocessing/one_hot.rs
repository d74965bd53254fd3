//! [`to_categorical`]: class indices to one-hot rows (Keras `keras.utils.to_categorical`).

use ndarray::Array2;

use crate::data::one_hot_rows;
use crate::error::{Error, Result};

/// One-hot encodes class indices: `y` `(n, 1)` of integers `0..num_classes` → `(n, num_classes)`
/// with a single 1 per row. `num_classes` defaults to `max(y) + 1` (Keras).
///
/// ```
/// use kerust::preprocessing::to_categorical;
/// let y = ndarray::array![[0.0f32], [2.0], [1.0]];
/// assert_eq!(to_categorical(&y, None)?, ndarray::array![[1.0f32, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]);
/// # Ok::<(), kerust::Error>(())
/// ```
pub fn to_categorical(y: &Array2<f32>, num_classes: Option<usize>) -> Result<Array2<f32>> {
    let idx = class_indices(y, "to_categorical")?;
    let max = idx.iter().copied().max().unwrap_or(0);
    let k = match num_classes {
        Some(k) if k <= max => {
            return Err(Error::invalid(
                "num_classes",
                k,
                format!("must be greater than the largest class index in y ({max})"),
            ));
        }
        Some(k) => k,
        None => max + 1,
    };
    Ok(one_hot_rows(&idx, k))
}

/// The class index of each row of a `(n, 1)` array of non-negative integers.
pub(crate) fn class_indices(y: &Array2<f32>, what: &str) -> Result<Vec<usize>> {
    if y.ncols() != 1 {
        return Err(Error::ColumnMismatch {
            what: format!("y passed to {what}"),
            expected: 1,
            got: y.ncols(),
            hint: "; pass class indices as a (n, 1) array".into(),
        });
    }
    y.iter()
        .enumerate()
        .map(|(row, &v)| {
            if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 16_777_216.0 {
                Ok(v as usize)
            } else {
                Err(Error::InvalidTarget {
                    what: format!("y passed to {what}, row {row}"),
                    reason: format!("{v} is not a class index; class indices are integers 0, 1, 2, ..."),
                })
            }
        })
        .collect()
}
