//! Owns [`SlotSet`], a set of host slots that a phase visits in ascending slot order every tick
//! (Detection's compromised, undetected hosts).
//!
//! A two-level bitmap: one bit per slot, and one summary bit per 64-slot word that is not empty.
//! Both are zero-initialised, so an idle host costs nothing (its pages are never touched).
//! Insert and remove are O(1) bit updates; [`SlotSet::sorted`] lists the members in ascending
//! order by walking the summary, then only the non-empty words: O(members + slots / 4096) per
//! visit, nothing at all when the set is empty. Where a sorted list with merged insertions pays a
//! sort and a merge per tick, this pays a trailing-zero count per member.

/// A set of `u32` slots iterated in ascending order.
#[derive(Debug, Clone, Default)]
pub struct SlotSet {
    /// Membership bits, one per slot.
    bits: Vec<u64>,
    /// One bit per word of `bits`: whether that word has a member.
    summary: Vec<u64>,
    /// The members as [`SlotSet::sorted`] last listed them.
    list: Vec<u32>,
    /// Members.
    len: usize,
}

impl SlotSet {
    /// An empty set for slots `0..n`.
    pub fn new(n: usize) -> Self {
        let words = n.div_ceil(64);
        SlotSet { bits: vec![0; words], summary: vec![0; words.div_ceil(64)], ..SlotSet::default() }
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
            self.summary.resize((w + 1).div_ceil(64), 0);
        }
        if self.bits[w] & b != 0 {
            return false;
        }
        self.bits[w] |= b;
        self.summary[w / 64] |= 1 << (w % 64);
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
        if self.bits[w] == 0 {
            self.summary[w / 64] &= !(1 << (w % 64));
        }
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
        self.list.clear();
        if self.len > 0 {
            for (i, &top) in self.summary.iter().enumerate() {
                for w in ones(top).map(|b| i * 64 + b as usize) {
                    let base = (w * 64) as u32;
                    self.list.extend(ones(self.bits[w]).map(|b| base + b));
                }
            }
        }
        &self.list
    }
}

/// The positions of the set bits of `x`, ascending.
fn ones(mut x: u64) -> impl Iterator<Item = u32> {
    std::iter::from_fn(move || {
        (x != 0).then(|| {
            let b = x.trailing_zeros();
            x &= x - 1;
            b
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn behaves_like_a_btreeset() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        // Within one summary word, and across many with slots beyond the size it was made for.
        for (n, made_for) in [(300u32, 300), (20_000, 5_000)] {
            let mut s = SlotSet::new(made_for);
            let mut model = BTreeSet::new();
            for round in 0..6_000 {
                let h = rng.random_range(0..n);
                if rng.random_bool(0.55) {
                    assert_eq!(s.insert(h), model.insert(h));
                } else {
                    assert_eq!(s.remove(h), model.remove(&h));
                }
                assert_eq!(s.len(), model.len());
                assert_eq!(s.contains(h), model.contains(&h));
                if round % 7 == 0 {
                    assert_eq!(s.sorted(), model.iter().copied().collect::<Vec<_>>(), "n {n} round {round}");
                }
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
