"""Politeness of a history build over HTTP: a cold build sends a bounded number of requests and
fetches only the month-end snapshots; a warm one (same HTTP cache) sends none. Runs the GitHub
crawler against a local GitHub-shaped server over a small synthetic mirror."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_history_build import LICENSES, TASKS, TYPES, lite, module, publisher

from tfhub_dataset.history.series import build_history
from tfhub_dataset.sources.api.fake_server import FixtureCommit, MirrorServer, build_fixture
from tfhub_dataset.sources.api.github import GitHubConfig, GitHubSource
from tfhub_dataset.sources.local import LocalMirror

A = "assets/docs/acme"


@pytest.fixture(scope="module")
def fixture_mirror(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("mirror")
    tree: dict[str, bytes] = {
        "README.md": b"# tfhub.dev\n",
        "tags/task.yaml": TASKS.encode(),
        "tags/license.yaml": LICENSES.encode(),
        f"{A}/acme.md": publisher("acme"),
        f"{A}/models/a/1.md": module("acme/a/1"),
    }
    steps = [("2021-01-10", {}, False)]
    steps += [("2021-01-25", {f"{A}/models/b/1.md": module("acme/b/1", "text-embedding")}, True)]
    steps += [("2021-02-05", {f"{A}/models/a/1.md": module("acme/a/1", note="v2")}, False)]
    steps += [("2021-02-20", {f"{A}/models/b/lite/1.md": lite("acme/b/1", "acme/b/1")}, True)]
    steps += [("2021-04-02", {f"{A}/models/c/1.md": module("acme/c/1")}, True)]
    commits = []
    for day, changes, tarball in steps:
        tree = {**tree, **changes}
        commits.append(FixtureCommit(f"{day}T12:00:00Z", f"Update {day}", dict(tree), tarball))
    return root, build_fixture(root, commits)


def source(server: MirrorServer, cache: Path) -> GitHubSource:
    config = GitHubConfig(api_url=server.api_url, cache_path=cache, min_interval=0.0, token=None)
    return GitHubSource(config)


def test_cold_build_is_bounded_and_warm_build_sends_nothing(
    fixture_mirror: tuple[Path, list[str]], tmp_path: Path
) -> None:
    root, shas = fixture_mirror
    head = shas[-1]
    cache = tmp_path / "http.sqlite"
    with MirrorServer(root) as server:
        cold_source = source(server, cache)
        cold = build_history(cold_source, head, "2021-04-05", TYPES)
        sent = cold_source.report.requests
        cold_source.close()
        warm_source = source(server, cache)
        warm = build_history(warm_source, head, "2021-04-05", TYPES)
        warm_source.close()
    # months 2021-01..04 (March repeats February): three distinct snapshots, not five
    assert [s["repeated"] for s in cold.tables["snapshots"]] == [False, False, True, False]
    assert cold.calls["snapshot"] == 3 and cold.calls["commit_changes"] == 5
    assert sent["codeload-tarball"] == 3 and sent["tarball-redirect"] == 3
    assert sent["commit"] == 5 and sent["commits-list"] == 1
    assert cold.requests == sum(sent.values())
    assert warm.requests == 0
    assert warm.tables == cold.tables
    # the mirror read from disk answers the same
    assert build_history(LocalMirror(root), head, "2021-04-05", TYPES).tables == cold.tables
