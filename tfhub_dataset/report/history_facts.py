"""Figures of a release's history tables, the same for every hub: counts at a month come from
the ``snapshots`` row of that month; models and publishers added or removed in a year from the
years of ``first_seen`` and ``removed`` in ``model_history`` and ``publisher_history`` (the
published branch, exact to the commit)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from tfhub_dataset.report.release import Release, Row

# The snapshots columns the History section needs; a table without them is not read as history.
SNAPSHOT_COLUMNS = ("month", "commit", "commit_date", "repeated", "publishers", "models")


@dataclass(frozen=True)
class YearChange:
    """Models and publishers first seen and removed in one calendar year (the published branch)."""

    year: str
    end: Row  # the snapshots row of the year's last month in the series
    models_added: int
    models_added_imported: int
    models_removed: int
    publishers_added: int
    publishers_added_imported: int
    publishers_removed: int


class HistoryFacts:
    """Figures of a release's history tables (``snapshots``, ``commits``, ``*_history``, ...).

    Works on rows typed as the schemas type them (read from the written CSV files, or the same
    rows in memory); every table but ``snapshots`` is optional.
    """

    def __init__(self, release: Release) -> None:
        self.r = release

    def rows(self, name: str) -> list[Row]:
        return self.r.get(name) or []

    @cached_property
    def snapshots(self) -> list[Row]:
        """The monthly series, oldest first; empty when the release holds no history."""
        rows = self.rows("snapshots")
        if not rows or any(c not in rows[0] for c in SNAPSHOT_COLUMNS):
            return []
        return sorted(rows, key=lambda r: r["month"])

    @property
    def present(self) -> bool:
        return bool(self.snapshots)

    @cached_property
    def imports(self) -> list[Row]:
        """Commits that imported docs published before the repository existed, oldest first."""
        rows = [c for c in self.rows("commits") if c.get("initial_import")]
        return sorted(rows, key=lambda c: (c["date"], c["sha"]))

    @cached_property
    def import_months(self) -> list[str]:
        """Months (YYYY-MM) of the import commits that fall inside the monthly series."""
        months = {s["month"] for s in self.snapshots}
        return sorted({c["date"][:7] for c in self.imports} & months)

    def imported_by(self, table: str) -> Counter:
        """Rows of a ``*_history`` table first seen at each import commit (sha -> rows)."""
        return Counter(
            r["first_seen_commit"] for r in self.rows(table) if r.get("first_seen_imported")
        )

    def first_seen_by(self, table: str, month: str) -> tuple[int, int]:
        """Rows of a ``*_history`` table first seen by the end of ``month`` (YYYY-MM), and how
        many of them at an import commit."""
        rows = [r for r in self.rows(table) if r["first_seen"] and r["first_seen"][:7] <= month]
        return len(rows), sum(bool(r.get("first_seen_imported")) for r in rows)

    @cached_property
    def repeated_months(self) -> list[str]:
        return [s["month"] for s in self.snapshots if s["repeated"]]

    @cached_property
    def partial_months(self) -> list[str]:
        """Months whose row ends before the month's end (the as-of month)."""
        return [s["month"] for s in self.snapshots if s.get("partial_month")]

    @cached_property
    def year_ends(self) -> list[tuple[str, Row]]:
        """(label, snapshots row): the first month, each December before the last month, the last
        month (this release's commit)."""
        snaps = self.snapshots
        if not snaps:
            return []
        first, last = snaps[0], snaps[-1]
        out = [("first month", first)]
        for s in snaps[1:-1]:
            if s["month"].endswith("-12"):
                out.append((f"end of {s['month'][:4]}", s))
        if last is not first:
            out.append(("this release", last))
        return out

    @cached_property
    def per_year(self) -> list[YearChange]:
        """One row per calendar year of the series, from the first month's to the last's."""
        snaps = self.snapshots
        if not snaps:
            return []
        models, pubs = self.rows("model_history"), self.rows("publisher_history")

        def year(value: str | None) -> str | None:
            return value[:4] if value else None

        out = []
        for y in sorted({s["month"][:4] for s in snaps}):
            out.append(
                YearChange(
                    year=y,
                    end=[s for s in snaps if s["month"].startswith(y)][-1],
                    models_added=sum(year(m["first_seen"]) == y for m in models),
                    models_added_imported=sum(
                        year(m["first_seen"]) == y and bool(m.get("first_seen_imported"))
                        for m in models
                    ),
                    models_removed=sum(year(m["removed"]) == y for m in models),
                    publishers_added=sum(year(p["first_seen"]) == y for p in pubs),
                    publishers_added_imported=sum(
                        year(p["first_seen"]) == y and bool(p.get("first_seen_imported"))
                        for p in pubs
                    ),
                    publishers_removed=sum(year(p["removed"]) == y for p in pubs),
                )
            )
        return out

    @cached_property
    def model_imported(self) -> dict[str, bool]:
        """Model handle -> its first_seen is an import's date."""
        return {m["handle"]: bool(m.get("first_seen_imported")) for m in self.rows("model_history")}

    @cached_property
    def publishers_by_join(self) -> list[Row]:
        """publisher_history rows by first_seen, then handle."""
        return sorted(
            self.rows("publisher_history"), key=lambda p: (p["first_seen"] or "", p["handle"])
        )

    @cached_property
    def kaggle(self) -> Counter:
        rows = self.rows("model_history")
        return Counter(r["kaggle_status"] for r in rows if r.get("kaggle_status"))
