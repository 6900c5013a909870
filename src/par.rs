//! Owns when work runs side by side: two independent pieces of one run go to rayon's pool only
//! when they are large enough to repay it (the pool's threads start on first use, about a
//! millisecond, which a small drill would feel). Either way the result is the same: only pure
//! computations are joined, so no output depends on threads or on this choice.

/// Items (events, hosts, links …) from which a piece of work is worth a second core.
#[cfg(not(test))]
pub const WORTH: usize = 50_000;
/// In the crate's own unit tests every non-empty piece goes side by side, so the digests and
/// snapshots they hold (recorded from the sequential code) check that path; the integration
/// tests, which link the library as shipped, check the sequential one on small runs.
#[cfg(test)]
pub const WORTH: usize = 1;

/// Whether work over `items` items is worth a second core.
pub fn worth(items: usize) -> bool {
    items >= WORTH
}

/// `(a(), b())`, side by side on the rayon pool when `items` is [`worth`] it, else in turn.
pub fn join<A, B, RA, RB>(items: usize, a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    if worth(items) { rayon::join(a, b) } else { (a(), b()) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_sides_run_and_come_back_in_order_whatever_the_size() {
        for items in [0, super::WORTH, 50_000] {
            assert_eq!(super::join(items, || 1, || "b"), (1, "b"));
        }
    }
}
