"""Shared test fixtures: the GitHub crawler's live in fixtures_github.py, the git server's in
fixtures_git.py. The real data's history is built once per session, from the git clone."""

from __future__ import annotations

import pytest

from tests.mirror import GIT

pytest_plugins = ["fixtures_github", "fixtures_git"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "heavy: one of the suite's slowest tests (5 s or more); run before the rest"
    )


# Fixtures that take seconds to build: the tests that use one run on one worker, which builds it
# once, rather than on both (`--dist loadgroup`, as ./dev.sh test runs; pytest 9.2 broke it,
# pytest-xdist#1386, hence pytest 9.1). Each name maps to the test module whose module-scoped
# fixture it is (that module's tests of it make one group), or to None for a session fixture
# (its tests, in any module, make a group of that name).
SHARED_FIXTURES = {
    "real_histories": None,
    "pytorch_hub_walk": None,
    "paddle_catalogs": None,
    "archives": "test_deposit",
    "study": "test_report_readme",
    "latest": "test_report_readme",
    "torch_release": "test_hub_wiring",
}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each test of a shared fixture in its group (above); the heaviest tests first, in the
    order they are collected, then the rest. pytest-xdist deals the first tests out in turn, so
    each worker starts on its share of the heavy ones and the light ones even out the end;
    collected last (test_wheel.py), a 25 s test would leave the other worker idle that long. A
    stable reordering: every worker computes the same order."""
    for item in items:
        for name, module in SHARED_FIXTURES.items():
            used = name in getattr(item, "fixturenames", ())
            if used and module in (None, item.path.stem):
                item.add_marker(pytest.mark.xdist_group(module or name))
    items.sort(key=lambda item: item.get_closest_marker("heavy") is None)


@pytest.fixture
def quick_retries(monkeypatch):
    """The command line's network clients as configured, but retrying after milliseconds rather
    than seconds: a test of what a build says when the network fails need not sleep through the
    backoff (the waits themselves are tested against servers that ask for them)."""
    from dataclasses import dataclass, field

    from tfhub_dataset.sources import git
    from tfhub_dataset.sources.api import github
    from tfhub_dataset.sources.git import fetch

    @dataclass(frozen=True)
    class QuickFetch(fetch.FetchConfig):
        backoff_initial: float = 0.01
        backoff_max: float = 0.05

    @dataclass(frozen=True)
    class QuickGitHub(github.GitHubConfig):
        backoff_initial: float = 0.01
        backoff_max: float = 0.05

    @dataclass(frozen=True)
    class QuickGit(git.GitConfig):
        fetch: fetch.FetchConfig = field(default_factory=QuickFetch)

    monkeypatch.setattr(git, "GitConfig", QuickGit)
    monkeypatch.setattr(github, "GitHubConfig", QuickGitHub)


@pytest.fixture(scope="session")
def real_git():
    """The git source over the real clone (skips without it)."""
    if not (GIT / "HEAD").is_file():
        pytest.skip(f"the tensorflow/tfhub.dev git clone is absent at {GIT} (set TFHUB_GIT)")
    from tfhub_dataset.sources.git import GitConfig, GitSource

    with GitSource(GitConfig(path=GIT)) as source:
        yield source


@pytest.fixture(scope="session")
def real_doc_cache() -> dict:
    """Parsed docs of the real clone by (path, blob id), shared by every test that parses it."""
    return {}


@pytest.fixture(scope="session")
def real_histories(real_git, real_doc_cache):
    """Both pinned TF Hub releases' histories from the real clone, built once: {release id:
    History}."""
    from tfhub_dataset.annotations import load_publisher_types
    from tfhub_dataset.build import load_pins
    from tfhub_dataset.history.series import build_history

    types = load_publisher_types()
    tfhub = [p for p in load_pins() if p.hub == "tfhub"]
    return {
        p.id: build_history(real_git, p.commit, p.as_of, types, doc_cache=real_doc_cache)
        for p in tfhub
    }


@pytest.fixture(scope="session")
def pytorch_hub_walk():
    """Every first-parent commit of the real pytorch/hub clone, parsed with plain git (the
    independent walker of tests/pytorch_hub_git.py), once per session: [(commit, catalog,
    tables)], oldest first. Skips without the clone."""
    from tests.pytorch_hub_git import CLONE, walk

    if not (CLONE / "HEAD").is_file():
        pytest.skip(f"the pytorch/hub bare clone is absent at {CLONE} (set PYTORCH_HUB_GIT)")
    return list(walk())
