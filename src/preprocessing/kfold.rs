//! [`KFold`] and [`StratifiedKFold`]: scikit-learn's k-fold cross-validation splits without
//! shuffling (`shuffle=False`), the same folds, in the same order, with the same indices.
//!
//! ```
//! use kerust::preprocessing::{KFold, StratifiedKFold};
//! use ndarray::array;
//! // 7 rows in 3 folds: the first 7 % 3 = 1 fold has 3 rows, the others 2.
//! let folds = KFold::new(3).split(7)?;
//! assert_eq!(folds[0], (vec![3, 4, 5, 6], vec![0, 1, 2]));
//! assert_eq!(folds[2], (vec![0, 1, 2, 3, 4], vec![5, 6]));
//!
//! // Class labels (n, 1) or one-hot rows (n, classes): each test fold keeps the class shares.
//! let y = array![[1.0f32], [1.0], [0.0], [0.0], [1.0], [0.0]];
//! let folds = StratifiedKFold::new(3).split(&y)?;
//! let tests: Vec<Vec<usize>> = folds.into_iter().map(|(_, test)| test).collect();
//! assert_eq!(tests, [vec![0, 2], vec![1, 3], vec![4, 5]]);
//! # Ok::<(), kerust::Error>(())
//! ```
//!
//! [`StratifiedKFold`] states the exact rule, and why the class numbering does not matter.

use std::collections::HashMap;

use ndarray::Array2;

use super::split::classes;
use crate::error::{Error, Result};

/// `(train, test)` row indices of every fold, in fold order; both lists ascending.
pub type Folds = Vec<(Vec<usize>, Vec<usize>)>;

/// scikit-learn's `KFold(n_splits, shuffle=False)`: contiguous test blocks, in row order.
///
/// With `n` rows and `k` folds, the first `n % k` test folds have `n / k + 1` rows and the
/// others `n / k`; each fold trains on every other row.
///
/// ```
/// use kerust::preprocessing::KFold;
/// let folds = KFold::new(2).split(5)?;
/// assert_eq!(folds, [(vec![3, 4], vec![0, 1, 2]), (vec![0, 1, 2], vec![3, 4])]);
/// # Ok::<(), kerust::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KFold {
    n_splits: usize,
}

impl KFold {
    /// `n_splits` folds (scikit-learn's default is 5); checked by [`KFold::split`].
    pub fn new(n_splits: usize) -> Self {
        KFold { n_splits }
    }

    /// `(train, test)` row indices per fold, in scikit-learn's order; train indices
    /// ascending, test ascending. `n_splits` must be at least 2 and at most `n_rows`.
    pub fn split(&self, n_rows: usize) -> Result<Folds> {
        let k = self.n_splits;
        check_n_splits(k, n_rows)?;
        let (base, extra) = (n_rows / k, n_rows % k);
        let mut test_fold = Vec::with_capacity(n_rows); // (n_rows,) fold of each row
        for fold in 0..k {
            let size = base + usize::from(fold < extra);
            test_fold.extend(std::iter::repeat_n(fold, size));
        }
        Ok(folds(&test_fold, k))
    }
}

/// scikit-learn's `StratifiedKFold(n_splits, shuffle=False)`: folds that keep each class's
/// share, with the rows of a class kept in row order.
///
/// # The rule, and the class numbering
///
/// `StratifiedKFold._make_test_folds` (scikit-learn 1.9.1) numbers the classes **by order of
/// first appearance** in `y`, sorts those numbers, deals the sorted rows round robin to the
/// folds (`allocation[i][c]` = rows of class `c` among sorted positions `i, i + k, i + 2k,
/// ...`), and then gives the rows of each class, in row order, `allocation[0][c]` times fold 0,
/// then `allocation[1][c]` times fold 1, and so on. The numbering matters: the class numbered
/// first starts the round robin, so another numbering shifts which folds get a class's extra
/// rows. kerust numbers classes in sorted label order ([`LabelMap`](crate::data::LabelMap),
/// one-hot columns), so both `split` and `split_classes` first renumber the classes they
/// receive by first appearance, exactly as scikit-learn does. First appearance depends only on
/// which rows share a class, not on the label values, so any one-to-one numbering of the same
/// label column (strings, sorted indices, one-hot columns) gives scikit-learn's folds for the
/// raw labels.
///
/// Consequences worth knowing: test fold `i` always has as many rows as [`KFold`]'s fold `i`
/// (`n / k + 1` for the first `n % k` folds, `n / k` after); a class with fewer than
/// `n_splits` rows is allowed (it is missing from some test folds), but scikit-learn then
/// warns "The least populated class in y has only N members, which is less than n_splits";
/// this library cannot warn, so count the classes yourself if that matters. Only when every
/// class has fewer than `n_splits` rows is it an error, as in scikit-learn.
///
/// ```
/// use kerust::preprocessing::StratifiedKFold;
/// let folds = StratifiedKFold::new(2).split_classes(&[0, 0, 0, 1, 1, 1])?;
/// // Class 0 starts the round robin and gets fold 0's extra row; class 1 gets fold 1's.
/// assert_eq!(folds[0], (vec![2, 4, 5], vec![0, 1, 3]));
/// assert_eq!(folds[1], (vec![0, 1, 3], vec![2, 4, 5]));
/// # Ok::<(), kerust::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StratifiedKFold {
    n_splits: usize,
}

impl StratifiedKFold {
    /// `n_splits` folds (scikit-learn's default is 5); checked by the `split` methods.
    pub fn new(n_splits: usize) -> Self {
        StratifiedKFold { n_splits }
    }

    /// `(train, test)` row indices per fold, in scikit-learn's order, both ascending.
    ///
    /// `y` holds class labels `(n, 1)` (integer values, e.g. the class indices of
    /// [`TargetEncoding::ClassIndices`](crate::data::TargetEncoding::ClassIndices)) or one-hot
    /// rows `(n, classes)` (class = argmax), as the `stratify` argument of
    /// [`split_indices`](crate::preprocessing::split_indices). NaN, an infinity, or a
    /// non-integer label is an error; so are `n_splits` below 2, above the number of rows, or
    /// above the size of every class.
    pub fn split(&self, y: &Array2<f32>) -> Result<Folds> {
        check_n_splits(self.n_splits, y.nrows())?;
        if y.ncols() == 0 {
            return Err(Error::invalid(
                "y",
                format!("shape ({}, 0)", y.nrows()),
                "must have one column of class labels or one one-hot column per class",
            ));
        }
        if let Some(((row, col), &value)) = y.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(Error::NonFinite { what: "y (StratifiedKFold)".into(), row, col, value });
        }
        if y.ncols() == 1
            && let Some((row, v)) = y.column(0).iter().enumerate().find(|(_, v)| v.fract() != 0.0)
        {
            return Err(Error::InvalidTarget {
                what: "y (StratifiedKFold)".into(),
                reason: format!(
                    "row {row} holds {v}, which is not a class label; pass integer class indices (n, 1) or one-hot rows (n, classes)"
                ),
            });
        }
        let (class_of, _) = classes(y)?;
        self.split_classes(&class_of)
    }

    /// [`StratifiedKFold::split`] from plain class indices (any values: only which rows
    /// share a class, and the order in which the classes first appear, matter).
    pub fn split_classes(&self, classes: &[usize]) -> Result<Folds> {
        let (k, n) = (self.n_splits, classes.len());
        check_n_splits(k, n)?;
        // scikit-learn's encoding: class c is the c-th distinct label to appear.
        let mut code_of: HashMap<usize, usize> = HashMap::new();
        let encoded: Vec<usize> = classes
            .iter()
            .map(|&label| {
                let next = code_of.len();
                *code_of.entry(label).or_insert(next)
            })
            .collect();
        let mut counts = vec![0usize; code_of.len()]; // (classes,)
        encoded.iter().for_each(|&c| counts[c] += 1);
        let largest = counts.iter().copied().max().unwrap_or(0);
        if largest < k {
            return Err(Error::invalid(
                "n_splits",
                k,
                format!(
                    "cannot be greater than the number of members in each class (the largest of the {} classes has {largest} rows)",
                    counts.len()
                ),
            ));
        }
        // Sorted by class, the rows are dealt round robin: sorted position p goes to fold p % k.
        let mut allocation = vec![vec![0usize; counts.len()]; k]; // (n_splits, classes)
        let mut position = 0;
        for (c, &count) in counts.iter().enumerate() {
            for _ in 0..count {
                allocation[position % k][c] += 1;
                position += 1;
            }
        }
        // Each class's rows, in row order, take allocation[0][c] times fold 0, then fold 1, ...
        let folds_for_class: Vec<Vec<usize>> = (0..counts.len())
            .map(|c| (0..k).flat_map(|fold| std::iter::repeat_n(fold, allocation[fold][c])).collect())
            .collect();
        let mut taken = vec![0usize; counts.len()]; // (classes,) rows of each class seen so far
        let test_fold: Vec<usize> = encoded
            .iter()
            .map(|&c| {
                taken[c] += 1;
                folds_for_class[c][taken[c] - 1]
            })
            .collect();
        Ok(folds(&test_fold, k))
    }
}

/// scikit-learn's checks on `n_splits` (at least 2, at most the number of rows).
fn check_n_splits(n_splits: usize, n_rows: usize) -> Result<()> {
    if n_splits < 2 {
        return Err(Error::invalid(
            "n_splits",
            n_splits,
            "must be at least 2: k-fold cross-validation needs at least one train/test split",
        ));
    }
    if n_splits > n_rows {
        return Err(Error::invalid(
            "n_splits",
            n_splits,
            format!("cannot be greater than the number of rows ({n_rows})"),
        ));
    }
    Ok(())
}

/// `(train, test)` of each fold from the test fold of every row.
fn folds(test_fold: &[usize], n_splits: usize) -> Folds {
    (0..n_splits)
        .map(|fold| {
            let (test, train): (Vec<usize>, Vec<usize>) = (0..test_fold.len()).partition(|&r| test_fold[r] == fold);
            (train, test)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_numbered_by_first_appearance() {
        // sklearn: StratifiedKFold(2).split(X, [1, 0, 0, 0, 1, 1]) -> test [0, 1, 4], [2, 3, 5].
        // Numbering the classes in sorted order instead would give [0, 1, 2], [3, 4, 5].
        let skf = StratifiedKFold::new(2);
        let folds = skf.split_classes(&[1, 0, 0, 0, 1, 1]).unwrap();
        assert_eq!(folds[0].1, [0, 1, 4]);
        assert_eq!(folds[1].1, [2, 3, 5]);
        // Any one-to-one renaming of the labels keeps the folds.
        assert_eq!(skf.split_classes(&[0, 1, 1, 1, 0, 0]).unwrap(), folds);
        assert_eq!(skf.split_classes(&[9, 4, 4, 4, 9, 9]).unwrap(), folds);
    }

    #[test]
    fn stratified_test_folds_have_kfold_sizes() {
        let labels: Vec<usize> = (0..23).map(|r| (r * r + 3) % 4).collect();
        for k in 2..=5 {
            let stratified = StratifiedKFold::new(k).split_classes(&labels).unwrap();
            let plain = KFold::new(k).split(labels.len()).unwrap();
            let sizes = |f: &Folds| f.iter().map(|(_, t)| t.len()).collect::<Vec<_>>();
            assert_eq!(sizes(&stratified), sizes(&plain), "k={k}");
        }
    }
}
