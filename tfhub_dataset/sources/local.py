"""Snapshots from the local disk: a tarball as GitHub serves it, or a checked-out folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tfhub_dataset.history.replay import data_changes
from tfhub_dataset.hubs import default_hub
from tfhub_dataset.plugin import Hub
from tfhub_dataset.sources.commits import (
    Change,
    CommitRef,
    MalformedListing,
    checked_sha,
    commit_in_force,
    end_of_day,
)
from tfhub_dataset.sources.snapshot import MAX_FILE_BYTES, Snapshot, path_text
from tfhub_dataset.sources.tarball import BEYOND, MAX_MEMBERS, read_tarball


def load_local(
    path: str | Path,
    *,
    commit: str | None = None,
    commit_date: str | None = None,
    hub: Hub | None = None,
) -> Snapshot:
    """Load a snapshot of ``hub``'s repository (default: the registry's first hub) from a
    ``.tar.gz`` (self-describing) or a folder (needs commit and date).

    A folder may be the repository root or one level above it (an extracted GitHub tarball): the
    root is the folder holding the hub's ``checkout_marker``.
    """
    h = hub or default_hub()
    p = Path(path)
    if p.is_file():
        with p.open("rb") as fh:  # read as a stream, never whole
            snap = read_tarball(fh, data_path=h.is_data_path)
        if commit and snap.commit != commit:
            raise ValueError(f"{p} holds commit {snap.commit}, not {commit}")
        return snap
    if not p.is_dir():
        raise FileNotFoundError(f"no snapshot at {p}")
    if not commit or not commit_date:
        raise ValueError(f"a snapshot folder ({p}) needs --commit and --commit-date")
    root, marker = p, h.checkout_marker
    if not (root / marker).exists():
        subdirs = [d for d in p.iterdir() if d.is_dir() and (d / marker).exists()]
        if len(subdirs) != 1:
            raise ValueError(f"{p} holds no {marker} (not a checkout of {h.repository})")
        root = subdirs[0]
    files, oversized, escaped = {}, {}, set()
    for count, f in enumerate(sorted(root.rglob("*")), start=1):
        if count > MAX_MEMBERS:
            raise ValueError(f"more than {MAX_MEMBERS} files in snapshot folder {p} ({BEYOND})")
        if f.is_symlink():
            raise ValueError(f"refusing symbolic link in snapshot folder: {path_text(str(f))[0]}")
        if f.is_file():
            rel, was_escaped = path_text(f.relative_to(root).as_posix())
            if not h.is_data_path(rel):
                continue
            if was_escaped:
                escaped.add(rel)
            size = f.stat().st_size
            if size > MAX_FILE_BYTES:
                oversized[rel] = size
            else:
                files[rel] = f.read_bytes()
    return Snapshot(
        commit=commit,
        commit_date=commit_date,
        files=files,
        oversized=oversized,
        escaped=frozenset(escaped),
    )


class LocalSnapshot:
    """A source holding one local snapshot (tarball or folder); it has no history."""

    def __init__(
        self,
        path: str | Path,
        *,
        commit: str | None = None,
        commit_date: str | None = None,
        hub: Hub | None = None,
    ) -> None:
        self.path = Path(path)
        self._commit, self._commit_date = commit, commit_date
        self.hub = hub
        self._snapshot: Snapshot | None = None

    def snapshot(self, commit: str | None) -> Snapshot:
        if self._snapshot is None:
            self._snapshot = load_local(
                self.path, commit=self._commit, commit_date=self._commit_date, hub=self.hub
            )
        if commit is not None and self._snapshot.commit != commit:
            raise ValueError(f"{self.path} holds commit {self._snapshot.commit}, not {commit}")
        return self._snapshot


class LocalMirror:
    """A GitHub-shaped mirror folder read straight from disk (no HTTP): ``commits.json``,
    ``commits/<sha>.json``, ``tarballs/<sha>.tar.gz``. It answers what the GitHub source
    answers, so a release built from it is byte-identical to one built from GitHub."""

    def __init__(self, root: str | Path, hub: Hub | None = None) -> None:
        import json

        self.root = Path(root)
        self.hub = hub
        if not (self.root / "commits.json").is_file():
            raise FileNotFoundError(f"{self.root} is not a GitHub-shaped mirror (no commits.json)")
        self._json = json
        where = str(self.root / "commits.json")
        items = self._load(self.root / "commits.json", list)
        refs = (CommitRef.from_api(item, where) for item in items)
        self._refs = {ref.sha: ref for ref in refs}

    def resolve_as_of(self, day: dt.date) -> CommitRef:
        # commits.json lists the default branch newest first: its tip comes first.
        ref = commit_in_force(self._refs.values(), day, next(iter(self._refs), ""))
        if ref is None:
            raise ValueError(f"no commit at or before {end_of_day(day)} in {self.root}")
        return ref

    def list_commits(self, sha: str) -> list[CommitRef]:
        """Commits reachable from ``sha`` through parents, newest first (as GitHub lists them)."""
        if sha not in self._refs:
            raise ValueError(f"commit {sha} is not in {self.root}/commits.json")
        seen, stack = set(), [sha]
        while stack:
            s = stack.pop()
            if s in seen or s not in self._refs:
                continue
            seen.add(s)
            stack.extend(self._refs[s].parents)
        return sorted((self._refs[s] for s in seen), key=lambda r: r.date, reverse=True)

    def _load(self, path: Path, shape: type) -> Any:
        """A JSON file of the mirror, of the given top-level shape; one line if it is not."""
        try:
            data = self._json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise MalformedListing(f"{path} cannot be read as JSON ({exc})") from None
        if not isinstance(data, shape):
            kind = type(data).__name__
            raise MalformedListing(f"{path} holds a JSON {kind}, not a {shape.__name__}")
        return data

    def commit_files(self, sha: str) -> list[dict]:
        checked_sha(sha, f"{self.root}/commits")  # the SHA names a file: nothing else may pass
        path = self.root / "commits" / f"{sha}.json"
        files = self._load(path, dict).get("files") or []
        if not isinstance(files, list):
            raise MalformedListing(f"{path}: `files` is not a list")
        return files

    def commit_changes(self, sha: str) -> list[Change]:
        data_path = (self.hub or default_hub()).is_data_path
        return data_changes(self.commit_files(sha), sha, data_path)

    def snapshot(self, sha: str) -> Snapshot:
        checked_sha(sha, f"{self.root}/tarballs")
        path = self.root / "tarballs" / f"{sha}.tar.gz"
        if not path.is_file():
            raise FileNotFoundError(f"no snapshot tarball for {sha} in {self.root}/tarballs")
        return load_local(path, commit=sha, hub=self.hub)
