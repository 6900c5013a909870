//! The one YAML parse function: text → a span-preserving node tree, with hard input limits.
//!
//! Every byte of scenario text enters cydex through [`parse`]. It reads YAML events from
//! `saphyr-parser` and builds a small arena tree that remembers where each key and value was
//! written, so that both serde errors and semantic validation can point at `file:line:column`.
//! The limits in [`Limits`] make untrusted input safe: the file size, the nesting depth, the number
//! of nodes and the alias-expanded size are all bounded before anything else looks at the tree.

use saphyr_parser::{Event, Parser, ScalarStyle};

/// Hard limits on untrusted scenario text. Documented in the README ("Limits").
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest accepted file, in bytes.
    pub max_bytes: usize,
    /// Deepest accepted nesting of sequences and mappings.
    pub max_depth: usize,
    /// Most YAML nodes (scalars, sequences, mappings) written in the file.
    pub max_nodes: usize,
    /// Most nodes after expanding aliases (`*anchor`), which is what deserialization walks.
    pub max_expanded_nodes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: 16 * 1024 * 1024, max_depth: 64, max_nodes: 250_000, max_expanded_nodes: 1_000_000 }
    }
}

/// Index of a node in a [`Tree`].
pub type NodeId = u32;

/// A position in the source: 1-based line, 0-based column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 0-based column, in characters.
    pub col: u32,
}

/// Where a node was written: start and end positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// First character.
    pub start: Pos,
    /// One past the last character.
    pub end: Pos,
}

/// A YAML node.
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// A scalar, with its text and whether it was quoted (quoted scalars are always strings).
    Scalar {
        /// The scalar's text.
        text: String,
        /// Written in quotes or as a block scalar: never a number, bool or null.
        quoted: bool,
    },
    /// A sequence of nodes.
    Seq(Vec<NodeId>),
    /// A mapping, as (key, value) pairs in source order. Keys are scalars.
    Map(Vec<(NodeId, NodeId)>),
}

/// One node of the tree.
#[derive(Debug, Clone)]
pub struct Node {
    /// What the node holds.
    pub kind: NodeKind,
    /// Where it was written.
    pub span: Span,
    /// The node that holds it (first holder, for aliased nodes), or `None` for the root.
    pub parent: Option<NodeId>,
    /// Position within the parent: the index in a sequence, the entry index in a mapping.
    pub slot: u32,
}

/// A parsed YAML document.
#[derive(Debug, Clone)]
pub struct Tree {
    nodes: Vec<Node>,
    root: NodeId,
}

/// One step of a path from the root: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// Why text could not be turned into a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What went wrong.
    pub message: String,
    /// Where, if known.
    pub at: Option<Pos>,
    /// Short label for the location.
    pub label: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl SyntaxError {
    fn new(message: impl Into<String>, at: Option<Pos>, label: &str, help: Option<&str>) -> Self {
        SyntaxError { message: message.into(), at, label: label.to_string(), help: help.map(str::to_string) }
    }
}

fn pos(m: saphyr_parser::Marker) -> Pos {
    Pos { line: u32::try_from(m.line()).unwrap_or(u32::MAX), col: u32::try_from(m.col()).unwrap_or(u32::MAX) }
}

enum Open {
    Seq(NodeId, Vec<NodeId>),
    Map(NodeId, Vec<(NodeId, NodeId)>, Option<NodeId>),
}

/// Parses scenario text into a tree, enforcing `limits`. Only one document is accepted.
pub fn parse(text: &str, limits: &Limits) -> Result<Tree, SyntaxError> {
    if text.len() > limits.max_bytes {
        return Err(SyntaxError::new(
            format!("the file is {} bytes; scenarios are limited to {} bytes", text.len(), limits.max_bytes),
            None,
            "",
            Some(
                "host groups expand `count` hosts, so even alliance-scale scenarios stay small; see README \"Limits\"",
            ),
        ));
    }
    if text.trim().is_empty() {
        return Err(SyntaxError::new(
            "the file is empty",
            Some(Pos { line: 1, col: 0 }),
            "nothing here",
            Some("run `cydex init scenario.yaml` for a commented starter scenario"),
        ));
    }
    let mut b = Builder {
        nodes: Vec::new(),
        expanded: Vec::new(),
        anchors: Vec::new(),
        pending: Vec::new(),
        stack: Vec::new(),
        root: None,
    };
    let mut parser = Parser::new_from_str(text);
    let mut documents = 0usize;
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| {
            if e.info().contains("recursion limit") {
                return SyntaxError::new(
                    format!("nesting deeper than {} levels", limits.max_depth),
                    Some(pos(*e.marker())),
                    "too deep",
                    Some("scenarios nest at most a handful of levels; see README \"Limits\""),
                );
            }
            SyntaxError::new(
                format!("YAML syntax error: {}", e.info()),
                Some(pos(*e.marker())),
                "here",
                Some("check indentation, and quote values that contain `: ` or start with `{`, `[`, `*`, `&`, `!` or `%`"),
            )
        })?;
        let start = pos(span.start);
        let sp = Span { start, end: pos(span.end) };
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(SyntaxError::new(
                        "the file holds more than one YAML document",
                        Some(start),
                        "second document starts here",
                        Some("a scenario is one document: remove the `---` separator, or split the file"),
                    ));
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                reject_tag(tag.is_some(), start)?;
                let quoted = !matches!(style, ScalarStyle::Plain);
                let id = b.push(NodeKind::Scalar { text: value.into_owned(), quoted }, sp, 1, limits)?;
                b.anchor(anchor, id);
                b.attach(id)?;
            }
            Event::SequenceStart(anchor, tag) => {
                reject_tag(tag.is_some(), start)?;
                b.open_depth(limits, start)?;
                let id = b.push(NodeKind::Seq(Vec::new()), sp, 1, limits)?;
                b.anchor(anchor, id);
                b.stack.push(Open::Seq(id, Vec::new()));
            }
            Event::MappingStart(anchor, tag) => {
                reject_tag(tag.is_some(), start)?;
                b.open_depth(limits, start)?;
                let id = b.push(NodeKind::Map(Vec::new()), sp, 1, limits)?;
                b.anchor(anchor, id);
                b.stack.push(Open::Map(id, Vec::new(), None));
            }
            Event::SequenceEnd | Event::MappingEnd => b.close(sp, limits)?,
            Event::Alias(anchor) => {
                let Some(&target) = b.anchors.get(anchor) else {
                    return Err(SyntaxError::new("alias to an unknown anchor", Some(start), "here", None));
                };
                if target == u32::MAX {
                    return Err(SyntaxError::new(
                        "an alias refers to a node that contains it",
                        Some(start),
                        "recursive alias",
                        None,
                    ));
                }
                b.attach(target)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    let root = b
        .root
        .ok_or_else(|| SyntaxError::new("the file holds no YAML document", Some(Pos { line: 1, col: 0 }), "", None))?;
    let mut nodes = b.nodes;
    tighten_ends(&mut nodes, text);
    Ok(Tree { nodes, root })
}

/// Makes every node's end the end of what it holds. The parser ends a block collection where the
/// next token begins (past trailing blank lines and comments, often on a later line) and a block
/// scalar after its last line break; diagnostics report end positions, so each end is pulled back
/// to the node's last character. Flow collections already end after their `}` or `]`.
fn tighten_ends(nodes: &mut [Node], text: &str) {
    let mut line_starts = vec![0];
    line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    let offset = |p: Pos| {
        let start = line_starts.get((p.line as usize).saturating_sub(1)).copied().unwrap_or(text.len());
        text[start..].char_indices().nth(p.col as usize).map_or(text.len(), |(i, _)| start + i)
    };
    let pos_of = |off: usize| {
        let line = line_starts.partition_point(|&s| s <= off);
        let start = line_starts[line - 1];
        Pos {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            col: u32::try_from(text[start..off].chars().count()).unwrap_or(u32::MAX),
        }
    };
    // Back over whitespace, never before the node's start.
    let trimmed = |start: Pos, end: Pos| {
        let (from, to) = (offset(start), offset(end));
        if to <= from {
            return end;
        }
        let kept = text[from..to].trim_end().len();
        if kept == to - from { end } else { pos_of(from + kept) }
    };
    // Children have larger ids than their holder, so they are settled first.
    for id in (0..nodes.len()).rev() {
        let span = nodes[id].span;
        let end = match &nodes[id].kind {
            NodeKind::Scalar { .. } => trimmed(span.start, span.end),
            NodeKind::Seq(_) | NodeKind::Map(_)
                if matches!(text[offset(span.start)..].chars().next(), Some('{' | '[')) =>
            {
                span.end
            }
            NodeKind::Seq(items) => {
                last_end(nodes, id, items.last().copied()).unwrap_or_else(|| trimmed(span.start, span.end))
            }
            NodeKind::Map(entries) => {
                last_end(nodes, id, entries.last().map(|&(_, v)| v)).unwrap_or_else(|| trimmed(span.start, span.end))
            }
        };
        nodes[id].span.end = end;
    }
}

/// The end of a collection's last child, if that child was written inside it (not an alias to a
/// node written elsewhere).
fn last_end(nodes: &[Node], id: usize, last: Option<NodeId>) -> Option<Pos> {
    let child = &nodes[last? as usize];
    (child.parent == Some(NodeId::try_from(id).ok()?)).then_some(child.span.end)
}

fn reject_tag(tagged: bool, at: Pos) -> Result<(), SyntaxError> {
    if tagged {
        return Err(SyntaxError::new(
            "YAML tags (`!name`) are not used in cydex scenarios",
            Some(at),
            "tag",
            Some(
                "remove the tag; effects and distributions are written as one-key maps, e.g. `effect: { exfiltrate: { mb_per_host: 500 } }`",
            ),
        ));
    }
    Ok(())
}

struct Builder {
    nodes: Vec<Node>,
    /// Alias-expanded size of each node (saturating).
    expanded: Vec<u64>,
    /// Anchor id → node id; `u32::MAX` while the anchored collection is still open.
    anchors: Vec<NodeId>,
    /// Anchored collections still open: (anchor id, node id).
    pending: Vec<(usize, NodeId)>,
    stack: Vec<Open>,
    root: Option<NodeId>,
}

impl Builder {
    fn push(&mut self, kind: NodeKind, span: Span, size: u64, limits: &Limits) -> Result<NodeId, SyntaxError> {
        if self.nodes.len() >= limits.max_nodes {
            return Err(SyntaxError::new(
                format!("the file has more than {} YAML nodes", limits.max_nodes),
                Some(span.start),
                "limit reached here",
                Some("see README \"Limits\""),
            ));
        }
        let id = NodeId::try_from(self.nodes.len()).unwrap_or(NodeId::MAX);
        self.nodes.push(Node { kind, span, parent: None, slot: 0 });
        self.expanded.push(size);
        Ok(id)
    }

    fn anchor(&mut self, anchor: usize, id: NodeId) {
        if anchor == 0 {
            return;
        }
        if self.anchors.len() <= anchor {
            self.anchors.resize(anchor + 1, u32::MAX);
        }
        // Collections are registered when they close (see `close`), so an alias inside its own
        // anchor is caught as recursive.
        if matches!(self.nodes[id as usize].kind, NodeKind::Scalar { .. }) {
            self.anchors[anchor] = id;
        } else {
            self.pending_anchor(anchor, id);
        }
    }

    fn pending_anchor(&mut self, anchor: usize, id: NodeId) {
        // Remember which anchor the open collection carries; resolved in `close`.
        self.anchors[anchor] = u32::MAX;
        self.pending.push((anchor, id));
    }

    fn open_depth(&self, limits: &Limits, at: Pos) -> Result<(), SyntaxError> {
        if self.stack.len() >= limits.max_depth {
            return Err(SyntaxError::new(
                format!("nesting deeper than {} levels", limits.max_depth),
                Some(at),
                "too deep",
                Some("scenarios nest at most a handful of levels; see README \"Limits\""),
            ));
        }
        Ok(())
    }

    fn close(&mut self, span: Span, limits: &Limits) -> Result<(), SyntaxError> {
        let Some(open) = self.stack.pop() else {
            return Ok(());
        };
        let (id, kind, size) = match open {
            Open::Seq(id, items) => {
                let size = items.iter().fold(1u64, |acc, &c| acc.saturating_add(self.expanded[c as usize]));
                (id, NodeKind::Seq(items), size)
            }
            Open::Map(id, entries, _) => {
                let size = entries.iter().fold(1u64, |acc, &(k, v)| {
                    acc.saturating_add(self.expanded[k as usize]).saturating_add(self.expanded[v as usize])
                });
                (id, NodeKind::Map(entries), size)
            }
        };
        let node = &mut self.nodes[id as usize];
        node.kind = kind;
        node.span.end = span.end;
        self.expanded[id as usize] = size;
        if size > limits.max_expanded_nodes {
            return Err(SyntaxError::new(
                format!(
                    "aliases expand this node to more than {} nodes (an \"alias bomb\")",
                    limits.max_expanded_nodes
                ),
                Some(node.span.start),
                "expands too far",
                Some("use fewer nested aliases; see README \"Limits\""),
            ));
        }
        if let Some(i) = self.pending.iter().rposition(|&(_, n)| n == id) {
            let (anchor, n) = self.pending.swap_remove(i);
            self.anchors[anchor] = n;
        }
        self.attach(id)
    }

    fn attach(&mut self, id: NodeId) -> Result<(), SyntaxError> {
        let parent = match self.stack.last() {
            Some(Open::Seq(p, _)) | Some(Open::Map(p, _, _)) => Some(*p),
            None => None,
        };
        if self.nodes[id as usize].parent.is_none() && parent != Some(id) && self.root.is_none() {
            let slot = match self.stack.last() {
                Some(Open::Seq(_, items)) => items.len(),
                Some(Open::Map(_, entries, _)) => entries.len(),
                None => 0,
            };
            let node = &mut self.nodes[id as usize];
            node.parent = parent;
            node.slot = u32::try_from(slot).unwrap_or(u32::MAX);
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(id);
                Ok(())
            }
            Some(Open::Seq(_, items)) => {
                items.push(id);
                Ok(())
            }
            Some(Open::Map(_, entries, pending_key)) => match pending_key.take() {
                None => {
                    let node = &self.nodes[id as usize];
                    let NodeKind::Scalar { text, .. } = &node.kind else {
                        return Err(SyntaxError::new(
                            "mapping keys must be plain names",
                            Some(node.span.start),
                            "complex key",
                            None,
                        ));
                    };
                    if let Some(&(first, _)) = entries.iter().find(|&&(k, _)| {
                        matches!(&self.nodes[k as usize].kind, NodeKind::Scalar { text: t, .. } if t == text)
                    }) {
                        let first_line = self.nodes[first as usize].span.start.line;
                        return Err(SyntaxError::new(
                            format!("duplicate key `{text}` (first written on line {first_line})"),
                            Some(node.span.start),
                            "written twice",
                            Some("a key may appear once per mapping; remove or merge one of them"),
                        ));
                    }
                    *pending_key = Some(id);
                    Ok(())
                }
                Some(key) => {
                    entries.push((key, id));
                    Ok(())
                }
            },
        }
    }
}

impl Tree {
    /// Number of nodes written in the file.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the tree is empty (never true for a parsed tree).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The root node.
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// A node by id.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// The text of a scalar node.
    pub fn scalar(&self, id: NodeId) -> Option<&str> {
        match &self.node(id).kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The node at `path`, or the deepest existing ancestor on the way there, and whether the
    /// whole path resolved. When the last step is a key, the key's node is returned with
    /// `want_key`.
    pub fn locate(&self, path: &[Seg], want_key: bool) -> (NodeId, bool) {
        let mut at = self.root;
        for (i, seg) in path.iter().enumerate() {
            let last = i + 1 == path.len();
            let next = match (&self.node(at).kind, seg) {
                (NodeKind::Map(entries), Seg::Key(k)) => entries
                    .iter()
                    .find(|&&(key, _)| self.scalar(key) == Some(k.as_str()))
                    .map(|&(key, value)| if last && want_key { key } else { value }),
                (NodeKind::Seq(items), Seg::Index(n)) => items.get(*n).copied(),
                _ => None,
            };
            match next {
                Some(n) => at = n,
                None => return (at, false),
            }
        }
        (at, true)
    }

    /// The dotted path of a node from the root, e.g. `nations[0].team.analysts`.
    pub fn path_of(&self, id: NodeId) -> String {
        let mut segs = Vec::new();
        let mut at = id;
        let mut guard = 0;
        while let Some(parent) = self.node(at).parent {
            guard += 1;
            if guard > 1000 {
                break;
            }
            let slot = self.node(at).slot as usize;
            match &self.node(parent).kind {
                NodeKind::Seq(_) => segs.push(format!("[{slot}]")),
                NodeKind::Map(entries) => {
                    if let Some(&(k, _)) = entries.get(slot) {
                        let key = self.scalar(k).unwrap_or("?");
                        segs.push(format!(".{key}"));
                    }
                }
                NodeKind::Scalar { .. } => {}
            }
            at = parent;
        }
        segs.reverse();
        let s = segs.concat();
        s.strip_prefix('.').map(str::to_string).unwrap_or(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(s: &str) -> Tree {
        parse(s, &Limits::default()).unwrap()
    }

    #[test]
    fn spans_and_paths() {
        let t = tree("a:\n  b: [1, 2]\n  c:\n    - x: y\n");
        let (n, ok) =
            t.locate(&[Seg::Key("a".into()), Seg::Key("c".into()), Seg::Index(0), Seg::Key("x".into())], false);
        assert!(ok);
        assert_eq!(t.scalar(n), Some("y"));
        assert_eq!(t.node(n).span.start, Pos { line: 4, col: 9 });
        assert_eq!(t.path_of(n), "a.c[0].x");
        let (k, _) = t.locate(&[Seg::Key("a".into()), Seg::Key("b".into())], true);
        assert_eq!(t.node(k).span.start, Pos { line: 2, col: 2 });
    }

    #[test]
    fn every_node_ends_at_its_last_character() {
        let text = "a:\n  b: 1\n  c:\n    - x\n    - yy   \n\n# trailing comment\nd: {e: 1, f: [1, 2]}\ng: \"q\"\nh: |\n  text\n  more\n\ni: x\n";
        let t = tree(text);
        let end = |path: &[Seg]| t.node(t.locate(path, false).0).span.end;
        let key = |k: &str| Seg::Key(k.into());
        // Block collections end with their last value, not at the next key past the comment.
        assert_eq!(end(&[key("a")]), Pos { line: 5, col: 8 });
        assert_eq!(end(&[key("a"), key("c")]), Pos { line: 5, col: 8 });
        assert_eq!(end(&[key("a"), key("c"), Seg::Index(1)]), Pos { line: 5, col: 8 });
        // Flow collections end after their closing bracket.
        assert_eq!(end(&[key("d")]), Pos { line: 8, col: 20 });
        assert_eq!(end(&[key("d"), key("f")]), Pos { line: 8, col: 19 });
        // Quoted scalars include their quotes; block scalars end with their last line's text.
        assert_eq!(end(&[key("g")]), Pos { line: 9, col: 6 });
        assert_eq!(end(&[key("h")]), Pos { line: 12, col: 6 });
        assert_eq!(t.node(t.root()).span.end, Pos { line: 14, col: 4 });
        // A collection that ends with an alias to an earlier node ends where its text ends.
        let t = tree("base: &b {x: 1}\nlist:\n  - 1\n  - *b\n");
        let (n, _) = t.locate(&[key("list")], false);
        assert!(t.node(n).span.end.line >= 3, "{:?}", t.node(n).span);
    }

    #[test]
    fn missing_path_returns_ancestor() {
        let t = tree("a:\n  b: 1\n");
        let (n, ok) = t.locate(&[Seg::Key("a".into()), Seg::Key("zz".into())], false);
        assert!(!ok);
        assert!(matches!(t.node(n).kind, NodeKind::Map(_)));
    }

    #[test]
    fn refuses_bad_input() {
        let l = Limits::default();
        assert!(parse("", &l).unwrap_err().message.contains("empty"));
        assert!(parse("a: 1\na: 2\n", &l).unwrap_err().message.contains("duplicate key `a`"));
        assert!(parse("a: 1\n---\nb: 2\n", &l).unwrap_err().message.contains("more than one"));
        assert!(parse("a: !foo 1\n", &l).unwrap_err().message.contains("tags"));
        assert!(parse("a: [1, 2\n", &l).unwrap_err().message.contains("syntax"));
        let deep = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
        let e = parse(&deep, &l).unwrap_err();
        assert!(e.message.contains("nesting"), "{e:?}");
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            s.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = parse(&s, &Limits::default()).unwrap_err();
        assert!(e.message.contains("alias"), "{e:?}");
    }

    #[test]
    fn small_aliases_are_fine() {
        let t = tree("base: &b {x: 1}\nuse: *b\n");
        let (n, ok) = t.locate(&[Seg::Key("use".into()), Seg::Key("x".into())], false);
        assert!(ok);
        assert_eq!(t.scalar(n), Some("1"));
    }

    #[test]
    fn recursive_alias_is_refused() {
        assert!(parse("a: &a [*a]\n", &Limits::default()).is_err());
    }
}
