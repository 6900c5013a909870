//! Owns the supply of fresh buffers made ahead on a helper thread: each allocated at full
//! capacity with its pages first touched there, so the kernel's work on a new page (a fault and
//! zeroing 4 KiB) is not paid by the simulation thread when it writes the buffer.
//!
//! A long run writes hundreds of MiB of event records; on this project's VMs each first touch of
//! a page costs 1.5–9 µs, up to 40 % of the ticks' wall time at a million hosts. The helper
//! starts when the first buffer is taken (the event log takes none until its first 2 MiB are
//! full: a small run never starts one), keeps one buffer ready, and stops when the supply is
//! dropped. What a buffer holds is always written by its user before it is read, so results do
//! not depend on the helper, its timing, or whether it runs.

use std::mem::MaybeUninit;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Mutex, PoisonError};

/// The smallest page size of the platforms cydex runs on: one write per page faults it in.
const PAGE: usize = 4096;

/// Fresh `Vec<T>`s of one capacity, made ahead by a helper thread once a second one is taken.
pub struct Fresh<T> {
    capacity: usize,
    /// Whether the helper was started (or refused).
    started: bool,
    /// The helper's buffers (a mutex only to make the supply `Sync`: its owner takes `&mut`).
    helper: Mutex<Option<Receiver<Vec<T>>>>,
}

impl<T: Copy + Send + 'static> Fresh<T> {
    /// A supply of buffers of `capacity` elements.
    pub fn new(capacity: usize) -> Self {
        Fresh { capacity, started: false, helper: Mutex::new(None) }
    }

    /// The next buffer: empty, with room for `capacity` elements, its pages already faulted in
    /// when the helper made it. The first is allocated here and starts the helper (as is any
    /// buffer when the platform refused the thread).
    pub fn take(&mut self) -> Vec<T> {
        let helper = self.helper.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let Some(v) = helper.as_ref().and_then(|rx| rx.recv().ok()) {
            return v;
        }
        if !self.started {
            self.started = true;
            *helper = start(self.capacity);
        }
        Vec::with_capacity(self.capacity)
    }
}

/// Starts the helper: it makes one buffer, waits for it to be taken, and stops when the
/// receiving side is gone. `None` if the thread cannot be started.
fn start<T: Copy + Send + 'static>(capacity: usize) -> Option<Receiver<Vec<T>>> {
    let (tx, rx) = sync_channel(0);
    let made = std::thread::Builder::new().name("cydex-fresh".into()).spawn(move || serve(&tx, capacity));
    made.ok().map(|_| rx)
}

fn serve<T: Copy>(tx: &SyncSender<Vec<T>>, capacity: usize) {
    loop {
        let mut v = Vec::with_capacity(capacity);
        touch(&mut v);
        if tx.send(v).is_err() {
            return;
        }
    }
}

/// Writes zero bytes once per page of `v`'s spare capacity (its length stays 0: what the
/// slots hold is never read as a `T`).
fn touch<T: Copy>(v: &mut Vec<T>) {
    let step = (PAGE / size_of::<T>().max(1)).max(1);
    for slot in v.spare_capacity_mut().iter_mut().step_by(step) {
        *slot = MaybeUninit::zeroed();
    }
}

impl<T: Copy + Send + 'static> Clone for Fresh<T> {
    /// A new supply of the same buffers (the helper is not shared).
    fn clone(&self) -> Self {
        Fresh::new(self.capacity)
    }
}

impl<T> PartialEq for Fresh<T> {
    /// Supplies are interchangeable: what a buffer holds is always written before it is read.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> std::fmt::Debug for Fresh<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fresh").field("capacity", &self.capacity).field("started", &self.started).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_come_empty_at_full_capacity_from_the_first_and_from_the_helper() {
        let mut f = Fresh::<u64>::new(10_000);
        for _ in 0..5 {
            let mut v = f.take();
            assert!(v.is_empty() && v.capacity() >= 10_000);
            v.extend(0..10_000);
            assert_eq!(v.iter().sum::<u64>(), 10_000 * 9_999 / 2);
        }
        assert!(f.helper.get_mut().unwrap().is_some(), "the first buffer starts the helper");
        assert!(!f.clone().started, "a clone starts its own helper");
    }

    #[test]
    fn a_supply_never_taken_from_has_no_helper() {
        let mut f = Fresh::<u8>::new(16);
        assert!(!f.started && f.helper.get_mut().unwrap().is_none());
    }
}
