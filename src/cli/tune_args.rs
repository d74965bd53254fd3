//! The flags of `kerust tune`: the base settings (every `kerust train` setting), the search,
//! and `--resume`.

use std::path::PathBuf;

use clap::Args;
use kerust::tuning::{DEFAULT_BATCH, Direction, PrunerKind, SamplerKind};

use super::train_args::SpecArgs;

/// Flags of `kerust tune`. The settings flags give the base every trial starts from; the
/// space (`--space`, or the default) varies some of them. `--seed` is the study seed and
/// `--out` the study folder.
#[derive(Args)]
pub struct TuneArgs {
    #[command(flatten)]
    pub(super) spec: SpecArgs,
    /// Trials to run (grid search stops at the end of its grid).
    #[arg(long, default_value_t = 50)]
    pub(super) trials: usize,
    /// tpe | random | grid.
    #[arg(long, default_value_t = SamplerKind::Tpe)]
    pub(super) sampler: SamplerKind,
    /// Score each trial by K-fold cross-validation over the training rows (KFold, or
    /// StratifiedKFold for classes) instead of the validation split [default: off].
    #[arg(long, value_name = "K")]
    pub(super) cv: Option<usize>,
    /// Seeds per trial (per fold with --cv); trials report mean ± std.
    #[arg(long, value_name = "R", default_value_t = 1)]
    pub(super) repeats: usize,
    /// none | median | halving: stop weak trials after any epoch.
    #[arg(long, default_value_t = PrunerKind::None)]
    pub(super) pruner: PrunerKind,
    /// The search space (TOML: a table per parameter, e.g. `[learning_rate]` with
    /// `type = "float"`, `low`, `high`, `log = true`) [default: 1-3 hidden layers of 16-256
    /// units, lr 1e-4-1e-1 log, batch 16/32/64, dropout 0-0.5; for grid, a 36-point grid].
    #[arg(long, value_name = "FILE")]
    pub(super) space: Option<PathBuf>,
    /// Trials run in parallel, each single-threaded; results do not depend on it [default:
    /// every core].
    #[arg(long, value_name = "N")]
    pub(super) workers: Option<usize>,
    /// The History key to score, at the trial's best epoch.
    #[arg(long, default_value = "val_loss")]
    pub(super) objective: String,
    /// min | max [default: min for losses and errors, max for accuracy].
    #[arg(long)]
    pub(super) direction: Option<Direction>,
    /// Trials per batch: TPE proposals and pruning see only earlier batches (results depend
    /// on it, not on --workers).
    #[arg(long, default_value_t = DEFAULT_BATCH)]
    pub(super) batch: usize,
    /// Continue the study in this folder with its own settings (only --workers, --trials and
    /// --quiet may be given).
    #[arg(long, value_name = "STUDY")]
    pub(super) resume: Option<PathBuf>,
    /// Print only the summary.
    #[arg(long)]
    pub(super) quiet: bool,
    /// Spread the trials over MPI ranks: `mpirun -np N kerust tune ... --distributed` (needs
    /// kerust built with the `mpi` feature); the study is the one one process runs, and
    /// rank 0 writes it.
    #[arg(long)]
    pub(super) distributed: bool,
}
