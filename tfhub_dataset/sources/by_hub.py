"""Which source serves the releases of each hub.

With git (the default) each hub has its own repository: a clone kept under ``build/cache/git/``
(fetched from the hub's remote), or clones on disk given with ``--git PATH`` (repeatable), each
pinned release read from the clone that holds its commit. Every other source (the REST API, a
mirror, a snapshot on disk) serves the hubs whose record says so (``Hub.other_sources``) only.
Sources are opened on first use and closed together.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfhub_dataset.hubs import Hub, hub


class NoSource(ValueError):
    """No source given serves a hub the command asks for (one line, exit status 2)."""


@dataclass
class GitOptions:
    """The git source as the command line asks for it."""

    paths: list[Path] = field(default_factory=list)  # --git: clones on disk (no network)
    urls: dict[str, str] = field(default_factory=dict)  # hub -> remote (--git-url)
    cache_dir: Path = Path("build/cache/git")  # managed clones: <cache_dir>/<hub clone name>
    offline: bool = False
    hubs: list[str] = field(default_factory=list)  # the hubs the command builds (for hints)


def hub_url(h: Hub, urls: dict[str, str]) -> str:
    """The remote of ``h``: --git-url, else its environment variable, else its default."""
    return urls.get(h.name) or os.environ.get(h.git_url_env) or h.git_url


class HubSources:
    """The source of each hub's releases: git (``git``), or one other source (``other``) of the
    hubs whose record allows one."""

    def __init__(
        self,
        git: GitOptions | None = None,
        other: object | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        if (git is None) == (other is None):
            raise ValueError("give the git options or another source, not both")
        self.git, self.other, self._say = git, other, progress
        self._opened: dict[tuple[str, str], Any] = {}  # (hub, clone path) -> GitSource
        self._holds: dict[tuple[Path, str], bool] = {}
        self._repos: dict[Path, Any] = {}

    # -- what the build asks ------------------------------------------------------------------

    def for_pin(self, pin: Any) -> Any | None:
        """The source of a pinned release; None when no source given holds its commit (a clone
        given with --git that is another repository, or another source that serves other hubs)."""
        if self.other is not None:
            return self.other if hub(pin.hub).other_sources else None
        assert self.git is not None
        if not self.git.paths:
            return self._managed(hub(pin.hub))
        clone = next((p for p in self.git.paths if self._holds_commit(p, pin.commit)), None)
        return None if clone is None else self._on_disk(hub(pin.hub), clone)

    def for_hub(self, name: str, pinned: list[Any]) -> Any:
        """The source of a hub, for a release it has no pin for (--as-of, --commit): its managed
        clone, the one clone given, or the given clone that holds one of its pinned commits."""
        h = hub(name)
        if self.other is not None:
            if not h.other_sources:
                raise NoSource(f"{h.title} releases are built from git only (--git PATH)")
            return self.other
        assert self.git is not None
        if not self.git.paths:
            return self._managed(h)
        if len(self.git.paths) == 1:
            return self._on_disk(h, self.git.paths[0])
        commits = [p.commit for p in pinned if p.hub == name]
        for clone in self.git.paths:
            if any(self._holds_commit(clone, c) for c in commits):
                return self._on_disk(h, clone)
        raise NoSource(
            f"none of the clones given with --git holds a pinned commit of {h.repository}: give "
            f"only its clone with --git"
        )

    def missing_hint(self, name: str) -> str:
        """How to give the source of a hub that none of the given sources holds."""
        h = hub(name)
        if self.other is not None:
            return (
                f"{h.title} releases are built from git only (leave out --snapshot, --mirror "
                "and --source api)"
            )
        return f"add --git PATH, a clone of {h.repository_url}"

    # -- opening --------------------------------------------------------------------------------

    def _holds_commit(self, clone: Path, sha: str) -> bool:
        from tfhub_dataset.sources.git.repo import GitRepo

        key = (clone, sha)
        if key not in self._holds:
            if clone not in self._repos:
                self._repos[clone] = GitRepo(clone)
                self._repos[clone].open()  # one line if it is no git repository, or refused
            self._holds[key] = self._repos[clone].has_commit(sha)
        return self._holds[key]

    def _on_disk(self, h: Hub, clone: Path) -> Any:
        from tfhub_dataset.sources.git import GitConfig, GitSource

        key = (h.name, str(clone))
        if key not in self._opened:
            config = GitConfig(
                path=clone,
                data_path=h.is_data_path,
                repository=h.repository,
                pathspec=h.git_pathspec,
            )
            self._opened[key] = GitSource(config, progress=self._say)
        return self._opened[key]

    def _managed(self, h: Hub) -> Any:
        from tfhub_dataset.sources.git import GitConfig, GitSource

        assert self.git is not None
        key = (h.name, "")
        if key not in self._opened:
            config = GitConfig(
                url=hub_url(h, self.git.urls),
                cache=self.git.cache_dir / h.clone_name,
                offline=self.git.offline,
                offline_clones=tuple(hub(n).clone_name for n in self.git.hubs),
                data_path=h.is_data_path,
                repository=h.repository,
                pathspec=h.git_pathspec,
            )
            self._opened[key] = GitSource(config, progress=self._say)
        return self._opened[key]

    def reports(self) -> list[str]:
        """The fetch reports of the managed clones that were opened."""
        return [
            s.fetcher.report.format()
            for (_, path), s in sorted(self._opened.items())
            if not path and s.managed
        ]

    def close(self) -> None:
        for source in self._opened.values():
            source.close()
        for repo in self._repos.values():
            repo.close()
        self._opened.clear()
        self._repos.clear()

    def __enter__(self) -> HubSources:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
