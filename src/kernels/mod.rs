//! Compute kernels shared by the layers and the training loop: the matrix product, the
//! flush-to-zero switch, the compute threads of a training loop, and what a layer needs to
//! know when a step splits its batch over threads ([`shard`]).
//!
//! The matrix product goes through the `gemm` crate, which picks AVX-512, AVX2/FMA or SSE
//! kernels at run time (so one binary runs on any x86_64 machine) and was measured faster
//! than ndarray's `matrixmultiply` at every shape of the benchmarks (see `BENCHMARKS.md`).
//!
//! The measurements quoted in this module name the two benchmark workloads of
//! `BENCHMARKS.md`: W1, Boston housing on a 13→64→32→1 ReLU MLP with batches of 32, and W2,
//! 200 000 synthetic rows on a 32→256→256→1 ReLU MLP with batches of 256.
//!
//! ```
//! use kerust::kernels::{matmul, FlushDenormals};
//! use ndarray::{array, Array2};
//! let _ftz = FlushDenormals::enable(); // restored when dropped
//! let a = array![[1.0f32, 2.0], [3.0, 4.0]];
//! let b = array![[1.0f32, 0.0], [0.0, 1.0]];
//! let mut c = Array2::zeros((2, 2));
//! matmul(c.view_mut(), a.view(), b.view());
//! assert_eq!(c, a);
//! ```

mod ftz;
mod matmul;
mod pool;
pub mod shard;

pub use ftz::FlushDenormals;
pub use matmul::{PARALLEL_MIN_FLOPS, matmul};
pub use pool::ComputeThreads;
