//! The compute context of one `fit`: flush-to-zero on the calling thread for the duration,
//! and, for more than one thread, a private rayon pool whose workers flush to zero too.

use super::FlushDenormals;

/// Compute threads for a training loop. While it lives, the creating thread runs with
/// [`FlushDenormals`] (restored on drop); [`ComputeThreads::run`] runs a step either right
/// here (1 thread) or on a private pool of `threads` workers, where
/// `rayon::current_num_threads()` tells [`matmul`](super::matmul) how far it may split.
///
/// Neither rayon's global pool nor the caller's floating-point state outlives it: the pool's
/// workers set FTZ/DAZ when they start and end with the pool.
#[derive(Debug)]
pub struct ComputeThreads {
    pool: Option<rayon::ThreadPool>,
    _ftz: FlushDenormals,
}

impl ComputeThreads {
    /// A context with `threads` compute threads (`0` is taken as 1). If the operating
    /// system refuses to start threads, everything runs on the calling thread.
    pub fn new(threads: usize) -> Self {
        let pool = (threads > 1)
            .then(|| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .thread_name(|i| format!("kerust-compute-{i}"))
                    // Forgotten on purpose: these threads are private and end with the pool.
                    .start_handler(|_| std::mem::forget(FlushDenormals::enable()))
                    .build()
                    .ok()
            })
            .flatten();
        ComputeThreads { pool, _ftz: FlushDenormals::enable() }
    }

    /// Runs `f` on the compute threads and returns its result.
    pub fn run<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        match &self.pool {
            Some(pool) => pool.install(f),
            None => f(),
        }
    }
}
