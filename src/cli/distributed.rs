//! `--distributed`: data-parallel training over MPI ranks. This build has no MPI support
//! (the `mpi` feature), so the flag is a clear error rather than a silent one-process run.

use std::process::ExitCode;

use super::usage;

/// The error of `--distributed` in a build without the `mpi` feature.
pub fn unavailable() -> anyhow::Result<ExitCode> {
    usage!(
        "--distributed needs kerust built with MPI support, which this build lacks (cargo build --release --features mpi, with OpenMPI installed), and started by mpirun (mpirun -np 2 kerust train DATA.csv --distributed); drop --distributed to train in one process"
    )
}
