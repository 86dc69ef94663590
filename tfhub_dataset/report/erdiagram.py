"""A Mermaid ``erDiagram`` of the tables and their keys, generated from the Table Schemas.

GitHub renders it in Markdown. Each table shows its key fields (PK, FK) only, or all its fields
when it has no key; each foreign key is a relationship from the referenced table (exactly one,
or zero or one when the field may be empty) to the referencing table (zero or more)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _keys(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value]


def er_diagram(schemas: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The diagram as Markdown lines (a fenced ``mermaid`` block)."""
    lines = ["```mermaid", "erDiagram"]
    for name in sorted(schemas):
        s = schemas[name]
        required = {
            f["name"] for f in s["fields"] if f.get("constraints", {}).get("required", False)
        }
        for fk in s.get("foreignKeys", []):
            parent = fk["reference"].get("resource") or name
            cols = _keys(fk["fields"])
            one = "||" if all(c in required for c in cols) else "|o"
            lines.append(f'    {parent} {one}--o{{ {name} : "{", ".join(cols)}"')
    for name in sorted(schemas):
        s = schemas[name]
        pk = set(_keys(s.get("primaryKey", [])))
        fk = {c for k in s.get("foreignKeys", []) for c in _keys(k["fields"])}
        shown = [f for f in s["fields"] if f["name"] in pk | fk] or s["fields"]
        lines.append(f"    {name} {{")
        for f in shown:
            flags = (("PK", f["name"] in pk), ("FK", f["name"] in fk))
            marks = ", ".join(m for m, on in flags if on)
            lines.append(f"        {f['type']} {f['name']}" + (f" {marks}" if marks else ""))
        lines.append("    }")
    lines.append("```")
    return lines
