//! [`train_test_split`]: shuffled, seeded train/test split (scikit-learn semantics), plain or
//! stratified.

use ndarray::{Array2, Axis};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::error::{Error, Result};

/// `(x_train, x_test, y_train, y_test)`.
pub type Split = (Array2<f32>, Array2<f32>, Array2<f32>, Array2<f32>);

/// Splits rows into a shuffled train and test part, scikit-learn style: `test_size` in (0, 1)
/// is the fraction of rows for the test part, `n_test = ceil(test_size * n)` and the rest
/// trains. The rows are permuted with a `ChaCha8Rng` seeded by `seed` (a random seed when
/// `None`); the same seed and data give the same split. (The permutation is not NumPy's: the
/// sizes and semantics match scikit-learn, the chosen rows do not.)
pub fn train_test_split(x: &Array2<f32>, y: &Array2<f32>, test_size: f64, seed: Option<u64>) -> Result<Split> {
    check_rows(x, y)?;
    let (train, test) = split_indices(x.nrows(), test_size, seed, None)?;
    Ok(take(x, y, &train, &test))
}

/// [`train_test_split`] keeping each class's share in both parts (scikit-learn
/// `train_test_split(..., stratify=y)`, i.e. `StratifiedShuffleSplit`). `y` holds class labels
/// `(n, 1)` (any exact values) or one-hot rows `(n, classes)` (class = argmax). Every class
/// needs at least 2 rows, and both parts at least one row per class.
pub fn train_test_split_stratified(
    x: &Array2<f32>,
    y: &Array2<f32>,
    test_size: f64,
    seed: Option<u64>,
) -> Result<Split> {
    check_rows(x, y)?;
    let (train, test) = split_indices(x.nrows(), test_size, seed, Some(y))?;
    Ok(take(x, y, &train, &test))
}

/// The row indices `(train, test)` of [`train_test_split`] (`stratify: None`) or of
/// [`train_test_split_stratified`] (`stratify: Some(y)`, class labels `(n, 1)` or one-hot
/// rows): the same seed gives the same rows as those functions. Use it to split several
/// arrays (or a table) alike, or to keep track of which rows were held out.
///
/// ```
/// use kerust::preprocessing::split_indices;
/// let (train, test) = split_indices(10, 0.3, Some(7), None)?;
/// assert_eq!((train.len(), test.len()), (7, 3));
/// let mut all: Vec<usize> = train.iter().chain(&test).copied().collect();
/// all.sort();
/// assert_eq!(all, (0..10).collect::<Vec<_>>());
/// # Ok::<(), kerust::Error>(())
/// ```
pub fn split_indices(
    n: usize,
    test_size: f64,
    seed: Option<u64>,
    stratify: Option<&Array2<f32>>,
) -> Result<(Vec<usize>, Vec<usize>)> {
    let (n_train, n_test) = sizes(n, test_size)?;
    let mut rng = rng(seed);
    let Some(y) = stratify else {
        let mut order: Vec<usize> = (0..n).collect();
        order.shuffle(&mut rng);
        let (test, train) = order.split_at(n_test);
        return Ok((train.to_vec(), test.to_vec()));
    };
    if y.nrows() != n {
        return Err(Error::RowMismatch { what: "split_indices (stratify)", x_rows: n, y_rows: y.nrows() });
    }
    let (class_of, counts) = classes(y)?;
    let n_classes = counts.len();
    if let Some(min) = counts.iter().copied().min().filter(|&m| m < 2) {
        return Err(Error::invalid(
            "y",
            format!("a class with {min} row"),
            "(stratify) must have at least 2 rows in every class",
        ));
    }
    if n_train < n_classes || n_test < n_classes {
        return Err(Error::invalid(
            "test_size",
            test_size,
            format!(
                "(stratify) must leave at least one row per class ({n_classes}) in each part; got {n_train} train and {n_test} test rows"
            ),
        ));
    }
    let train_counts = approximate_mode(&counts, n_train, &mut rng);
    let remaining: Vec<usize> = counts.iter().zip(&train_counts).map(|(c, t)| c - t).collect();
    let test_counts = approximate_mode(&remaining, n_test, &mut rng);
    let (mut train, mut test) = (Vec::with_capacity(n_train), Vec::with_capacity(n_test));
    for (k, (&n_tr, &n_te)) in train_counts.iter().zip(&test_counts).enumerate() {
        let mut members: Vec<usize> = (0..n).filter(|&r| class_of[r] == k).collect();
        members.shuffle(&mut rng);
        train.extend_from_slice(&members[..n_tr]);
        test.extend_from_slice(&members[n_tr..n_tr + n_te]);
    }
    train.shuffle(&mut rng);
    test.shuffle(&mut rng);
    Ok((train, test))
}

fn rng(seed: Option<u64>) -> ChaCha8Rng {
    match seed {
        Some(s) => ChaCha8Rng::seed_from_u64(s),
        None => ChaCha8Rng::from_entropy(),
    }
}

fn check_rows(x: &Array2<f32>, y: &Array2<f32>) -> Result<()> {
    if y.nrows() != x.nrows() {
        return Err(Error::RowMismatch { what: "train_test_split", x_rows: x.nrows(), y_rows: y.nrows() });
    }
    Ok(())
}

/// `(n_train, n_test)` of `n` rows after checking `test_size`.
fn sizes(n: usize, test_size: f64) -> Result<(usize, usize)> {
    if !(test_size > 0.0 && test_size < 1.0) {
        return Err(Error::invalid("test_size", test_size, "must be a fraction strictly between 0 and 1"));
    }
    let n_test = (test_size * n as f64).ceil() as usize;
    let n_train = n.saturating_sub(n_test);
    if n_train == 0 || n_test == 0 {
        return Err(Error::invalid(
            "test_size",
            test_size,
            format!("leaves an empty train or test set with n_samples={n}; use more rows or another test_size"),
        ));
    }
    Ok((n_train, n_test))
}

/// The class (0-based, in sorted label order) of each row, and each class's row count.
pub(super) fn classes(y: &Array2<f32>) -> Result<(Vec<usize>, Vec<usize>)> {
    let labels: Vec<f32> = if y.ncols() == 1 {
        y.column(0).to_vec()
    } else {
        y.axis_iter(Axis(0))
            .map(|row| {
                row.iter().enumerate().fold((0, f32::NEG_INFINITY), |b, (i, &v)| if v > b.1 { (i, v) } else { b }).0
                    as f32
            })
            .collect()
    };
    if let Some(row) = labels.iter().position(|v| !v.is_finite()) {
        return Err(Error::NonFinite { what: "y (stratify)".into(), row, col: 0, value: labels[row] });
    }
    let mut distinct = labels.clone();
    distinct.sort_by(f32::total_cmp);
    distinct.dedup();
    let class_of: Vec<usize> = labels.iter().map(|v| distinct.partition_point(|d| d < v)).collect();
    let mut counts = vec![0; distinct.len()];
    class_of.iter().for_each(|&k| counts[k] += 1);
    Ok((class_of, counts))
}

/// scikit-learn's `_approximate_mode`: per-class draws proportional to `counts`, summing to
/// `n_draws`; the remainder goes to the largest fractional parts (ties broken at random).
fn approximate_mode(counts: &[usize], n_draws: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let total: usize = counts.iter().sum();
    let continuous: Vec<f64> = counts.iter().map(|&c| c as f64 / total as f64 * n_draws as f64).collect();
    let mut floored: Vec<usize> = continuous.iter().map(|c| c.floor() as usize).collect();
    let mut need = n_draws.saturating_sub(floored.iter().sum());
    let remainder: Vec<f64> = continuous.iter().zip(&floored).map(|(c, &f)| c - f as f64).collect();
    let mut values = remainder.clone();
    values.sort_by(|a, b| b.total_cmp(a));
    values.dedup();
    for value in values {
        if need == 0 {
            break;
        }
        let mut tied: Vec<usize> = (0..counts.len()).filter(|&i| remainder[i] == value).collect();
        tied.shuffle(rng);
        for &i in tied.iter().take(need) {
            floored[i] += 1;
        }
        need -= tied.len().min(need);
    }
    floored
}

fn take(x: &Array2<f32>, y: &Array2<f32>, train: &[usize], test: &[usize]) -> Split {
    (x.select(Axis(0), train), x.select(Axis(0), test), y.select(Axis(0), train), y.select(Axis(0), test))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approximate_mode_matches_sklearn_examples() {
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        // sklearn docstring: _approximate_mode([2, 2, 2, 1], 2) -> one of the classes with 2
        assert_eq!(approximate_mode(&[2, 4], 3, &mut rng), vec![1, 2]);
        let out = approximate_mode(&[2, 2, 2, 1], 2, &mut rng);
        assert_eq!(out.iter().sum::<usize>(), 2);
        assert_eq!(out[3], 0);
    }
}
