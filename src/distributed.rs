//! MPI ranks (feature `mpi`, rsmpi over the system's MPI, Debian's OpenMPI on this project's
//! machines): [`MpiRanks`], the [`Exchange`] of data-parallel training across processes.
//!
//! ```no_run
//! // mpirun -np 2 ./my_program
//! use std::rc::Rc;
//! use kerust::distributed::MpiRanks;
//! use kerust::model::{Exchange, FitConfig};
//! let ranks = Rc::new(MpiRanks::init()?);
//! let config = FitConfig { ranks: Some(ranks.clone()), ..Default::default() };
//! // model.fit(&x, &y, config)? on every rank: rank 0's weights are broadcast, each rank
//! // computes its shard of every batch, the gradients are summed in rank order.
//! # let _ = (config, ranks.rank());
//! # Ok::<(), kerust::Error>(())
//! ```

use mpi::datatype::PartitionMut;
use mpi::environment::Universe;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

use crate::error::{Error, Result};
use crate::model::Exchange;

/// The processes of this MPI job (`MPI_COMM_WORLD`).
pub struct MpiRanks {
    world: SimpleCommunicator,
    // Finalizes MPI when dropped: declared last, so dropped after `world`.
    _universe: Universe,
}

impl std::fmt::Debug for MpiRanks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MpiRanks").field("rank", &self.rank()).field("size", &self.size()).finish()
    }
}

/// Environment variables an MPI launcher sets for the processes it starts.
const LAUNCHER_VARIABLES: [&str; 4] = ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"];

impl MpiRanks {
    /// Joins the MPI job this process was started in by `mpirun` (or another MPI launcher);
    /// outside one, or when MPI was already initialized, an error that says so.
    pub fn init() -> Result<MpiRanks> {
        if !launched_by_mpi() {
            return Err(Error::invalid(
                "distributed",
                "no MPI job",
                "this process was not started by mpirun; run e.g. mpirun -np 2 kerust train DATA.csv --distributed",
            ));
        }
        let universe = mpi::initialize()
            .ok_or_else(|| Error::invalid("distributed", "MPI", "was already initialized in this process"))?;
        Ok(MpiRanks { world: universe.world(), _universe: universe })
    }
}

impl MpiRanks {
    /// Every rank's `local` (lengths may differ), in rank order: the counts first, then the
    /// values.
    fn all_gather_varcount<T: Equivalence + Copy + Default>(&self, local: &[T]) -> Result<Vec<Vec<T>>> {
        let size = self.size();
        let mut counts = vec![0i32; size];
        let mine =
            i32::try_from(local.len()).map_err(|_| Error::invalid("all_gather", local.len(), "too many values"))?;
        self.world.all_gather_into(&mine, &mut counts[..]);
        let displs: Vec<i32> = counts.iter().scan(0, |at, &c| Some(std::mem::replace(at, *at + c))).collect();
        let total = counts.iter().map(|&c| c as usize).sum();
        let mut buffer = vec![T::default(); total];
        {
            let mut partition = PartitionMut::new(&mut buffer[..], &counts[..], &displs[..]);
            self.world.all_gather_varcount_into(local, &mut partition);
        }
        Ok(counts.iter().zip(&displs).map(|(&c, &d)| buffer[d as usize..(d + c) as usize].to_vec()).collect())
    }
}

/// Whether an MPI launcher started this process.
pub fn launched_by_mpi() -> bool {
    LAUNCHER_VARIABLES.iter().any(|v| std::env::var_os(v).is_some())
}

impl Exchange for MpiRanks {
    fn rank(&self) -> usize {
        self.world.rank() as usize
    }

    fn size(&self) -> usize {
        self.world.size() as usize
    }

    fn all_gather_f32(&self, local: &[f32], out: &mut [f32]) -> Result<()> {
        if out.len() != local.len() * self.size() {
            return Err(Error::invalid("all_gather", out.len(), "needs ranks × local values"));
        }
        self.world.all_gather_into(local, out);
        Ok(())
    }

    fn all_gather_f64(&self, local: &[f64]) -> Result<Vec<Vec<f64>>> {
        self.all_gather_varcount(local)
    }

    fn all_gather_bytes(&self, local: &[u8]) -> Result<Vec<Vec<u8>>> {
        self.all_gather_varcount(local)
    }

    fn broadcast(&self, bytes: &mut [u8]) -> Result<()> {
        self.world.process_at_rank(0).broadcast_into(bytes);
        Ok(())
    }
}
