"""Concentration by organisation, from a release's written ``publishers`` table (any hub).

A publisher's ``organization`` (curated, build/annotations/<hub>/publisher_types.csv, names from
build/annotations/organizations.csv) groups the publishers behind one organisation; a publisher
without one (a person publishing on their own, or unannotated) counts as itself."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tfhub_dataset.report.markdown import md_escape, n, names, pct, table
from tfhub_dataset.report.release import Row


@dataclass(frozen=True)
class Group:
    organization: str | None  # None: a publisher on its own
    publishers: tuple[str, ...]  # handles, sorted
    models: int


def by_organization(publishers: Sequence[Row], count: str = "model_count") -> list[Group]:
    """Publishers grouped by organisation, most models first (ties by name); ``count`` is the
    column summed."""
    groups: dict[tuple[str, str], list[Row]] = {}
    for p in publishers:
        org = p.get("organization")
        groups.setdefault(("org", org) if org else ("own", p["handle"]), []).append(p)
    out = [
        Group(
            key[1] if key[0] == "org" else None,
            tuple(sorted(r["handle"] for r in rows)),
            sum(r[count] for r in rows),
        )
        for key, rows in groups.items()
    ]
    return sorted(out, key=lambda g: (-g.models, g.organization or g.publishers[0]))


def organization_section(
    publishers: Sequence[Row], total: int, name: Callable[[str], str], top: int = 10
) -> list[str]:
    """Markdown: the organisations with the most models, each with its publishers."""
    groups = [g for g in by_organization(publishers) if g.organization]
    if not groups:
        return []
    rows = [
        [i, md_escape(g.organization), n(len(g.publishers)),
         names(g.publishers, 8), n(g.models), pct(g.models, total)]
        for i, g in enumerate(groups[:top], start=1)
    ]  # fmt: skip
    first = by_organization(publishers)[0]
    lead = (
        md_escape(first.organization)
        if first.organization
        else md_escape(name(first.publishers[0]))
    )
    lines = [
        f"**By organisation** (`publishers.organization`: the publishers behind one organisation "
        f"together; a publisher without one counts as itself): the largest, {lead}, holds "
        f"{pct(first.models, total)} of the {n(total)} models. The {min(top, len(groups))} "
        "organisations with the most models:",
        "",
    ]
    lines += table(
        ["#", "Organisation", "Publishers", "Handles", "Models", "Share of all models"],
        rows,
        "rlrlrr",
    )
    return lines
