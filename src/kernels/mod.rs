//! Compute kernels shared by the layers and the training loop: the matrix product, the
//! flush-to-zero switch, and the compute threads of a training loop.
//!
//! The matrix product goes through the `gemm` crate, which picks AVX-512, AVX2/FMA or SSE
//! kernels at run time (so one binary runs on any x86_64 machine) and was measured faster
//! than ndarray's `matrixmultiply` at every shape of the benchmarks (see `BENCHMARKS.md`).
//!
//! ```
//! use kerust::kernels::{matmul, FlushDenormals};
//! use ndarray::{array, Array2};
//! let _ftz = FlushDenormals::enable(); // restored when dropped
//! let a = array![[1.0f32, 2.0], [3.0, 4.0]];
//! let b = array![[1.0f32, 0.0], [0.0, 1.0]];
//! let mut c = Array2::zeros((2, 2));
//! matmul(c.view_mut(), a.view(), b.view(), false);
//! assert_eq!(c, a);
//! ```

mod ftz;
mod matmul;
mod pool;

pub use ftz::FlushDenormals;
pub use matmul::{PARALLEL_MIN_FLOPS, matmul};
pub use pool::ComputeThreads;
