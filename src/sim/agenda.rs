//! Owns [`Agenda`], the tick-keyed timer queue behind kill-chain attempts and incident phases.
//!
//! A timing wheel: an entry due within the next [`WHEEL`] ticks goes into the wheel slot
//! `due % WHEEL` (a push onto a `Vec`, no search); a later one waits in a `BTreeMap` keyed by
//! tick. [`Agenda::take`] returns every entry due in a tick, from both, in an unspecified order:
//! callers sort what they take, so the order of pushes never reaches results. Slot vectors are
//! reused, so a steady state allocates nothing. Cost is per entry, never per idle host or per
//! empty tick.

use std::collections::BTreeMap;

/// Ticks covered by the wheel. Cadences and phase times are mostly short; longer ones fall back
/// to the map.
pub const WHEEL: u64 = 64;

/// Entries of type `T` keyed by the tick they are due in.
#[derive(Debug, Clone)]
pub struct Agenda<T> {
    /// `WHEEL` slots of `(due, entry)`.
    wheel: Vec<Vec<(u64, T)>>,
    /// Entries due `WHEEL` or more ticks after the tick they were pushed in.
    far: BTreeMap<u64, Vec<T>>,
    /// Entries held.
    len: usize,
    /// The allocation of the slot [`Agenda::take`] emptied last, handed to the next slot that
    /// needs one: a worm's attempts move from slot to slot every tick, and a warm buffer beats
    /// fresh pages.
    spare: Vec<(u64, T)>,
}

impl<T> Default for Agenda<T> {
    fn default() -> Self {
        Agenda { wheel: (0..WHEEL).map(|_| Vec::new()).collect(), far: BTreeMap::new(), len: 0, spare: Vec::new() }
    }
}

impl<T> Agenda<T> {
    /// Schedules `item` for tick `due`, pushed during tick `now` (`due > now`; an entry due now
    /// or earlier is kept in the map and taken only if `take` is asked for that tick again).
    pub fn push(&mut self, now: u64, due: u64, item: T) {
        self.len += 1;
        if due > now && due - now < WHEEL {
            let slot = &mut self.wheel[(due % WHEEL) as usize];
            if slot.capacity() == 0 {
                *slot = std::mem::take(&mut self.spare);
            }
            slot.push((due, item));
        } else {
            self.far.entry(due).or_default().push(item);
        }
    }

    /// Removes and appends to `out` every entry due in tick `now`.
    pub fn take(&mut self, now: u64, out: &mut Vec<T>) {
        let slot = &mut self.wheel[(now % WHEEL) as usize];
        let before = out.len();
        if slot.iter().all(|&(due, _)| due == now) {
            out.extend(slot.drain(..).map(|(_, item)| item));
        } else {
            // Only when ticks were skipped (tests that jump the clock): keep other ticks' entries.
            let mut i = 0;
            while i < slot.len() {
                if slot[i].0 == now {
                    out.push(slot.swap_remove(i).1);
                } else {
                    i += 1;
                }
            }
        }
        if slot.is_empty() && slot.capacity() > self.spare.capacity() {
            self.spare = std::mem::take(slot);
        }
        if let Some(v) = self.far.remove(&now) {
            out.extend(v);
        }
        self.len -= out.len() - before;
    }

    /// Entries held.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// No entries.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Sorts `v` by a `u32` key, stably, with a least-significant-digit radix sort (11-bit digits,
/// only as many passes as the largest key needs; `scratch` is reused between calls). Linear in
/// `v.len()`: the per-tick sort of due attempts costs per entry, like the rest of the agenda.
pub fn radix_sort_by_key<T: Copy>(v: &mut Vec<T>, scratch: &mut Vec<T>, key: impl Fn(&T) -> u32) {
    const BITS: u32 = 11;
    const RADIX: usize = 1 << BITS;
    if v.len() < 64 {
        v.sort_by_key(&key);
        return;
    }
    let max = v.iter().map(&key).max().unwrap_or(0);
    let mut shift = 0;
    while shift < 32 && (shift == 0 || max >> shift != 0) {
        let mut counts = [0usize; RADIX];
        for x in v.iter() {
            counts[((key(x) >> shift) as usize) & (RADIX - 1)] += 1;
        }
        let mut total = 0;
        for c in counts.iter_mut() {
            let n = *c;
            *c = total;
            total += n;
        }
        scratch.clear();
        scratch.resize(v.len(), v[0]);
        for x in v.iter() {
            let d = ((key(x) >> shift) as usize) & (RADIX - 1);
            scratch[counts[d]] = *x;
            counts[d] += 1;
        }
        std::mem::swap(v, scratch);
        shift += BITS;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taken(a: &mut Agenda<u32>, now: u64) -> Vec<u32> {
        let mut v = Vec::new();
        a.take(now, &mut v);
        v.sort_unstable();
        v
    }

    #[test]
    fn entries_come_out_in_their_tick_near_or_far() {
        let mut a = Agenda::default();
        a.push(0, 1, 10);
        a.push(0, 1, 11);
        a.push(0, WHEEL, 20); // far
        a.push(0, WHEEL + 1, 30); // far, same wheel slot as tick 1
        a.push(0, 5 * WHEEL + 3, 40);
        assert_eq!(a.len(), 5);
        assert_eq!(taken(&mut a, 1), vec![10, 11]);
        assert!(taken(&mut a, 2).is_empty());
        a.push(2, WHEEL + 1, 31); // near by now: goes to the wheel, joins the far one
        assert_eq!(taken(&mut a, WHEEL), vec![20]);
        assert_eq!(taken(&mut a, WHEEL + 1), vec![30, 31]);
        assert_eq!(taken(&mut a, 5 * WHEEL + 3), vec![40]);
        assert!(a.is_empty());
    }

    #[test]
    fn a_skipped_tick_does_not_leak_into_a_later_one() {
        let mut a = Agenda::default();
        a.push(0, 3, 1);
        a.push(0, 3 + WHEEL - 1, 2);
        // Tick 3 is never taken; tick 3 + WHEEL shares its slot and must not return entry 1.
        a.push(WHEEL, 3 + WHEEL, 3);
        assert_eq!(taken(&mut a, 3 + WHEEL), vec![3]);
        assert_eq!(taken(&mut a, 3 + WHEEL - 1), vec![2]);
        assert_eq!(a.len(), 1, "the skipped entry is still held");
    }

    #[test]
    fn a_drained_slot_lends_its_buffer_to_the_next_one() {
        let mut a = Agenda::default();
        for i in 0..100 {
            a.push(0, 1, i);
        }
        assert_eq!(taken(&mut a, 1).len(), 100);
        a.push(1, 2, 7);
        assert!(a.wheel[2].capacity() >= 100, "the worm's next tick reuses the warm buffer");
        assert_eq!(a.wheel[1].capacity(), 0);
        assert_eq!(taken(&mut a, 2), vec![7]);
    }

    #[test]
    fn matches_a_btreemap_on_random_schedules() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut a = Agenda::default();
        let mut model: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
        let mut id = 0;
        for now in 0..2_000u64 {
            let mut got = taken(&mut a, now);
            let mut want = model.remove(&now).unwrap_or_default();
            want.sort_unstable();
            got.sort_unstable();
            assert_eq!(got, want, "tick {now}");
            for _ in 0..rng.random_range(0..5) {
                let due = now + 1 + rng.random_range(0..3 * WHEEL);
                a.push(now, due, id);
                model.entry(due).or_default().push(id);
                id += 1;
            }
            assert_eq!(a.len(), model.values().map(Vec::len).sum::<usize>());
        }
    }

    #[test]
    fn radix_sort_is_a_stable_sort_by_key() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let mut scratch = Vec::new();
        for (n, max) in [(0usize, 1u32), (10, 5), (1_000, 3), (5_000, 100_000), (3_000, u32::MAX)] {
            let v: Vec<(u32, u32)> = (0..n as u32).map(|i| (rng.random_range(0..=max), i)).collect();
            let mut expected = v.clone();
            expected.sort_by_key(|x| x.0);
            let mut got = v;
            radix_sort_by_key(&mut got, &mut scratch, |x| x.0);
            assert_eq!(got, expected, "n = {n}, max = {max}");
        }
    }
}
