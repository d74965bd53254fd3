//! Streaming: [`TabularSpec::fit_stream`] trains on a CSV file larger than memory, with memory
//! bounded by the chunk size whatever the file size.
//!
//! Pass 1 reads the file a chunk at a time for what must be known before training (column
//! types, categories, classes, the test rows); pass 2 encodes each chunk, fits the scaler
//! per chunk on the rows that train (merged: MinMax exactly, Standard's moments in `f64`),
//! writes the encoded rows to a temporary binary cache and scales them there once; every epoch then reads the
//! training chunks from the cache in a seeded random order, each chunk's rows in a seeded
//! permutation ([`Sequential::fit_chunks`](crate::model::Sequential::fit_chunks)).
//!
//! The rows are chosen as an in-memory run with `test_selection = "hash"` chooses them: test
//! rows by a hash of their position and the seed, validation rows the file's last
//! `validation_split` of the rest. With one chunk holding the whole file, the model is the
//! one `TabularSpec::fit` trains with `test_selection = "hash"`, weight for weight.
//!
//! ```
//! use kerust::prelude::*;
//! use kerust::tabular::StreamOptions;
//!
//! let path = std::env::temp_dir().join("kerust-doc-stream.csv");
//! let mut csv = String::from("x,color,y\n");
//! for i in 0..400 {
//!     let x = i as f32 / 400.0;
//!     csv += &format!("{x},{},{}\n", ["red", "blue"][i % 2], 3.0 * x + (i % 2) as f32);
//! }
//! std::fs::write(&path, csv).unwrap();
//! let spec = TabularSpec { epochs: 5, layers: vec![8], seed: Some(1), ..TabularSpec::default() };
//! let stream = StreamOptions { chunk_rows: 100, ..StreamOptions::default() };
//! let run = spec.fit_stream(&path, "y", &stream, Default::default())?;
//! assert_eq!(run.history.len(), 5);
//! assert_eq!(run.model.preprocessor().feature_names(), ["x", "color_blue", "color_red"]);
//! # std::fs::remove_file(&path).ok();
//! # Ok::<(), kerust::Error>(())
//! ```

mod cache;
mod chunks;
mod encode;
mod fills;
mod plan;
mod scores;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use self::cache::CacheDir;
use self::chunks::Chunks;
use self::plan::Plan;
use super::file::Contents;
use super::fit::{TabularRun, TrainOptions};
use super::model::TabularModel;
use super::preprocessor::Preprocessor;
use super::rows::{check_loss, compiled_network};
use super::selection::TestSelection;
use super::spec::TabularSpec;
use crate::data::{CsvOptions, detect_delimiter};
use crate::error::{Error, Result};
use crate::preprocessing::Scaler;

/// How [`TabularSpec::fit_stream`] reads its file.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamOptions {
    /// Rows per chunk (default 65,536): memory grows with it, and each chunk's rows are
    /// shuffled among themselves (the chunks' order is shuffled too).
    pub chunk_rows: usize,
    /// How the CSV is read (delimiter, missing-value markers, declared types).
    pub csv: CsvOptions,
    /// Where the encoded rows are cached during training (default: the system's temporary
    /// folder); they take 4 bytes per feature and row.
    pub cache_dir: Option<PathBuf>,
    /// The test rows kept in [`TestSplit`](super::TestSplit) (default 100,000: the first ones,
    /// in file order) for predictions and charts; the metrics cover every test row.
    pub keep_test_rows: usize,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions { chunk_rows: 1 << 16, csv: CsvOptions::default(), cache_dir: None, keep_test_rows: 100_000 }
    }
}

impl TabularSpec {
    /// [`TabularSpec::fit_with`] on the CSV file at `path`, read a chunk at a time (see the
    /// module docs of [`stream`](crate::tabular::StreamOptions)): for files larger than
    /// memory; a Parquet file too, with the `parquet` feature. The test rows are chosen by
    /// hash (`test_selection = "hash"`, recorded in the model's spec); gaps are imputed or
    /// dropped as in memory, except for the fills that need every value at once (`median`,
    /// a numeric `most_frequent`: an error naming them); `class_weight` is not taken.
    pub fn fit_stream(
        &self,
        path: impl AsRef<Path>,
        target: &str,
        stream: &StreamOptions,
        options: TrainOptions,
    ) -> Result<TabularRun> {
        let clock = Instant::now();
        self.validate()?;
        if stream.chunk_rows == 0 {
            return Err(Error::invalid("chunk_rows", 0, "must be at least 1"));
        }
        if self.class_weight.is_some() {
            return Err(Error::invalid(
                "class_weight",
                "set",
                "is not taken with streaming (the class counts would need a pass of their own); train without --stream, or drop --class-weight",
            ));
        }
        let path = path.as_ref();
        let name = stream.csv.source_name.clone().unwrap_or_else(|| path.display().to_string());
        let head = prefix(path, &name)?;
        let delimiter = stream.csv.delimiter.unwrap_or_else(|| detect_delimiter(&head));
        let csv = CsvOptions { delimiter: Some(delimiter), source_name: Some(name.clone()), ..stream.csv.clone() };
        let chunks = if crate::data::is_parquet(&head) {
            parquet_chunks(path, &name, stream.chunk_rows)?
        } else {
            Chunks::scan(path, &name, delimiter, stream.chunk_rows)?
        };
        let seed = self.seed.unwrap_or_else(crate::tabular::random_seed);
        let spec = TabularSpec { seed: Some(seed), test_selection: TestSelection::Hash, ..self.clone() };
        let plan = Plan::make(&chunks, &csv, target, &spec, seed)?;
        if let Some(loss) = spec.loss {
            check_loss(loss, plan.task, plan.labels.as_ref().map_or(0, |l| l.len()), target)?;
        }
        let split_at = crate::model::validation_start(plan.fit_rows, spec.validation_split)?;
        let mut preprocessor = Preprocessor {
            target: target.to_string(),
            task: plan.task,
            encoding: plan.encoding.clone(),
            scaler: Scaler::None,
            labels: plan.labels.clone(),
        };
        let dir = CacheDir::new(&stream.cache_dir.clone().unwrap_or_else(std::env::temp_dir))?;
        let pieces = (stream.chunk_rows / spec.batch_size).max(1) * spec.batch_size;
        let (mut fit_rows, mut test, test_positions) =
            encode::encode(&chunks, &plan, &spec, &mut preprocessor, &dir, (split_at, pieces, stream.keep_test_rows))?;
        let network = compiled_network(&spec, &preprocessor, seed)?;
        if options.verbose > 0 {
            println!("{}", network.summary());
            println!(
                "{} rows ({name}, read in chunks of {} rows), target {target} ({}); {} train / {} test rows; {} features",
                chunks.rows(),
                stream.chunk_rows,
                plan.task,
                plan.fit_rows,
                plan.test_rows,
                preprocessor.n_features()
            );
        }
        let warnings = dropped_warnings(&plan, target);
        let preprocess = clock.elapsed().as_secs_f64();
        let pre_for_test = preprocessor.clone();
        let contents = Contents { preprocessor, spec, epochs_run: 0, test_metrics: BTreeMap::new() };
        let model = TabularModel::new(network, contents);
        let mut run = model.train_by(
            options,
            0.0,
            plan.fit_rows,
            |network, config| network.fit_chunks(&mut fit_rows, config),
            |network| scores::score_test(network, &mut test, test_positions, stream.keep_test_rows, &pre_for_test),
        )?;
        drop(dir);
        run.timings.preprocess = preprocess;
        run.warnings = warnings;
        Ok(run)
    }
}

/// The chunks of a Parquet file: read through the Arrow reader with the `parquet` feature, a
/// clear error without it.
fn parquet_chunks(path: &Path, name: &str, chunk_rows: usize) -> Result<Chunks> {
    #[cfg(feature = "parquet")]
    return Chunks::parquet(path, name, chunk_rows);
    #[cfg(not(feature = "parquet"))]
    {
        let _ = (path, chunk_rows);
        Err(crate::data::parquet_unavailable(name))
    }
}

/// The first bytes of the file, for delimiter detection.
fn prefix(path: &Path, name: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    let fail = |e: std::io::Error| Error::Csv {
        file: name.to_string(),
        line: None,
        column: None,
        reason: format!("cannot read: {e}"),
    };
    let file = std::fs::File::open(path).map_err(fail)?;
    let mut bytes = Vec::new();
    file.take(1 << 16).read_to_end(&mut bytes).map_err(fail)?;
    Ok(bytes)
}

/// The warnings of rows dropped over all chunks, worded as an in-memory run words them.
fn dropped_warnings(plan: &Plan, target: &str) -> Vec<String> {
    let mut out = plan.warnings.clone();
    if plan.without_target > 0 {
        out.push(format!("{} row(s) with a missing target {target:?} were dropped", plan.without_target));
    }
    if plan.with_gaps > 0 {
        out.push(format!("{} row(s) with a missing feature value were dropped (--missing drop)", plan.with_gaps));
    }
    out
}
