//! The compute context of one `fit`: flush-to-zero on the calling thread for the duration,
//! and, for more than one thread, a private rayon pool for the large matrix products.

use std::cell::RefCell;
use std::sync::Arc;

use super::FlushDenormals;

thread_local! {
    /// The pool of the innermost live [`ComputeThreads`] created on this thread. Scoped like
    /// MXCSR itself (set by `new`, restored by `drop`), it lets `matmul` reach the pool
    /// without threading a handle through every layer's `forward`/`backward`.
    static CURRENT: RefCell<Option<Arc<rayon::ThreadPool>>> = const { RefCell::new(None) };
}

/// Compute threads for a training loop. While it lives, the creating thread runs with
/// [`FlushDenormals`] and the training step runs right there; only products of at least
/// [`PARALLEL_MIN_FLOPS`](super::PARALLEL_MIN_FLOPS) are handed to a private pool of
/// `threads` workers (which set FTZ/DAZ when they start and end with the pool). Dropping it
/// restores the thread's previous floating-point state and compute context.
///
/// Measured here: handing the whole step to a pool instead cost 4x on the W1 benchmark
/// (one thread wake-up per 9 µs step); handing over only the big products costs nothing there.
#[derive(Debug)]
#[must_use = "the context ends when dropped"]
pub struct ComputeThreads {
    previous: Option<Arc<rayon::ThreadPool>>,
    _ftz: FlushDenormals,
}

impl ComputeThreads {
    /// A context with `threads` compute threads (`0` is taken as 1). If the operating
    /// system refuses to start threads, every product runs on the calling thread.
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
            .flatten()
            .map(Arc::new);
        let previous = CURRENT.with(|c| c.replace(pool));
        ComputeThreads { previous, _ftz: FlushDenormals::enable() }
    }
}

impl Drop for ComputeThreads {
    fn drop(&mut self) {
        CURRENT.with(|c| *c.borrow_mut() = self.previous.take());
    }
}

/// The pool of the live [`ComputeThreads`] on this thread, if it has one.
pub(super) fn current_pool() -> Option<Arc<rayon::ThreadPool>> {
    CURRENT.with(|c| c.borrow().clone())
}
