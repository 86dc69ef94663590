"""The git source (the default): a hub's repository read as git.

Either a repository on disk (``--git PATH``, bare or not, never touched by the network), or a bare
partial clone kept under ``build/cache/git/`` and fetched from ``--git-url`` (default: GitHub)
only when a wanted commit is missing: a warm rebuild of pinned releases sends no request.

Everything the build needs comes from git objects, each checked against its id when read
(repo.py). A damaged object in the cached clone is detected when read; the clone is then fetched
again from scratch and the object read from the new one (objects are addressed by content, so
the same id gives the right bytes). Offline, or in a repository given with ``--git``, the build
stops with one line saying what to delete or repair.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from tfhub_dataset import CACHE, CHECKOUT
from tfhub_dataset.hubs import default_hub as _default_hub
from tfhub_dataset.sources.commits import (
    Change,
    CommitRef,
    commit_in_force,
    end_of_day,
    history_digest,
)
from tfhub_dataset.sources.errors import FetchError
from tfhub_dataset.sources.git.fetch import FetchConfig, Fetcher, GitUnreachable
from tfhub_dataset.sources.git.repo import CorruptObject, GitRepo, RepoReadError
from tfhub_dataset.sources.git.shadow import RepoRefused
from tfhub_dataset.sources.snapshot import MAX_FILE_BYTES, Snapshot

__all__ = ["CACHE_DIR", "GitConfig", "GitSource"]

CACHE_DIR = CACHE / "git"  # managed clones: one folder per hub
# Clones of the sources kept beside the project in this workplace (named in offline hints): the
# one of a cached clone's name.
SHARED = CHECKOUT.parent / "shared" if CHECKOUT is not None else None  # none when installed
T = TypeVar("T")


def _env_url() -> str:
    h = _default_hub()
    return os.environ.get(h.git_url_env) or h.git_url


@dataclass(frozen=True)
class GitConfig:
    """Where the repository comes from: ``path`` (on disk, no network) or ``url`` fetched into
    ``cache``; ``offline`` uses the cached clone only. ``data_path`` and ``repository`` are those
    of the hub the repository holds (default: the registry's first hub's)."""

    url: str = field(default_factory=_env_url)
    path: Path | None = None
    cache: Path = field(default_factory=lambda: CACHE_DIR / _default_hub().clone_name)
    offline: bool = False
    fetch: FetchConfig = field(default_factory=FetchConfig)
    data_path: Callable[[str], bool] = field(default_factory=lambda: _default_hub().is_data_path)
    repository: str = field(default_factory=lambda: _default_hub().repository)
    pathspec: tuple[str, ...] = ()  # git pathspecs that hold every data path (none: all paths)
    # the clones the offline hint names: those of every hub the command builds (none: this one's)
    offline_clones: tuple[str, ...] = ()


def offline_hint(*clone_names: str) -> str:
    """How to build without the network, naming the clones on disk this machine has (of every
    hub the command builds, so that one command line does it all)."""
    names = clone_names or (_default_hub().clone_name,)
    shared = [SHARED / name for name in names] if SHARED is not None else []
    here = " ".join(f"--git {os.path.relpath(c, Path.cwd())}" for c in shared if c.is_dir())
    return f"build from a clone on disk with --git PATH{f' (here: {here})' if here else ''}"


class GitSource:
    """Commits, changes and snapshots of the source repository, from git."""

    def __init__(
        self, config: GitConfig | None = None, progress: Callable[[str], None] | None = None
    ) -> None:
        self.config = config or GitConfig()
        self._say = progress or (lambda _m: None)
        self.managed = self.config.path is None
        self.where = self.config.path if self.config.path is not None else self.config.cache
        self.fetcher = Fetcher(self.config.url, self.config.fetch, self._say)
        label = "" if not self.managed else f"the cached clone {self.where}"
        self.repo = GitRepo(self.where, self.config.data_path, self.config.pathspec, label)
        if not self.managed:
            self.repo.open()  # refused here, in one line, if it is no whole SHA-1 history
        self._changes: dict[str, list[Change]] = {}
        self._refs: dict[str, CommitRef] = {}
        self._fresh = False  # fetched during this run
        self._hint_clones = self.config.offline_clones or (self.config.cache.name,)

    @property
    def report(self) -> object:
        return self.fetcher.report

    def close(self) -> None:
        self.repo.close()

    def __enter__(self) -> GitSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what the build asks ------------------------------------------------------------------

    def resolve_as_of(self, day: dt.date) -> CommitRef:
        """The commit in force at the end of ``day`` on the default branch's first-parent line;
        online, the cached clone is brought up to date first (one fetch)."""
        if self.managed and not self.config.offline and not self._fresh:
            self._update(())
        # The managed clone keeps the remote's default branch as refs/heads/tip (fetch.py); a
        # clone given with --git is read at its HEAD, whatever its branches are called.
        name = "refs/heads/tip" if self.managed else "HEAD"
        tip = self._guard(lambda: self.repo.resolve(name))
        if tip is None:
            head = self.repo.head if not self.managed else "the remote's default branch"
            raise FetchError(f"{self.where} has no commit at {head} to resolve --as-of on")
        ref = commit_in_force(self.list_commits(tip), day, tip)
        if ref is None:
            raise FetchError(f"no commit at or before {end_of_day(day)} in {self.where}")
        return ref

    def list_commits(self, sha: str) -> list[CommitRef]:
        """Every commit reachable from ``sha``, newest first, verified."""
        self.ensure(sha)
        refs = self._guard(lambda: self.repo.commits(sha))
        self._refs.update((r.sha, r) for r in refs)
        if sha not in self._changes:  # one git log gives the changes of every listed commit
            self._changes.update(self._guard(lambda: self.repo.changes(sha)))
        return refs

    def history_id(self, sha: str) -> str:
        """The digest of the history reachable from ``sha`` (commits and parents, from one
        ``git rev-list --parents``; see commits.history_digest): what keys a derived history."""
        self.ensure(sha)
        out = self._guard(lambda: self.repo.run("rev-list", "--parents", sha))
        return history_digest((ln[0], ln[1:]) for ln in map(str.split, out.decode().splitlines()))

    def commit_changes(self, sha: str) -> list[Change]:
        """The data files ``sha`` changed against its first parent; one ``git log`` call gives
        those of every commit reachable from the first commit asked about."""
        if sha not in self._changes:
            self.ensure(sha)
            self._changes.update(self._guard(lambda: self.repo.changes(sha)))
        return self._changes.get(sha, [])

    def snapshot(self, sha: str) -> Snapshot:
        self.ensure(sha)
        ref = self._refs.get(sha) or self._guard(lambda: self.repo.commit(sha))
        escaped: set[str] = set()
        tree = self._guard(lambda: self.repo.sized_tree(sha, escaped))
        # A data file over the bound is never read: its size alone makes it an anomaly.
        oversized = {p: size for p, (_, size) in tree.items() if size > MAX_FILE_BYTES}
        ids = {p: oid for p, (oid, _) in tree.items() if p not in oversized}
        return Snapshot(
            sha,
            ref.date,
            _Blobs(self, ids),
            repository=self.config.repository,
            blob_ids=ids,
            oversized=oversized,
            escaped=frozenset(escaped),
        )

    def read_blob(self, oid: str) -> bytes:
        return self._guard(lambda: self.repo.read(oid, "blob"))

    def read_blobs(self, oids: list[str]) -> dict[str, bytes]:
        return self._guard(lambda: self.repo.read_many(oids, "blob"))

    # -- the clone ------------------------------------------------------------------------------

    def ensure(self, *shas: str) -> None:
        """Make sure the commits are in the repository, fetching them into the cached clone when
        it lacks them (never for a repository given with --git, nor offline)."""
        missing = self._guard(
            lambda: [s for s in shas if s not in self._refs and not self.repo.has_commit(s)]
        )
        if not missing:
            return
        what = ", ".join(s[:12] for s in missing)
        if not self.managed:
            raise FetchError(f"commit {what} is not in {self.where} (--git PATH)")
        if self.config.offline:
            raise FetchError(
                f"offline and commit {what} is not in the cached clone {self.where} "
                f"(run once online, or {offline_hint(*self._hint_clones)})"
            )
        self._update(tuple(missing))
        still = [s for s in missing if not self.repo.has_commit(s)]
        if still:
            raise FetchError(f"{self.config.url} has no commit {', '.join(s[:12] for s in still)}")

    def _update(self, wanted: tuple[str, ...]) -> None:
        try:
            if (self.where / "HEAD").exists() and self._usable():
                self.fetcher.fetch(self.where, wanted)
            else:
                self.fetcher.clone(self.where, wanted)
        except GitUnreachable as exc:
            raise FetchError(f"{exc}: {offline_hint(*self._hint_clones)}") from None
        self.repo.refresh()  # the fetch moved refs: read them again
        self._fresh = True

    def _usable(self) -> bool:
        """The cached clone can be fetched into: git would read it as the project wrote it (no
        history cut or rewritten, no ``commondir`` sending git elsewhere). Otherwise it is cloned
        again from scratch, with a progress line saying why."""
        try:
            self.repo.open()
            if (self.where / "commondir").exists() or (self.where / "commondir").is_symlink():
                raise RepoRefused(f"the cached clone {self.where} has a commondir file")
        except RepoRefused as exc:
            self._say(f"[git] {exc}: fetching the clone again")
            self.repo.close()
            return False
        return True

    def _guard(self, read: Callable[[], T]) -> T:
        """Run a read; if the cached clone proves damaged, fetch it again and read once more."""
        try:
            return read()
        except (CorruptObject, RepoReadError, RepoRefused) as exc:
            if not self.managed:
                if isinstance(exc, RepoRefused):
                    raise
                raise FetchError(f"{exc}: repair it or clone it again (--git PATH)") from None
            if self.config.offline:
                raise FetchError(
                    f"{exc}: delete {self.where} and build online to fetch it again"
                ) from None
            self._say(f"[git] {exc}: fetching the clone again")
            self.repo.close()
            damaged = self.where.with_name(self.where.name + ".damaged")
            shutil.rmtree(damaged, ignore_errors=True)
            os.replace(self.where, damaged)
            shutil.rmtree(damaged, ignore_errors=True)
            wanted = tuple(self._refs)
            self._update(())
            self.ensure(*wanted)
        try:
            return read()
        except (CorruptObject, RepoReadError, RepoRefused) as exc:
            raise FetchError(f"{exc} again after a fresh fetch: delete {self.where}") from None


class _Blobs(Mapping[str, bytes]):
    """Path -> bytes of a snapshot's files, each blob read (and verified) on access."""

    def __init__(self, source: GitSource, ids: Mapping[str, str]) -> None:
        self._source, self._ids = source, ids

    def __getitem__(self, path: str) -> bytes:
        return self._source.read_blob(self._ids[path])

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, path: object) -> bool:
        return path in self._ids

    def read_many(self, paths: list[str]) -> dict[str, bytes]:
        """The bytes of several files in one go (git answers a batch of ids at once)."""
        data = self._source.read_blobs(sorted({self._ids[p] for p in paths}))
        return {p: data[self._ids[p]] for p in paths}
