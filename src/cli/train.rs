//! `kerust train`: flags → [`RunSettings`] → [`TabularSpec::fit`] (or, with `--resume`,
//! [`TabularModel::fit_more`]) → the run folder.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::parser::ValueSource;
use clap::{ArgMatches, Args};
use kerust::callbacks::StopFlag;
use kerust::prelude::*;
use kerust::preprocessing::ScalerKind;
use kerust::tabular::{TabularModel, TrainOptions};

use super::output;
use super::run_dir::{RunDir, timestamp};
use super::settings::{Auto, Layers, RunSettings, flag_error, flag_of};
use super::source;
use super::usage;

fn defaults() -> TabularSpec {
    TabularSpec::default()
}

/// Flags of `kerust train`. A flag given on the command line overrides `--config` (or, with
/// `--resume`, the continued run's settings); the defaults shown apply otherwise.
#[derive(Args)]
pub struct TrainArgs {
    /// CSV file to train on (default: the embedded dataset of --dataset).
    data: Option<PathBuf>,
    /// Target column [default: the dataset's target, or the file's last column].
    #[arg(long)]
    target: Option<String>,
    /// Embedded dataset to use when no file is given (see `kerust datasets`).
    #[arg(long, default_value = "boston_housing")]
    dataset: String,
    /// auto | regression | classification (auto: text or ≤ 20 distinct integers → classification).
    #[arg(long, default_value_t = Auto(defaults().task))]
    task: Auto<Task>,
    /// Hidden layer widths, comma-separated ("" for a single perceptron).
    #[arg(long, default_value_t = Layers(defaults().layers))]
    layers: Layers,
    /// Hidden activation (relu, tanh, sigmoid, elu, selu, gelu, ...).
    #[arg(long, default_value_t = defaults().activation)]
    activation: Activation,
    /// sgd | adam | rmsprop | adagrad (Keras's defaults; the learning rate is --lr).
    #[arg(long, default_value_t = defaults().optimizer)]
    optimizer: OptimizerConfig,
    /// Learning rate.
    #[arg(long, default_value_t = defaults().learning_rate)]
    lr: f32,
    /// auto (mse, or cross-entropy for classes), or a Keras loss name.
    #[arg(long, default_value_t = Auto(defaults().loss))]
    loss: Auto<Loss>,
    /// Number of epochs (in total, when resuming).
    #[arg(long, default_value_t = defaults().epochs)]
    epochs: usize,
    /// Rows per optimizer step.
    #[arg(long, default_value_t = defaults().batch_size)]
    batch_size: usize,
    /// Fraction of the training rows held out for val_loss (0 turns validation off).
    #[arg(long, default_value_t = defaults().validation_split)]
    validation_split: f64,
    /// Fraction of all rows held out for the test metrics.
    #[arg(long, default_value_t = defaults().test_size)]
    test_size: f64,
    /// minmax | standard | none (fitted on the training rows only).
    #[arg(long, default_value_t = defaults().scaler)]
    scaler: ScalerKind,
    /// Stop after PATIENCE epochs without val_loss improvement, keeping the best weights [default: off].
    #[arg(long, value_name = "PATIENCE")]
    early_stopping: Option<usize>,
    /// Divide the learning rate by 10 after PATIENCE epochs without improvement [default: off].
    #[arg(long, value_name = "PATIENCE")]
    reduce_lr: Option<usize>,
    /// Save a checkpoint (a full model file) every N epochs into the run folder [default: off].
    #[arg(long, value_name = "N")]
    checkpoint_every: Option<usize>,
    /// Dropout rate after each hidden layer [default: no Dropout].
    #[arg(long, value_name = "RATE")]
    dropout: Option<f32>,
    /// BatchNormalization after each hidden layer [default: off].
    #[arg(long)]
    batch_norm: bool,
    /// L2 penalty factor on every kernel [default: none].
    #[arg(long, value_name = "VALUE")]
    l2: Option<f32>,
    /// `balanced`: weigh classes inversely to their frequency (classification) [default: none].
    #[arg(long, value_name = "balanced")]
    class_weight: Option<ClassWeight>,
    /// Seed of every random step [default: a random seed, recorded in run.json].
    #[arg(long)]
    seed: Option<u64>,
    /// Run folder [default: runs/<dataset>-<time>, or <run>-resumed-<time>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Settings file (TOML, the keys of a run's settings.toml).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Print only the results.
    #[arg(long)]
    quiet: bool,
    /// Continue a run (e.g. an interrupted one) from its model and History, up to --epochs
    /// in total; training flags (--epochs, --lr, --batch-size, ...) apply, flags that would
    /// change the model are refused.
    #[arg(long, value_name = "RUN_DIR")]
    resume: Option<PathBuf>,
}

impl TrainArgs {
    /// `base` with every flag given on the command line applied.
    fn apply(&self, matches: &ArgMatches, mut s: RunSettings) -> RunSettings {
        let given = |id: &str| matches.value_source(id) == Some(ValueSource::CommandLine);
        let spec = &mut s.spec;
        macro_rules! take {
            ($($flag:ident => $field:expr, $value:expr;)*) => {$( if given(stringify!($flag)) { $field = $value; } )*};
        }
        take! {
            data => s.data, self.data.clone();
            target => s.target, self.target.clone();
            dataset => s.dataset, self.dataset.clone();
            out => s.out, self.out.clone();
            task => spec.task, self.task.0;
            layers => spec.layers, self.layers.0.clone();
            activation => spec.activation, self.activation;
            optimizer => spec.optimizer, self.optimizer.clone();
            lr => spec.learning_rate, self.lr;
            loss => spec.loss, self.loss.0;
            epochs => spec.epochs, self.epochs;
            batch_size => spec.batch_size, self.batch_size;
            validation_split => spec.validation_split, self.validation_split;
            test_size => spec.test_size, self.test_size;
            scaler => spec.scaler, self.scaler;
            early_stopping => spec.early_stopping, self.early_stopping;
            reduce_lr => spec.reduce_lr, self.reduce_lr;
            checkpoint_every => spec.checkpoint_every, self.checkpoint_every;
            dropout => spec.dropout, self.dropout;
            batch_norm => spec.batch_norm, self.batch_norm;
            l2 => spec.l2, self.l2;
            class_weight => spec.class_weight, self.class_weight.clone();
            seed => spec.seed, self.seed;
        }
        s
    }
}

pub fn run(args: TrainArgs, matches: &ArgMatches) -> anyhow::Result<ExitCode> {
    if let Some(dir) = &args.resume {
        return resume(&args, matches, dir);
    }
    let base = match &args.config {
        Some(path) => RunSettings::from_file(path)?,
        None => RunSettings::default(),
    };
    let mut settings = args.apply(matches, base);
    settings.spec.validate().map_err(flag_error)?;
    let data = source::load(&settings)?;
    let target = settings.target.clone().unwrap_or_else(|| data.default_target.clone());
    settings.target = Some(target.clone());
    if !data.table.columns().contains(&target) {
        usage!("--target {target:?} is not a column of {} (columns: {})", data.source, data.table.columns().join(", "));
    }
    let out = settings.out.clone().unwrap_or_else(|| PathBuf::from(format!("runs/{}-{}", data.name, timestamp())));
    let run_dir = RunDir::create(&out)?;
    let run = settings.spec.fit_with(&data.table, &target, options(&args, &run_dir)).map_err(flag_error)?;
    settings.spec.seed = Some(run.seed);
    output::finish(run_dir, &settings, &data, History::default(), run)
}

/// `--resume RUN_DIR`: the run's model continues on the run's data, into a new folder.
fn resume(args: &TrainArgs, matches: &ArgMatches, dir: &std::path::Path) -> anyhow::Result<ExitCode> {
    if args.config.is_some() {
        usage!("--resume takes the settings of the run it continues; drop --config");
    }
    let previous = RunSettings::from_file(&dir.join("settings.toml"))?;
    let model = TabularModel::load(dir.join("model.kerust"))?;
    let text = std::fs::read_to_string(dir.join("history.csv"))
        .with_context(|| format!("{} is not a run folder (no history.csv)", dir.display()))?;
    let history = History::from_csv(&text)?;
    let previous = RunSettings { spec: model.spec().clone(), ..previous };
    let mut settings = args.apply(matches, previous.clone());
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
    settings.out =
        Some(args.out.clone().unwrap_or_else(|| PathBuf::from(format!("{}-resumed-{}", dir.display(), timestamp()))));
    let out = settings.out.clone().unwrap_or_default();
    let run_dir = RunDir::create(&out)?;
    let run = model.fit_more(&data.table, &settings.spec, options(args, &run_dir)).map_err(flag_error)?;
    output::finish(run_dir, &settings, &data, history, run)
}

fn options(args: &TrainArgs, run_dir: &RunDir) -> TrainOptions {
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
    }
}
