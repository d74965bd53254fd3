//! The benchmark workloads W1 and W2 (`examples/bench/workloads.rs`) train to bit-identical
//! weights and History across two runs with the same seed and thread count (W2 at a small
//! size), and a product large enough to be split over two threads is bit-identical run to
//! run (and to one thread).

#[allow(dead_code)]
#[path = "../examples/bench/workloads.rs"]
mod workloads;

use ndarray::ArrayD;

/// Final weights and the bits of every History value.
fn train(w: &workloads::Workload, seed: u64, threads: usize) -> (Vec<ArrayD<f32>>, Vec<u32>) {
    let mut model = w.model(seed);
    let history = model.fit(&w.train.x, &w.train.y, w.fit_config(seed, threads)).expect("fit");
    let bits =
        ["loss", "val_loss"].iter().flat_map(|k| history.get(k).expect("key").iter().map(|v| v.to_bits())).collect();
    (model.get_weights(), bits)
}

fn assert_bit_identical(w: &workloads::Workload) {
    for threads in [1, 2] {
        let (w1, h1) = train(w, 7, threads);
        let (w2, h2) = train(w, 7, threads);
        assert_eq!(h1, h2, "{}: History differs between runs with threads = {threads}", w.id);
        assert_eq!(w1.len(), w2.len(), "{}: weight count", w.id);
        for (a, b) in w1.iter().zip(&w2) {
            assert_eq!(a.shape(), b.shape(), "{}", w.id);
            let same = a.iter().zip(b.iter()).all(|(x, y)| x.to_bits() == y.to_bits());
            assert!(same, "{}: weights differ between runs with threads = {threads}", w.id);
        }
        let (other, _) = train(w, 8, threads);
        assert_ne!(w1, other, "{}: another seed must give other weights", w.id);
    }
}

#[test]
fn w1_is_bit_identical_for_a_given_seed_and_thread_count() {
    let mut w = workloads::w1(include_str!("../data/boston_housing.csv"));
    w.epochs = 20;
    assert_bit_identical(&w);
}

#[test]
fn w2_small_is_bit_identical_for_a_given_seed_and_thread_count() {
    let mut w = workloads::w2(None, 4_000);
    w.epochs = 2;
    assert_bit_identical(&w);
}

#[test]
fn a_product_split_over_two_threads_is_bit_identical() {
    use kerust::kernels::{ComputeThreads, PARALLEL_MIN_FLOPS, matmul};
    use ndarray::Array2;
    let (m, k, n) = (512, 256, 512);
    assert!(2 * m * k * n >= PARALLEL_MIN_FLOPS, "the product must take the parallel path");
    let a = Array2::from_shape_fn((m, k), |(i, j)| ((i * 31 + j * 17) % 23) as f32 / 23.0 - 0.4);
    let b = Array2::from_shape_fn((k, n), |(i, j)| ((i * 7 + j * 13) % 19) as f32 / 19.0 - 0.5);
    let run = |threads| {
        let _compute = ComputeThreads::new(threads);
        let mut c = Array2::zeros((m, n));
        matmul(c.view_mut(), a.view(), b.t().t());
        c.mapv(f32::to_bits)
    };
    let two = run(2);
    assert_eq!(two, run(2), "two threads, two runs");
    assert_eq!(two, run(1), "the split never divides a dot product");
}
