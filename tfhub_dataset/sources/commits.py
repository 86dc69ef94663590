"""Commits as every source lists them, and the one rule that picks the commit in force on a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


def utc_iso(value: str) -> str:
    """An ISO 8601 date-time as UTC ``YYYY-MM-DDTHH:MM:SSZ``."""
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class CommitRef:
    """One commit as the commits list gives it: SHA, committer date (UTC, ``...Z``), first line
    of its message, and its parents' SHAs."""

    sha: str
    date: str
    message: str
    parents: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> CommitRef:
        commit = item["commit"]
        message = (commit.get("message") or "").splitlines()
        return cls(
            sha=item["sha"],
            date=utc_iso(commit["committer"]["date"]),
            message=message[0] if message else "",
            parents=tuple(p["sha"] for p in item.get("parents") or ()),
        )


def end_of_day(day: dt.date) -> str:
    """The last second of ``day`` in UTC, as commit dates are written."""
    return f"{day.isoformat()}T23:59:59Z"


def commit_in_force(refs: Iterable[CommitRef], day: dt.date) -> CommitRef | None:
    """The newest commit dated at or before the end of ``day`` (UTC); the first listed wins a tie.

    ``refs`` are commits listed newest first, as GitHub lists them."""
    cutoff = end_of_day(day)
    # max() keeps the first of equals: the list's own order breaks ties.
    return max((r for r in refs if r.date <= cutoff), key=lambda r: r.date, default=None)
