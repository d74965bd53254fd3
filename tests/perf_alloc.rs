//! Allocations of a warm training step, counted by a wrapping global allocator.
//!
//! Two fits on an already trained (warm) model differ only in the number of steps per epoch
//! (same batch shapes), so per-fit and per-epoch costs cancel and the difference divided by
//! the extra steps is what one warm step allocates. BENCHMARKS.md states the result.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use kerust::model::MIN_SHARD_WORK;
use kerust::prelude::*;
use ndarray::Array2;

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call unchanged to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as our caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size, Ordering::Relaxed);
        // SAFETY: same contract as our caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// (allocations, bytes) of one `fit` of `epochs` epochs on `rows` rows.
fn count_fit(
    model: &mut Sequential,
    x: &Array2<f32>,
    y: &Array2<f32>,
    rows: usize,
    batch: usize,
    threads: usize,
) -> (usize, usize) {
    let (x, y) = (x.slice(ndarray::s![..rows, ..]).to_owned(), y.slice(ndarray::s![..rows, ..]).to_owned());
    // With 2 threads every step is split (`min_shard_work` 0), whatever its size.
    let config = FitConfig {
        epochs: 2,
        batch_size: batch,
        verbose: 0,
        threads: Some(threads),
        min_shard_work: if threads > 1 { 0 } else { MIN_SHARD_WORK },
        ..Default::default()
    };
    let (a0, b0) = (ALLOCS.load(Ordering::SeqCst), BYTES.load(Ordering::SeqCst));
    model.fit(&x, &y, config).expect("fit");
    (ALLOCS.load(Ordering::SeqCst) - a0, BYTES.load(Ordering::SeqCst) - b0)
}

/// Allocations per warm step of a `inputs → hidden… → 1` ReLU MLP with Adam at `batch`,
/// on `threads` threads.
fn per_step(inputs: usize, hidden: &[usize], batch: usize, threads: usize) -> (f64, f64) {
    let rows = 40 * batch;
    let x = Array2::from_shape_fn((rows, inputs), |(i, j)| ((i * 31 + j * 7) % 17) as f32 / 17.0);
    let y = Array2::from_shape_fn((rows, 1), |(i, _)| (i % 13) as f32);
    let mut model = Sequential::new().seed(1);
    let mut width = inputs;
    for &h in hidden {
        model.add(Dense::new(h).input_dim(width).activation(Activation::Relu));
        width = h;
    }
    model.add(Dense::new(1));
    model.compile(Adam::new(1e-3), Loss::MeanSquaredError, &[]).expect("compile");
    count_fit(&mut model, &x, &y, rows, batch, threads); // warm: buffers and optimizer state
    // The counter is global: the test harness's own threads allocate now and then (seen once
    // in five runs: 4 allocations). Noise only adds, so the least of three measurements counts.
    let extra_steps = (2 * 30) as f64;
    let mut best = (f64::INFINITY, f64::INFINITY);
    for _ in 0..3 {
        let (a_small, b_small) = count_fit(&mut model, &x, &y, 10 * batch, batch, threads);
        let (a_large, b_large) = count_fit(&mut model, &x, &y, 40 * batch, batch, threads);
        let per = ((a_large as f64 - a_small as f64) / extra_steps, (b_large as f64 - b_small as f64) / extra_steps);
        best = (best.0.min(per.0), best.1.min(per.1));
    }
    best
}

#[test]
fn warm_training_step_allocates_only_small_bookkeeping() {
    // One test (not two): the counter is global and tests run in parallel threads.
    // Accounted for exactly: the gemm crate allocates 0-2 packing buffers per product (6 in
    // all for W1's 8 products a step, 8 for W2's, measured one by one), and the optimizer
    // hand-off builds 4 small Vec<Param> lists (one per layer, one for the model). Nothing on
    // our side grows with the batch.
    //
    // Split over 2 threads (issue 17), a step adds nothing of its own: the worker threads,
    // replicas and shard buffers are made once per fit, the barrier and the locks allocate
    // nothing. Each thread runs every product (on its rows), so the gemm crate's packing
    // buffers come twice: 2 × 6 (W1) and 2 × 8 (W2), plus the same 4 lists.
    for (name, inputs, hidden, batch, threads, bound) in [
        ("W1 shapes", 13, vec![64, 32], 32, 1, 6 + 4),
        ("W2 shapes", 32, vec![256, 256], 256, 1, 8 + 4),
        ("W1 shapes, 2 threads", 13, vec![64, 32], 32, 2, 2 * 6 + 4),
        ("W2 shapes, 2 threads", 32, vec![256, 256], 256, 2, 2 * 8 + 4),
    ] {
        let (allocs, bytes) = per_step(inputs, &hidden, batch, threads);
        println!("{name}: {allocs:.2} allocations, {bytes:.0} bytes per warm step");
        assert!(allocs <= bound as f64, "{name}: {allocs} allocations per step (expected ≤ {bound})");
    }
}
