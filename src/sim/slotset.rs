//! Owns [`SlotSet`], a set of host slots that a phase visits in ascending slot order every tick
//! (Detection's compromised, undetected hosts).
//!
//! Membership is a bitmap (zero-initialised, so an idle host costs nothing). Inserts are appended
//! to a side list and removals only clear the bit; [`SlotSet::sorted`] merges the sorted
//! additions into the sorted list and drops removed slots, once per visit. That costs
//! O(members + additions · log additions) per tick: it follows activity, and each insert and
//! remove is O(1), where a `BTreeSet` pays a tree search with cache misses for each.

/// A set of `u32` slots iterated in ascending order.
#[derive(Debug, Clone, Default)]
pub struct SlotSet {
    /// Membership bits, one per slot.
    bits: Vec<u64>,
    /// Ascending; may hold removed slots until the next [`SlotSet::sorted`].
    list: Vec<u32>,
    /// Inserted since the last [`SlotSet::sorted`], unsorted.
    added: Vec<u32>,
    /// Scratch for the merge.
    merged: Vec<u32>,
    /// Members.
    len: usize,
}

impl SlotSet {
    /// An empty set for slots `0..n`.
    pub fn new(n: usize) -> Self {
        SlotSet { bits: vec![0; n.div_ceil(64)], ..SlotSet::default() }
    }

    fn bit(h: u32) -> (usize, u64) {
        ((h / 64) as usize, 1u64 << (h % 64))
    }

    /// Whether `h` is a member.
    pub fn contains(&self, h: u32) -> bool {
        let (w, b) = Self::bit(h);
        self.bits.get(w).is_some_and(|&x| x & b != 0)
    }

    /// Adds `h`; returns whether it was absent.
    pub fn insert(&mut self, h: u32) -> bool {
        let (w, b) = Self::bit(h);
        if self.bits.len() <= w {
            self.bits.resize(w + 1, 0);
        }
        if self.bits[w] & b != 0 {
            return false;
        }
        self.bits[w] |= b;
        self.added.push(h);
        self.len += 1;
        true
    }

    /// Removes `h`; returns whether it was present.
    pub fn remove(&mut self, h: u32) -> bool {
        if !self.contains(h) {
            return false;
        }
        let (w, b) = Self::bit(h);
        self.bits[w] &= !b;
        self.len -= 1;
        true
    }

    /// Members.
    pub fn len(&self) -> usize {
        self.len
    }

    /// No members.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every member, ascending.
    pub fn sorted(&mut self) -> &[u32] {
        // Stale (removed) entries make the lists longer than the set.
        if !self.added.is_empty() || self.list.len() != self.len {
            self.added.sort_unstable();
            let mut merged = std::mem::take(&mut self.merged);
            merged.clear();
            merged.reserve(self.len);
            let (a, b) = (&self.list, &self.added);
            let (mut i, mut j) = (0, 0);
            while i < a.len() || j < b.len() {
                let h = if j == b.len() || (i < a.len() && a[i] <= b[j]) {
                    i += 1;
                    a[i - 1]
                } else {
                    j += 1;
                    b[j - 1]
                };
                let (w, bit) = Self::bit(h);
                if self.bits[w] & bit != 0 && merged.last() != Some(&h) {
                    merged.push(h);
                }
            }
            self.merged = std::mem::replace(&mut self.list, merged);
            self.added.clear();
        }
        &self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn behaves_like_a_btreeset() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut s = SlotSet::new(300);
        let mut model = BTreeSet::new();
        for round in 0..3_000 {
            let h = rng.random_range(0..300u32);
            if rng.random_bool(0.55) {
                assert_eq!(s.insert(h), model.insert(h));
            } else {
                assert_eq!(s.remove(h), model.remove(&h));
            }
            assert_eq!(s.len(), model.len());
            assert_eq!(s.contains(h), model.contains(&h));
            if round % 7 == 0 {
                assert_eq!(s.sorted(), model.iter().copied().collect::<Vec<_>>(), "round {round}");
            }
        }
    }

    #[test]
    fn a_slot_removed_and_added_back_appears_once() {
        let mut s = SlotSet::new(10);
        s.insert(4);
        s.insert(2);
        assert_eq!(s.sorted(), [2, 4]);
        s.remove(4);
        s.insert(4);
        s.insert(9);
        assert_eq!(s.sorted(), [2, 4, 9]);
        s.remove(2);
        assert_eq!(s.sorted(), [4, 9]);
        assert_eq!(s.len(), 2);
    }
}
