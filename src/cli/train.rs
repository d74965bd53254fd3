//! `kerust train`: load → encode → split → scale → build → fit → evaluate → write the run
//! folder. Each phase is timed for `run.json`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use kerust::callbacks::{ModelCheckpoint, StopFlag};
use kerust::data::{CsvOptions, EncodeOptions, TargetEncoding, Value};
use kerust::prelude::*;
use kerust::preprocessing::{Pipeline, Scaler, Task};
use ndarray::{Array2, Axis, concatenate, s};
use sha2::{Digest, Sha256};

use super::output::{self, Evaluation, Timings};
use super::progress::EpochPrinter;
use super::run_dir::{RunDir, timestamp};
use super::settings::{Extras, Settings, build_model, parse_layers};
use super::{UsageError, usage};

/// Flags of `kerust train`; any flag given overrides `--config`.
#[derive(Args)]
pub struct TrainArgs {
    /// CSV file to train on (default: the embedded Boston housing data).
    data: Option<PathBuf>,
    /// Target column (default: the dataset's target, or the file's last column).
    #[arg(long)]
    target: Option<String>,
    /// Embedded dataset to use when no file is given (see `kerust datasets`).
    #[arg(long)]
    dataset: Option<String>,
    /// auto | regression | classification.
    #[arg(long)]
    task: Option<String>,
    /// Hidden layer widths, comma-separated (e.g. 64,32; "" for a single perceptron).
    #[arg(long)]
    layers: Option<String>,
    /// Hidden activation (relu, tanh, ...).
    #[arg(long)]
    activation: Option<String>,
    /// sgd | adam | rmsprop | adagrad.
    #[arg(long)]
    optimizer: Option<String>,
    /// Learning rate.
    #[arg(long)]
    lr: Option<f32>,
    /// auto, or a Keras loss name.
    #[arg(long)]
    loss: Option<String>,
    /// Number of epochs.
    #[arg(long)]
    epochs: Option<usize>,
    /// Rows per optimizer step.
    #[arg(long)]
    batch_size: Option<usize>,
    /// Fraction of the training rows held out for val_loss.
    #[arg(long)]
    validation_split: Option<f64>,
    /// Fraction of all rows held out for the test metrics.
    #[arg(long)]
    test_size: Option<f64>,
    /// minmax | standard | none.
    #[arg(long)]
    scaler: Option<String>,
    /// Stop after PATIENCE epochs without val_loss improvement, keeping the best weights.
    #[arg(long, value_name = "PATIENCE")]
    early_stopping: Option<usize>,
    /// Divide the learning rate by 10 after PATIENCE epochs without improvement.
    #[arg(long, value_name = "PATIENCE")]
    reduce_lr: Option<usize>,
    /// Save a checkpoint every N epochs into the run folder.
    #[arg(long, value_name = "N")]
    checkpoint_every: Option<usize>,
    /// Dropout rate after each hidden layer.
    #[arg(long, value_name = "RATE")]
    dropout: Option<f32>,
    /// BatchNormalization after each hidden layer.
    #[arg(long)]
    batch_norm: bool,
    /// L2 penalty factor on every kernel.
    #[arg(long, value_name = "VALUE")]
    l2: Option<f32>,
    /// `balanced`: weigh classes inversely to their frequency (classification).
    #[arg(long, value_name = "balanced")]
    class_weight: Option<String>,
    /// Seed of every random step (default: a random seed, recorded in run.json).
    #[arg(long)]
    seed: Option<u64>,
    /// Run folder (default: runs/<dataset>-<timestamp>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Settings file (TOML, same names as the flags with underscores).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Print only the results.
    #[arg(long)]
    quiet: bool,
    /// Continue an earlier (e.g. interrupted) run from its model and History, with its
    /// settings (flags given here still override them), up to its total number of epochs.
    #[arg(long, value_name = "RUN_DIR")]
    resume: Option<PathBuf>,
}

impl TrainArgs {
    /// Defaults, then the config file, then the flags given.
    fn settings(&self) -> anyhow::Result<Settings> {
        let mut s = match (&self.resume, &self.config) {
            (Some(_), Some(_)) => usage!("--resume takes the settings of the run it continues; drop --config"),
            (Some(dir), None) => {
                let mut s = Settings::from_file(&dir.join("settings.toml"))?;
                // The continued run gets a folder of its own; the earlier one stays as it is.
                s.out = Some(PathBuf::from(format!("{}-resumed-{}", dir.display(), timestamp())));
                s
            }
            (None, Some(path)) => Settings::from_file(path)?,
            (None, None) => Settings::default(),
        };
        macro_rules! take {
            ($($field:ident),*) => {$( if let Some(v) = &self.$field { s.$field = v.clone().into(); } )*};
        }
        take!(dataset, task, activation, optimizer, loss, scaler);
        macro_rules! take_opt {
            ($($field:ident),*) => {$( if self.$field.is_some() { s.$field = self.$field.clone(); } )*};
        }
        take_opt!(data, target, early_stopping, reduce_lr, checkpoint_every, seed, out, dropout, l2, class_weight);
        if self.batch_norm {
            s.batch_norm = true;
        }
        if let Some(v) = self.lr {
            s.lr = v;
        }
        if let Some(v) = self.epochs {
            s.epochs = v;
        }
        if let Some(v) = self.batch_size {
            s.batch_size = v;
        }
        if let Some(v) = self.validation_split {
            s.validation_split = v;
        }
        if let Some(v) = self.test_size {
            s.test_size = v;
        }
        if let Some(layers) = &self.layers {
            s.layers = parse_layers(layers)?;
        }
        s.validate()?;
        Ok(s)
    }
}

/// The data as loaded: table, a name for the run folder, where it came from, its SHA-256.
struct Loaded {
    table: Table,
    name: String,
    source: String,
    sha256: String,
    default_target: String,
}

pub fn run(args: TrainArgs) -> anyhow::Result<ExitCode> {
    let mut settings = args.settings()?;
    let mut timings = Timings::default();
    let clock = Instant::now();
    let data = load(&settings)?;
    timings.load = clock.elapsed().as_secs_f64();

    let clock = Instant::now();
    let target = settings.target.clone().unwrap_or(data.default_target.clone());
    settings.target = Some(target.clone());
    let rows = data.table.n_rows();
    if rows < 4 {
        anyhow::bail!(
            "{} has {rows} data row(s); training needs at least 4 (rows are held out for the test metrics and for validation)",
            data.source
        );
    }
    let task = task_of(&data.table, &target, &settings.task)?;
    let encoding = match task {
        Task::Regression => TargetEncoding::Values,
        Task::Classification => TargetEncoding::ClassIndices,
    };
    let encoded = data.table.encode(&target, &EncodeOptions::default().target(encoding))?;
    let classes = encoded.labels.as_ref().map_or(0, |l| l.len());
    if task == Task::Classification && classes < 2 {
        anyhow::bail!("the target {target:?} has a single class; a classifier needs at least two");
    }
    // Carry each row's position through the split, to report it in predictions.csv.
    let n = encoded.x.nrows();
    let index = Array2::from_shape_fn((n, 1), |(i, _)| i as f32);
    let x_indexed = concatenate(Axis(1), &[encoded.x.view(), index.view()])?;
    let seed = settings.seed.unwrap_or_else(rand_seed);
    settings.seed = Some(seed);
    let (x_train, x_test, y_train, y_test) = match task {
        Task::Regression => train_test_split(&x_indexed, &encoded.y, settings.test_size, Some(seed))?,
        Task::Classification => train_test_split_stratified(&x_indexed, &encoded.y, settings.test_size, Some(seed))?,
    };
    let width = encoded.x.ncols();
    let test_rows: Vec<usize> = x_test.column(width).iter().map(|&v| v as usize).collect();
    let (x_train, x_test) = (x_train.slice(s![.., ..width]).to_owned(), x_test.slice(s![.., ..width]).to_owned());
    let scaler = fit_scaler(&settings.scaler, &x_train)?;
    let (x_train, x_test) = (scaler.transform(&x_train)?, scaler.transform(&x_test)?);
    let pipeline = Pipeline {
        target: target.clone(),
        task,
        encoding: encoded.encoding.clone(),
        scaler,
        labels: encoded.labels.clone(),
    };
    timings.preprocess = clock.elapsed().as_secs_f64();

    let (outputs, out_act, loss) = match (task, classes) {
        (Task::Regression, _) => (1, Activation::Linear, Loss::MeanSquaredError),
        (Task::Classification, 2) => (1, Activation::Sigmoid, Loss::BINARY_CROSSENTROPY),
        (Task::Classification, k) => (k, Activation::Softmax, Loss::SPARSE_CATEGORICAL_CROSSENTROPY),
    };
    let loss = if settings.loss == "auto" {
        loss
    } else {
        settings.loss.parse().map_err(|e: Error| UsageError(format!("--loss: {e}")))?
    };
    let metrics = match task {
        Task::Regression => vec![Metric::MeanAbsoluteError],
        Task::Classification => vec![Metric::Accuracy],
    };
    let extras = Extras { dropout: settings.dropout, batch_norm: settings.batch_norm, l2: settings.l2 };
    let mut model = build_model(width, &settings.layers, settings.activation()?, outputs, out_act, Some(seed), extras);
    if settings.class_weight.is_some() && task != Task::Classification {
        usage!("--class-weight applies to classification; the target {target:?} is a regression target");
    }
    model.compile(settings.optimizer()?, loss, &metrics)?;

    let mut history = History::default();
    let mut initial_epoch = 0;
    if let Some(dir) = &args.resume {
        let text = std::fs::read_to_string(dir.join("history.csv"))
            .with_context(|| format!("{} is not a run folder (no history.csv)", dir.display()))?;
        history = History::from_csv(&text)?;
        initial_epoch = history.epoch().last().map_or(0, |e| e + 1);
        if initial_epoch >= settings.epochs {
            usage!(
                "{} already ran {initial_epoch} of {} epochs; pass --epochs N (N > {initial_epoch}) to train longer",
                dir.display(),
                settings.epochs
            );
        }
        // The saved model carries its weights and optimizer state (moments, step count).
        model = Sequential::load(dir.join("model.kerust"))?;
    }
    let out = settings.out.clone().unwrap_or_else(|| PathBuf::from(format!("runs/{}-{}", data.name, timestamp())));
    let run_dir = RunDir::create(&out)?;
    if !args.quiet {
        println!("{}", model.summary());
        println!(
            "{} rows ({}), target {target} ({}); {} train / {} test rows; {} features",
            n,
            data.source,
            task_name(task),
            x_train.nrows(),
            x_test.nrows(),
            width
        );
    }

    let clock = Instant::now();
    let stop = StopFlag::ctrl_c().ok();
    let mut callbacks: Vec<Box<dyn Callback>> = Vec::new();
    if !args.quiet {
        callbacks.push(Box::new(EpochPrinter::new(settings.epochs)));
    }
    if let Some(patience) = settings.early_stopping {
        callbacks.push(Box::new(EarlyStopping::new().patience(patience).restore_best_weights(true)));
    }
    if let Some(patience) = settings.reduce_lr {
        callbacks.push(Box::new(ReduceLROnPlateau::new().patience(patience)));
    }
    if let Some(every) = settings.checkpoint_every {
        let template = run_dir.path().join("checkpoint-epoch{epoch:04d}.kerust");
        callbacks.push(Box::new(EveryN::new(every, ModelCheckpoint::new(template.display().to_string()))));
    }
    let config = FitConfig {
        epochs: settings.epochs,
        batch_size: settings.batch_size,
        validation_split: settings.validation_split,
        verbose: 0,
        callbacks,
        stop_flag: stop,
        initial_epoch,
        class_weight: settings.class_weight.as_ref().map(|_| ClassWeight::Balanced),
        ..Default::default()
    };
    history.extend(&model.fit(&x_train, &y_train, config)?);
    timings.train = clock.elapsed().as_secs_f64();

    let clock = Instant::now();
    let predicted = model.predict(&x_test)?;
    let evaluation = Evaluation::new(&pipeline, &y_test, &predicted, &test_rows)?;
    timings.evaluate = clock.elapsed().as_secs_f64();
    println!("\n{}", evaluation.table("Test-split results"));

    let record = output::Record {
        settings: &settings,
        data_source: &data.source,
        data_sha256: &data.sha256,
        rows: (n, x_train.nrows(), x_test.nrows()),
        timings: &timings,
    };
    output::write_all(&run_dir, &mut model, &pipeline, &history, &evaluation, &record)
        .with_context(|| format!("writing the run folder {}", out.display()))?;
    let folder = run_dir.finish()?;
    println!("Run folder: {}", folder.display());
    if history.interrupted() {
        eprintln!(
            "interrupted: stopped after epoch {}; the run folder is complete and marked interrupted",
            history.len()
        );
        return Ok(ExitCode::from(130));
    }
    Ok(ExitCode::SUCCESS)
}

fn load(settings: &Settings) -> anyhow::Result<Loaded> {
    match &settings.data {
        Some(path) => {
            if path.is_dir() {
                anyhow::bail!("{} is a directory; give the path of a CSV file", path.display());
            }
            let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let source = path.display().to_string();
            let table = Table::from_reader_with(bytes.as_slice(), &CsvOptions::default().source_name(&source))?;
            let default_target = table.columns().last().cloned().unwrap_or_default();
            let name = path.file_stem().map_or("data".into(), |s| s.to_string_lossy().into_owned());
            Ok(Loaded { table, name, source, sha256: hex_sha256(&bytes), default_target })
        }
        None => {
            let info = kerust::datasets::all().iter().find(|d| d.name == settings.dataset).ok_or_else(|| {
                let names: Vec<&str> = kerust::datasets::all().iter().map(|d| d.name).collect();
                UsageError(format!("unknown --dataset {:?}; available: {}", settings.dataset, names.join(", ")))
            })?;
            let table = kerust::datasets::load(info.name)?;
            Ok(Loaded {
                table,
                name: info.name.to_string(),
                source: format!("embedded dataset {}", info.name),
                sha256: hex_sha256(info.csv().as_bytes()),
                default_target: info.target.to_string(),
            })
        }
    }
}

/// Regression for a numeric target with many distinct values; classification for text or
/// few distinct integers (≤ 20). `--task` overrides.
fn task_of(table: &Table, target: &str, requested: &str) -> anyhow::Result<Task> {
    let values = table.column_values(target)?;
    match requested {
        "regression" => {
            if values.iter().any(|v| matches!(v, Value::Text(_))) {
                usage!("--task regression needs a numeric target, but {target:?} holds text");
            }
            return Ok(Task::Regression);
        }
        "classification" => return Ok(Task::Classification),
        _ => {}
    }
    let mut numbers = Vec::new();
    for v in &values {
        match v {
            Value::Text(_) => return Ok(Task::Classification),
            Value::Number(x) => numbers.push(*x),
            Value::Missing => {}
        }
    }
    let integers = numbers.iter().all(|x| x.fract() == 0.0);
    numbers.sort_by(f32::total_cmp);
    numbers.dedup();
    Ok(if integers && numbers.len() <= 20 { Task::Classification } else { Task::Regression })
}

fn task_name(task: Task) -> &'static str {
    match task {
        Task::Regression => "regression",
        Task::Classification => "classification",
    }
}

fn fit_scaler(kind: &str, x: &Array2<f32>) -> anyhow::Result<Scaler> {
    Ok(match kind {
        "minmax" => {
            let mut s = MinMaxScaler::new();
            s.fit(x)?;
            Scaler::MinMax(s)
        }
        "standard" => {
            let mut s = StandardScaler::new();
            s.fit(x)?;
            Scaler::Standard(s)
        }
        _ => Scaler::None,
    })
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A seed from the clock and the process id, for runs without `--seed`.
fn rand_seed() -> u64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    nanos ^ (u64::from(std::process::id()) << 32)
}

/// Runs a callback's epoch end only every `n` epochs.
struct EveryN<C> {
    n: usize,
    inner: C,
}

impl<C> EveryN<C> {
    fn new(n: usize, inner: C) -> Self {
        EveryN { n, inner }
    }
}

impl<C: Callback> Callback for EveryN<C> {
    fn on_train_begin(&mut self, ctx: &mut kerust::callbacks::TrainContext<'_>) -> kerust::Result<()> {
        self.inner.on_train_begin(ctx)
    }
    fn on_epoch_end(
        &mut self,
        ctx: &mut kerust::callbacks::TrainContext<'_>,
        epoch: usize,
        logs: &mut Logs,
    ) -> kerust::Result<()> {
        if (epoch + 1).is_multiple_of(self.n) { self.inner.on_epoch_end(ctx, epoch, logs) } else { Ok(()) }
    }
}
