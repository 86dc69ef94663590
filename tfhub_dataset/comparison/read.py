"""Helpers a hub's ``comparison_view`` uses to read its release the same way as the others."""

from __future__ import annotations

from collections.abc import Iterable

from tfhub_dataset.comparison.view import Month, Publisher, Units
from tfhub_dataset.report.release import Release, Row


def units(name: str, owners: Iterable[tuple[object, str | None]]) -> Units:
    """Units counted once each: ``owners`` gives (unit key, its publisher or None)."""
    keys: set[object] = set()
    by: dict[str, set[object]] = {}
    for key, publisher in owners:
        keys.add(key)
        if publisher:
            by.setdefault(publisher, set()).add(key)
    return Units(name, len(keys), {p: frozenset(k) for p, k in sorted(by.items())})


def publishers(rows: Iterable[Row]) -> tuple[Publisher, ...]:
    """The release's ``publishers`` rows (``organization`` where the table has the column)."""
    return tuple(
        Publisher(
            handle=p["handle"],
            display_name=p.get("display_name") or p["handle"],
            type=p["type"],
            organization=p.get("organization"),
            evidence=p.get("type_evidence") or "",
        )
        for p in sorted(rows, key=lambda p: p["handle"])
    )


def growth(release: Release) -> tuple[Month, ...]:
    """The release's monthly ``snapshots``: models, publishers and, where the table counts
    them, publishers with at least one model."""
    rows = sorted(release.get("snapshots") or [], key=lambda s: s["month"])
    return tuple(
        Month(s["month"], s["models"], s["publishers"], s.get("publishers_with_models"))
        for s in rows
    )
