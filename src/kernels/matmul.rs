//! `c = a · b` (or `c += a · b`) on ndarray views of any strides, through the `gemm` crate.

use gemm::Parallelism;
use ndarray::{ArrayView2, ArrayViewMut2};

/// Products below this many flops (`2·m·n·k`) always run on one thread. A second thread
/// costs a wake-up and a join (tens of µs on this VM, sometimes a stall) and paid off only
/// for W2's 256×256×256 products and larger; see `BENCHMARKS.md`.
pub const PARALLEL_MIN_FLOPS: usize = 1 << 24;

/// Writes `c = a · b`, or `c += a · b` when `accumulate`. Shapes: `a` (m, k), `b` (k, n),
/// `c` (m, n); any strides (transposed views are free). Products of at least
/// [`PARALLEL_MIN_FLOPS`], run on a rayon pool's thread, split their output over that pool's threads;
/// the split never divides a dot product, so each element is summed in the same order
/// whatever the thread count.
///
/// # Panics
/// If the shapes do not agree.
pub fn matmul(mut c: ArrayViewMut2<f32>, a: ArrayView2<f32>, b: ArrayView2<f32>, accumulate: bool) {
    let ((m, k), (k2, n)) = (a.dim(), b.dim());
    assert!(k == k2 && c.dim() == (m, n), "matmul: shapes {:?} · {:?} -> {:?}", a.dim(), b.dim(), c.dim());
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            c.fill(0.0);
        }
        return;
    }
    // Only inside a pool (a `ComputeThreads` or the caller's own): outside one, rayon would
    // fall back to its global pool, whose size depends on the machine.
    let threads = if rayon::current_thread_index().is_some() { rayon::current_num_threads() } else { 1 };
    let parallelism = if threads > 1 && 2 * m * n * k >= PARALLEL_MIN_FLOPS {
        Parallelism::Rayon(threads)
    } else {
        Parallelism::None
    };
    let (cs, as_, bs) = (c.strides().to_vec(), a.strides(), b.strides());
    // SAFETY: the pointers and strides come from live ndarray views whose shapes were
    // checked above to be (m, k), (k, n) and (m, n), so every element gemm reads or writes
    // lies inside them; `c` is borrowed mutably, so it cannot alias `a` or `b`.
    // Arguments: dst, dst column stride, dst row stride, read_dst, then lhs and rhs the same
    // way; `dst = alpha·dst + beta·lhs·rhs` with alpha = 1 (read only when accumulating).
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            cs[1],
            cs[0],
            accumulate,
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
            matmul(c.view_mut(), a.view(), b, false);
            assert_eq!(c, naive(a.view(), b));
            matmul(c.view_mut(), a.view(), b, true);
            assert_eq!(c, naive(a.view(), b) * 2.0);
        }
    }

    #[test]
    fn empty_inner_dimension_zeroes_the_output() {
        let mut c = Array2::from_elem((2, 3), 1.0);
        matmul(c.view_mut(), Array2::zeros((2, 0)).view(), Array2::zeros((0, 3)).view(), false);
        assert_eq!(c, Array2::zeros((2, 3)));
    }
}
