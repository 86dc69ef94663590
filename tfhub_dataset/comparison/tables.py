"""The comparison's tables, from each column's HubView (pure).

A *column* is one hub's release in one set: "same day, <date>" (each hub's release in force on a
day every hub has a pin for) or "last commit" (each hub's latest pin). Conventions (the schemas
under schemas/comparison/ and the README repeat them):

- every concentration figure is stated on two units, the hub's own (``own``) and what a user can
  load (``loadable``), and for two groupings: by publisher (the hub's own: a doc, an account, an
  author string) and by organisation (publishers grouped by the curated organisation behind them;
  a publisher with none is a group of its own);
- models per publisher count the groups with at least one unit; sd is the sample standard
  deviation (n - 1); Gini = sum_i sum_j |x_i - x_j| / (2 n^2 mean) over those counts;
- shares of units are over every unit of the hub, with a publisher or not; the top groups are
  those with the most units, ties by name;
- a publisher *has* a link type when one of its links (each hub says which links are its) is of
  that type;
- an organisation is present in a column when one of its publishers has at least one own unit.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tfhub_dataset.comparison.view import HubView, Units

Row = dict[str, Any]
TOP_K = 3
UNITS = ("own", "loadable")
GROUPINGS = ("publisher", "organization")
TYPES = ("individual", "organization", "unannotated")


@dataclass(frozen=True)
class Column:
    """One hub's release in one set of the comparison."""

    hub: str
    hub_title: str
    label: str  # "same day, 2022-04-05" or "last commit"
    release: str
    descriptor: dict[str, Any]
    descriptor_sha256: str
    view: HubView

    @property
    def label_id(self) -> str:
        return self.label.replace(",", "").replace(" ", "-")

    @property
    def id(self) -> str:
        return f"{self.hub}/{self.label_id}"


def gini(values: Sequence[int]) -> float:
    """sum_i sum_j |x_i - x_j| / (2 n^2 mean), computed from the sorted values (0 for none)."""
    xs = sorted(values)
    total, count = sum(xs), len(xs)
    if not count or not total:
        return 0.0
    weighted = sum((2 * i - count - 1) * x for i, x in enumerate(xs, start=1))
    return weighted / (count * total)


def groups(view: HubView, grouping: str) -> dict[str, frozenset[str]]:
    """Group name -> its publishers: each publisher alone, or by its organisation."""
    if grouping == "publisher":
        return {p.handle: frozenset({p.handle}) for p in view.publishers}
    out: dict[str, set[str]] = {}
    for p in view.publishers:
        out.setdefault(p.organization or p.handle, set()).add(p.handle)
    return {g: frozenset(members) for g, members in out.items()}


def group_counts(view: HubView, unit: str, grouping: str) -> list[tuple[str, int]]:
    """(group, units) for the groups with at least one unit, most first, ties by name."""
    units: Units = getattr(view, unit)
    counts = [(g, units.count(members)) for g, members in groups(view, grouping).items()]
    return sorted(((g, k) for g, k in counts if k), key=lambda gk: (-gk[1], gk[0]))


def _figure(
    column: Column,
    figure: str,
    value: float,
    unit: str = "none",
    grouping: str = "none",
    detail: str | None = None,
) -> Row:
    return {
        "column": column.id,
        "figure": figure,
        "unit": unit,
        "grouping": grouping,
        "value": round(float(value), 6),
        "detail": detail,
    }


def _concentration(column: Column, unit: str, grouping: str) -> list[Row]:
    """The figures of one distribution: units per group, over the groups holding any."""
    counts = group_counts(column.view, unit, grouping)
    values = [k for _, k in counts]
    total = getattr(column.view, unit).total
    first = counts[0][0] if counts else None
    top = ", ".join(g for g, _ in counts[:TOP_K]) or None
    stats = {
        "holders": len(values),
        "mean": statistics.fmean(values) if values else 0.0,
        "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
        "median": statistics.median(values) if values else 0.0,
        "gini": gini(values),
        "single_unit_holders": sum(k == 1 for k in values),
    }
    rows = [_figure(column, f, v, unit, grouping) for f, v in stats.items()]
    rows.append(_figure(column, "max", values[0] if values else 0, unit, grouping, first))
    top1 = _ratio(sum(values[:1]), total)
    rows.append(_figure(column, "top1_share", top1, unit, grouping, first))
    top_share = _ratio(sum(values[:TOP_K]), total)
    rows.append(_figure(column, f"top{TOP_K}_share", top_share, unit, grouping, top))
    return rows


def figures(column: Column) -> list[Row]:
    v = column.view
    handles = {p.handle for p in v.publishers}
    rows = [_figure(column, "publishers", len(v.publishers))]
    for t in TYPES:
        count = sum(p.type == t for p in v.publishers)
        rows.append(_figure(column, f"publishers_{t}", count, grouping="publisher"))
    for unit in UNITS:
        units: Units = getattr(v, unit)
        by_orgs = units.count({p.handle for p in v.publishers if p.type == "organization"})
        rows += [
            _figure(column, "units", units.total, unit),
            _figure(column, "units_without_publisher", units.total - units.count(handles), unit),
            _figure(column, "share_by_organization_type", _ratio(by_orgs, units.total), unit),
        ]
        for grouping in GROUPINGS:
            rows += _concentration(column, unit, grouping)
    orgs = {p.organization for p in v.publishers if p.organization and v.own.count({p.handle})}
    rows.append(_figure(column, "organizations", len(orgs), grouping="organization"))
    return rows


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def holdings(column: Column) -> list[Row]:
    """The distribution behind the concentration figures: each group's units, per unit and
    grouping (groups with at least one unit)."""
    v = column.view
    rows = []
    for unit in UNITS:
        for grouping in GROUPINGS:
            members = groups(v, grouping)
            for rank, (g, k) in enumerate(group_counts(v, unit, grouping), start=1):
                rows.append(
                    {
                        "column": column.id,
                        "unit": unit,
                        "grouping": grouping,
                        "group": g,
                        "rank": rank,
                        "units": k,
                        "publishers": " ".join(sorted(members[g])),
                    }
                )
    return rows


ADDED_AS = ("publisher", "hub-staff", "campaign", "import")


def _added(column: Column, link_type: str | None) -> dict[str, int | None]:
    """How the release's links of a type (all types: None) were added: by the publisher, the
    hub's staff, a curation campaign, an import (None where the release has no community
    tables)."""
    c = column.view.community
    if c is None:
        return {"links": None, **{f"added_by_{a.replace('-', '_')}": None for a in ADDED_AS}}
    counts: dict[str, int] = {}
    for t, by in c["links"].items():
        if link_type is None or t == link_type:
            for a, k in by.items():
                counts[a] = counts.get(a, 0) + k
    return {
        "links": sum(counts.values()),
        **{f"added_by_{a.replace('-', '_')}": counts.get(a, 0) for a in ADDED_AS},
    }


def link_types(column: Column) -> list[Row]:
    v = column.view
    total = len(v.publishers)
    anyone = frozenset().union(*v.link_publishers.values()) if v.link_publishers else frozenset()
    rows = [
        {
            "column": column.id,
            "link_type": t,
            "publishers": len(p),
            "share": _ratio(len(p), total),
            **_added(column, t),
        }
        for t, p in sorted(v.link_publishers.items())
    ]
    rows.append(
        {
            "column": column.id,
            "link_type": "(any)",
            "publishers": len(anyone),
            "share": _ratio(len(anyone), total),
            **_added(column, None),
        }
    )
    return [{**r, "share": round(r["share"], 6)} for r in rows]


def community(column: Column) -> list[Row]:
    """The community figures of a column (none where its release has no community tables):
    people, data commits by affiliation, who publishes whose docs, outside contributors."""
    c = column.view.community
    if c is None:
        return []

    def row(figure: str, value: float | None, detail: str | None = None) -> Row:
        v = None if value is None else round(float(value), 6)
        return {"column": column.id, "figure": figure, "value": v, "detail": detail}

    data = c["data_commits"]
    rows = [
        row("contributors", c["contributors"]),
        row("identities", c["identities"]),
        *(row(f"contributors_{a}", k) for a, k in c["affiliations"].items()),
        row("data_commits", sum(data.values())),
        *(row(f"data_commits_{a}", k) for a, k in data.items()),
        row("data_commits_team_share", c["team_share"]),
    ]
    for key in ("publishers_own", "publishers_by_others", "publishers_imported"):
        rows.append(row(key, len(c[key]), " ".join(c[key]) or None))
    hf = c["huggingface"]
    if hf["links"]:
        rows.append(row("huggingface_links", hf["links"]))
        rows.append(row("huggingface_curated_share", hf["curated_share"]))
        self_added = " ".join(hf["publishers_self_added"]) or None
        rows.append(row("huggingface_self_added", len(hf["self_added"]), self_added))
    return rows


def channels(column: Column) -> list[Row]:
    c = column.view.community
    if c is None:
        return []
    total = sum(c["channels"].values())
    return [
        {
            "column": column.id,
            "channel": cid,
            "title": c["channel_titles"][cid],
            "commits": k,
            "share": round(_ratio(k, total), 6),
        }
        for cid, k in c["channels"].items()
    ]


def subjects(column: Column) -> list[Row]:
    total = column.view.own.total
    return [
        {
            "column": column.id,
            "vocabulary": s.vocabulary,
            "source": s.source,
            "term": term,
            "units": count,
            "share": round(_ratio(count, total), 6),
        }
        for s in column.view.subjects
        for term, count in sorted(s.counts.items())
    ]


def organization_presence(column: Column) -> list[Row]:
    v = column.view
    by_org: dict[str, set[str]] = {}
    for p in v.publishers:
        if p.organization:
            by_org.setdefault(p.organization, set()).add(p.handle)
    rows = []
    for org, members in sorted(by_org.items()):
        own = v.own.count(members)
        if not own:
            continue
        rows.append(
            {
                "column": column.id,
                "organization": org,
                "publishers": sum(1 for m in members if v.own.count({m})),
                "units_own": own,
                "units_loadable": v.loadable.count(members),
                "publisher_handles": " ".join(sorted(m for m in members if v.own.count({m}))),
            }
        )
    return rows


def organization_publishers(columns: Sequence[Column]) -> list[Row]:
    """Every publisher mapped to an organisation in any column (the latest column of its hub
    that lists it gives its name, type and evidence)."""
    out: dict[tuple[str, str], Row] = {}
    for c in columns:  # later columns win: the last commit comes last
        for p in c.view.publishers:
            if p.organization:
                out[(c.hub, p.handle)] = {
                    "organization": p.organization,
                    "hub": c.hub,
                    "publisher": p.handle,
                    "display_name": p.display_name,
                    "type": p.type,
                    "evidence": p.evidence,
                }
    return sorted(out.values(), key=lambda r: (r["organization"], r["hub"], r["publisher"]))


def growth(columns: Sequence[Column]) -> list[Row]:
    """Each hub's monthly series, from its latest column (the last commit)."""
    latest: dict[str, Column] = {}
    for c in columns:
        latest[c.hub] = c
    return [
        {
            "hub": hub,
            "month": m.month,
            "models": m.models,
            "publishers": m.publishers,
            "publishers_with_models": m.publishers_with_models,
        }
        for hub, c in latest.items()
        for m in c.view.growth
    ]


def column_rows(columns: Sequence[Column]) -> list[Row]:
    return [
        {
            "column": c.id,
            "position": i,
            "hub": c.hub,
            "hub_title": c.hub_title,
            "label": c.label,
            "as_of": c.descriptor["release"]["asOf"],
            "release": c.release,
            "version": c.descriptor["version"],
            "commit": c.descriptor["sources"][0]["version"],
            "commit_date": c.descriptor["created"],
            "datapackage_sha256": c.descriptor_sha256,
            "unit_own": c.view.own.name,
            "unit_loadable": c.view.loadable.name,
            "publishers_are": c.view.texts.get("publishers", ""),
            "units_are": c.view.texts.get("units", ""),
            "links_are": c.view.texts.get("links", ""),
            "growth_note": c.view.texts.get("growth") or None,
        }
        for i, c in enumerate(columns, start=1)
    ]


def comparison_tables(
    columns: Sequence[Column], organizations: Sequence[Row]
) -> dict[str, list[Row]]:
    """Every table of the comparison package, rows sorted by key. ``organizations``: the
    canonical organisations (organization, evidence) the publishers name."""
    named = {r["organization"] for r in organization_publishers(columns)}
    return {
        "columns": column_rows(columns),
        "figures": sorted(
            (r for c in columns for r in figures(c)),
            key=lambda r: (r["column"], r["figure"], r["unit"], r["grouping"]),
        ),
        "holdings": sorted(
            (r for c in columns for r in holdings(c)),
            key=lambda r: (r["column"], r["unit"], r["grouping"], r["rank"]),
        ),
        "link_types": sorted(
            (r for c in columns for r in link_types(c)), key=lambda r: (r["column"], r["link_type"])
        ),
        "community": sorted(
            (r for c in columns for r in community(c)), key=lambda r: (r["column"], r["figure"])
        ),
        "channels": sorted(
            (r for c in columns for r in channels(c)), key=lambda r: (r["column"], r["channel"])
        ),
        "subjects": sorted(
            (r for c in columns for r in subjects(c)),
            key=lambda r: (r["column"], r["vocabulary"], r["term"]),
        ),
        "organizations": sorted(
            (r for r in organizations if r["organization"] in named),
            key=lambda r: r["organization"],
        ),
        "organization_publishers": organization_publishers(columns),
        "organization_presence": sorted(
            (r for c in columns for r in organization_presence(c)),
            key=lambda r: (r["column"], r["organization"]),
        ),
        "growth": sorted(growth(columns), key=lambda r: (r["hub"], r["month"])),
    }
