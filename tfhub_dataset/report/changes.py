"""CHANGES.md: what moved between a release and the pinned release before it.

Works on the written files of both releases (CSV text and Table Schemas), never on the parser's
objects: publishers, models and collections added, removed and changed (keyed by primary key),
the per-publisher counts that moved, rows per table, schema changes, and the version step the
Data Package Version recipe asks for (https://datapackage.org/recipes/data-package-version/).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tfhub_dataset.package.csvread import read_rows
from tfhub_dataset.report.markdown import code, md_escape, n, table

CHANGES_NAME = "CHANGES.md"
KEYED = ("publishers", "models", "collections")  # tables listed row by row
PUBLISHER_COUNTS = ("model_count", "version_count", "collection_count", "link_count")
DETAIL_ROWS = 30  # a field changed in at most this many rows is listed row by row
TRANSITIONS = 12  # ... otherwise its value transitions are counted, when there are this few
SHOWN_KEYS = 12  # ... otherwise this many keys are named
CELL = 70  # longest value shown in a table cell
LEVELS = ("none", "patch", "minor", "major")


@dataclass(frozen=True)
class Table:
    """One table as written: header, primary-key column names, row count, the primary key of
    every row, and the rows themselves (CSV text) for the tables listed row by row only."""

    header: list[str]
    pk: list[str]
    count: int
    keys: frozenset[tuple[str, ...]]
    rows: list[list[str]]

    def keyed(self) -> dict[tuple[str, ...], dict[str, str]]:
        idx = [self.header.index(k) for k in self.pk]
        return {tuple(r[i] for i in idx): dict(zip(self.header, r, strict=True)) for r in self.rows}


def _table(name: str, data: bytes, pk: list[str]) -> Table:
    header, *rows = read_rows(data)
    if not pk:  # rows are only counted
        return Table(header, pk, len(rows), frozenset(), [])
    idx = [header.index(k) for k in pk]
    keys = [tuple(r[i] for i in idx) for r in rows]
    return Table(header, pk, len(rows), frozenset(keys), rows if name in KEYED else [])


@dataclass(frozen=True)
class Side:
    """A release as CHANGES.md sees it."""

    id: str
    version: str
    commit: str
    descriptor_sha256: str
    schemas: dict[str, dict[str, Any]]
    tables: dict[str, Table]


@dataclass
class RowChanges:
    name: str
    pk: list[str]
    added: list[tuple[str, ...]] = field(default_factory=list)
    removed: list[tuple[str, ...]] = field(default_factory=list)
    # key -> field -> (old, new)
    changed: dict[tuple[str, ...], dict[str, tuple[str, str]]] = field(default_factory=dict)


@dataclass
class Changes:
    previous: Side
    current: Side
    rows: list[RowChanges]
    counts: list[tuple[str, dict[str, tuple[int, int]]]]  # publisher -> count -> (old, new)
    row_counts: list[tuple[str, int | None, int | None]]  # table, rows before, rows after
    schema: list[str]  # one line per schema change
    level: str  # the step the recipe asks for: none, patch, minor or major
    reasons: list[str]


def read_side(files: Mapping[str, bytes]) -> Side:
    """The tables and schemas of a release's files (``data/*.csv``, ``schemas/*.json``)."""
    desc = json.loads(files["datapackage.json"].decode("utf-8"))
    schemas, tables = {}, {}
    for path in sorted(files):
        if not (path.startswith("data/") and path.endswith(".csv")):
            continue
        name = path[len("data/") : -len(".csv")]
        schema = json.loads(files[f"schemas/{name}.json"].decode("utf-8"))
        pk = schema.get("primaryKey", [])
        tables[name] = _table(name, files[path], pk if isinstance(pk, list) else [pk])
        schemas[name] = schema
    source = (desc.get("sources") or [{}])[0]
    return Side(
        # Read leniently: the release before may have been written by an older build.
        id=str(desc.get("release", {}).get("id", "")),
        version=str(desc.get("version", "")),
        commit=str(source.get("version") or source.get("commit") or ""),
        descriptor_sha256=hashlib.sha256(files["datapackage.json"]).hexdigest(),
        schemas=schemas,
        tables=tables,
    )


def compare(previous: Side, current: Side) -> Changes:
    rows = [_row_changes(name, previous, current) for name in KEYED]
    rows = [r for r in rows if r is not None]
    schema_lines, schema_level = _schema_changes(previous.schemas, current.schemas)
    row_counts = [
        (
            name,
            previous.tables[name].count if name in previous.tables else None,
            current.tables[name].count if name in current.tables else None,
        )
        for name in sorted(previous.tables.keys() | current.tables.keys())
    ]
    level, reasons = schema_level, [f"schemas: {line}" for line in schema_lines]
    grew = [t for t, a, b in row_counts if a is not None and b is not None and b > a]
    if grew:
        level = _max(level, "minor")
        reasons.append("rows added to " + ", ".join(f"`{t}`" for t in grew))
    changed = [r.name for r in rows if r.changed]
    if changed:
        level = _max(level, "minor")
        reasons.append("values changed in " + ", ".join(f"`{t}`" for t in changed))
    referenced = {
        fk["reference"].get("resource")
        for s in current.schemas.values()
        for fk in s.get("foreignKeys", [])
    }
    lost = _referenced_rows_removed(previous, current, referenced)
    if lost:
        level = "major"
        reasons.append("rows other tables refer to removed from " + ", ".join(lost))
    return Changes(
        previous,
        current,
        rows,
        _publisher_counts(previous, current),
        row_counts,
        schema_lines,
        level,
        reasons,
    )


def _max(a: str, b: str) -> str:
    return max(a, b, key=LEVELS.index)


def _row_changes(name: str, previous: Side, current: Side) -> RowChanges | None:
    if name not in previous.tables or name not in current.tables:
        return None
    old, new = previous.tables[name].keyed(), current.tables[name].keyed()
    out = RowChanges(name, current.tables[name].pk)
    out.added = sorted(new.keys() - old.keys())
    out.removed = sorted(old.keys() - new.keys())
    for key in sorted(old.keys() & new.keys()):
        a, b = old[key], new[key]
        diff = {f: (a.get(f, ""), b.get(f, "")) for f in b if a.get(f) != b[f] and f in a}
        if diff:
            out.changed[key] = diff
    return out


def _referenced_rows_removed(previous: Side, current: Side, referenced: set[Any]) -> list[str]:
    out = []
    for name in sorted(r for r in referenced if isinstance(r, str)):
        if name in previous.tables and name in current.tables and previous.tables[name].pk:
            gone = len(previous.tables[name].keys - current.tables[name].keys)
            if gone:
                out.append(f"`{name}` ({n(gone)})")
    return out


Counts = dict[str, tuple[int, int]]  # count -> (before, after)


def _publisher_counts(previous: Side, current: Side) -> list[tuple[str, Counts]]:
    if "publishers" not in previous.tables or "publishers" not in current.tables:
        return []
    old, new = previous.tables["publishers"].keyed(), current.tables["publishers"].keyed()
    out = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key, {}), new.get(key, {})
        counts = {
            c: (int(a.get(c) or 0), int(b.get(c) or 0))
            for c in PUBLISHER_COUNTS
            if c in a or c in b
        }
        if any(x != y for x, y in counts.values()):
            out.append((key[0], counts))
    return out


def _keys(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value]


def _fk_text(fk: Mapping[str, Any]) -> str:
    ref = fk["reference"]
    return (
        f"({', '.join(_keys(fk['fields']))}) → {ref.get('resource', '')}"
        f"({', '.join(_keys(ref['fields']))})"
    )


def _schema_changes(
    old: Mapping[str, Mapping[str, Any]], new: Mapping[str, Mapping[str, Any]]
) -> tuple[list[str], str]:
    """Schema changes in words, and the version step they ask for."""
    lines: list[str] = []
    level = "none"
    for name in sorted(old.keys() - new.keys()):
        lines.append(f"resource `{name}` removed")
        level = "major"
    for name in sorted(new.keys() - old.keys()):
        lines.append(f"resource `{name}` added")
        level = _max(level, "minor")
    for name in sorted(old.keys() & new.keys()):
        a, b = old[name], new[name]
        fa = {f["name"]: f for f in a["fields"]}
        fb = {f["name"]: f for f in b["fields"]}
        for f in [f for f in fa if f not in fb]:
            lines.append(f"`{name}.{f}` removed")
            level = "major"
        for f in [f for f in fb if f not in fa]:
            lines.append(f"`{name}.{f}` added")
            level = "major"  # the recipe: adding a column is a MAJOR change
        common_a = [f for f in fa if f in fb]
        if common_a != [f for f in fb if f in fa]:
            lines.append(f"`{name}`: fields reordered")
            level = "major"
        for f in common_a:
            x, y = fa[f], fb[f]
            if (x["type"], x.get("format")) != (y["type"], y.get("format")):
                lines.append(f"`{name}.{f}`: type `{x['type']}` → `{y['type']}`")
                level = "major"
            for prop in ("delimiter", "itemType"):
                if x.get(prop) != y.get(prop):
                    lines.append(f"`{name}.{f}`: {prop} {x.get(prop)!r} → {y.get(prop)!r}")
                    level = "major"
            ca, cb = x.get("constraints", {}), y.get("constraints", {})
            for c in sorted(ca.keys() | cb.keys()):
                if ca.get(c) == cb.get(c):
                    continue
                if c not in cb:
                    lines.append(f"`{name}.{f}`: constraint `{c}` dropped")
                    level = _max(level, "minor")
                else:
                    what = "added" if c not in ca else "changed"
                    lines.append(f"`{name}.{f}`: constraint `{c}` {what}")
                    level = "major"
            if (x.get("description"), x.get("title")) != (y.get("description"), y.get("title")):
                lines.append(f"`{name}.{f}`: description changed")
                level = _max(level, "patch")
        if _keys(a.get("primaryKey", [])) != _keys(b.get("primaryKey", [])):
            lines.append(f"`{name}`: primary key changed")
            level = "major"
        fks_a = sorted(_fk_text(fk) for fk in a.get("foreignKeys", []))
        fks_b = sorted(_fk_text(fk) for fk in b.get("foreignKeys", []))
        if fks_a != fks_b:
            lines.append(f"`{name}`: foreign keys changed")
            level = "major"
        if (a.get("title"), a.get("description")) != (b.get("title"), b.get("description")):
            lines.append(f"`{name}`: title or description changed")
            level = _max(level, "patch")
    return lines, level


def version_step(previous: str, current: str) -> str:
    """The step from one MAJOR.MINOR.PATCH version to the next: none, patch, minor or major
    (``backwards`` when it goes down or does not parse)."""
    try:
        a = tuple(int(p) for p in previous.split("+")[0].split("."))
        b = tuple(int(p) for p in current.split("+")[0].split("."))
    except ValueError:
        return "backwards"
    if len(a) != 3 or len(b) != 3 or b < a:
        return "backwards"
    if b[0] > a[0]:
        return "major"
    if b[1] > a[1]:
        return "minor"
    return "patch" if b[2] > a[2] else "none"


def step_is_enough(changes: Changes) -> bool:
    step = version_step(changes.previous.version, changes.current.version)
    return step != "backwards" and LEVELS.index(step) >= LEVELS.index(changes.level)


# --- Markdown -----------------------------------------------------------------------------------


def _cell(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > CELL:
        text = text[: CELL - 1] + "…"
    return md_escape(text) if text else "(empty)"


def _key(key: tuple[str, ...], *, in_table: bool = False) -> str:
    """A primary key from the data, as a code span."""
    return code(" / ".join(key), in_table=in_table)


def _plural(count: int, word: str) -> str:
    return f"{n(count)} {word}" + ("" if count == 1 else "s")


def summary(changes: Changes) -> list[str]:
    """A few lines: rows added, removed and changed per keyed table, and what else moved."""
    lines = []
    for r in changes.rows:
        before = next(a for t, a, _ in changes.row_counts if t == r.name)
        after = next(b for t, _, b in changes.row_counts if t == r.name)
        lines.append(
            f"- **{r.name}**: {n(before or 0)} → {n(after or 0)}: {n(len(r.added))} added, "
            f"{n(len(r.removed))} removed, {n(len(r.changed))} changed."
        )
    moved = changes.counts
    if moved:
        top = sorted(
            moved, key=lambda m: (-abs(m[1]["model_count"][1] - m[1]["model_count"][0]), m[0])
        )
        shown = [
            f"{code(h)} {c['model_count'][0]} → {c['model_count'][1]}"
            for h, c in top[:5]
            if c["model_count"][0] != c["model_count"][1]
        ]
        lines.append(
            f"- **Counts per publisher** moved for {_plural(len(moved), 'publisher')}"
            + (f"; models: {', '.join(shown)}" if shown else "")
            + "."
        )
    lines.append(
        "- **Schemas**: "
        + ("unchanged." if not changes.schema else f"{_plural(len(changes.schema), 'change')}.")
    )
    return lines


def _row_section(r: RowChanges) -> list[str]:
    lines = [f"## {r.name.capitalize()}", ""]
    key_name = " / ".join(r.pk)
    lines.append(
        f"Keyed by `{key_name}`: {n(len(r.added))} added, {n(len(r.removed))} removed, "
        f"{n(len(r.changed))} changed."
    )
    for title, keys in (("Added", r.added), ("Removed", r.removed)):
        if keys:
            lines += ["", f"**{title}** ({n(len(keys))}): " + ", ".join(_key(k) for k in keys)]
    if not r.changed:
        return lines
    by_field: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
    for key, diff in r.changed.items():
        for f, (a, b) in diff.items():
            by_field.setdefault(f, []).append((key, a, b))
    lines += ["", f"**Changed** ({n(len(r.changed))}), by field:", ""]
    lines += table(
        ["Field", "Rows changed"],
        [[f"`{f}`", n(len(v))] for f, v in sorted(by_field.items(), key=lambda kv: -len(kv[1]))],
        "lr",
    )
    for f, items in sorted(by_field.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        lines += ["", f"`{f}`:", ""]
        transitions = Counter((a, b) for _, a, b in items)
        if len(items) <= DETAIL_ROWS:
            lines += table(
                [key_name, "Before", "After"],
                [[_key(k, in_table=True), _cell(a), _cell(b)] for k, a, b in items],
            )
        elif len(transitions) <= TRANSITIONS:
            lines += table(
                ["Before", "After", "Rows"],
                [
                    [_cell(a), _cell(b), n(c)]
                    for (a, b), c in sorted(transitions.items(), key=lambda kv: (-kv[1], kv[0]))
                ],
                "llr",
            )
        else:
            keys = [_key(k) for k, _, _ in items]
            more = len(keys) - SHOWN_KEYS
            lines.append(
                f"{n(len(items))} rows with {n(len(transitions))} different changes, among them "
                + ", ".join(keys[:SHOWN_KEYS])
                + (f" and {n(more)} more" if more > 0 else "")
                + f"; compare `data/{r.name}.csv` of both releases for every value."
            )
    return lines


def _counts_section(changes: Changes) -> list[str]:
    lines = ["## Counts per publisher", ""]
    if not changes.counts:
        return [*lines, "No publisher's counts moved."]
    labels = {
        "model_count": "Models",
        "version_count": "Versioned docs",
        "collection_count": "Collections",
        "link_count": "Links",
    }
    cols = [c for c in PUBLISHER_COUNTS if any(c in m for _, m in changes.counts)]

    def cell(pair: tuple[int, int]) -> str:
        a, b = pair
        return n(a) if a == b else f"{n(a)} → {n(b)} ({b - a:+,})"

    lines.append(
        f"Publishers whose {', '.join(labels[c].lower() for c in cols)} count moved "
        "(`publishers` table; a publisher absent from one release counts 0 there):"
    )
    lines.append("")
    lines += table(
        ["Publisher", *(labels[c] for c in cols)],
        [[code(h, in_table=True), *(cell(m[c]) for c in cols)] for h, m in changes.counts],
        "l" + "r" * len(cols),
    )
    return lines


def render_changes(
    changes: Changes | None, release_id: str, version: str, notes: Sequence[str] = ()
) -> str:
    """CHANGES.md of a release; ``changes`` is None for the first release; ``notes`` are
    paragraphs about this release itself (an opt-out applied, say), under Notes."""
    lines = [f"# Changes in release {release_id} (version {version})", ""]
    lines.append(
        "<!-- Generated by the build (tfhub_dataset/report/changes.py) from the tables of this "
        "release and of the pinned release before it. Do not edit by hand. -->"
    )
    lines.append("")
    notes_section = ["", "## Notes", "", *"\n\n".join(notes).split("\n")] if notes else []
    if changes is None:
        lines.append(
            "This is the first pinned release: there is no earlier release to compare it with. "
            "Each later release's CHANGES.md compares it with the pinned release before it."
        )
        return "\n".join(lines + notes_section) + "\n"
    p, c = changes.previous, changes.current
    lines += [
        f"Compared with release `{p.id}` (version {p.version}, source commit `{p.commit[:12]}`, "
        f"whose `datapackage.json` has SHA-256 `{p.descriptor_sha256}`), the pinned release "
        "before this one, as built beside it (or, when absent, as committed under `releases/`).",
        "",
        "## Summary",
        "",
        *summary(changes),
        *notes_section,
        "",
        "## Version",
        "",
    ]
    step = version_step(p.version, c.version)
    reasons = "; ".join(changes.reasons) or "nothing changed"
    verdict = (
        "which this version's step covers"
        if step_is_enough(changes)
        else f"but the version moves by {step}: the pinned version needs a larger step"
    )
    lines.append(
        f"{p.version} → {c.version} ({step} step). The [Data Package Version recipe]"
        f"(https://datapackage.org/recipes/data-package-version/) asks for a {changes.level} "
        f"step here ({reasons}), {verdict}."
    )
    for r in changes.rows:
        lines += ["", *_row_section(r)]
    lines += ["", *_counts_section(changes)]
    lines += ["", "## Rows per table", ""]
    lines += table(
        ["Table", p.id, c.id, "Change"],
        [
            [
                f"`{t}`",
                "—" if a is None else n(a),
                "—" if b is None else n(b),
                "" if a is None or b is None or a == b else f"{b - a:+,}",
            ]
            for t, a, b in changes.row_counts
        ],
        "lrrr",
    )
    lines += ["", "## Schema changes", ""]
    lines += [f"- {s}" for s in changes.schema] or ["None: every Table Schema is the same."]
    return "\n".join(lines) + "\n"
