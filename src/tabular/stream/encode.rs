//! Pass 2 of streaming: each chunk encoded with the plan's encoding and written to the cache
//! (training rows by chunk, validation rows, test rows), the scaler fitted per chunk on the
//! rows that train and merged, then the cache scaled once.

use ndarray::Axis;

use super::cache::{CacheDir, FitRows, TestRowsFile};
use super::chunks::Chunks;
use super::plan::Plan;
use crate::error::Result;
use crate::preprocessing::Scaler;
use crate::tabular::TabularSpec;
use crate::tabular::missing;
use crate::tabular::preprocessor::Preprocessor;
use crate::tabular::selection::is_test_row;

/// Pass 2: every chunk encoded into the cache (training rows by chunk, validation rows, test
/// rows), the scaler fitted per chunk on the rows that train and merged into `pre`. Returns
/// the training and test rows and the positions among the file's data rows of the first
/// `keep` test rows.
pub(super) fn encode(
    chunks: &Chunks,
    plan: &Plan,
    spec: &TabularSpec,
    pre: &mut Preprocessor,
    dir: &CacheDir,
    (split_at, piece_rows, keep): (usize, usize, usize),
) -> Result<(FitRows, TestRowsFile, Vec<usize>)> {
    let width = pre.n_features() + 1;
    let (mut train, mut validation, mut test) = (
        dir.rows_file("train.f32", width)?,
        dir.rows_file("validation.f32", width)?,
        dir.rows_file("test.f32", width)?,
    );
    let (mut train_chunks, mut parts, mut test_positions) = (Vec::new(), Vec::new(), Vec::new());
    let seed = spec.seed.unwrap_or_default();
    let mut fit_index = 0usize;
    for (k, chunk) in chunks.chunks.iter().enumerate() {
        let table = chunks.table(k, &plan.options)?;
        let cleaned = missing::clean(&table, &pre.target, spec)?;
        let kept = cleaned.table.as_ref();
        let x = pre.encoding.transform(kept)?;
        let y = pre.targets(kept)?;
        let (start, mut fitting) = (train.rows, Vec::new());
        for r in 0..kept.n_rows() {
            let position = chunk.first_row as usize + cleaned.original(r);
            if is_test_row(seed, position as u64, spec.test_size) {
                test.push(x.row(r), y.row(r))?;
                if test_positions.len() < keep {
                    test_positions.push(position);
                }
                continue;
            }
            fitting.push(r);
            if fit_index < split_at {
                train.push(x.row(r), y.row(r))?
            } else {
                validation.push(x.row(r), y.row(r))?
            }
            fit_index += 1;
        }
        if train.rows > start {
            train_chunks.push((start, train.rows - start));
        }
        if !fitting.is_empty() {
            parts.push(spec.scaler.fit(&x.select(Axis(0), &fitting))?);
        }
    }
    for file in [&mut train, &mut validation, &mut test] {
        file.finish()?;
    }
    // One part is the in-memory fit itself, bit for bit.
    pre.scaler = if parts.len() == 1 { parts.remove(0) } else { Scaler::merged(&parts)? };
    for file in [&mut train, &mut validation, &mut test] {
        file.scale(&pre.scaler, piece_rows)?;
    }
    let fit = FitRows { train, chunks: train_chunks, validation, piece_rows };
    let test = TestRowsFile { file: test, piece_rows };
    Ok((fit, test, test_positions))
}
