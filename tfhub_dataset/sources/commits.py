"""Commits and their changes as every source gives them, and the one rule that picks the commit
in force at a moment: the last commit of the first-parent line at or before it."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tfhub_dataset.sources.errors import FetchError

_SHA = re.compile(r"[0-9a-f]{40}")


class MalformedListing(FetchError):
    """A commit listing (GitHub's JSON, or a mirror's copy of it) not in the shape GitHub gives."""


def checked_sha(value: object, where: str) -> str:
    """``value`` if it is a full commit SHA, else MalformedListing: SHAs name cache entries and
    files of a mirror folder, so nothing else may pass for one."""
    if not isinstance(value, str) or not _SHA.fullmatch(value):
        raise MalformedListing(f"{where}: {str(value)[:60]!r} is not a full commit SHA")
    return value


def utc_iso(value: str) -> str:
    """An ISO 8601 date-time as UTC ``YYYY-MM-DDTHH:MM:SSZ``."""
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, repr=False)
class Person:
    """A commit's author or committer as the commit names them. Held in memory only, for the
    contributors tables (history/contributions.py): never written, cached or logged, so its repr
    says nothing of who it is."""

    name: str
    email: str | None

    def __repr__(self) -> str:
        return "Person(<withheld>)"

    @classmethod
    def from_api(cls, value: object) -> Person | None:
        """GitHub's ``commit.author`` / ``commit.committer`` object; None where it is absent
        or not in GitHub's shape (the identity is then unknown, never guessed)."""
        if not isinstance(value, Mapping):
            return None
        name, email = value.get("name"), value.get("email")
        if not isinstance(name, str):
            return None
        return cls(name, email if isinstance(email, str) and email else None)


@dataclass(frozen=True)
class CommitRef:
    """One commit as the commits list gives it: SHA, committer date (UTC, ``...Z``), first line
    of its message, and its parents' SHAs.

    Also, in memory only (out of the repr and of comparisons): its author and committer and its
    whole message (trailers such as ``PiperOrigin-RevId`` say how a commit reached the hub). The
    release tables keep the first line only, and no identity."""

    sha: str
    date: str
    message: str
    parents: tuple[str, ...] = ()
    author: Person | None = field(default=None, repr=False, compare=False)
    committer: Person | None = field(default=None, repr=False, compare=False)
    full_message: str = field(default="", repr=False, compare=False)

    @classmethod
    def from_api(cls, item: Mapping[str, Any], where: str = "the commits list") -> CommitRef:
        """One entry of GitHub's commits list; MalformedListing (one line) if it is not one."""
        try:
            sha = checked_sha(item["sha"], where)
            commit, parents = item["commit"], item.get("parents") or []
            message = commit.get("message") or ""
            date = utc_iso(commit["committer"]["date"])
            if not isinstance(message, str) or not isinstance(parents, list):
                raise TypeError("message or parents of the wrong type")
            parent_shas = tuple(checked_sha(p["sha"], where) for p in parents)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            if isinstance(exc, MalformedListing):
                raise
            raise MalformedListing(
                f"{where}: an entry is not a GitHub commit ({type(exc).__name__}: {exc})"
            ) from None
        # GitHub gives the message without its leading and trailing blank space; git's is
        # stripped the same way (repo.py).
        full = message.strip()
        lines = full.splitlines()
        return cls(
            sha=sha,
            date=date,
            message=lines[0] if lines else "",
            parents=parent_shas,
            author=Person.from_api(commit.get("author")),
            committer=Person.from_api(commit.get("committer")),
            full_message=full,
        )


@dataclass(frozen=True)
class Change:
    """One changed file of a commit (against its first parent), as every source normalises it:
    GitHub's status words (added, removed, modified, renamed, ...), the path before a rename, and
    for a rename whether the bytes changed too (a rename that also edits the file is an edit;
    None where the status says it already)."""

    path: str
    status: str
    previous_path: str | None = None
    content_changed: bool | None = None
    # The git blob id of the file after the change (None for a removal, or where the listing
    # gives none); out of comparisons, as not every listing carries it.
    blob: str | None = field(default=None, compare=False)


def end_of_day(day: dt.date) -> str:
    """The last second of ``day`` in UTC, as commit dates are written."""
    return f"{day.isoformat()}T23:59:59Z"


def first_parent_refs(refs: Iterable[CommitRef], head: str) -> list[CommitRef]:
    """The first-parent line from ``head`` back to the root, newest first (as far as listed)."""
    by_sha = {r.sha: r for r in refs}
    line: list[CommitRef] = []
    seen: set[str] = set()
    sha: str | None = head
    while sha is not None and sha in by_sha and sha not in seen:
        seen.add(sha)
        line.append(by_sha[sha])
        parents = by_sha[sha].parents
        sha = parents[0] if parents else None
    return line


def commit_at(line: Iterable[CommitRef], cutoff: str) -> CommitRef | None:
    """The last commit of a first-parent ``line`` (newest first) dated at or before ``cutoff``."""
    return next((r for r in line if r.date <= cutoff), None)


def commit_in_force(refs: Iterable[CommitRef], day: dt.date, head: str) -> CommitRef | None:
    """The commit in force on ``day``: walking the first-parent line back from ``head`` (the
    branch's tip), the first commit dated at or before the end of ``day`` (committer date, UTC).

    A side-branch commit is never in force before the merge that brings it onto the line: on
    2020-10-31 the commit in force is 470786c3, not 08639d86 (made on a side branch that day and
    merged on 2020-11-03)."""
    return commit_at(first_parent_refs(refs, head), end_of_day(day))


def history_digest(commits: Iterable[tuple[str, Iterable[str]]]) -> str:
    """What identifies a history: SHA-256 over each commit's id and its parents' ids (one line
    each, ``sha parent...``, sorted). Two sources agree on it only when they list the same commits
    with the same parents: a shallow clone's cut history, or a grafted one, gives another."""
    lines = sorted(" ".join((sha, *parents)) for sha, parents in commits)
    return hashlib.sha256("\n".join(lines).encode("ascii")).hexdigest()
