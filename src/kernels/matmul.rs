//! `c = a · b` on ndarray views of any strides, through the `gemm` crate.

use gemm::Parallelism;
use ndarray::{ArrayView2, ArrayViewMut2};

/// Products below this many flops (`2·m·n·k`) always run on one thread. Handing a product
/// to a pool worker that has gone to sleep costs tens of µs on this VM: measured here, the
/// 256³ products (33.5 Mflop) of the W2 benchmark split over two threads made the whole W2
/// fit 10-20% slower (each is ~150 µs alone, and the workers sleep during the serial work
/// between them), so only products of 2²⁶ flops and more (e.g. 512×256×256) are split.
/// See `BENCHMARKS.md`.
pub const PARALLEL_MIN_FLOPS: usize = 1 << 26;

/// Writes `c = a · b` (the old contents of `c` are not read). Shapes: `a` (m, k), `b` (k, n),
/// `c` (m, n); any strides (transposed views are free). Products of at least
/// [`PARALLEL_MIN_FLOPS`] split their output over the threads of the live
/// [`ComputeThreads`](super::ComputeThreads) pool, or of the rayon pool they run in;
/// the split never divides a dot product, so each element is summed in the same order
/// whatever the thread count.
///
/// # Panics
/// If the shapes do not agree.
pub fn matmul(mut c: ArrayViewMut2<f32>, a: ArrayView2<f32>, b: ArrayView2<f32>) {
    let ((m, k), (k2, n)) = (a.dim(), b.dim());
    assert!(k == k2 && c.dim() == (m, n), "matmul: shapes {:?} · {:?} -> {:?}", a.dim(), b.dim(), c.dim());
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        c.fill(0.0);
        return;
    }
    let large = 2 * m * n * k >= PARALLEL_MIN_FLOPS;
    if large && rayon::current_thread_index().is_none() {
        // On a training thread with a `ComputeThreads` pool: run this product there.
        if let Some(pool) = super::pool::current_pool() {
            return pool.install(|| product(c, a, b, Parallelism::Rayon(pool.current_num_threads())));
        }
    }
    // Inside a pool (ours or the caller's own) the product may use that pool's threads;
    // outside one, rayon would fall back to its global pool, whose size depends on the machine.
    let threads = if rayon::current_thread_index().is_some() { rayon::current_num_threads() } else { 1 };
    let parallelism = if threads > 1 && large { Parallelism::Rayon(threads) } else { Parallelism::None };
    product(c, a, b, parallelism);
}

/// The gemm call itself, on checked, non-empty shapes.
fn product(mut c: ArrayViewMut2<f32>, a: ArrayView2<f32>, b: ArrayView2<f32>, parallelism: Parallelism) {
    let ((m, k), n) = (a.dim(), b.ncols());
    let (cs, as_, bs) = ([c.strides()[0], c.strides()[1]], a.strides(), b.strides());
    // SAFETY: the pointers and strides come from live ndarray views whose shapes were
    // checked by `matmul` to be (m, k), (k, n) and (m, n), so every element gemm reads or writes
    // lies inside them; `c` is borrowed mutably, so it cannot alias `a` or `b`.
    // Arguments: dst, dst column stride, dst row stride, read_dst, then lhs and rhs the same
    // way; `dst = alpha·dst + beta·lhs·rhs` with beta = 1, and dst not read (read_dst false).
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            cs[1],
            cs[0],
            false,
            a.as_ptr(),
            as_[1],
            as_[0],
            b.as_ptr(),
            bs[1],
            bs[0],
            1.0f32,
            1.0f32,
            false,
            false,
            false,
            parallelism,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn naive(a: ArrayView2<f32>, b: ArrayView2<f32>) -> Array2<f32> {
        Array2::from_shape_fn((a.nrows(), b.ncols()), |(i, j)| (0..a.ncols()).map(|p| a[[i, p]] * b[[p, j]]).sum())
    }

    #[test]
    fn matches_naive_product_for_transposed_and_odd_shapes() {
        for &(m, k, n) in &[(1, 1, 1), (7, 13, 1), (32, 13, 64), (5, 1, 9), (33, 17, 65)] {
            let a = Array2::from_shape_fn((m, k), |(i, j)| ((i * 7 + j * 3) % 11) as f32 - 5.0);
            let bt = Array2::from_shape_fn((n, k), |(i, j)| ((i * 5 + j) % 7) as f32 - 3.0);
            let b = bt.t();
            let mut c = Array2::from_elem((m, n), 9.0);
            matmul(c.view_mut(), a.view(), b);
            assert_eq!(c, naive(a.view(), b));
        }
    }

    #[test]
    fn empty_inner_dimension_zeroes_the_output() {
        let mut c = Array2::from_elem((2, 3), 1.0);
        matmul(c.view_mut(), Array2::zeros((2, 0)).view(), Array2::zeros((0, 3)).view());
        assert_eq!(c, Array2::<f32>::zeros((2, 3)));
    }
}
