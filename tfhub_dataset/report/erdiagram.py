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


# A table that at least this many foreign keys refer to gets a diagram of its own; the other
# keys share one. Each diagram shows only the key fields of its relationships, so it stays
# readable at page width whatever the number of tables.
STAR = 3


def er_diagrams(schemas: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, list[str]]]:
    """The diagram split into small ones: (title, Markdown lines) per table that STAR or more
    foreign keys refer to (it and the tables referring to it), then one of the other keys.
    Every relationship is in exactly one diagram."""
    edges = []
    for name in sorted(schemas):
        s = schemas[name]
        required = {
            f["name"] for f in s["fields"] if f.get("constraints", {}).get("required", False)
        }
        for fk in s.get("foreignKeys", []):
            parent = fk["reference"].get("resource") or name
            edges.append((parent, name, _keys(fk["fields"]), _keys(fk["reference"]["fields"]),
                          all(c in required for c in _keys(fk["fields"]))))  # fmt: skip
    indegree: dict[str, int] = {}
    for parent, *_ in edges:
        indegree[parent] = indegree.get(parent, 0) + 1
    stars = sorted((t for t, d in indegree.items() if d >= STAR), key=lambda t: (-indegree[t], t))
    groups = [(f"Tables that refer to `{t}`", [e for e in edges if e[0] == t]) for t in stars]
    rest = [e for e in edges if e[0] not in stars]
    if rest:
        groups.append(("The other keys" if stars else "Tables and keys", rest))
    return [(title, _diagram(schemas, group)) for title, group in groups]


def _diagram(schemas: Mapping[str, Mapping[str, Any]], edges: list) -> list[str]:
    lines = ["```mermaid", "erDiagram"]
    shown: dict[str, set[str]] = {}
    for parent, child, cols, refs, required in edges:
        one = "||" if required else "|o"
        lines.append(f'    {parent} {one}--o{{ {child} : "{", ".join(cols)}"')
        shown.setdefault(parent, set()).update(refs)
        shown.setdefault(child, set()).update(cols)
    for name in sorted(n for n in shown if n in schemas):  # a table not given: its name only
        s = schemas[name]
        pk = set(_keys(s.get("primaryKey", [])))
        fk = {c for k in s.get("foreignKeys", []) for c in _keys(k["fields"])}
        lines.append(f"    {name} {{")
        for f in s["fields"]:
            if f["name"] not in shown[name] | pk:
                continue
            flags = (("PK", f["name"] in pk), ("FK", f["name"] in fk))
            marks = ", ".join(m for m, on in flags if on)
            lines.append(f"        {f['type']} {f['name']}" + (f" {marks}" if marks else ""))
        lines.append("    }")
    lines.append("```")
    return lines
