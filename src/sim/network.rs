//! Owns the network decisions: cutting and reconnecting segment links, and which services lose a
//! dependency when links are cut — the containment-versus-availability trade-off.
//!
//! * `block_link A B` cuts every link between segments A and B, both ways; a team may cut a link
//!   with at least one end in its nation. `isolate_segment S` cuts every link of S.
//!   `reconnect_*` undoes a cut. Lateral movement never crosses a cut link (`campaigns.rs`).
//! * A service that depends on another is **severed**, and down, while every pair (a segment it
//!   runs in, a segment the dependency runs in) is cut: different segments, and either one of
//!   them has every link cut (isolated) or a link between the two is cut. Segments with no
//!   modelled link between them reach each other over the wider network, so only isolation
//!   severs them. Severing is recomputed on every cut or reconnection: O(services × their
//!   dependencies × segments involved), never per tick.

use bevy_ecs::world::World;

use super::actions::{Outcome, blocked_links, emit, index_of};
use super::campaigns::CampaignBook;
use super::events::{EventKind, Keys};
use super::services::ServiceBook;
use super::state::Catalog;

type Refusal = String;

/// The link entries (indices into `link_ends`) between segments `a` and `b`, both directions.
fn entries_between(cat: &Catalog, a: u32, b: u32) -> Vec<usize> {
    let mut out = Vec::new();
    for (x, y) in [(a, b), (b, a)] {
        let base = cat.link_offsets[x as usize] as usize;
        out.extend(cat.links(x).iter().enumerate().filter(|(_, l)| l.to == y).map(|(i, _)| base + i));
    }
    out
}

/// Every link entry touching segment `s`, both directions.
fn entries_of(cat: &Catalog, s: u32) -> Vec<usize> {
    let base = cat.link_offsets[s as usize] as usize;
    let mut out: Vec<usize> = (0..cat.links(s).len()).map(|i| base + i).collect();
    for (i, l) in cat.links(s).iter().enumerate() {
        if l.to != s {
            out.extend(entries_between(cat, l.to, s).into_iter().filter(|&e| e != base + i));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn segment(cat: &Catalog, id: &str) -> Result<u32, Refusal> {
    index_of("segment", id, cat.segments.iter().map(|s| s.id.as_str()))
}

/// `block_link` (block) / `reconnect_link` for nation `n`.
pub fn cut_link(world: &mut World, n: u32, (from, to): (&str, &str), block: bool) -> Result<Outcome, Refusal> {
    let cat = world.resource::<Catalog>();
    let (a, b) = (segment(cat, from)?, segment(cat, to)?);
    if cat.segments[a as usize].nation != n && cat.segments[b as usize].nation != n {
        return Err(format!("neither `{from}` nor `{to}` is your nation's segment"));
    }
    let entries = entries_between(cat, a, b);
    if entries.is_empty() {
        return Err(format!("no link joins `{from}` and `{to}` in the scenario"));
    }
    let changed = set_blocked(world, &entries, block);
    if changed == 0 {
        return Err(format!("the link `{from}`–`{to}` is already {}", if block { "cut" } else { "connected" }));
    }
    let kind = if block { EventKind::LinkBlocked } else { EventKind::LinkReconnected };
    let ev = emit(world, kind, Keys { nation: Some(n), segment: Some(a), peer: Some(b), ..Keys::default() });
    let mut events = vec![ev];
    events.extend(refresh_severed(world, ev));
    Ok(Outcome { applied: true, note: None, events })
}

/// `isolate_segment` (block) / `reconnect_segment` for nation `n`.
pub fn cut_segment(world: &mut World, n: u32, id: &str, block: bool) -> Result<Outcome, Refusal> {
    let cat = world.resource::<Catalog>();
    let s = segment(cat, id)?;
    if cat.segments[s as usize].nation != n {
        return Err(format!("segment `{id}` is not your nation's"));
    }
    let entries = entries_of(cat, s);
    if entries.is_empty() {
        return Err(format!("segment `{id}` has no modelled link to cut or reconnect"));
    }
    let mut peers: Vec<u32> = cat.links(s).iter().map(|l| l.to).filter(|&t| t != s).collect();
    peers.sort_unstable();
    peers.dedup();
    if set_blocked(world, &entries, block) == 0 {
        return Err(format!("every link of `{id}` is already {}", if block { "cut" } else { "connected" }));
    }
    let kind = if block { EventKind::LinkBlocked } else { EventKind::LinkReconnected };
    let mut events: Vec<u64> = Vec::new();
    for p in peers {
        events.push(emit(world, kind, Keys { nation: Some(n), segment: Some(s), peer: Some(p), ..Keys::default() }));
    }
    let cause = events[0];
    events.extend(refresh_severed(world, cause));
    Ok(Outcome { applied: true, note: None, events })
}

/// Sets the entries' flags; returns how many changed.
fn set_blocked(world: &mut World, entries: &[usize], block: bool) -> usize {
    let mut book = blocked_links(world);
    let mut changed = 0;
    for &e in entries {
        if book.blocked[e] != block {
            book.blocked[e] = block;
            changed += 1;
        }
    }
    changed
}

/// Whether every link entry of segment `s` is cut (and it has one).
fn isolated(cat: &Catalog, book: &CampaignBook, s: u32) -> bool {
    let base = cat.link_offsets[s as usize] as usize;
    let n = cat.links(s).len();
    n > 0 && (base..base + n).all(|e| book.is_blocked(e))
}

fn pair_cut(cat: &Catalog, book: &CampaignBook, a: u32, b: u32) -> bool {
    a != b
        && (isolated(cat, book, a)
            || isolated(cat, book, b)
            || entries_between(cat, a, b).into_iter().any(|e| book.is_blocked(e)))
}

/// Recomputes which services are severed; logs `service_severed` for each newly severed one
/// (caused by `cause`) and marks the services for the next Services phase.
fn refresh_severed(world: &mut World, cause: u64) -> Vec<u64> {
    let cat = world.resource::<Catalog>();
    let book = world.resource::<CampaignBook>();
    let services = world.resource::<ServiceBook>();
    let segs = |i: usize| -> Vec<u32> {
        let mut v: Vec<u32> = services.defs[i].groups.iter().map(|&g| cat.groups[g as usize].segment).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let severed: Vec<bool> = (0..services.defs.len())
        .map(|i| {
            let mine = segs(i);
            services.defs[i].deps.iter().any(|&d| {
                let theirs = segs(d as usize);
                !mine.is_empty() && mine.iter().all(|&a| theirs.iter().all(|&b| pair_cut(cat, book, a, b)))
            })
        })
        .collect();
    let newly: Vec<u32> =
        (0..severed.len() as u32).filter(|&i| severed[i as usize] && !services.severed[i as usize]).collect();
    let mut book = world.resource_mut::<ServiceBook>();
    book.severed = severed;
    book.dirty = true;
    newly
        .into_iter()
        .map(|s| {
            let nation = world.resource::<ServiceBook>().defs[s as usize].nation;
            emit(
                world,
                EventKind::ServiceSevered,
                Keys { nation: Some(nation), service: Some(s), cause: Some(cause), ..Keys::default() },
            )
        })
        .collect()
}
