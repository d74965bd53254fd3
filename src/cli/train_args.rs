//! The flags of `kerust train`, typed once by clap (each library type's `FromStr`), with
//! every default shown in `--help`, and how they apply over `--config` or a resumed run.

use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{ArgMatches, Args};
use kerust::prelude::*;
use kerust::preprocessing::{ImputeStrategy, ScalerKind};
use kerust::tabular::{CategoricalImpute, Missing, TestSelection};

use super::settings::{Auto, Layers, RunSettings};

fn defaults() -> TabularSpec {
    TabularSpec::default()
}

/// Flags of `kerust train`: the settings of a run, and how to run it.
#[derive(Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub(super) spec: SpecArgs,
    /// Print only the results.
    #[arg(long)]
    pub(super) quiet: bool,
    /// Make every data lint warning (constant or id-like columns, duplicates, a leak, a
    /// sorted file, ...) an error: nothing trains until the data is fixed.
    #[arg(long)]
    pub(super) strict: bool,
    /// Continue a run (e.g. an interrupted one) from its model and History, up to --epochs
    /// in total; training flags (--epochs, --lr, --batch-size, ...) apply, flags that would
    /// change the model are refused.
    #[arg(long, value_name = "RUN_DIR", conflicts_with_all = ["repeats", "cv"])]
    pub(super) resume: Option<PathBuf>,
    /// Train N times with seeds derived from --seed (same test split) and report every
    /// metric as mean ± std, with the learning curve as a mean line and a ±1 std band.
    #[arg(long, value_name = "N", conflicts_with = "cv")]
    pub(super) repeats: Option<usize>,
    /// K-fold cross-validation over the training rows (scikit-learn's KFold, StratifiedKFold
    /// for classes, no shuffling): the metrics of each held-out fold as mean ± std.
    #[arg(long, value_name = "K")]
    pub(super) cv: Option<usize>,
    /// Read DATA.csv a chunk at a time instead of whole, for files larger than memory: the
    /// test rows are chosen by a hash of their position (--test-selection hash), the
    /// validation rows are the file's last training rows, memory stays bounded by
    /// --chunk-rows.
    #[arg(long)]
    pub(super) stream: bool,
    /// Rows per chunk of --stream (memory grows with it; rows are shuffled within a chunk,
    /// chunks among themselves).
    #[arg(long, value_name = "N", default_value_t = 1 << 16)]
    pub(super) chunk_rows: usize,
    /// Folder for --stream's cache of encoded rows (4 bytes per feature and row) [default:
    /// the system's temporary folder].
    #[arg(long, value_name = "DIR")]
    pub(super) cache_dir: Option<PathBuf>,
    /// Data-parallel training over MPI ranks: `mpirun -np N kerust train DATA.csv
    /// --distributed` (needs kerust built with the `mpi` feature).
    #[arg(long)]
    pub(super) distributed: bool,
}

/// The settings of a run (shared by `train` and `tune`). A flag given on the command line
/// overrides `--config` (or, with `--resume`, the continued run's settings); the defaults
/// shown apply otherwise.
#[derive(Args)]
pub struct SpecArgs {
    /// CSV file to train on (default: the embedded dataset of --dataset).
    pub(super) data: Option<PathBuf>,
    /// Target column [default: the dataset's target, or the file's last column].
    #[arg(long)]
    pub(super) target: Option<String>,
    /// Embedded dataset to use when no file is given (see `kerust datasets`).
    #[arg(long, default_value = "boston_housing")]
    pub(super) dataset: String,
    /// auto | regression | classification (auto: text or ≤ 20 distinct integers → classification).
    #[arg(long, default_value_t = Auto(defaults().task))]
    pub(super) task: Auto<Task>,
    /// Hidden layer widths, comma-separated ("" for a single perceptron).
    #[arg(long, default_value_t = Layers(defaults().layers))]
    pub(super) layers: Layers,
    /// Hidden activation (relu, tanh, sigmoid, elu, selu, gelu, ...).
    #[arg(long, default_value_t = defaults().activation)]
    pub(super) activation: Activation,
    /// sgd | adam | rmsprop | adagrad (Keras's defaults; the learning rate is --lr).
    #[arg(long, default_value_t = defaults().optimizer)]
    pub(super) optimizer: OptimizerConfig,
    /// Learning rate.
    #[arg(long, default_value_t = defaults().learning_rate)]
    pub(super) lr: f32,
    /// auto (mse, or cross-entropy for classes), or a Keras loss name.
    #[arg(long, default_value_t = Auto(defaults().loss))]
    pub(super) loss: Auto<Loss>,
    /// Number of epochs (in total, when resuming).
    #[arg(long, default_value_t = defaults().epochs)]
    pub(super) epochs: usize,
    /// Rows per optimizer step.
    #[arg(long, default_value_t = defaults().batch_size)]
    pub(super) batch_size: usize,
    /// Fraction of the training rows held out for val_loss (0 turns validation off).
    #[arg(long, default_value_t = defaults().validation_split)]
    pub(super) validation_split: f64,
    /// Fraction of all rows held out for the test metrics.
    #[arg(long, default_value_t = defaults().test_size)]
    pub(super) test_size: f64,
    /// How the test rows are chosen: shuffle (a seeded shuffle, stratified for classes) | hash
    /// (each row by its position and the seed, the training rows in file order: what --stream does).
    #[arg(long, default_value_t = defaults().test_selection)]
    pub(super) test_selection: TestSelection,
    /// minmax | standard | none (fitted on the training rows only).
    #[arg(long, default_value_t = defaults().scaler)]
    pub(super) scaler: ScalerKind,
    /// Stop after PATIENCE epochs without val_loss improvement, keeping the best weights [default: off].
    #[arg(long, value_name = "PATIENCE")]
    pub(super) early_stopping: Option<usize>,
    /// Divide the learning rate by 10 after PATIENCE epochs without improvement [default: off].
    #[arg(long, value_name = "PATIENCE")]
    pub(super) reduce_lr: Option<usize>,
    /// Save a checkpoint (a full model file) every N epochs into the run folder [default: off].
    #[arg(long, value_name = "N")]
    pub(super) checkpoint_every: Option<usize>,
    /// Dropout rate after each hidden layer [default: no Dropout].
    #[arg(long, value_name = "RATE")]
    pub(super) dropout: Option<f32>,
    /// BatchNormalization after each hidden layer [default: off].
    #[arg(long)]
    pub(super) batch_norm: bool,
    /// L2 penalty factor on every kernel [default: none].
    #[arg(long, value_name = "VALUE")]
    l2: Option<f32>,
    /// `balanced`: weigh classes inversely to their frequency (classification) [default: none].
    #[arg(long, value_name = "balanced")]
    pub(super) class_weight: Option<ClassWeight>,
    /// What to do with missing feature values: impute | drop | error.
    #[arg(long, default_value_t = defaults().missing)]
    pub(super) missing: Missing,
    /// How numeric gaps are filled (statistics of the training rows): mean | median | most_frequent | constant.
    #[arg(long, default_value_t = defaults().impute)]
    pub(super) impute: ImputeStrategy,
    /// The constant of --impute constant.
    #[arg(long, default_value_t = defaults().fill_value)]
    pub(super) fill_value: f32,
    /// How categorical gaps are filled: category (their own, "missing_value") | most_frequent.
    #[arg(long, default_value_t = defaults().impute_categorical)]
    pub(super) impute_categorical: CategoricalImpute,
    /// Add a 0/1 feature per column with gaps in the training rows [default: off].
    #[arg(long)]
    pub(super) missing_indicator: bool,
    /// Seed of every random step [default: a random seed, recorded in run.json].
    #[arg(long)]
    pub(super) seed: Option<u64>,
    /// Compute threads of the fit; the same seed gives the same weights for the same count [default: every core, where splitting the batches pays].
    #[arg(long, value_name = "T")]
    pub(super) threads: Option<usize>,
    /// Run folder [default: runs/<dataset>-<time>, or <run>-resumed-<time>].
    #[arg(long)]
    pub(super) out: Option<PathBuf>,
    /// Settings file (TOML, the keys of a run's settings.toml).
    #[arg(long)]
    pub(super) config: Option<PathBuf>,
}

impl SpecArgs {
    /// `base` with every flag given on the command line applied.
    pub(super) fn apply(&self, matches: &ArgMatches, mut s: RunSettings) -> RunSettings {
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
            test_selection => spec.test_selection, self.test_selection;
            scaler => spec.scaler, self.scaler;
            early_stopping => spec.early_stopping, self.early_stopping;
            reduce_lr => spec.reduce_lr, self.reduce_lr;
            checkpoint_every => spec.checkpoint_every, self.checkpoint_every;
            dropout => spec.dropout, self.dropout;
            batch_norm => spec.batch_norm, self.batch_norm;
            l2 => spec.l2, self.l2;
            class_weight => spec.class_weight, self.class_weight.clone();
            seed => spec.seed, self.seed;
            threads => spec.threads, self.threads;
            missing => spec.missing, self.missing;
            impute => spec.impute, self.impute;
            fill_value => spec.fill_value, self.fill_value;
            impute_categorical => spec.impute_categorical, self.impute_categorical;
            missing_indicator => spec.missing_indicator, self.missing_indicator;
        }
        s
    }
}
