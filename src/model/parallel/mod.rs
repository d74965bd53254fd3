//! Data parallelism inside one `fit`: each batch is split into contiguous row ranges
//! (shards), one per thread; every thread runs forward and backward on its rows with its own
//! copy of the layers (a replica: same weights, own buffers); the gradients are added in
//! shard order (0 + 1 + …) into the model's own layers, which compute shard 0; then one
//! optimizer step.
//!
//! What couples the rows of a batch stays as on one thread: the loss and its gradient are
//! divided by the rows of the whole batch, BatchNormalization exchanges its sums between the
//! shards, Dropout draws each shard's part of the whole batch's masks, the weight penalties
//! are added once (see `kernels::shard`). So the History and weights differ from one-thread
//! training only by the order of the sums, and depend on the thread count, never on timing.
//!
//! The worker threads live as long as the `fit`; a step wakes them through a spinning
//! barrier and allocates nothing beyond what one thread's step does.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{Scope, ScopedJoinHandle};

use ndarray::{ArrayView1, ArrayView2};

mod ranks;
mod step;

pub use ranks::Exchange;
pub(super) use ranks::RankBuffers;

use step::backprop_shard;

use super::Sequential;
use crate::kernels::FlushDenormals;
use crate::kernels::shard::{self, Collective, Joined, Shard};
use crate::layers::{Buffer, Layer, hooks, replica};
use crate::losses::Loss;

/// The least work per shard and step (rows × trainable parameters) for which a split pays:
/// 2²⁰.
///
/// Measured here (`bench --workload sweep`, BENCHMARKS.md "Two cores, one fit"): a split
/// costs some 100 µs a step of W2's size (gradient additions, weight copies, the wait for
/// the slower shard) and a few µs on small steps (barrier crossings); from about 10⁶ rows ×
/// parameters per shard (128 rows of a 32 → 128 → 128 → 1 MLP: 1.2×) it pays, below it
/// gains nothing or loses (32 rows of that MLP: 0.9×).
pub const MIN_SHARD_WORK: usize = 1 << 20;

/// The number of shards a `fit` splits each batch into: the thread count, capped so that
/// every shard does at least `min_work` (rows × trainable parameters) and has a row; 1 for a
/// model with a layer defined outside kerust (it cannot be copied).
pub(super) fn shards_for(
    threads: usize,
    batch_size: usize,
    trainable_params: usize,
    min_work: usize,
    layers: &[Box<dyn Layer>],
) -> usize {
    if threads < 2 || layers.iter().any(|l| hooks(l.as_ref()).is_none()) {
        return 1;
    }
    let by_work = batch_size.saturating_mul(trainable_params).checked_div(min_work).unwrap_or(usize::MAX);
    threads.min(by_work).min(batch_size).max(1)
}

/// One shard's part of a step: its rows (indices into the training rows, set by the model's
/// thread), gathered by its own thread, and what it leaves for the model's thread.
#[derive(Debug, Default)]
struct Part {
    rows: Vec<usize>,
    shard: Option<Shard>,
    x: Buffer,
    y: Buffer,
    weights: Vec<f32>,
    weighted: bool,
    /// `Σ loss_i · w_i / batch rows` over the shard's rows.
    loss: f64,
    activity: f32,
}

/// A replica and the buffers of its shard.
#[derive(Debug)]
struct Replica {
    layers: Vec<Box<dyn Layer>>,
    dloss: Buffer,
    part: Part,
    /// The shard's predictions, for the metrics (added in shard order by the model's thread).
    predictions: Buffer,
}

/// What the threads of one fit share.
#[derive(Debug)]
struct Shared<'a> {
    /// The training rows (the threads gather their shard's rows themselves: a gather of
    /// random rows misses the cache, and is half as long on each of two threads).
    data: Rows<'a>,
    collective: Arc<Collective>,
    quit: AtomicBool,
    /// Set once every thread has started (`true`) or one could not be (`false`): a thread
    /// enters the step loop only when all have, since the barrier counts them all.
    started: Mutex<Option<bool>>,
    start: Condvar,
    /// Shards 1.. (shard 0 is the model itself).
    replicas: Vec<Mutex<Replica>>,
    loss: Loss,
    fused: bool,
    metrics: bool,
}

/// The worker threads of one `fit` (shards 1..), and the model thread's membership as
/// shard 0. Dropping it ends the threads.
#[derive(Debug)]
pub(super) struct Workers<'scope, 'a> {
    shared: Arc<Shared<'a>>,
    handles: Vec<ScopedJoinHandle<'scope, ()>>,
    joined: Joined,
    /// Shard 0's rows and predictions (its layers are the model's).
    own: Part,
    own_predictions: Buffer,
}

impl<'scope, 'a: 'scope> Workers<'scope, 'a> {
    /// Starts `shards - 1` threads in `scope` with replicas of `model`'s layers, to train
    /// on `data`; `None` if the system refuses to start a thread (the fit then runs on one).
    pub(super) fn start(
        scope: &'scope Scope<'scope, '_>,
        model: &Sequential,
        shards: usize,
        data: Rows<'a>,
    ) -> Option<Self> {
        let compiled = model.compiled.as_ref()?;
        let mut replicas = Vec::with_capacity(shards - 1);
        for _ in 1..shards {
            let layers = model.layers.iter().map(|l| replica(l.as_ref())).collect::<Option<Vec<_>>>()?;
            replicas.push(Mutex::new(Replica {
                layers,
                dloss: Buffer::default(),
                part: Part::default(),
                predictions: Buffer::default(),
            }));
        }
        let shared = Arc::new(Shared {
            data,
            collective: Arc::new(Collective::new(shards)),
            quit: AtomicBool::new(false),
            started: Mutex::new(None),
            start: Condvar::new(),
            replicas,
            loss: compiled.loss,
            fused: compiled.fused,
            metrics: !compiled.metrics.is_empty(),
        });
        let mut handles = Vec::with_capacity(shards - 1);
        for index in 1..shards {
            let for_thread = Arc::clone(&shared);
            let spawned = std::thread::Builder::new()
                .name(format!("kerust-shard-{index}"))
                .spawn_scoped(scope, move || work(&for_thread, index));
            match spawned {
                Ok(handle) => handles.push(handle),
                Err(_) => break,
            }
        }
        let all = handles.len() == shards - 1;
        *shared.started.lock().unwrap_or_else(|e| e.into_inner()) = Some(all);
        shared.start.notify_all();
        if !all {
            handles.into_iter().for_each(|h| drop(h.join()));
            return None;
        }
        let joined = shard::join(Arc::clone(&shared.collective), 0);
        Some(Workers { shared, handles, joined, own: Part::default(), own_predictions: Buffer::default() })
    }

    /// The number of shards (threads, the model's included).
    pub(super) fn shards(&self) -> usize {
        self.shared.collective.shards()
    }
}

impl Drop for Workers<'_, '_> {
    fn drop(&mut self) {
        self.shared.quit.store(true, Ordering::Release);
        // The threads wait at the start of a step: this crossing releases them, they see
        // `quit` and end.
        self.shared.collective.barrier.wait();
        for handle in self.handles.drain(..) {
            let _ = handle.join();
        }
    }
}

fn lock(replica: &Mutex<Replica>) -> MutexGuard<'_, Replica> {
    replica.lock().unwrap_or_else(|e| e.into_inner())
}

/// A worker thread: computes shard `index` of every step until the fit ends.
fn work(shared: &Shared<'_>, index: usize) {
    let mut started = shared.started.lock().unwrap_or_else(|e| e.into_inner());
    while started.is_none() {
        started = shared.start.wait(started).unwrap_or_else(|e| e.into_inner());
    }
    if *started != Some(true) {
        return;
    }
    drop(started);
    let _ftz = FlushDenormals::enable();
    let joined = shard::join(Arc::clone(&shared.collective), index);
    loop {
        shared.collective.barrier.wait(); // a step begins (or the fit ends)
        if shared.quit.load(Ordering::Acquire) {
            break;
        }
        {
            let mut guard = lock(&shared.replicas[index - 1]);
            let Replica { layers, dloss, part, predictions } = &mut *guard;
            let shard = part.shard.expect("the model thread sets every shard before a step");
            part.gather(shared.data);
            let predictions = shared.metrics.then_some(predictions);
            let step = || backprop_shard(layers, dloss, &shared.loss, shared.fused, part.batch(), predictions);
            // A panic here is a bug in a layer; unwinding would leave the other threads
            // waiting at the barrier for ever, so it ends the process, saying why.
            let Ok((loss, activity)) =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| joined.run(shard, step)))
            else {
                eprintln!("kerust: a training thread panicked (a bug: please report it with the message above)");
                std::process::abort();
            };
            part.loss = loss;
            part.activity = activity;
        }
        shared.collective.barrier.wait(); // the step's gradients are ready
    }
}

/// The rows of the training data a split step reads.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rows<'a> {
    pub(super) x: ArrayView2<'a, f32>,
    pub(super) y: ArrayView2<'a, f32>,
    pub(super) weights: Option<ArrayView1<'a, f32>>,
}
