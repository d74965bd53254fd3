//! `kerust train`: flags → [`RunSettings`] → [`TabularSpec::fit`] (or, with `--resume`,
//! [`TabularModel::fit_more`]) → the run folder.

use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;

use anyhow::Context;
use clap::ArgMatches;
use kerust::callbacks::StopFlag;
use kerust::data::{LintOptions, LintWarning};
use kerust::prelude::*;
use kerust::preprocessing::ScalerKind;
use kerust::tabular::{TabularModel, TrainOptions};

use super::resampled::Resampled;
use super::run_dir::{RunDir, timestamp};
use super::settings::{RunSettings, flag_error, flag_of};
use super::source;
use super::train_args::TrainArgs;
use super::{UsageError, usage};
use super::{output, side};
use kerust::tuning::Resampling;

pub fn run(args: TrainArgs, matches: &ArgMatches) -> anyhow::Result<ExitCode> {
    let ranks = if args.distributed { Some(super::distributed::join()?) } else { None };
    if ranks.is_some() {
        for (given, flag) in [
            (args.stream, "--stream"),
            (args.resume.is_some(), "--resume"),
            (args.repeats.is_some(), "--repeats"),
            (args.cv.is_some(), "--cv"),
        ] {
            if given {
                usage!("--distributed cannot honour {flag} yet; drop one of them");
            }
        }
    }
    if args.stream
        || matches.value_source("chunk_rows") == Some(clap::parser::ValueSource::CommandLine)
        || args.cache_dir.is_some()
    {
        return super::stream::run(&args, matches);
    }
    if let Some(dir) = &args.resume {
        return resume(&args, matches, dir);
    }
    let base = match &args.spec.config {
        Some(path) => RunSettings::from_file(path)?,
        None => RunSettings::default(),
    };
    let mut settings = args.spec.apply(matches, base);
    settings.spec.validate().map_err(flag_error)?;
    let mut data = source::load(&settings)?;
    let target = settings.target.clone().unwrap_or_else(|| data.default_target.clone());
    settings.target = Some(target.clone());
    if !data.table.columns().contains(&target) {
        usage!("--target {target:?} is not a column of {} (columns: {})", data.source, data.table.columns().join(", "));
    }
    if let Some(ranks) = &ranks {
        // Every rank trains with rank 0's seed (drawn there when none was given).
        let mut seed = settings.spec.seed.unwrap_or_else(kerust::tabular::random_seed).to_le_bytes();
        ranks.broadcast(&mut seed)?;
        settings.spec.seed = Some(u64::from_le_bytes(seed));
    }
    if let Some(ranks) = ranks.as_ref().filter(|r| r.rank() != 0) {
        // A follower: the same fit, silently; rank 0 writes the folder.
        let options = TrainOptions { ranks: Some(Rc::clone(ranks)), ..TrainOptions::default() };
        settings.spec.fit_with(&data.table, &target, options).map_err(flag_error)?;
        return Ok(ExitCode::SUCCESS);
    }
    data.lint = lint(&data.table, &target, &settings.spec, args.strict)?;
    let out = settings.out.clone().unwrap_or_else(|| PathBuf::from(format!("runs/{}-{}", data.name, timestamp())));
    let run_dir = RunDir::create(&out)?;
    // Drawn here rather than by `fit_with`, so that the report's perceptron baseline (same
    // seed) can train on a second core while the run trains.
    let seed = *settings.spec.seed.get_or_insert_with(kerust::tabular::random_seed);
    let mut options = options(&args, &run_dir);
    options.ranks = ranks;
    let stop = options.stop_flag.clone();
    let threads = settings.spec.threads.unwrap_or_else(kerust::model::default_threads);
    let (run, perceptron) = std::thread::scope(|scope| {
        let baseline = || settings.spec.perceptron_baseline(&data.table, &target, seed, stop);
        let side = if threads > 1 { side::spawn_or_keep(scope, baseline).ok() } else { None };
        let run = settings.spec.fit_with(&data.table, &target, options);
        // A failed baseline is left to the report's analysis, which says so.
        let perceptron = side.and_then(|h| h.join().ok()).and_then(|r| r.ok()).flatten();
        (run, perceptron)
    });
    let run = run.map_err(flag_error)?;
    settings.spec.seed = Some(run.seed);
    let resampled = match resampling(&args)? {
        Some(how) if !run.history.interrupted() => {
            if !args.quiet {
                match how.cv {
                    Some(k) => println!("\n--cv {k}: training on {k} folds of the training rows"),
                    None => println!(
                        "\n--repeats {}: training {} runs, seeds derived from {}",
                        how.repeats, how.repeats, run.seed
                    ),
                }
            }
            Some(Resampled::run(&data.table, &target, &settings.spec, how).map_err(resampling_error)?)
        }
        _ => None,
    };
    output::finish(run_dir, &settings, &data.record(), History::default(), run, resampled.as_ref(), perceptron)
}

/// `--resume RUN_DIR`: the run's model continues on the run's data, into a new folder.
fn resume(args: &TrainArgs, matches: &ArgMatches, dir: &std::path::Path) -> anyhow::Result<ExitCode> {
    if args.spec.config.is_some() {
        usage!("--resume takes the settings of the run it continues; drop --config");
    }
    let previous = RunSettings::from_file(&dir.join("settings.toml"))?;
    let model = TabularModel::load(dir.join("model.kerust"))?;
    let text = std::fs::read_to_string(dir.join("history.csv"))
        .with_context(|| format!("{} is not a run folder (no history.csv)", dir.display()))?;
    let history = History::from_csv(&text)?;
    let previous = RunSettings { spec: model.spec().clone(), ..previous };
    let mut settings = args.spec.apply(matches, previous.clone());
    for (flag, changed) in [
        ("data", settings.data != previous.data),
        ("dataset", settings.dataset != previous.dataset),
        ("target", settings.target != previous.target),
    ] {
        if changed {
            usage!("--resume continues on the data of {}; drop the {flag} given", dir.display());
        }
    }
    if let Some(name) = model.spec().model_changes(&settings.spec).first() {
        usage!(
            "{} would change the model that --resume continues; drop it (the model keeps what it was trained with), or train a new run",
            flag_of(name)
        );
    }
    let (done, asked) = (model.epochs_run(), settings.spec.epochs);
    if asked <= done {
        let ran = if asked == done { format!("{done} of {asked}") } else { done.to_string() };
        usage!(
            "{} already ran {ran} epochs (--epochs counts them all); pass --epochs N (N > {done}) to train longer",
            dir.display()
        );
    }
    settings.spec.validate().map_err(flag_error)?;
    let data = source::load(&settings)?;
    if let Some(recorded) = source::recorded_sha256(dir)
        && recorded != data.sha256
    {
        anyhow::bail!(
            "the data of {} changed since that run (SHA-256 {recorded}, now {}); --resume needs the same rows, or its test rows would train",
            dir.display(),
            data.sha256
        );
    }
    settings.out = Some(
        args.spec.out.clone().unwrap_or_else(|| PathBuf::from(format!("{}-resumed-{}", dir.display(), timestamp()))),
    );
    let out = settings.out.clone().unwrap_or_default();
    let run_dir = RunDir::create(&out)?;
    let run = model.fit_more(&data.table, &settings.spec, options(args, &run_dir)).map_err(flag_error)?;
    output::finish(run_dir, &settings, &data.record(), history, run, None, None)
}

/// The data lint of the run's table, printed as `warning:` lines; under `--strict` an error
/// (before any run folder exists).
fn lint(table: &Table, target: &str, spec: &TabularSpec, strict: bool) -> anyhow::Result<Vec<LintWarning>> {
    let task = spec.task.or_else(|| Task::infer(table, target).ok());
    let options = LintOptions {
        target: target.to_string(),
        classification: task.map(|t| t == Task::Classification),
        validation_split: spec.validation_split,
        scaled: spec.scaler != ScalerKind::None,
        // The train/test split shuffles the training rows before validation takes its share.
        rows_shuffled: true,
    };
    let found = table.lint(&options);
    for w in &found {
        eprintln!("warning: {w}");
    }
    if strict && !found.is_empty() {
        anyhow::bail!(
            "--strict: the data has {} lint warning(s), printed above; fix the data, or drop --strict to train anyway",
            found.len()
        );
    }
    Ok(found)
}

/// What `--repeats` / `--cv` ask for, checked.
fn resampling(args: &TrainArgs) -> anyhow::Result<Option<Resampling>> {
    match (args.repeats, args.cv) {
        (Some(0), _) => usage!("--repeats must be at least 1 (got 0)"),
        (_, Some(k)) if k < 2 => usage!("--cv must be at least 2 folds (got {k})"),
        (Some(n), None) => Ok(Some(Resampling { cv: None, repeats: n })),
        (None, Some(k)) => Ok(Some(Resampling { cv: Some(k), repeats: 1 })),
        _ => Ok(None),
    }
}

/// `--cv` above the training rows (or a fold without a class) is a usage error.
fn resampling_error(e: kerust::Error) -> anyhow::Error {
    match e {
        kerust::Error::InvalidArgument { name: "cv", value, rule } => {
            UsageError(format!("--cv {rule} (got {value})")).into()
        }
        other => flag_error(other),
    }
}

pub(super) fn options(args: &TrainArgs, run_dir: &RunDir) -> TrainOptions {
    let verbose = if args.quiet {
        0
    } else if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        1
    } else {
        2
    };
    TrainOptions {
        verbose,
        stop_flag: StopFlag::ctrl_c().ok(),
        checkpoint_dir: Some(run_dir.path().to_path_buf()),
        callbacks: Vec::new(),
        ranks: None,
    }
}
