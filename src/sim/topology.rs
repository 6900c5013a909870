//! Owns generated host networks: the host-level graph of a segment with a `topology` (random,
//! line, star, tree, small world), built in CSR form from a ChaCha8 stream keyed by the
//! topology's `seed` and the segment id — never the run seed, so one file always gives one network.
//!
//! Layout: `offsets` (hosts + 1 entries) and `targets` (two per link) hold each host's neighbours
//! as absolute slots, ascending, without duplicates or self-links: memory is
//! `4 × (hosts + 1 + 2 × links)` bytes. Building is two passes over the same edge stream (count
//! degrees, then fill), so no edge list is ever held, only a batch of links at a time, through
//! which each pass asks for the scattered counters and slots it writes a few links ahead:
//! O(hosts + links) time, no sort except where `small_world`'s rewiring can leave a host's list
//! unsorted.
//!
//! Shapes (hosts numbered 0..n in slot order):
//! * `random`: Erdős–Rényi G(n, p), p = mean_degree / (n − 1), drawn by the Batagelj–Brandes
//!   geometric skip (networkx `fast_gnp_random_graph`), so the expected mean degree is
//!   `mean_degree` and the cost is O(n + links).
//! * `line`: i — i + 1. `star`: i — 0. `tree`: i — (i − 1) / branching.
//! * `small_world`: Watts–Strogatz. Ring lattice i — i + j (mod n) for j = 1..=k/2, in the order
//!   j, then i; each lattice link is rewired with probability p to (i, w), w uniform among the
//!   other hosts. A rewired link that duplicates another is merged into it (networkx draws again).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::prefetch::{AHEAD, prefetch};
use super::rng::{Purpose, mix};
use crate::scenario::model::{Topology, TopologyKind};

/// FNV-1a over `words` (a text's bytes, for the segment id's part of a graph's key): a fixed,
/// portable hash.
fn fnv1a(words: impl IntoIterator<Item = u64>) -> u64 {
    words.into_iter().fold(0xCBF2_9CE4_8422_2325, |h, w| (h ^ w).wrapping_mul(0x0100_0000_01B3))
}

/// The stream a segment's graph is drawn from: seeded by the topology's `seed` and the segment id.
pub fn graph_rng(seed: u64, segment_id: &str) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(mix(seed, fnv1a(segment_id.bytes().map(u64::from))));
    rng.set_stream(Purpose::Topology as u64);
    rng
}

/// The host-level links of one segment, CSR.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HostGraph {
    /// First slot of the segment (host 0 of the graph).
    pub start: u32,
    /// Filtering of every link.
    pub filtering: f64,
    offsets: Vec<u32>,
    targets: Vec<u32>,
}

impl HostGraph {
    /// The neighbours of slot `h` (a slot of the segment), ascending slots.
    #[inline]
    pub fn neighbours(&self, h: u32) -> &[u32] {
        let i = (h - self.start) as usize;
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.targets[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Hosts in the graph.
    pub fn hosts(&self) -> u32 {
        self.offsets.len().saturating_sub(1) as u32
    }

    /// Distinct links.
    pub fn links(&self) -> usize {
        self.targets.len() / 2
    }

    /// The graph as CSR over hosts `0..hosts()` (slots less `start`): offsets and neighbours.
    pub fn local_csr(&self) -> (Vec<u32>, Vec<u32>) {
        (self.offsets.clone(), self.targets.iter().map(|&t| t - self.start).collect())
    }

    /// Generates the graph `t` over `n` hosts whose first slot is `start`, for segment `segment_id`.
    pub fn generate(t: &Topology, segment_id: &str, n: u32, start: u32) -> HostGraph {
        let edges = |f: &mut dyn FnMut(u32, u32)| for_each_edge(t, n, &mut graph_rng(t.seed, segment_id), f);
        let mut offsets = vec![0u32; n as usize + 1];
        let mut batch = Batch::default();
        edges(&mut |a, b| batch.push(a, b, |e| count(e, &mut offsets)));
        batch.flush(|e| count(e, &mut offsets));
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        let mut cursor = offsets.clone();
        let mut targets = vec![0u32; offsets[n as usize] as usize];
        edges(&mut |a, b| batch.push(a, b, |e| fill(e, start, &mut cursor, &mut targets)));
        batch.flush(|e| fill(e, start, &mut cursor, &mut targets));
        drop(cursor);
        let mut g = HostGraph { start, filtering: t.filtering.clamp(0.0, 1.0), offsets, targets };
        g.sort_and_merge();
        g
    }

    /// Sorts each host's neighbours and merges duplicates, in place (a no-op pass for shapes
    /// whose fill order is already ascending and simple).
    fn sort_and_merge(&mut self) {
        let mut write = 0usize;
        let mut read_start = 0usize;
        for i in 0..self.offsets.len().saturating_sub(1) {
            let end = self.offsets[i + 1] as usize;
            let list = &mut self.targets[read_start..end];
            if !list.is_sorted() {
                list.sort_unstable();
            }
            let mut last = None;
            for k in read_start..end {
                let v = self.targets[k];
                if last != Some(v) {
                    self.targets[write] = v;
                    write += 1;
                    last = Some(v);
                }
            }
            read_start = end;
            self.offsets[i + 1] = write as u32;
        }
        self.targets.truncate(write);
    }
}

/// Links in batches, so that the passes over them can ask for the scattered counters and
/// slots they write a few links ahead (the far end of a random link is anywhere in the arrays).
#[derive(Default)]
struct Batch(Vec<(u32, u32)>);

/// Links per batch.
const BATCH: usize = 512;

impl Batch {
    /// Adds link (a, b), handing the batch to `f` when full.
    #[inline]
    fn push(&mut self, a: u32, b: u32, f: impl FnOnce(&[(u32, u32)])) {
        self.0.push((a, b));
        if self.0.len() == BATCH {
            f(&self.0);
            self.0.clear();
        }
    }

    /// Hands the links not yet handed on to `f`.
    fn flush(&mut self, f: impl FnOnce(&[(u32, u32)])) {
        f(&self.0);
        self.0.clear();
    }
}

/// Counts both ends of each link in `offsets` (shifted by one, for the prefix sum).
fn count(links: &[(u32, u32)], offsets: &mut [u32]) {
    for (k, &(a, b)) in links.iter().enumerate() {
        if let Some(&(_, ahead)) = links.get(k + AHEAD) {
            prefetch(offsets, ahead as usize + 1);
        }
        offsets[a as usize + 1] += 1;
        offsets[b as usize + 1] += 1;
    }
}

/// Writes both ends of each link at their hosts' cursors.
fn fill(links: &[(u32, u32)], start: u32, cursor: &mut [u32], targets: &mut [u32]) {
    for (k, &(a, b)) in links.iter().enumerate() {
        if let Some(&(_, ahead)) = links.get(k + 2 * AHEAD) {
            prefetch(cursor, ahead as usize);
        }
        if let Some(&(_, ahead)) = links.get(k + AHEAD) {
            prefetch(targets, cursor[ahead as usize] as usize);
        }
        targets[cursor[a as usize] as usize] = start + b;
        cursor[a as usize] += 1;
        targets[cursor[b as usize] as usize] = start + a;
        cursor[b as usize] += 1;
    }
}

/// Calls `f(a, b)` for every link of the shape over `n` hosts (host indices, a ≠ b), drawing
/// from `rng`; the same stream gives the same calls in the same order.
fn for_each_edge(t: &Topology, n: u32, rng: &mut ChaCha8Rng, f: &mut dyn FnMut(u32, u32)) {
    match t.kind {
        TopologyKind::Random => gnp(n, t.mean_degree.unwrap_or(0.0), rng, f),
        TopologyKind::Line => (1..n).for_each(|i| f(i - 1, i)),
        TopologyKind::Star => (1..n).for_each(|i| f(0, i)),
        TopologyKind::Tree => {
            let b = t.branching.unwrap_or(1).clamp(1, u64::from(u32::MAX)) as u32;
            (1..n).for_each(|i| f((i - 1) / b, i));
        }
        TopologyKind::SmallWorld => {
            let half = (t.neighbours.unwrap_or(2) / 2).min(u64::from(n.saturating_sub(1)) / 2) as u32;
            let p = t.rewiring.unwrap_or(0.0).clamp(0.0, 1.0);
            for j in 1..=half {
                for i in 0..n {
                    let mut b = (i + j) % n;
                    if p > 0.0 && rng.random::<f64>() < p {
                        // Uniform among the n − 1 other hosts.
                        let w = rng.random_range(0..n - 1);
                        b = if w >= i { w + 1 } else { w };
                    }
                    f(i, b);
                }
            }
        }
    }
}

/// G(n, p) with p = mean_degree / (n − 1), by geometric skips over the pairs (v, w), w < v, in
/// order (Batagelj & Brandes 2005).
fn gnp(n: u32, mean_degree: f64, rng: &mut ChaCha8Rng, f: &mut dyn FnMut(u32, u32)) {
    if n < 2 || mean_degree.is_nan() || mean_degree <= 0.0 {
        return;
    }
    let p = (mean_degree / f64::from(n - 1)).min(1.0);
    let lp = (1.0 - p).ln();
    let (mut v, mut w): (u64, i64) = (1, -1);
    let n = u64::from(n);
    while v < n {
        let lr = (1.0 - rng.random::<f64>()).ln();
        // ⌊lr / lp⌋ is the number of pairs skipped; for p = 1 it is 0 (lp = −∞). Both logs are
        // ≤ 0, so the quotient is ≥ 0 and the cast's truncation is the floor (without a call).
        let skip = if p >= 1.0 { 0 } else { (lr / lp).min(1e15) as i64 };
        w += 1 + skip;
        while w >= v as i64 && v < n {
            w -= v as i64;
            v += 1;
        }
        if v < n {
            f(v as u32, w as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topo(kind: TopologyKind) -> Topology {
        Topology::bare(kind)
    }

    fn lists(g: &HostGraph) -> Vec<Vec<u32>> {
        (0..g.hosts()).map(|h| g.neighbours(g.start + h).to_vec()).collect()
    }

    /// Every list ascending, without self-links or duplicates, and every link seen from both ends.
    fn assert_simple_and_symmetric(g: &HostGraph) {
        for h in g.start..g.start + g.hosts() {
            let l = g.neighbours(h);
            assert!(l.windows(2).all(|w| w[0] < w[1]), "host {h}: {l:?}");
            assert!(!l.contains(&h));
            assert!(l.iter().all(|&v| g.neighbours(v).binary_search(&h).is_ok()));
        }
    }

    #[test]
    fn fixed_shapes_link_the_documented_pairs() {
        let g = HostGraph::generate(&topo(TopologyKind::Line), "S", 4, 10);
        assert_eq!(lists(&g), vec![vec![11], vec![10, 12], vec![11, 13], vec![12]]);
        assert_eq!(g.local_csr(), (vec![0, 1, 3, 5, 6], vec![1, 0, 2, 1, 3, 2]), "the same, from host 0");
        let g = HostGraph::generate(&topo(TopologyKind::Star), "S", 4, 0);
        assert_eq!(lists(&g), vec![vec![1, 2, 3], vec![0], vec![0], vec![0]]);
        let tree = Topology { branching: Some(2), ..topo(TopologyKind::Tree) };
        let g = HostGraph::generate(&tree, "S", 6, 0);
        assert_eq!(lists(&g), vec![vec![1, 2], vec![0, 3, 4], vec![0, 5], vec![1], vec![1], vec![2]]);
        let ring = Topology { neighbours: Some(4), rewiring: Some(0.0), ..topo(TopologyKind::SmallWorld) };
        let g = HostGraph::generate(&ring, "S", 6, 0);
        assert_eq!(g.neighbours(0), [1, 2, 4, 5]);
        assert_eq!(g.links(), 12);
        assert!(HostGraph::generate(&topo(TopologyKind::Line), "S", 1, 0).neighbours(0).is_empty());
        assert_eq!(HostGraph::generate(&topo(TopologyKind::Line), "S", 0, 0).hosts(), 0);
    }

    #[test]
    fn the_same_seed_and_segment_give_the_same_network_and_another_seed_another() {
        let t = Topology { mean_degree: Some(3.0), ..topo(TopologyKind::Random) };
        let a = HostGraph::generate(&t, "NET", 2000, 0);
        assert_eq!(a, HostGraph::generate(&t, "NET", 2000, 0));
        assert_ne!(a, HostGraph::generate(&Topology { seed: 1, ..t.clone() }, "NET", 2000, 0));
        assert_ne!(a, HostGraph::generate(&t, "NET2", 2000, 0));
        assert_simple_and_symmetric(&a);
        let sw = Topology { neighbours: Some(6), rewiring: Some(0.3), ..topo(TopologyKind::SmallWorld) };
        assert_simple_and_symmetric(&HostGraph::generate(&sw, "NET", 2000, 5));
    }

    #[test]
    fn a_random_graph_has_the_mean_degree_asked_for() {
        // Links ~ Binomial(n(n−1)/2, p): the mean degree 2L/n has σ = 2√(L(1−p))/n.
        let (n, d) = (100_000u32, 4.0);
        let t = Topology { mean_degree: Some(d), ..topo(TopologyKind::Random) };
        let g = HostGraph::generate(&t, "NET", n, 0);
        assert_simple_and_symmetric(&g);
        let mean = 2.0 * g.links() as f64 / f64::from(n);
        let sigma = 2.0 * (f64::from(n) * d / 2.0).sqrt() / f64::from(n);
        assert!((mean - d).abs() < 5.0 * sigma, "mean degree {mean} vs {d} ± {}", 5.0 * sigma);
        // Degrees are Binomial(n − 1, p) ≈ Poisson(d): variance ≈ d (σ of a sample variance of
        // a Poisson ≈ √((2d² + d)/n)).
        let var = (0..n).map(|h| (g.neighbours(h).len() as f64 - mean).powi(2)).sum::<f64>() / f64::from(n);
        let sv = ((2.0 * d * d + d) / f64::from(n)).sqrt();
        assert!((var - d).abs() < 5.0 * sv, "degree variance {var} vs {d} ± {}", 5.0 * sv);
        // A complete graph when the mean degree is n − 1.
        let full = HostGraph::generate(&Topology { mean_degree: Some(4.0), ..t }, "NET", 5, 0);
        assert_eq!(full.links(), 10);
    }

    /// The lists the links of `t`'s stream make, one by one, with no batching or CSR.
    fn reference(t: &Topology, segment: &str, n: u32) -> Vec<Vec<u32>> {
        let mut sets = vec![std::collections::BTreeSet::new(); n as usize];
        for_each_edge(t, n, &mut graph_rng(t.seed, segment), &mut |a, b| {
            sets[a as usize].insert(b);
            sets[b as usize].insert(a);
        });
        sets.into_iter().map(|s| s.into_iter().collect()).collect()
    }

    #[test]
    fn every_shape_is_exactly_the_links_its_stream_draws_across_batches() {
        let shapes = [
            Topology { mean_degree: Some(3.0), ..topo(TopologyKind::Random) },
            topo(TopologyKind::Line),
            topo(TopologyKind::Star),
            Topology { branching: Some(3), ..topo(TopologyKind::Tree) },
            Topology { neighbours: Some(4), rewiring: Some(0.2), ..topo(TopologyKind::SmallWorld) },
        ];
        // Sizes whose link counts fall short of a batch, fill one exactly, and run past several.
        for n in [2, 7, BATCH as u32 + 1, 3 * BATCH as u32 + 7, 2_000] {
            for t in &shapes {
                let g = HostGraph::generate(t, "NET", n, 0);
                assert_eq!(lists(&g), reference(t, "NET", n), "{:?} over {n} hosts", t.kind);
            }
        }
    }

    #[test]
    fn the_benchmark_network_is_pinned() {
        // The 5,000-host network of scenarios/bench/virus-on-network.yaml: a change to how links
        // are drawn or stored that moves any link fails here (the file promises one network).
        let t = Topology { mean_degree: Some(4.0), filtering: 0.6, seed: 42, ..topo(TopologyKind::Random) };
        let g = HostGraph::generate(&t, "NET", 5_000, 0);
        let (offsets, targets) = g.local_csr();
        let print = fnv1a(offsets.iter().chain(&targets).map(|&x| u64::from(x)));
        assert_eq!((g.links(), print), (9_826, 11_137_054_373_948_519_105));
    }

    #[test]
    fn rewiring_keeps_the_link_count_up_to_merged_duplicates() {
        let sw = Topology { neighbours: Some(4), rewiring: Some(1.0), ..topo(TopologyKind::SmallWorld) };
        let g = HostGraph::generate(&sw, "NET", 10_000, 0);
        assert!(g.links() <= 20_000 && g.links() > 19_900, "{}", g.links());
        assert_ne!(g.neighbours(0), [1, 2, 9998, 9999]);
    }
}
