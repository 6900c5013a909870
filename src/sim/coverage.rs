//! Owns sensor coverage: which hosts of each group carry a sensor (EDR / NSM).
//!
//! * A group with `sensors: f` and `count` hosts has exactly `k = ceil(f × count)` covered hosts
//!   (exact arithmetic, as for every "fraction of hosts": `scenario::model::ceil_fraction_of`).
//! * Which ones is drawn per run: host `i` of the group (0-based) is covered iff
//!   `π(i) < k`, where `π` is a pseudo-random permutation of `0..count` keyed by the group index
//!   and one 64-bit key drawn from the run's `Sensors` ChaCha8 stream. So each run covers a
//!   uniformly scattered subset of exactly `k` hosts, the same run always the same subset, and
//!   over many runs every host is covered with probability `k / count`.
//! * `π` is a four-round balanced Feistel network on the smallest even bit width holding
//!   `count − 1`, cycle-walked into `0..count` (fewer than 4 steps on average). It needs no
//!   memory and no pass over the hosts: coverage is decided when a host is compromised, so idle
//!   hosts cost nothing.

use super::rng::splitmix64;

/// Whether host `index` (0-based within its group) of a group of `count` hosts with `covered`
/// sensor-carrying hosts has a sensor, for the run's `key` and the group's index.
pub fn is_covered(key: u64, group: u32, index: u32, count: u32, covered: u32) -> bool {
    if covered >= count {
        return true;
    }
    if covered == 0 {
        return false;
    }
    permute(splitmix64(key ^ u64::from(group).wrapping_mul(0x9E37_79B9_7F4A_7C15)), index, count) < covered
}

/// The image of `x` under a keyed permutation of `0..n` (`x < n`, `n ≥ 2`).
fn permute(key: u64, x: u32, n: u32) -> u32 {
    let bits = 32 - (n - 1).leading_zeros();
    let half = bits.div_ceil(2);
    let mask = (1u64 << half) - 1;
    let mut v = u64::from(x);
    loop {
        let (mut left, mut right) = (v >> half, v & mask);
        for round in 0..4u64 {
            let f = splitmix64(key ^ (round << 58) ^ right) & mask;
            (left, right) = (right, left ^ f);
        }
        v = (left << half) | right;
        // The domain holds fewer than 4n values, and x's cycle returns into 0..n.
        if v < u64::from(n) {
            return v as u32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_permutation_is_a_bijection_for_every_small_size() {
        for n in 2..300u32 {
            let mut seen = vec![false; n as usize];
            for x in 0..n {
                let y = permute(0xC0FFEE ^ u64::from(n), x, n);
                assert!(y < n && !seen[y as usize], "n {n}: {x} → {y}");
                seen[y as usize] = true;
            }
        }
    }

    #[test]
    fn exactly_k_hosts_are_covered() {
        for (count, covered) in [(180, 63), (7, 1), (7, 6), (1000, 500), (2, 1), (25, 7)] {
            for key in [1, 2, u64::MAX] {
                let n = (0..count).filter(|&i| is_covered(key, 3, i, count, covered)).count();
                assert_eq!(n, covered as usize, "{covered} of {count}, key {key}");
            }
        }
        assert!((0..10).all(|i| is_covered(9, 0, i, 10, 10)));
        assert!((0..10).all(|i| !is_covered(9, 0, i, 10, 0)));
    }

    #[test]
    fn the_subset_depends_on_the_key_and_the_group() {
        let set = |key, group| (0..100).filter(|&i| is_covered(key, group, i, 100, 30)).collect::<Vec<_>>();
        assert_eq!(set(5, 0), set(5, 0));
        assert_ne!(set(5, 0), set(6, 0));
        assert_ne!(set(5, 0), set(5, 1));
    }

    #[test]
    fn each_host_is_covered_with_probability_k_over_n_across_keys() {
        // Host 0 of a group of 10 with 3 covered, over 20 000 keys: a Bernoulli(0.3) mean.
        let n = 20_000u64;
        let hits = (0..n).filter(|&k| is_covered(splitmix64(k), 0, 0, 10, 3)).count() as f64;
        let sigma = (0.3f64 * 0.7 / n as f64).sqrt();
        assert!((hits / n as f64 - 0.3).abs() < 4.5 * sigma, "{}", hits / n as f64);
    }
}
