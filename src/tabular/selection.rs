//! [`TestSelection`]: how the test rows are chosen. `shuffle` is scikit-learn's
//! `train_test_split` (a seeded permutation, stratified for classes); `hash` decides each row
//! alone, by its position and the seed, so that a file read a chunk at a time
//! ([`TabularSpec::fit_stream`](super::TabularSpec::fit_stream)) holds out the same rows as the
//! same file read whole.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::names::named;

/// How [`TabularSpec`](super::TabularSpec) picks its test rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TestSelection {
    /// `test_size` of the rows, by a seeded shuffle (stratified by class for classification);
    /// the training rows in shuffled order.
    #[default]
    Shuffle,
    /// Each row independently, with probability `test_size`, by a hash of its position in the
    /// file (0-based, counting every data row) and the seed; the training rows in file order,
    /// so that `validation_split` takes the file's last training rows, as Keras does. What
    /// `--stream` uses; not stratified.
    Hash,
}

named!(TestSelection, "test selection", Shuffle = "shuffle", Hash = "hash");

/// Whether data row `row` (0-based position in the file) is a test row under
/// [`TestSelection::Hash`].
pub(crate) fn is_test_row(seed: u64, row: u64, test_size: f64) -> bool {
    // SplitMix64's finalizer over the seed and the row: every bit of both moves the result.
    let mut z = seed ^ 0x6b65_7275_7374_7465; // "kerustte"
    z = z.wrapping_add(row.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    ((z >> 11) as f64) * (1.0 / (1u64 << 53) as f64) < test_size
}

/// `(train, test)` positions among `n` rows whose file positions are `position(r)`, under
/// [`TestSelection::Hash`]; both sides must have a row.
pub(crate) fn hashed_split(
    n: usize,
    test_size: f64,
    seed: u64,
    position: impl Fn(usize) -> usize,
) -> Result<(Vec<usize>, Vec<usize>)> {
    let (test, train): (Vec<usize>, Vec<usize>) =
        (0..n).partition(|&r| is_test_row(seed, position(r) as u64, test_size));
    check_sides(train.len(), test.len(), test_size)?;
    Ok((train, test))
}

/// A hash selection that left a side empty is an error naming `test_size`.
pub(crate) fn check_sides(train: usize, test: usize, test_size: f64) -> Result<()> {
    if train == 0 || test == 0 {
        return Err(Error::invalid(
            "test_size",
            test_size,
            format!(
                "selected {test} test and {train} training rows (test_selection = \"hash\" draws each row alone); both sides need rows: use more data or another test_size"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_of_test_rows_is_test_size_and_depends_on_the_seed() {
        let share = |seed, size| (0..100_000).filter(|&r| is_test_row(seed, r, size)).count() as f64 / 1e5;
        assert!((share(1, 0.2) - 0.2).abs() < 0.005, "{}", share(1, 0.2));
        assert!((share(7, 0.5) - 0.5).abs() < 0.005);
        let rows = |seed| (0..64).filter(|&r| is_test_row(seed, r, 0.5)).collect::<Vec<_>>();
        assert_ne!(rows(1), rows(2));
        assert_eq!(rows(3), rows(3));
    }

    #[test]
    fn an_empty_side_is_an_error_naming_test_size() {
        let err = hashed_split(3, 1e-9, 0, |r| r).unwrap_err().to_string();
        assert!(err.contains("test_size"), "{err}");
    }
}
