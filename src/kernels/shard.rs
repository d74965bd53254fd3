//! Batch shards: what a layer needs to know when a training step runs its batch as several
//! row ranges on several threads (data parallelism, `model::parallel`).
//!
//! Most layers compute each row on its own and never ask. The two that couple the rows of a
//! batch read the shard of the current thread:
//! - BatchNormalization normalizes with the statistics of the whole batch: each shard sums
//!   its rows and the shards exchange the sums ([`all_reduce`]), in shard order, so every
//!   shard gets the same bits;
//! - Dropout draws the masks of the whole batch from one stream: each shard skips to its
//!   first row ([`Shard::offset`]), so the masks are those of one-thread training.
//!
//! Penalties divided by the batch size (activity regularizers) divide by
//! [`batch_rows`], the rows of the whole batch, not of the shard.
//!
//! The shard is a thread-local, like the floating-point state: it is set by the training
//! step around one shard's forward and backward and absent everywhere else (prediction,
//! evaluation, `gradients`), where layers behave as on one thread.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

/// Iterations a waiting thread spins before it sleeps: about 20 µs, longer than a short
/// step's wait for the other shards and far shorter than the wait across validation.
const SPINS: u32 = 1 << 14;

/// A reusable barrier for `n` threads that spins briefly before it sleeps. The training
/// step crosses one twice per step (and twice per exchange): a sleeping barrier's wake-up
/// (~10-50 µs here) would cost more than a small step itself.
#[derive(Debug)]
pub(crate) struct SpinBarrier {
    n: usize,
    arrived: AtomicUsize,
    generation: AtomicUsize,
    sleepers: AtomicUsize,
    lock: Mutex<()>,
    wake: Condvar,
}

impl SpinBarrier {
    /// A barrier for `n ≥ 1` threads.
    pub(crate) fn new(n: usize) -> Self {
        SpinBarrier {
            n,
            arrived: AtomicUsize::new(0),
            generation: AtomicUsize::new(0),
            sleepers: AtomicUsize::new(0),
            lock: Mutex::new(()),
            wake: Condvar::new(),
        }
    }

    /// Waits until all `n` threads have called `wait` (for this round).
    pub(crate) fn wait(&self) {
        let generation = self.generation.load(Ordering::Acquire);
        if self.arrived.fetch_add(1, Ordering::AcqRel) + 1 == self.n {
            self.arrived.store(0, Ordering::Relaxed);
            // Under the lock, so that a thread about to sleep either sees the new
            // generation or is already waiting when the notification comes.
            let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
            self.generation.store(generation.wrapping_add(1), Ordering::Release);
            if self.sleepers.load(Ordering::Acquire) > 0 {
                self.wake.notify_all();
            }
            return;
        }
        for _ in 0..SPINS {
            if self.generation.load(Ordering::Acquire) != generation {
                return;
            }
            std::hint::spin_loop();
        }
        let mut guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.sleepers.fetch_add(1, Ordering::AcqRel);
        while self.generation.load(Ordering::Acquire) == generation {
            guard = self.wake.wait(guard).unwrap_or_else(|e| e.into_inner());
        }
        self.sleepers.fetch_sub(1, Ordering::AcqRel);
    }
}

/// What the shards of one training loop share: the barrier and one exchange slot each.
#[derive(Debug)]
pub(crate) struct Collective {
    pub(crate) barrier: SpinBarrier,
    slots: Vec<Mutex<Vec<f64>>>,
}

impl Collective {
    /// The shared state of `shards` shards.
    pub(crate) fn new(shards: usize) -> Self {
        Collective { barrier: SpinBarrier::new(shards), slots: (0..shards).map(|_| Mutex::new(Vec::new())).collect() }
    }

    /// The number of shards.
    pub(crate) fn shards(&self) -> usize {
        self.slots.len()
    }

    /// Replaces `values` on shard `index` by the sum over all shards, added in shard order
    /// (0 + 1 + …), so that every shard gets the same bits. Every shard must call it, with
    /// slices of the same length. A slot grows once to the widest exchange, then stays.
    fn all_reduce(&self, index: usize, values: &mut [f64]) {
        {
            let mut mine = self.slots[index].lock().unwrap_or_else(|e| e.into_inner());
            mine.clear();
            mine.extend_from_slice(values);
        }
        self.barrier.wait();
        values.fill(0.0);
        for slot in &self.slots {
            let slot = slot.lock().unwrap_or_else(|e| e.into_inner());
            values.iter_mut().zip(slot.iter()).for_each(|(v, s)| *v += s);
        }
        // No shard writes its slot again before every shard has read them all.
        self.barrier.wait();
    }
}

/// The shard of a batch the current thread computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// The shard's first row within the batch.
    pub offset: usize,
    /// The rows of the whole batch.
    pub batch_rows: usize,
}

thread_local! {
    static CURRENT: Cell<Option<Shard>> = const { Cell::new(None) };
    static COLLECTIVE: std::cell::RefCell<Option<(Arc<Collective>, usize)>> = const { std::cell::RefCell::new(None) };
}

/// The shard the current thread computes, if a training step split its batch.
pub fn current() -> Option<Shard> {
    CURRENT.with(Cell::get)
}

/// The rows of the whole batch when the current thread computes a shard of it, else `local`
/// (the rows the layer sees).
pub fn batch_rows(local: usize) -> usize {
    current().map_or(local, |s| s.batch_rows)
}

/// Sums `values` over the shards of the batch (in shard order; every shard must call it at
/// the same point of its forward or backward). Outside a split step, leaves them as they are.
pub(crate) fn all_reduce(values: &mut [f64]) {
    if current().is_none() {
        return;
    }
    COLLECTIVE.with(|c| {
        if let Some((collective, index)) = c.borrow().as_ref() {
            collective.all_reduce(*index, values);
        }
    });
}

/// Runs `f` as shard `shard` of a batch split across processes (each process computes one
/// shard with the whole model; no threads share a [`Collective`]).
pub(crate) fn run_as<T>(shard: Shard, f: impl FnOnce() -> T) -> T {
    CURRENT.with(|c| c.set(Some(shard)));
    let out = f();
    CURRENT.with(|c| c.set(None));
    out
}

/// Joins the current thread to `collective` as shard `index` for the rest of the training
/// loop; dropping the guard leaves it.
pub(crate) fn join(collective: Arc<Collective>, index: usize) -> Joined {
    COLLECTIVE.with(|c| *c.borrow_mut() = Some((collective, index)));
    Joined
}

/// Membership of a thread in a [`Collective`]; see [`join`].
#[derive(Debug)]
pub(crate) struct Joined;

impl Joined {
    /// Runs `f` as the given shard of the current step (layers see it through [`current`]).
    pub(crate) fn run<T>(&self, shard: Shard, f: impl FnOnce() -> T) -> T {
        run_as(shard, f)
    }
}

impl Drop for Joined {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(None));
        COLLECTIVE.with(|c| *c.borrow_mut() = None);
    }
}
