"""Checks a build passes before it fetches or writes anything: where it writes, what it would
replace, which day it is asked for. Each failure is a UsageError: one line, exit status 2."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from tfhub_dataset.sources.commits import CommitRef


class UsageError(ValueError):
    """The command cannot be carried out as given; the message says why and what to do."""


def writable_folder(path: Path, option: str) -> None:
    """``path`` is, or can be created as, a folder this process may write into. It is created
    (it would be anyway), so that a read-only or missing parent is found now, not mid-build."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"{option} {path} is a file, not a folder: give a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"{option} {path} cannot be created ({exc.strerror}): give another folder"
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {path} is not writable: give another folder")


def existing_folder(path: Path, option: str) -> None:
    if not path.is_dir():
        raise UsageError(f"{option} {path} is not a folder holding releases")


def as_of_within_history(source: Any, day: dt.date, ref: CommitRef) -> None:
    """Refuse an as-of day after the source's last commit (the release would repeat that commit
    month after month up to a day nothing has happened yet). ``ref`` is the commit in force on
    ``day``; the source's last commit is the one in force today (or on ``day``, if later)."""
    if ref.date[:10] >= day.isoformat():
        return
    today = dt.datetime.now(dt.UTC).date()
    last = ref if day >= today else source.resolve_as_of(today)
    if last.sha == ref.sha:
        raise UsageError(
            f"--as-of {day.isoformat()} is after the source's last commit "
            f"({ref.sha[:12]}, {ref.date}): give --as-of {ref.date[:10]} or earlier"
        )


def release_kind(folder: Path) -> tuple[str, bool] | None:
    """(commit, has history) of the release in ``folder``, None if there is none."""
    try:
        desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        source = desc["sources"][0]
        # Data Package v2: a source's version is the commit (older releases said "commit").
        commit = str(source.get("version") or source["commit"])
        names = {r.get("name") for r in desc.get("resources", [])}
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None
    return commit, "snapshots" in names


def not_replacing_another_kind(folder: Path, commit: str, history: bool) -> None:
    """Refuse to replace a committed release with one of another kind (another commit, or without
    the history it holds); the caller asks only for the committed releases folder."""
    kind = release_kind(folder)
    if kind is None or kind == (commit, history) or (kind[0] == commit and history):
        return
    was = f"commit {kind[0][:12]}" + (" with its history" if kind[1] else "")
    new = f"commit {commit[:12]}" + ("" if history else " without history (a lone snapshot)")
    raise UsageError(
        f"{folder} holds the committed release ({was}); this build ({new}) would replace it: "
        "build into another folder with --out DIR, or give --replace"
    )
