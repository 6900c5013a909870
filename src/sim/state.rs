//! Owns the data layout of a built exercise: the static [`Catalog`] (nations, segments, host
//! groups, CSR segment links, compiled campaigns, names) and the dense per-host [`Hosts`] arrays.
//!
//! Hosts are dense `u32` slots. Slots of one host group are contiguous, groups of one segment are
//! contiguous, so a segment is a slot range. Per-host hot state lives in one packed record per
//! host ([`HostState`], 32 bytes) in a dense `Vec` inside a resource: a phase touching a host
//! indexes the `Vec` instead of resolving an `Entity` through `Query::get` (7–13× slower per the
//! performance research), and touches one record rather than one cache line per field. Each segment keeps
//! an in-place partition of its slots ("clean pool": first `clean[seg]` entries of `perm` are
//! uncompromised) so lateral movement picks a uniformly random clean host in O(1); in a segment
//! of one slot the partition is the identity, so the pick reads no `perm` entry, and a segment
//! with a generated network that no link reaches keeps only the count (nothing picks its hosts by
//! position).
//!
//! Zero means "as built" in every per-host array, so building allocates them zeroed (untouched
//! pages, no pass over the hosts) and a host that never takes part costs no work: `perm`/`pos`
//! store their value XOR its index (0 = identity permutation), `group` stores group + 1 filled on
//! first compromise (0 = not looked up yet, [`Hosts::group_of`] falls back to the binary search),
//! and `campaign` is only meaningful while the host holds the [`flag::COMPROMISED`] flag.

use bevy_ecs::prelude::{Component, Resource};

use super::ids::narrow;
use super::slotset::SlotSet;
use super::topology::HostGraph;
use crate::scenario::model::{Criticality, HostRole, Reach, SegmentKind, Skills, Tlp};

/// Host flags.
pub mod flag {
    /// Holds a campaign.
    pub const COMPROMISED: u8 = 1;
    /// Detected (an incident exists).
    pub const DETECTED: u8 = 2;
    /// Contained: the campaign cannot progress or spread from it.
    pub const CONTAINED: u8 = 4;
    /// Down (encrypted, wiped).
    pub const DOWN: u8 = 8;
    /// Suffered a visible impact (encrypt, wipe, deface, disrupt) while undetected: Detection
    /// finds it in its next pass, sensor or not.
    pub const IMPACT_SEEN: u8 = 16;
    /// Finished the kill chain.
    pub const DONE: u8 = 32;
    /// Completed its current (repeating) stage at least once since the compromise.
    pub const REPEATING: u8 = 64;
    /// Carries a sensor (decided at the compromise: `coverage.rs`).
    pub const SENSOR: u8 = 128;
}

/// A nation and its team.
#[derive(Debug, Clone)]
pub struct NationInfo {
    /// Nation id.
    pub id: String,
    /// Team id.
    pub team_id: String,
    /// Offset from UTC in seconds.
    pub offset_secs: i64,
    /// Team works office hours.
    pub office_hours: bool,
    /// Analysts on shift.
    pub analysts: u32,
    /// Team skills.
    pub skills: Skills,
    /// Policy: ask when this many incidents are open.
    pub backlog_over: Option<u32>,
    /// Policy: ask on detection at or above this criticality.
    pub severity_at_least: Option<Criticality>,
    /// Providers to ask, in preference order (indices).
    pub providers: Vec<u32>,
}

/// A segment: a contiguous slot range.
#[derive(Debug, Clone)]
pub struct SegmentInfo {
    /// Segment id.
    pub id: String,
    /// Nation index.
    pub nation: u32,
    /// Kind.
    pub kind: SegmentKind,
    /// First slot.
    pub start: u32,
    /// One past the last slot.
    pub end: u32,
}

/// A host group: a contiguous slot range inside its segment.
#[derive(Debug, Clone)]
pub struct GroupInfo {
    /// Group id (host names are `{id}-{index:04}`, 1-based).
    pub id: String,
    /// Nation index.
    pub nation: u32,
    /// Segment index.
    pub segment: u32,
    /// Role.
    pub role: HostRole,
    /// Criticality.
    pub criticality: Criticality,
    /// Hosts carrying a sensor: `ceil(sensors × count)`, exact.
    pub covered: u32,
    /// Hardening.
    pub hardening: f64,
    /// Backup interval in seconds.
    pub backup_secs: Option<u64>,
    /// Restore time in seconds.
    pub restore_secs: u64,
    /// MB written per host per hour.
    pub data_mb_per_hour: u64,
    /// First slot.
    pub start: u32,
    /// Hosts in the group.
    pub count: u32,
    /// Services running on the group.
    pub services: Vec<u32>,
}

impl GroupInfo {
    /// MB destroyed when an `encrypt` or `wipe` impact hits one of its hosts at scenario second
    /// `at_s`: what the host wrote since its last backup,
    /// `data_mb_per_hour × (at_s − last_backup) / 3600`, where backups happen at multiples of
    /// `backup_interval` from STARTEX (no interval → everything since STARTEX). Counted at the
    /// impact, whether or not the host is ever restored, so a team that does not restore can
    /// never lose less than one that does.
    pub fn destroyed_mb(&self, at_s: u64) -> f64 {
        let last_backup = match self.backup_secs {
            Some(b) if b > 0 => at_s / b * b,
            _ => 0,
        };
        self.data_mb_per_hour as f64 * (at_s - last_backup) as f64 / 3600.0
    }
}

/// One end of a segment link as the segment at the other end sees it (CSR entry, 16 bytes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkEnd {
    /// Linked segment.
    pub to: u32,
    /// Its first slot (in the padding the `f64` leaves): lateral movement asks for the target's
    /// records before it reads its pool.
    pub to_start: u32,
    /// The link's filtering.
    pub filtering: f64,
}

/// The fields of a host group that the per-tick phases read for every active host, packed apart
/// from [`GroupInfo`] so a visit touches one small record (32 bytes) instead of a 120-byte one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupHot {
    /// Segment index.
    pub segment: u32,
    /// Nation index.
    pub nation: u32,
    /// Hosts carrying a sensor.
    pub covered: u32,
    /// Hosts in the group.
    pub count: u32,
    /// Hardening.
    pub hardening: f64,
    /// Restore time, seconds (read when an incident's recovery starts).
    pub restore_secs: u64,
}

/// A compiled impact effect.
#[derive(Debug, Clone, PartialEq)]
pub enum EffectDef {
    /// Host down until recovered; the data written since its last backup is destroyed.
    Encrypt,
    /// Host down; the data written since its last backup is destroyed.
    Wipe,
    /// Adds MB to data loss.
    Exfiltrate(u64),
    /// Service (index, if known) down for this many ticks.
    Disrupt(Option<u32>, u64),
    /// Recorded only.
    Deface,
}

impl EffectDef {
    /// Whether its victim's users see it (all but exfiltration): a visible impact gets the host
    /// detected, sensor or not.
    pub fn is_visible(&self) -> bool {
        !matches!(self, EffectDef::Exfiltrate(_))
    }

    /// Name used in event details.
    pub fn name(&self) -> &'static str {
        match self {
            EffectDef::Encrypt => "encrypt",
            EffectDef::Wipe => "wipe",
            EffectDef::Exfiltrate(_) => "exfiltrate",
            EffectDef::Disrupt(..) => "disrupt",
            EffectDef::Deface => "deface",
        }
    }
}

/// A cadence in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CadenceDef {
    /// Fixed.
    Fixed(u64),
    /// Uniform in [min, max].
    Uniform(u64, u64),
    /// Exponential with this mean.
    Exponential(u64),
}

/// Lateral movement of a stage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LateralDef {
    /// Reach.
    pub reach: Reach,
    /// New hosts per success.
    pub fanout: u64,
    /// Keep attempting the stage after success.
    pub repeat: bool,
}

/// A compiled kill-chain stage.
#[derive(Debug, Clone)]
pub struct StageDef {
    /// Stage id.
    pub id: String,
    /// Technique id.
    pub technique: String,
    /// Base success probability.
    pub probability: f64,
    /// Attempt cadence.
    pub cadence: CadenceDef,
    /// A fixed cadence in whole ticks (what `draw_ticks` gives for it, worked out once).
    pub fixed_ticks: Option<u64>,
    /// Stealth.
    pub stealth: f64,
    /// Lateral movement.
    pub lateral: Option<LateralDef>,
    /// Impact effect.
    pub effect: Option<EffectDef>,
}

/// A compiled campaign.
#[derive(Debug, Clone)]
pub struct CampaignDef {
    /// Campaign id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Indicator TLP.
    pub tlp: Tlp,
    /// Actor sophistication.
    pub sophistication: f64,
    /// Scheduled start tick.
    pub start_tick: Option<u64>,
    /// Entry technique.
    pub entry_technique: String,
    /// Entry groups (indices, known ones only).
    pub entry_groups: Vec<u32>,
    /// Footholds.
    pub footholds: u64,
    /// Supply-chain fraction.
    pub fraction: Option<f64>,
    /// Stages.
    pub stages: Vec<StageDef>,
    /// Per group: hosts in it are targets.
    pub target_group: Vec<bool>,
    /// Probability that a host recovered from it becomes resistant to it.
    pub resistance: f64,
}

/// The static description of the built exercise.
#[derive(Resource, Debug, Clone, Default)]
pub struct Catalog {
    /// Exercise id.
    pub exercise_id: String,
    /// Nations (scenario order).
    pub nations: Vec<NationInfo>,
    /// Segments.
    pub segments: Vec<SegmentInfo>,
    /// Host groups in slot order.
    pub groups: Vec<GroupInfo>,
    /// The hot fields of each group (same index).
    pub hot: Vec<GroupHot>,
    /// The run's sensor-placement key (`coverage.rs`).
    pub sensor_key: u64,
    /// Some group has hardening > 0 (else lateral movement reads no victim's group record).
    pub any_hardening: bool,
    /// Every group has every host covered (else an infection reads its group's coverage).
    pub all_covered: bool,
    /// First slot of each group (same index), for [`Catalog::group_of`]'s binary search.
    pub group_starts: Vec<u32>,
    /// First group of each segment (len = segments + 1): a segment's groups are contiguous, so
    /// [`Catalog::group_in_segment`] searches only these.
    pub segment_groups: Vec<u32>,
    /// CSR offsets into `link_ends` per segment (len = segments + 1).
    pub link_offsets: Vec<u32>,
    /// The far end of each link, per CSR entry.
    pub link_ends: Vec<LinkEnd>,
    /// Generated host networks (segments with a `topology`).
    pub graphs: Vec<HostGraph>,
    /// Per segment: its index in `graphs`, or `NONE` (every host reaches every other).
    pub segment_graph: Vec<u32>,
    /// Campaigns.
    pub campaigns: Vec<CampaignDef>,
    /// Service ids.
    pub services: Vec<String>,
    /// Provider ids.
    pub providers: Vec<String>,
    /// Inject ids.
    pub injects: Vec<String>,
    /// Sharing agreement ids.
    pub agreements: Vec<String>,
    /// Total host slots.
    pub n_hosts: u32,
    /// First slot of each nation: nations own contiguous slot ranges, so a slot's nation is a
    /// binary search over a handful of entries (the event log resolves it per event).
    pub nation_starts: Vec<u32>,
}

impl Catalog {
    /// Whether host `h` of group `g` carries a sensor in this run (see `coverage.rs`).
    pub fn has_sensor(&self, g: u32, h: u32) -> bool {
        if self.all_covered {
            return true;
        }
        let hot = &self.hot[g as usize];
        if hot.covered == 0 || hot.covered >= hot.count {
            return hot.covered > 0;
        }
        let index = h - self.groups[g as usize].start;
        super::coverage::is_covered(self.sensor_key, g, index, hot.count, hot.covered)
    }

    /// Group index of a slot (binary search over group starts).
    pub fn group_of(&self, h: u32) -> u32 {
        let i = self.group_starts.partition_point(|&s| s <= h);
        i.saturating_sub(1) as u32
    }

    /// Group index of slot `h`, known to lie in segment `seg`: a search over that segment's
    /// groups only (none at all for a one-group segment), where [`Catalog::group_of`] searches
    /// every group of the exercise.
    #[inline]
    pub fn group_in_segment(&self, seg: u32, h: u32) -> u32 {
        let a = self.segment_groups[seg as usize];
        let b = self.segment_groups[seg as usize + 1];
        if b <= a + 1 {
            return a;
        }
        a + self.group_starts[a as usize + 1..b as usize].partition_point(|&s| s <= h) as u32
    }

    /// Nation index of a slot.
    pub fn nation_of(&self, h: u32) -> u32 {
        self.nation_starts.partition_point(|&s| s <= h).saturating_sub(1) as u32
    }

    /// Readable host name: `{group}-{n:04}`, 1-based within the group.
    pub fn host_name(&self, h: u32) -> String {
        self.host_name_in(self.group_of(h), h)
    }

    /// [`Catalog::host_name`] of a slot whose group `g` the caller already knows.
    pub fn host_name_in(&self, g: u32, h: u32) -> String {
        let mut name = String::new();
        self.push_host_name_in(g, h, &mut name);
        name
    }

    /// Appends [`Catalog::host_name_in`] to `name`: the event writers name every host event into
    /// one reused buffer.
    pub fn push_host_name_in(&self, g: u32, h: u32, name: &mut String) {
        let g = &self.groups[g as usize];
        // By hand rather than `format!`: every event and host record of a run is named this way.
        let mut buf = [0u8; 20];
        let digits = crate::fmt::digits(u64::from(h - g.start + 1), &mut buf);
        name.reserve(g.id.len() + 1 + digits.len().max(4));
        name.push_str(&g.id);
        name.push('-');
        for _ in digits.len()..4 {
            name.push('0');
        }
        name.extend(digits.iter().map(|&d| char::from(d)));
    }

    /// The links of `seg`, sorted by target.
    #[inline]
    pub fn links(&self, seg: u32) -> &[LinkEnd] {
        let a = self.link_offsets.get(seg as usize).copied().unwrap_or(0) as usize;
        let b = self.link_offsets.get(seg as usize + 1).copied().unwrap_or(0) as usize;
        &self.link_ends[a..b]
    }

    /// The host network of `seg`, if it has a generated one.
    #[inline]
    pub fn graph(&self, seg: u32) -> Option<&HostGraph> {
        self.segment_graph.get(seg as usize).and_then(|&i| self.graphs.get(i as usize))
    }

    /// Nation index by id.
    pub fn nation_index(&self, id: &str) -> Option<u32> {
        self.nations.iter().position(|n| n.id == id).map(|i| i as u32)
    }
}

/// The state of one host, packed so that a phase visiting a host touches one record instead of
/// one cache line per field (the worst case visits hosts scattered over the whole graph): 32
/// bytes, two to a cache line and never across one. Ticks and event ids are 32-bit, as in the
/// event log's records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, bytemuck::Zeroable)]
pub struct HostState {
    /// [`flag`] bits.
    pub flags: u8,
    /// Current stage index.
    pub stage: u16,
    /// Campaign holding the host; meaningful only while [`flag::COMPROMISED`] is set (0 otherwise).
    pub campaign: u32,
    /// Bumped whenever pending attempts for the host become stale.
    pub generation: u32,
    /// Group + 1, or 0 until the host is first compromised: read it through [`Hosts::group_of`].
    group: u32,
    /// Position in the clean-pool permutation, stored XOR the slot (0 = the identity).
    pos: u32,
    /// Tick of the current compromise.
    compromised_tick: u32,
    /// Event id of the current compromise.
    compromise_event: u32,
    /// Id of the latest campaign event on the host (cause of the next one).
    last_event: u32,
}

impl HostState {
    /// Tick of the current compromise.
    pub fn compromised_tick(&self) -> u64 {
        u64::from(self.compromised_tick)
    }

    /// Event id of the current compromise.
    pub fn compromise_event(&self) -> u64 {
        u64::from(self.compromise_event)
    }

    /// Id of the latest campaign event on the host (cause of the next one).
    pub fn last_event(&self) -> u64 {
        u64::from(self.last_event)
    }

    /// Sets the latest campaign event.
    pub fn set_last_event(&mut self, ev: u64) {
        self.last_event = narrow(ev);
    }
}

/// A segment's slot range start and how many of its hosts are clean, side by side: lateral
/// movement reads both for a segment it has not touched yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Pool {
    start: u32,
    clean: u32,
}

/// Dense per-host state. Index = host slot.
#[derive(Resource, Debug, Default)]
pub struct Hosts {
    /// Per-host records (see [`HostState`]).
    state: Vec<HostState>,
    /// Clean-pool permutation, partitioned per segment range, stored XOR its index (0 = the
    /// identity): entry `k` is `perm[k] ^ k`.
    perm: Vec<u32>,
    /// Per segment: first slot and clean (uncompromised) hosts.
    pool: Vec<Pool>,
    /// Two bits per segment, interleaved by word: whether it has a clean host and whether it has
    /// more than one (`pool[seg].clean` > 0, > 1). Lateral movement tests and counts the clean
    /// hosts of every linked segment; the bits of 100 000 segments fit in 25 KB, the pools do
    /// not, and a one-host segment's count follows from its bits.
    clean_bits: Vec<[u64; 2]>,
    /// One bit per segment: it has exactly one slot. Its pool's permutation is then the
    /// identity, so its clean host, when it has one, is its first slot: a pick that lands on it
    /// (a worm on a graph of one-host segments) reads no permutation entry.
    one_slot: Vec<u64>,
    /// One bit per segment: nothing ever picks a clean host of it by position (a generated
    /// network whose segment no link reaches: its hosts are picked as neighbours, by slot), so
    /// its pool keeps the count of clean hosts and not their order: a compromise or a restore
    /// there swaps no permutation entries (two random reads and writes of 100,000-entry arrays).
    unordered: Vec<u64>,
    /// One bit per host: out of its segment's clean pool (compromised, or isolated by a team).
    /// Lateral movement over a generated network tests every neighbour of every spreading host;
    /// these bits of 100,000 hosts fit in 12.5 KB, their 32-byte records do not.
    out_of_pool: Vec<u64>,
    /// Compromised, undetected, uncontained hosts: the only hosts Detection visits.
    pub undetected: SlotSet,
    /// Down hosts per group (services read this).
    pub group_down: Vec<u32>,
    /// Some host changed up/down since Services last looked.
    pub health_dirty: bool,
    /// Per campaign, one bit per host: resistant to that campaign (empty for a campaign whose
    /// `recovery.resistance` is 0: nothing is allocated or read for it).
    resistant: Vec<Vec<u64>>,
    /// Hosts isolated by a team (`actions.rs`) and not restored since: off the network, so no
    /// campaign lands on them. A set, not a flag: only decisions fill it.
    isolated: std::collections::BTreeSet<u32>,
}

impl Hosts {
    /// Zeroed arrays for `n_hosts` slots, every host clean; `segments` gives each segment's
    /// (first slot, hosts). The arrays are allocated zeroed and not written, so this costs no pass
    /// over the hosts.
    pub fn new(n_hosts: usize, segments: impl IntoIterator<Item = (u32, u32)>, n_groups: usize) -> Self {
        let pool: Vec<Pool> = segments.into_iter().map(|(start, clean)| Pool { start, clean }).collect();
        let mut one_slot = vec![0u64; pool.len().div_ceil(64)];
        for (seg, _) in pool.iter().enumerate().filter(|(_, p)| p.clean == 1) {
            set_bit(&mut one_slot, seg as u32);
        }
        let mut hosts = Hosts {
            // `vec![HostState::default(); n]` would write every record; this is `calloc`.
            state: bytemuck::zeroed_vec(n_hosts),
            perm: vec![0; n_hosts],
            clean_bits: vec![[0; 2]; pool.len().div_ceil(64)],
            unordered: vec![0; one_slot.len()],
            one_slot,
            out_of_pool: vec![0; n_hosts.div_ceil(64)],
            pool,
            undetected: SlotSet::new(n_hosts),
            group_down: vec![0; n_groups],
            health_dirty: false,
            resistant: Vec::new(),
            isolated: std::collections::BTreeSet::new(),
        };
        for seg in 0..hosts.pool.len() as u32 {
            hosts.set_clean_bits(seg, hosts.pool[seg as usize].clean);
        }
        hosts
    }

    /// Host slots.
    pub fn len(&self) -> usize {
        self.state.len()
    }

    /// No hosts.
    pub fn is_empty(&self) -> bool {
        self.state.is_empty()
    }

    /// Hints that the state of host `h` will be read soon (see `prefetch.rs`).
    #[inline]
    pub fn prefetch(&self, h: u32) {
        super::prefetch::prefetch(&self.state, h as usize);
    }

    /// The group of a host, if already cached (see [`Hosts::group_of`]); for prefetching.
    #[inline]
    pub fn cached_group(&self, h: u32) -> Option<u32> {
        self.state.get(h as usize).and_then(|s| s.group.checked_sub(1))
    }

    /// Hints that the pool of segment `seg` will be read soon.
    #[inline]
    pub fn prefetch_segment(&self, seg: u32) {
        super::prefetch::prefetch(&self.pool, seg as usize);
    }

    /// Hints that lateral movement may pick a clean host of segment `seg`, whose first slot is
    /// `start`: its groups and pool, and the permutation entry (unless the segment has one slot,
    /// see [`Hosts::clean_at_from`]) and state of its first slot (the host picked when the
    /// segment has one).
    #[inline]
    pub fn prefetch_pool(&self, cat: &Catalog, seg: u32, start: u32) {
        super::prefetch::prefetch(&cat.segment_groups, seg as usize);
        super::prefetch::prefetch(&self.pool, seg as usize);
        if !self.has_one_slot(seg) {
            super::prefetch::prefetch(&self.perm, start as usize);
        }
        super::prefetch::prefetch(&self.state, start as usize);
    }

    /// The state of a host.
    #[inline]
    pub fn get(&self, h: u32) -> &HostState {
        &self.state[h as usize]
    }

    /// The state of a host, to change it. Pool membership, the cached group and the undetected
    /// set are kept by [`Hosts::compromise`], [`Hosts::contain`] and [`Hosts::restore`] only.
    #[inline]
    pub fn get_mut(&mut self, h: u32) -> &mut HostState {
        &mut self.state[h as usize]
    }

    /// Group of a slot: O(1) once the host has been compromised, a binary search before.
    #[inline]
    pub fn group_of(&self, cat: &Catalog, h: u32) -> u32 {
        match self.state[h as usize].group {
            0 => cat.group_of(h),
            g => g - 1,
        }
    }

    /// Whether the flag is set.
    pub fn has(&self, h: u32, f: u8) -> bool {
        self.state[h as usize].flags & f != 0
    }

    /// Sets a flag.
    pub fn set(&mut self, h: u32, f: u8) {
        self.state[h as usize].flags |= f;
    }

    /// Clean (uncompromised) host count of a segment.
    #[inline]
    pub fn clean_in(&self, seg: u32) -> u32 {
        self.pool[seg as usize].clean
    }

    /// Whether a segment has a clean host (`clean_in(seg) > 0`, from a bitmap that stays in cache).
    #[inline]
    pub fn has_clean(&self, seg: u32) -> bool {
        self.clean_bit(seg, 0)
    }

    /// [`Hosts::clean_in`], reading the pool only when the bitmap says the segment has more
    /// than one clean host.
    #[inline]
    pub fn clean_count(&self, seg: u32) -> u32 {
        if self.has_many_clean(seg) { self.clean_in(seg) } else { u32::from(self.has_clean(seg)) }
    }

    /// First slot of a segment (where its clean pool starts).
    #[inline]
    pub fn pool_start(&self, seg: u32) -> u32 {
        self.pool[seg as usize].start
    }

    /// [`Hosts::clean_at`] for segment `seg`, whose first slot is `start`: a segment of one slot
    /// has only `k` = 0, its first slot, and reads no permutation entry.
    #[inline]
    pub fn clean_at_from(&self, seg: u32, start: u32, k: u32) -> u32 {
        debug_assert!(!self.is_unordered(seg), "segment {seg} keeps no order");
        if self.has_one_slot(seg) { start } else { self.perm_at(start + k) }
    }

    /// Stops keeping the order of segment `seg`'s clean pool, before the run starts: for a
    /// segment whose clean hosts nothing picks by position ([`Hosts::clean_at`] and
    /// [`Hosts::clean_at_from`] are then not to be asked about it). Counts stay exact.
    pub fn drop_order(&mut self, seg: u32) {
        set_bit(&mut self.unordered, seg);
    }

    /// Whether segment `seg`'s pool keeps no order (see [`Hosts::drop_order`]).
    #[inline]
    fn is_unordered(&self, seg: u32) -> bool {
        bit(&self.unordered, seg)
    }

    /// Whether segment `seg` has exactly one slot.
    #[inline]
    fn has_one_slot(&self, seg: u32) -> bool {
        bit(&self.one_slot, seg)
    }

    fn has_many_clean(&self, seg: u32) -> bool {
        self.clean_bit(seg, 1)
    }

    /// Bit `which` (0: has a clean host, 1: has more than one) of a segment.
    #[inline]
    fn clean_bit(&self, seg: u32, which: usize) -> bool {
        self.clean_bits[(seg / 64) as usize][which] & (1 << (seg % 64)) != 0
    }

    fn set_clean_bits(&mut self, seg: u32, clean: u32) {
        let (w, b) = ((seg / 64) as usize, 1u64 << (seg % 64));
        let bits = &mut self.clean_bits[w];
        bits[0] = if clean > 0 { bits[0] | b } else { bits[0] & !b };
        bits[1] = if clean > 1 { bits[1] | b } else { bits[1] & !b };
    }

    /// The `k`-th clean host of a segment (`k < clean_in(seg)`).
    #[inline]
    pub fn clean_at(&self, seg: u32, k: u32) -> u32 {
        debug_assert!(!self.is_unordered(seg), "segment {seg} keeps no order");
        self.perm_at(self.pool[seg as usize].start + k)
    }

    /// The slot at position `k` of the clean-pool permutation.
    fn perm_at(&self, k: u32) -> u32 {
        self.perm[k as usize] ^ k
    }

    /// The position of slot `h` in the clean-pool permutation.
    fn pos_of(&self, h: u32) -> u32 {
        self.state[h as usize].pos ^ h
    }

    fn pool_swap(&mut self, i: u32, j: u32) {
        let (a, b) = (self.perm_at(i), self.perm_at(j));
        self.perm[i as usize] = b ^ i;
        self.perm[j as usize] = a ^ j;
        self.state[a as usize].pos = j ^ a;
        self.state[b as usize].pos = i ^ b;
    }

    /// Whether host `h` is in its segment's clean pool: neither compromised nor isolated (one
    /// bit read, not its record).
    #[inline]
    pub fn in_clean_pool(&self, h: u32) -> bool {
        !bit(&self.out_of_pool, h)
    }

    fn set_out_of_pool(&mut self, h: u32, out: bool) {
        put_bit(&mut self.out_of_pool, h, out);
    }

    fn pool_remove(&mut self, seg: u32, h: u32) {
        self.set_out_of_pool(h, true);
        if !self.has_many_clean(seg) {
            // `h` is the segment's only clean host, so it heads the pool and no swap is needed:
            // a store, without waiting for the pool's cache line.
            self.pool[seg as usize].clean = 0;
            self.set_clean_bits(seg, 0);
            return;
        }
        let p = self.pool[seg as usize];
        if !self.is_unordered(seg) {
            self.pool_swap(self.pos_of(h), p.start + p.clean - 1);
        }
        self.pool[seg as usize].clean -= 1;
        self.set_clean_bits(seg, p.clean - 1);
    }

    fn pool_add(&mut self, seg: u32, h: u32) {
        self.set_out_of_pool(h, false);
        let p = self.pool[seg as usize];
        if !self.is_unordered(seg) {
            self.pool_swap(self.pos_of(h), p.start + p.clean);
        }
        self.pool[seg as usize].clean += 1;
        self.set_clean_bits(seg, p.clean + 1);
    }

    /// Marks a clean host of group `g` in segment `seg` compromised by `campaign` at stage 0
    /// (and caches its group). The caller knows both: the entry group and its segment, or the
    /// victim's segment and its group through [`Catalog::group_in_segment`].
    pub fn compromise(&mut self, h: u32, (g, seg): (u32, u32), campaign: u32, tick: u64, event: u64) {
        self.pool_remove(seg, h);
        let s = &mut self.state[h as usize];
        s.group = g + 1;
        s.flags = (s.flags & flag::DOWN) | flag::COMPROMISED;
        s.campaign = campaign;
        s.stage = 0;
        s.generation = s.generation.wrapping_add(1);
        s.compromised_tick = narrow(tick);
        s.compromise_event = narrow(event);
        s.last_event = narrow(event);
        self.undetected.insert(h);
    }

    /// Sets a host up or down, keeping the per-group down counters. Returns whether it changed.
    pub fn set_down(&mut self, cat: &Catalog, h: u32, down: bool) -> bool {
        if self.has(h, flag::DOWN) == down {
            return false;
        }
        let g = self.group_of(cat, h) as usize;
        let s = &mut self.state[h as usize];
        if down {
            s.flags |= flag::DOWN;
            self.group_down[g] += 1;
        } else {
            s.flags &= !flag::DOWN;
            self.group_down[g] -= 1;
        }
        self.health_dirty = true;
        true
    }

    /// Tracks resistance to the campaigns for which `tracked` is true (zeroed bitmaps).
    pub fn track_resistance(&mut self, tracked: impl IntoIterator<Item = bool>) {
        let words = self.state.len().div_ceil(64);
        self.resistant = tracked.into_iter().map(|t| if t { vec![0; words] } else { Vec::new() }).collect();
    }

    /// Whether host `h` is resistant to campaign `c`.
    #[inline]
    pub fn is_resistant(&self, c: u32, h: u32) -> bool {
        self.resistant.get(c as usize).is_some_and(|bits| !bits.is_empty() && bit(bits, h))
    }

    /// Whether some host may be resistant to campaign `c` (its resistance is tracked).
    #[inline]
    pub fn tracks_resistance(&self, c: u32) -> bool {
        self.resistant.get(c as usize).is_some_and(|b| !b.is_empty())
    }

    /// Makes host `h` resistant to campaign `c` (ignored if `c` is not tracked).
    pub fn set_resistant(&mut self, c: u32, h: u32) {
        if let Some(bits) = self.resistant.get_mut(c as usize).filter(|bits| !bits.is_empty()) {
            set_bit(bits, h);
        }
    }

    /// Stops all campaign activity on a host (contained).
    pub fn contain(&mut self, h: u32) {
        let s = &mut self.state[h as usize];
        s.flags |= flag::CONTAINED;
        s.generation = s.generation.wrapping_add(1);
        self.undetected.remove(h);
    }

    /// Isolates a host: a compromised host is contained, a clean one leaves its segment's clean
    /// pool (no lateral move or entry lands on it), and either goes down until restored. False
    /// (nothing done) if it is already isolated.
    pub fn isolate(&mut self, cat: &Catalog, h: u32) -> bool {
        if !self.isolated.insert(h) {
            return false;
        }
        if self.has(h, flag::COMPROMISED) {
            self.contain(h);
        } else {
            let seg = cat.hot[self.group_of(cat, h) as usize].segment;
            self.pool_remove(seg, h);
        }
        true
    }

    /// Whether a team isolated the host and it has not been restored since.
    #[inline]
    pub fn is_isolated(&self, h: u32) -> bool {
        !self.isolated.is_empty() && self.isolated.contains(&h)
    }

    /// Isolated hosts, ascending.
    pub fn isolated(&self) -> impl Iterator<Item = u32> + '_ {
        self.isolated.iter().copied()
    }

    /// Restores a host: up, clean, back in the clean pool (and no longer isolated).
    pub fn restore(&mut self, cat: &Catalog, h: u32) {
        self.set_down(cat, h, false);
        let was_isolated = self.isolated.remove(&h);
        if self.has(h, flag::COMPROMISED) || was_isolated {
            let seg = cat.hot[self.group_of(cat, h) as usize].segment;
            self.pool_add(seg, h);
        }
        let s = &mut self.state[h as usize];
        s.flags = 0;
        s.campaign = 0;
        s.stage = 0;
        s.generation = s.generation.wrapping_add(1);
        self.undetected.remove(h);
    }
}

/// Bit `i` of a bitset kept in words.
#[inline]
fn bit(words: &[u64], i: u32) -> bool {
    words[(i / 64) as usize] & (1 << (i % 64)) != 0
}

/// Sets bit `i` of a bitset kept in words.
fn set_bit(words: &mut [u64], i: u32) {
    put_bit(words, i, true);
}

/// Sets bit `i` of a bitset kept in words to `on`.
#[inline]
fn put_bit(words: &mut [u64], i: u32, on: bool) {
    let (w, b) = ((i / 64) as usize, 1u64 << (i % 64));
    words[w] = if on { words[w] | b } else { words[w] & !b };
}

/// Identity of a nation entity.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct NationIndex(pub u32);

/// Identity of a national team entity (by nation index).
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TeamOf(pub u32);

/// Identity of a service entity.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ServiceIndex(pub u32);

/// Identity of an assistance provider entity.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ProviderIndex(pub u32);

/// Identity of a campaign entity.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CampaignIndex(pub u32);

/// Identity of an inject entity.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct InjectIndex(pub u32);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_record_stays_small_and_zero_is_as_built() {
        // One visit should touch at most two cache lines.
        assert_eq!(std::mem::size_of::<HostState>(), 32);
        let hosts = Hosts::new(3, [(0, 3)], 1);
        assert!((0..3).all(|h| *hosts.get(h) == HostState::default() && hosts.clean_at(0, h) == h));
    }

    #[test]
    fn the_clean_bitmap_follows_the_pools() {
        // Segment 0: slots 0..2 (one group), segment 1: slot 2, segment 2: none.
        let mut cat = Catalog::default();
        for (start, segment) in [(0, 0), (2, 1)] {
            cat.hot.push(GroupHot { segment, nation: 0, covered: 0, count: 0, hardening: 0.0, restore_secs: 0 });
            cat.group_starts.push(start);
        }
        cat.segment_groups = vec![0, 1, 2, 2];
        let mut hosts = Hosts::new(3, [(0, 2), (2, 1), (3, 0)], 2);
        let bits = |h: &Hosts| (0..3).map(|s| h.has_clean(s)).collect::<Vec<_>>();
        assert_eq!(bits(&hosts), [true, true, false]);
        hosts.compromise(2, (1, 1), 0, 0, 1);
        assert_eq!(bits(&hosts), [true, false, false]);
        hosts.compromise(0, (0, 0), 0, 0, 2);
        assert_eq!(bits(&hosts), [true, false, false], "one clean host left in segment 0");
        hosts.compromise(1, (0, 0), 0, 0, 3);
        assert_eq!(bits(&hosts), [false, false, false]);
        hosts.restore(&cat, 2);
        assert_eq!(bits(&hosts), [false, true, false]);
        assert!((0..3).all(|s| hosts.has_clean(s) == (hosts.clean_in(s) > 0)));
        assert!((0..3).all(|s| hosts.clean_count(s) == hosts.clean_in(s)));
        hosts.restore(&cat, 0);
        assert_eq!(hosts.clean_count(0), 1);
        hosts.restore(&cat, 1);
        assert_eq!((hosts.clean_in(0), hosts.clean_count(0), hosts.clean_count(1)), (2, 2, 1));
        assert_eq!(
            (hosts.clean_at_from(0, 0, 0), hosts.clean_at_from(0, 0, 1)),
            (hosts.clean_at(0, 0), hosts.clean_at(0, 1))
        );
        assert_eq!(hosts.clean_at_from(1, 2, 0), hosts.clean_at(1, 0), "a one-slot segment");
        assert_eq!((0..3).map(|s| hosts.has_one_slot(s)).collect::<Vec<_>>(), [false, true, false]);
    }

    /// A catalog of one segment holding one group of 70 hosts.
    fn one_group_of_70() -> Catalog {
        let mut cat = Catalog::default();
        cat.hot.push(GroupHot { segment: 0, nation: 0, covered: 0, count: 70, hardening: 0.0, restore_secs: 0 });
        cat.group_starts.push(0);
        cat.segment_groups = vec![0, 1];
        cat
    }

    #[test]
    fn the_pool_bits_say_which_hosts_are_compromised_or_isolated() {
        let cat = one_group_of_70();
        let mut hosts = Hosts::new(70, [(0, 70)], 1);
        let out = |h: &Hosts| (0..70).filter(|&x| !h.in_clean_pool(x)).collect::<Vec<_>>();
        assert!(out(&hosts).is_empty());
        hosts.compromise(3, (0, 0), 0, 0, 1);
        hosts.compromise(65, (0, 0), 0, 0, 2);
        assert!(hosts.isolate(&cat, 40), "a clean host isolated");
        assert!(hosts.isolate(&cat, 3), "a compromised host isolated");
        assert_eq!(out(&hosts), [3, 40, 65]);
        for h in [3, 40] {
            hosts.restore(&cat, h);
        }
        assert_eq!(out(&hosts), [65]);
        assert_eq!(hosts.clean_in(0), 69);
        assert!((0..70).all(|x| hosts.in_clean_pool(x) != (hosts.has(x, flag::COMPROMISED) || hosts.is_isolated(x))));
    }

    #[test]
    fn a_pool_without_order_counts_as_one_with_order_and_swaps_nothing() {
        let cat = one_group_of_70();
        let (mut ordered, mut unordered) = (Hosts::new(70, [(0, 70)], 1), Hosts::new(70, [(0, 70)], 1));
        unordered.drop_order(0);
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        for step in 0..2_000u64 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let h = (rng % 70) as u32;
            for hosts in [&mut ordered, &mut unordered] {
                if hosts.has(h, flag::COMPROMISED) || hosts.is_isolated(h) {
                    hosts.restore(&cat, h);
                } else if step % 3 == 0 {
                    hosts.isolate(&cat, h);
                } else {
                    hosts.compromise(h, (0, 0), 0, step, step);
                }
            }
            assert_eq!(ordered.clean_in(0), unordered.clean_in(0), "step {step}");
            assert_eq!(ordered.clean_count(0), unordered.clean_count(0), "step {step}");
            assert!((0..70).all(|x| ordered.in_clean_pool(x) == unordered.in_clean_pool(x)), "step {step}");
        }
        assert!(ordered.perm.iter().any(|&p| p != 0), "the ordered pool was permuted");
        assert!(unordered.perm.iter().all(|&p| p == 0), "the unordered pool was never permuted");
    }

    #[test]
    fn a_group_is_found_within_its_segment() {
        // Segment 0: groups 0 (slots 0..3), 1 (empty), 2 (slots 3..5); segment 1: group 3 (5..9).
        let cat = Catalog { group_starts: vec![0, 3, 3, 5], segment_groups: vec![0, 3, 4], ..Catalog::default() };
        for h in 0..9 {
            assert_eq!(cat.group_in_segment(if h < 5 { 0 } else { 1 }, h), cat.group_of(h), "slot {h}");
        }
    }

    #[test]
    fn destroyed_data_counts_since_last_backup() {
        let mut g = GroupInfo {
            id: "G".into(),
            nation: 0,
            segment: 0,
            role: HostRole::Server,
            criticality: Criticality::Medium,
            covered: 0,
            hardening: 0.0,
            backup_secs: Some(6 * 3600),
            restore_secs: 3600,
            data_mb_per_hour: 50,
            start: 0,
            count: 1,
            services: vec![],
        };
        // Backups every 6 h; destroyed at 8 h → 2 h of data at 50 MB/h.
        assert!((g.destroyed_mb(8 * 3600) - 100.0).abs() < 1e-9);
        // Destroyed exactly at a backup: nothing lost.
        assert_eq!(g.destroyed_mb(12 * 3600), 0.0);
        // No backups: everything since STARTEX.
        g.backup_secs = None;
        assert!((g.destroyed_mb(8 * 3600) - 400.0).abs() < 1e-9);
    }
}
