//! `kerust train DATA.csv --stream`: [`TabularSpec::fit_stream`] over the file, a chunk at a
//! time, into the same run folder as any run (the report without the sections that need the
//! whole table in memory: data lint, column table, baselines, importance).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ArgMatches;
use kerust::data::CsvOptions;
use kerust::prelude::*;
use kerust::tabular::{StreamOptions, TestSelection};

use super::run_dir::{RunDir, timestamp};
use super::settings::{RunSettings, flag_error, flag_of};
use super::source::{self, DataRecord};
use super::train::options;
use super::train_args::TrainArgs;
use super::{output, usage};

pub fn run(args: &TrainArgs, matches: &ArgMatches) -> anyhow::Result<ExitCode> {
    if !args.stream {
        let flag = if args.cache_dir.is_some() { "--cache-dir" } else { "--chunk-rows" };
        usage!("{flag} applies to --stream; add --stream (to read the file a chunk at a time), or drop {flag}");
    }
    // What --stream cannot honour, named.
    for (given, flag, why) in [
        (args.resume.is_some(), "--resume", "a streamed run cannot be continued yet"),
        (args.repeats.is_some(), "--repeats", "each repeat would need the file in memory"),
        (args.cv.is_some(), "--cv", "the folds need every training row in memory"),
        (args.strict, "--strict", "the data lint reads the whole table"),
    ] {
        if given {
            usage!("--stream cannot honour {flag}: {why}; drop {flag}, or drop --stream to read the file whole");
        }
    }
    if args.chunk_rows == 0 {
        usage!("--chunk-rows must be at least 1 (got 0)");
    }
    let base = match &args.spec.config {
        Some(path) => RunSettings::from_file(path)?,
        None => RunSettings::default(),
    };
    let mut settings = args.spec.apply(matches, base);
    if matches.value_source("test_selection") == Some(clap::parser::ValueSource::CommandLine)
        && settings.spec.test_selection != TestSelection::Hash
    {
        usage!("--stream chooses the test rows by hash; drop --test-selection shuffle, or drop --stream");
    }
    settings.spec.test_selection = TestSelection::Hash;
    settings.spec.validate().map_err(flag_error)?;
    if settings.spec.class_weight.is_some() {
        usage!(
            "--stream cannot honour {}: the class counts would need a pass of their own; drop it, or drop --stream",
            flag_of("class_weight")
        );
    }
    let Some(path) = settings.data.clone() else {
        usage!(
            "--stream reads a CSV file: give DATA.csv (the embedded datasets are small and read whole; drop --stream)"
        );
    };
    if path.is_dir() {
        anyhow::bail!("{} is a directory; give the path of a CSV file", path.display());
    }
    let clock = std::time::Instant::now();
    let source_name = path.display().to_string();
    let columns = Table::columns_of(&path)?;
    let target = settings.target.clone().unwrap_or_else(|| columns.last().cloned().unwrap_or_default());
    if !columns.contains(&target) {
        usage!("--target {target:?} is not a column of {source_name} (columns: {})", columns.join(", "));
    }
    settings.target = Some(target.clone());
    let sha256 = source::file_sha256(&path)?;
    let name = path.file_stem().map_or("data".into(), |s| s.to_string_lossy().into_owned());
    let out = settings.out.clone().unwrap_or_else(|| PathBuf::from(format!("runs/{name}-{}", timestamp())));
    let run_dir = RunDir::create(&out)?;
    let seconds = clock.elapsed().as_secs_f64();
    settings.spec.seed.get_or_insert_with(kerust::tabular::random_seed);
    let stream = StreamOptions {
        chunk_rows: args.chunk_rows,
        csv: CsvOptions::default().source_name(&source_name),
        cache_dir: args.cache_dir.clone(),
        ..StreamOptions::default()
    };
    let run = settings.spec.fit_stream(&path, &target, &stream, options(args, &run_dir)).map_err(flag_error)?;
    settings.spec.seed = Some(run.seed);
    if run.test.rows.len() < run.test.scored_rows && !args.quiet {
        println!(
            "The test metrics cover all {} test rows; predictions.csv and the charts hold the first {} (kerust predict scores any file)",
            run.test.scored_rows,
            run.test.rows.len()
        );
    }
    let record = DataRecord {
        table: None,
        source: &source_name,
        sha256: &sha256,
        seconds,
        lint: &[],
        rows: run.train_rows + run.test.scored_rows,
        chunk_rows: Some(args.chunk_rows),
    };
    output::finish(run_dir, &settings, &record, History::default(), run, None, None)
}
