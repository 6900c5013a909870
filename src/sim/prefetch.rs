//! Owns the software prefetch hint that the per-tick loops over scattered hosts use: a phase
//! visiting hosts in slot order asks for the record of a host a few steps ahead, so that its
//! cache miss overlaps the work on the hosts before it.

/// How many steps ahead the loops prefetch.
pub const AHEAD: usize = 8;

/// Hints that `slice[i]` will be read soon. Out of range is ignored; it never changes results.
#[inline(always)]
pub fn prefetch<T>(slice: &[T], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(x) = slice.get(i) {
        // SAFETY: `prefetch` only hints the cache: it reads nothing into the program and never
        // faults, even on an invalid address (this one is valid). SSE is part of the x86_64
        // baseline, so the instruction exists on every target this branch compiles for.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(std::ptr::from_ref(x).cast());
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (slice, i);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefetch_out_of_range_is_a_no_op() {
        let v = [1u32, 2, 3];
        prefetch(&v, 1);
        prefetch(&v, 3);
        prefetch::<u32>(&[], 0);
        assert_eq!(v, [1, 2, 3]);
    }
}
