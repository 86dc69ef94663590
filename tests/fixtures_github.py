"""Fixtures for the crawler tests: mirror servers (the real mirror, a synthetic one) and sources.

Everything runs over real HTTP on 127.0.0.1 through :class:`MirrorServer`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tfhub_dataset.sources.api.fake_server import FixtureCommit, MirrorServer, build_fixture
from tfhub_dataset.sources.api.github import GitHubConfig, GitHubSource

REAL_MIRROR = Path(
    os.environ.get("TFHUB_MIRROR") or Path(__file__).resolve().parents[2] / "shared" / "tfhub.dev"
)

SHA_2022_04_05 = "18822130e009e5efccd02bdeeeafcd0338cc50b3"
SHA_2024_03_18 = "81fdea8ffa53b5acbd66a012d17fb8f9602c714b"
SHA_1537_FILES = "44c0216d9967dc7f2aec8c6717e0006a20901ee4"

#: Fast settings for tests: no interval, tiny backoff, short timeouts.
FAST: dict[str, Any] = {
    "min_interval": 0.0,
    "backoff_initial": 0.01,
    "backoff_max": 0.05,
    "timeout": 5.0,
    "max_wait": 30.0,
    "max_attempts": 5,
    "connect_attempts": 2,
    "token": None,
}


def doc(kind: str, handle: str, body: str = "") -> str:
    return f"# {kind} {handle}\n\n{body or 'A synthetic document.'}\n"


BASE_TREE: dict[str, str] = {
    "README.md": "# tfhub.dev (synthetic)\n",
    "LICENSE": "Apache License 2.0 (synthetic)\n",
    "tags/task.yaml": "values:\n  - id: text-embedding\n",
    "assets/docs/google/google.md": doc("Publisher", "google"),
    "assets/docs/google/models/foo/1.md": doc("Module", "google/foo/1"),
}


@dataclass(frozen=True)
class Synthetic:
    """A synthetic mirror folder: 7 commits, linear, oldest first in ``shas``."""

    root: Path
    shas: list[str]
    commits: list[FixtureCommit]

    @property
    def head(self) -> str:
        return self.shas[-1]

    def tree(self, index: int) -> dict[str, str]:
        for commit in reversed(self.commits[: index + 1]):
            if commit.files is not None:
                return dict(commit.files)  # type: ignore[arg-type]
        raise AssertionError("no tree")


def synthetic_commits() -> list[FixtureCommit]:
    t1 = {**BASE_TREE, "assets/docs/google/models/bar/1.md": doc("Module", "google/bar/1")}
    t2 = {**t1, "assets/docs/google/models/foo/1.md": doc("Module", "google/foo/1", "Updated.")}
    t3 = {**t2, "assets/docs/google/models/foo/2.md": doc("Module", "google/foo/2")}
    bulk = {
        f"assets/docs/bulk/models/m{i:03d}/1.md": doc("Module", f"bulk/m{i:03d}/1")
        for i in range(650)
    }
    t4 = {**t3, **bulk}
    t5 = {k: v for k, v in t4.items() if k != "assets/docs/google/models/bar/1.md"}
    return [
        FixtureCommit("2021-01-01T10:00:00Z", "Initial import", BASE_TREE, tarball=True),
        FixtureCommit("2021-01-02T12:00:00Z", "Add bar", t1, tarball=False),
        FixtureCommit("2021-01-03T23:59:59Z", "Update foo\n\nLonger text.", t2, tarball=True),
        FixtureCommit("2021-01-04T00:00:00Z", "Add foo 2", t3, tarball=False),
        FixtureCommit("2021-02-10T08:00:00Z", "Bulk import of 650 models", t4, tarball=False),
        FixtureCommit("2021-03-01T09:30:00Z", "Remove bar", t5, tarball=False),
        FixtureCommit("2021-03-05T17:45:00Z", "Update README", {**t5, "README.md": "# v2\n"}),
    ]


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Synthetic:
    root = tmp_path_factory.mktemp("synthetic-mirror")
    commits = synthetic_commits()
    return Synthetic(root, build_fixture(root, commits), commits)


@pytest.fixture(scope="session")
def real_mirror_dir() -> Path:
    if not (REAL_MIRROR / "commits.json").is_file():
        pytest.skip(
            f"the tfhub.dev mirror is not at {REAL_MIRROR} (set TFHUB_MIRROR to its folder)"
        )
    return REAL_MIRROR


@pytest.fixture
def synthetic_mirror(synthetic: Synthetic) -> Iterator[MirrorServer]:
    with MirrorServer(synthetic.root) as server:
        yield server


@pytest.fixture
def real_mirror(real_mirror_dir: Path) -> Iterator[MirrorServer]:
    with MirrorServer(real_mirror_dir) as server:
        yield server


@pytest.fixture(autouse=True)
def _no_github_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's GITHUB_TOKEN or API URL must not leak into tests."""
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("TFHUB_DATASET_API_URL", raising=False)


def fast_config(server: MirrorServer, cache_path: Path | None, **overrides: Any) -> GitHubConfig:
    return GitHubConfig(
        **{"api_url": server.api_url, "cache_path": cache_path, **FAST, **overrides}
    )


@pytest.fixture
def cache_path(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "http.sqlite"


@pytest.fixture
def make_source(cache_path: Path) -> Iterator[Callable[..., GitHubSource]]:
    """``make_source(server, **config_overrides)``: a fast GitHubSource on the test's cache."""
    made: list[GitHubSource] = []

    def make(server: MirrorServer, progress: Any = None, **overrides: Any) -> GitHubSource:
        overrides.setdefault("cache_path", cache_path)
        config = fast_config(server, **overrides)
        source = GitHubSource(config, progress=progress)
        made.append(source)
        return source

    yield make
    for source in made:
        source.close()
