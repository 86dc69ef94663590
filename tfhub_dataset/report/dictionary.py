"""The data dictionary: every resource and field of a release, generated from its Table Schemas."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tfhub_dataset.report.erdiagram import STAR, er_diagrams
from tfhub_dataset.report.markdown import code, md_escape, table

TYPE_NOTES = {
    "string": "text",
    "integer": "whole number",
    "number": "decimal number",
    "boolean": "`true` or `false`",
    "date": "YYYY-MM-DD",
    "datetime": "YYYY-MM-DDThh:mm:ssZ (UTC)",
    "yearmonth": "YYYY-MM",
    "list": "items joined by the field's delimiter (text in Parquet and SQLite)",
}


# A regular expression longer than this is written below its table, not in it.
LONG_PATTERN = 24


def _related(name: str, schemas: Mapping[str, Mapping[str, Any]]) -> bool:
    """The table has a foreign key, or one refers to it."""
    if schemas[name].get("foreignKeys"):
        return True
    return any(
        (fk["reference"].get("resource") or n) == name
        for n, s in schemas.items()
        for fk in s.get("foreignKeys", [])
    )


def _fenced(rows: list[str]) -> list[str]:
    """A fenced block holding ``rows`` literally (its fence longer than any backtick run)."""
    longest = max((len(m) for r in rows for m in re.findall(r"`+", r)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", *(r.replace("\r", " ").replace("\n", " ") for r in rows), fence]


def load_schemas(schema_dir: Path) -> dict[str, dict[str, Any]]:
    """Every ``<name>.json`` under ``schema_dir``, by name."""
    return {
        p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(schema_dir.glob("*.json"))
    }


def _code(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return code(text, in_table=True)  # constraints are written in the fields table


def constraints_text(field: Mapping[str, Any], notes: list[str] | None = None) -> str:
    """The field's constraints in words, required excluded (it has its own column). With
    ``notes``, a pattern longer than LONG_PATTERN is appended there and named by its number,
    so that it does not widen the fields table."""
    c = field.get("constraints", {})
    parts = []
    if c.get("unique"):
        parts.append("unique")
    if "enum" in c:
        parts.append("one of " + ", ".join(_code(v) for v in c["enum"]))
    if "pattern" in c:
        pattern = c["pattern"]
        if notes is not None and len(pattern) > LONG_PATTERN:
            notes.append(pattern)
            parts.append(f"matches pattern {len(notes)} (below)")
        else:
            parts.append("matches " + _code(pattern))
    for key, word in (("minimum", "≥"), ("maximum", "≤")):
        if key in c:
            parts.append(f"{word} {c[key]}")
    for key, word in (("minLength", "length ≥"), ("maxLength", "length ≤")):
        if key in c:
            parts.append(f"{word} {c[key]}")
    known = {
        "required",
        "unique",
        "enum",
        "pattern",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
    }
    for key in sorted(set(c) - known):
        parts.append(f"{key}: {_code(c[key])}")
    return "; ".join(parts)


def _foreign_keys(schema: Mapping[str, Any]) -> list[str]:
    out = []
    for fk in schema.get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk["reference"]
        ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        target = ref.get("resource") or "(this resource)"
        out.append(
            f"{', '.join(f'`{f}`' for f in fields)} → `{target}`."
            f"{', '.join(f'`{f}`' for f in ref_fields)}"
        )
    return out


def render_dictionary(
    schemas: Mapping[str, Mapping[str, Any]],
    *,
    title: str = "Data dictionary",
    row_counts: Mapping[str, int] | None = None,
    intro: str | None = None,
) -> str:
    """Markdown describing every resource of ``schemas`` (sorted by name) and every field."""
    lines = [f"# {title}", ""]
    lines.append(
        intro
        or (
            "Generated from the Table Schemas in `schemas/` (the source of truth); do not edit by "
            "hand. Each resource is one table, written twice with identical content: "
            "`data/<resource>.csv` (RFC 4180, UTF-8, CRLF line ends, header row) and "
            "`data/<resource>.parquet`. An empty CSV cell is a missing value (null)."
        )
    )
    lines.append("")
    lines.append("## Resources")
    lines.append("")
    rows = []
    for name in sorted(schemas):
        s = schemas[name]
        count = "" if row_counts is None else f"{row_counts.get(name, 0):,}"
        rows.append(
            [f"[`{name}`](#{name})", md_escape(s.get("title", name)), len(s["fields"]), count]
        )
    headers = ["Resource", "Title", "Fields", "Rows"]
    if row_counts is None:
        headers, rows = headers[:3], [r[:3] for r in rows]
    lines += table(headers, rows, "llr" + ("r" if row_counts is not None else ""))
    lines.append("")
    lines.append("Types: " + "; ".join(f"`{t}` {d}" for t, d in TYPE_NOTES.items()) + ".")
    lines += ["", "## Tables and keys", ""]
    lines.append(
        "Each line joins a table to a table that one of its foreign keys refers to (`||` exactly "
        "one, `|o` zero or one when the key may be empty, `o{` zero or more); each box lists the "
        "primary key (PK) and the foreign key (FK) fields of the relationships drawn. A table "
        f"that {STAR} or more foreign keys refer to has a diagram of its own, so that each stays "
        "readable at page width; every relationship is drawn once."
    )
    keyless = [n for n in sorted(schemas) if not _related(n, schemas)]
    for heading, diagram in er_diagrams(schemas):
        lines += ["", f"### {heading}", "", *diagram]
    if keyless:
        lines += ["", "Tables no foreign key joins: " + ", ".join(f"`{n}`" for n in keyless) + "."]
    for name in sorted(schemas):
        s = schemas[name]
        lines += ["", f"## {name}", ""]
        lines.append(f"**{md_escape(s.get('title', name))}.** {s.get('description', '')}".rstrip())
        lines.append("")
        lines.append(
            f"- Files: `data/{name}.csv`, `data/{name}.parquet`; schema `schemas/{name}.json`"
        )
        if row_counts is not None:
            lines.append(f"- Rows: {row_counts.get(name, 0):,}")
        pk = s.get("primaryKey")
        if pk:
            pk = pk if isinstance(pk, list) else [pk]
            lines.append("- Primary key: " + ", ".join(f"`{k}`" for k in pk))
        fks = _foreign_keys(s)
        if fks:
            lines.append("- Foreign keys: " + "; ".join(fks))
        lines.append("")
        field_rows = []
        notes: list[str] = []
        for f in s["fields"]:
            required = "yes" if f.get("constraints", {}).get("required") else "no"
            field_rows.append(
                [
                    f"`{f['name']}`",
                    f"`{f['type']}`",
                    required,
                    constraints_text(f, notes),
                    md_escape(f.get("description", "")),
                ]
            )
        lines += table(["Field", "Type", "Required", "Constraints", "Description"], field_rows)
        if notes:
            lines += ["", "Patterns (regular expressions a value must match whole):", ""]
            lines += _fenced([f"{i}: {p}" for i, p in enumerate(notes, start=1)])
    lines.append("")
    return "\n".join(lines)
