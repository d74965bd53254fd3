//! `--distributed`: data-parallel training across MPI ranks (feature `mpi`). Every rank
//! reads the data and trains with the same settings and seed; each computes its shard of
//! every batch and the gradients are summed in rank order, so the weights are those of one
//! process splitting each batch over as many threads. Only rank 0 prints and writes the run
//! folder. Without the feature, the flag is a clear error rather than a one-process run.

use std::rc::Rc;

use kerust::model::Exchange;

use super::usage;

/// The ranks of this MPI job, or an error naming what is missing.
#[cfg(feature = "mpi")]
pub fn join() -> anyhow::Result<Rc<dyn Exchange>> {
    if !kerust::distributed::launched_by_mpi() {
        usage!(
            "--distributed runs under mpirun: start it as mpirun -np 2 kerust train DATA.csv --distributed (as root: mpirun --allow-run-as-root ...); drop --distributed to train in one process"
        );
    }
    Ok(Rc::new(kerust::distributed::MpiRanks::init()?))
}

/// The error of `--distributed` in a build without the `mpi` feature.
#[cfg(not(feature = "mpi"))]
pub fn join() -> anyhow::Result<Rc<dyn Exchange>> {
    usage!(
        "--distributed needs kerust built with MPI support, which this build lacks (cargo build --release --features mpi, with OpenMPI installed), and started by mpirun (mpirun -np 2 kerust train DATA.csv --distributed); drop --distributed to train in one process"
    )
}
