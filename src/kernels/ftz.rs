//! Flush-to-zero / denormals-are-zero for the compute threads.
//!
//! Subnormal floats appear in Adam's second moments of dead ReLU units after some hundreds
//! of steps, and every operation on one costs ~100 cycles on x86: measured here, they slowed
//! the training loop of the W1 benchmark 2.5x and of W2 1.7x (see `kernels`). With FTZ
//! (results that would be subnormal become 0) and DAZ (subnormal inputs read as 0) set in
//! MXCSR, that cost disappears; the values involved are below 1.2e-38, far under every
//! tolerance the Keras fixtures use.

/// MXCSR bit 15: flush subnormal results to zero.
#[cfg(target_arch = "x86_64")]
const FTZ: u32 = 1 << 15;
/// MXCSR bit 6: treat subnormal inputs as zero.
#[cfg(target_arch = "x86_64")]
const DAZ: u32 = 1 << 6;

/// Turns flush-to-zero and denormals-are-zero on for the current thread until dropped,
/// then restores the thread's previous floating-point control state. A no-op on
/// architectures other than x86_64.
#[derive(Debug)]
#[must_use = "the previous state is restored when the guard is dropped"]
pub struct FlushDenormals {
    #[cfg(target_arch = "x86_64")]
    previous: u32,
}

impl FlushDenormals {
    /// Sets FTZ and DAZ on this thread; the returned guard restores the old state.
    pub fn enable() -> Self {
        #[cfg(target_arch = "x86_64")]
        {
            let previous = read_mxcsr();
            write_mxcsr(previous | FTZ | DAZ);
            FlushDenormals { previous }
        }
        #[cfg(not(target_arch = "x86_64"))]
        FlushDenormals {}
    }

    /// Whether FTZ and DAZ are both on for the current thread (always false off x86_64).
    pub fn is_enabled() -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            read_mxcsr() & (FTZ | DAZ) == FTZ | DAZ
        }
        #[cfg(not(target_arch = "x86_64"))]
        false
    }
}

impl Drop for FlushDenormals {
    fn drop(&mut self) {
        #[cfg(target_arch = "x86_64")]
        write_mxcsr(self.previous);
    }
}

#[cfg(target_arch = "x86_64")]
fn read_mxcsr() -> u32 {
    let mut value: u32 = 0;
    // SAFETY: `stmxcsr` stores the 32-bit MXCSR register (present on every x86_64 CPU) to
    // the address given, which points to a live, aligned, writable u32.
    unsafe { std::arch::asm!("stmxcsr [{}]", in(reg) &mut value, options(nostack, preserves_flags)) };
    value
}

#[cfg(target_arch = "x86_64")]
fn write_mxcsr(value: u32) {
    // SAFETY: `ldmxcsr` loads MXCSR from a live, aligned u32. Every value written here is
    // one read from MXCSR with only the FTZ/DAZ bits changed, so no reserved bit is set (which
    // would fault); changing rounding-control bits is not memory-unsafe.
    unsafe { std::arch::asm!("ldmxcsr [{}]", in(reg) &value, options(nostack, preserves_flags, readonly)) };
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    #[test]
    fn flushes_subnormals_and_restores() {
        let tiny = std::hint::black_box(f32::MIN_POSITIVE);
        let before = read_mxcsr();
        assert!((tiny / 2.0).is_subnormal());
        {
            let _guard = FlushDenormals::enable();
            assert!(FlushDenormals::is_enabled());
            assert_eq!(std::hint::black_box(tiny) / 2.0, 0.0);
        }
        assert_eq!(read_mxcsr(), before);
        assert!((std::hint::black_box(tiny) / 2.0).is_subnormal());
    }
}
