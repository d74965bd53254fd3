//! `kerust tune`: flags → a [`Tuner`] over the train settings → the study folder (journal,
//! trials.csv, summary.txt, charts, report) → the best setting refit as `best/`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;

use clap::ArgMatches;
use clap::parser::ValueSource;
use kerust::callbacks::StopFlag;
use kerust::model::Exchange;
use kerust::prelude::*;
use kerust::tuning::{SamplerKind, SearchSpace, Study, Trial, Tuner, Value, shown};

use super::run_dir::{RunDir, timestamp};
use super::settings::{RunSettings, flag_error, flag_of};
use super::source::{self, Loaded};
use super::tune_args::TuneArgs;
use super::{UsageError, output, tune_output, usage};

/// Where the data of a study came from, as its journal records it.
const DATASET_PREFIX: &str = "dataset:";

pub fn run(args: TuneArgs, matches: &ArgMatches) -> anyhow::Result<ExitCode> {
    let sub = matches;
    let given = |id: &str| sub.value_source(id) == Some(ValueSource::CommandLine);
    let workers = args.workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let ranks = if args.distributed { Some(super::distributed::join()?) } else { None };
    if ranks.is_some() && args.resume.is_some() {
        usage!("--distributed cannot honour --resume yet; resume the study in one process (drop --distributed)");
    }
    let (tuner, settings, data, dir) = match &args.resume {
        Some(dir) => {
            let allowed = ["resume", "workers", "trials", "quiet"];
            if let Some(id) = sub.ids().map(|id| id.as_str()).find(|id| given(id) && !allowed.contains(id)) {
                usage!(
                    "--resume continues the study with its own settings; drop {} (only --workers, --trials and --quiet may be given)",
                    flag_of(id)
                );
            }
            let mut tuner = Tuner::resume(dir).map_err(tune_error(None))?;
            let s = tuner.settings().clone();
            let run_settings = RunSettings {
                data: s.data.strip_prefix(DATASET_PREFIX).is_none().then(|| PathBuf::from(&s.data)),
                dataset: s.data.strip_prefix(DATASET_PREFIX).unwrap_or("boston_housing").to_string(),
                target: Some(s.target.clone()),
                out: Some(dir.clone()),
                spec: s.base.clone(),
            };
            let data = source::load(&run_settings)?;
            if s.data_hash.as_ref().is_some_and(|h| *h != data.sha256) {
                anyhow::bail!(
                    "the data of study {} changed since it started ({} has SHA-256 {}, the study recorded {}); resuming needs the same rows",
                    dir.display(),
                    data.source,
                    data.sha256,
                    s.data_hash.clone().unwrap_or_default()
                );
            }
            if given("trials") {
                tuner = tuner.max_trials(args.trials);
            }
            (tuner.workers(workers), run_settings, data, dir.clone())
        }
        None => new_study(&args, sub, workers, ranks.as_deref())?,
    };
    let tuner = match &ranks {
        Some(r) => tuner.ranks(Rc::clone(r)),
        None => tuner,
    };
    if ranks.as_ref().is_some_and(|r| r.rank() != 0) {
        // A follower runs its share of the trials; rank 0 writes the study and refits best/.
        let target = settings.target.clone().unwrap_or_default();
        tuner.search(&data.table, &target).map_err(tune_error(args.space.as_deref()))?;
        return Ok(ExitCode::SUCCESS);
    }
    tuner.validate().map_err(tune_error(args.space.as_deref()))?;
    let target = settings.target.clone().unwrap_or_default();
    let stop = StopFlag::ctrl_c().ok();
    let total = tuner.settings().trials;
    let quiet = args.quiet;
    let terminal = std::io::stdout().is_terminal();
    if !quiet {
        let s = tuner.settings();
        println!(
            "Tuning {} ({target}) with {} {}, objective {} ({}), {} workers; study folder {}",
            data.source,
            s.sampler,
            match s.resampling.cv {
                Some(k) => format!("{k}-fold cross-validation"),
                None => format!("validation split {}", s.base.validation_split),
            },
            s.objective,
            s.direction,
            workers,
            dir.display()
        );
    }
    let mut tuner = tuner.on_trial(move |trial, study| {
        if !quiet {
            println!("{}", trial_line(trial, study, total, terminal));
        }
    });
    if let Some(flag) = &stop {
        tuner = tuner.stop_flag(flag.clone());
    }
    let study = tuner.search(&data.table, &target).map_err(tune_error(args.space.as_deref()))?;
    println!("\n{}", study.results_summary_of(3));
    if study.interrupted() {
        tune_output::report(&study, &tune_output::charts(&study)?)?;
        let (done, total) = (study.trials().len(), study.settings().trials);
        eprintln!(
            "interrupted: {done} of {total} trials finished and kept; continue with: kerust tune --resume {}",
            dir.display()
        );
        return Ok(ExitCode::from(130));
    }
    // The charts are drawn while best/ trains (both take a moment; neither needs the other).
    let (charts, code) = std::thread::scope(|scope| {
        let charts = scope.spawn(|| tune_output::charts(&study));
        let code = refit_best(&study, &settings, &data, &dir, stop);
        (charts.join(), code)
    });
    let charts = charts.map_err(|_| anyhow::anyhow!("drawing the study charts failed"))??;
    tune_output::report(&study, &charts)?;
    code
}

/// The tuner of a new study from the flags, with the run settings, the data and the folder.
fn new_study(
    args: &TuneArgs,
    matches: &ArgMatches,
    workers: usize,
    ranks: Option<&dyn Exchange>,
) -> anyhow::Result<(Tuner<'static>, RunSettings, Loaded, PathBuf)> {
    let base = match &args.spec.config {
        Some(path) => RunSettings::from_file(path)?,
        None => RunSettings::default(),
    };
    let mut settings = args.spec.apply(matches, base);
    if settings.spec.checkpoint_every.is_some() {
        usage!(
            "--checkpoint-every does not apply to tuning (each trial is scored, not kept); the refit best/ run is a normal run folder"
        );
    }
    settings.spec.validate().map_err(flag_error)?;
    let data = source::load(&settings)?;
    let target = settings.target.clone().unwrap_or_else(|| data.default_target.clone());
    if !data.table.columns().contains(&target) {
        usage!("--target {target:?} is not a column of {} (columns: {})", data.source, data.table.columns().join(", "));
    }
    settings.target = Some(target);
    let space = match &args.space {
        Some(path) => read_space(path)?,
        None if args.sampler == SamplerKind::Grid => SearchSpace::lesson_grid(),
        None => SearchSpace::lesson(),
    };
    let dir = settings.out.clone().unwrap_or_else(|| PathBuf::from(format!("studies/{}-{}", data.name, timestamp())));
    if dir.exists() {
        usage!(
            "{} already exists; choose another --out, or continue that study with --resume {}",
            dir.display(),
            dir.display()
        );
    }
    let source = match &settings.data {
        Some(path) => std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()).display().to_string(),
        None => format!("{DATASET_PREFIX}{}", settings.dataset),
    };
    let mut seed = settings.spec.seed.unwrap_or_else(kerust::tabular::random_seed);
    if let Some(ranks) = ranks {
        // Every rank runs the study of rank 0's seed.
        let mut bytes = seed.to_le_bytes();
        ranks.broadcast(&mut bytes)?;
        seed = u64::from_le_bytes(bytes);
    }
    let base_spec = TabularSpec { seed: None, ..settings.spec.clone() };
    let mut tuner = Tuner::new(space)
        .base(base_spec)
        .objective(&args.objective)
        .sampler(args.sampler)
        .pruner(args.pruner)
        .max_trials(args.trials)
        .repeats(args.repeats)
        .workers(workers)
        .seed(seed)
        .batch(args.batch)
        .folder(&dir)
        .data_source(&source, Some(data.sha256.clone()));
    if let Some(k) = args.cv {
        tuner = tuner.cv(k);
    }
    if let Some(direction) = args.direction {
        tuner = tuner.direction(direction);
    }
    settings.spec.seed = Some(seed);
    Ok((tuner, settings, data, dir))
}

/// A `--space` file.
fn read_space(path: &Path) -> anyhow::Result<SearchSpace> {
    let text = std::fs::read_to_string(path).map_err(|e| UsageError(format!("--space {}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| UsageError(format!("--space {}: {e}", path.display())).into())
}

/// Library errors about the study's settings become usage errors naming the flag.
fn tune_error(space: Option<&Path>) -> impl Fn(kerust::Error) -> anyhow::Error + '_ {
    move |e| match e {
        kerust::Error::SearchSpace { param, reason } => {
            let source = space.map_or("the default space".to_string(), |p| format!("--space {}", p.display()));
            UsageError(format!("{source}: parameter {param}: {reason}")).into()
        }
        kerust::Error::InvalidArgument { name, value, rule }
            if ["trials", "workers", "cv", "repeats", "batch", "objective", "direction"].contains(&name) =>
        {
            UsageError(format!("--{name} {rule} (got {value})")).into()
        }
        e @ kerust::Error::Study { .. } => UsageError(e.to_string()).into(),
        other => flag_error(other),
    }
}

/// One line per finished trial: its number, state, objective, the best so far, its epochs and
/// time, and its parameters (a bar in front on a terminal).
fn trial_line(trial: &Trial, study: &Study, total: usize, terminal: bool) -> String {
    let s = study.settings();
    let value = match (trial.value, trial.std) {
        (Some(v), Some(sd)) if trial.values.len() > 1 => format!("{v:.6} ± {sd:.4}"),
        (Some(v), _) => format!("{v:.6}"),
        _ => "-".into(),
    };
    let best = study.best().map_or("-".into(), |b| format!("{:.6} (trial {})", b.value.unwrap_or(f64::NAN), b.number));
    let params: Vec<String> = shown(&trial.params).iter().map(|(n, v)| format!("{n}={}", short(v))).collect();
    let done = study.trials().len();
    let bar = if terminal {
        let filled = (done * 20).checked_div(total).unwrap_or(20).min(20);
        format!("[{}{}] ", "#".repeat(filled), ".".repeat(20 - filled))
    } else {
        String::new()
    };
    let mut line = format!(
        "{bar}trial {:>3} ({done}/{total}) {:<8} {} {value}  best {best}  {} epochs {:.1} s  {}",
        trial.number,
        trial.state,
        s.objective,
        trial.epochs,
        trial.seconds,
        params.join(" ")
    );
    if let Some(note) = &trial.note {
        line += &format!("  ({note})");
    }
    line
}

/// A parameter value for a one-line display.
fn short(v: &Value) -> String {
    match v {
        Value::Float(x) if *x != 0.0 && x.abs() < 1e-2 => format!("{x:.3e}"),
        Value::Float(x) => format!("{x:.4}"),
        other => other.to_string(),
    }
}

/// Trains the best setting on the study's training rows (its test split) and writes it as a
/// normal run folder `best/` (replacing an earlier one only once the new one is complete).
fn refit_best(
    study: &Study,
    settings: &RunSettings,
    data: &Loaded,
    dir: &Path,
    stop: Option<StopFlag>,
) -> anyhow::Result<ExitCode> {
    let Some(best_spec) = study.best_spec() else {
        eprintln!("no trial completed, so there is no best setting to refit; see {}", dir.join("trials.csv").display());
        return Ok(ExitCode::from(1));
    };
    // On one thread, as the trials: the refitted model is then the same on every machine.
    let spec = kerust::tabular::TabularSpec { threads: Some(1), ..best_spec };
    let best = dir.join("best");
    let replacing = best.exists();
    let fresh = if replacing { dir.join(format!("best.new-{}", std::process::id())) } else { best.clone() };
    let settings = RunSettings { out: Some(best.clone()), spec: spec.clone(), ..settings.clone() };
    let run_dir = RunDir::create(&fresh)?;
    println!("Refitting the best setting (trial {}) into {}", study.best().map_or(0, |b| b.number), best.display());
    let options = kerust::tabular::TrainOptions { stop_flag: stop, ..Default::default() };
    let run =
        spec.fit_with(&data.table, settings.target.as_deref().unwrap_or_default(), options).map_err(flag_error)?;
    let code = output::finish(run_dir, &settings, &data.record(), History::default(), run, None, None)?;
    if replacing {
        let old = dir.join(format!("best.old-{}", std::process::id()));
        std::fs::rename(&best, &old)?;
        std::fs::rename(&fresh, &best)?;
        std::fs::remove_dir_all(&old)?;
    }
    Ok(code)
}
