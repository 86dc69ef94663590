"""End to end: both pinned releases from git and from the fake GitHub server.

The build from GitHub's REST API (over real HTTP on 127.0.0.1, through the cache; the mirror's
commit files enriched from the git clone as GitHub lists them) must give byte-identical releases
to the build from the git clone read straight from disk; a cold build sends a small, exact number
of requests, a warm one none.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.mirror import GIT, MIRROR, ROOT, needs_git, needs_mirror
from tfhub_dataset.build import build_release, load_pins
from tfhub_dataset.sources.api.fake_server import MirrorServer
from tfhub_dataset.sources.api.github import GitHubConfig, GitHubSource
from tfhub_dataset.verify import compare_folders

pytestmark = [needs_mirror, needs_git]
QUIET = {"progress": lambda _m: None}
FAST = {"min_interval": 0.0, "backoff_initial": 0.01, "backoff_max": 0.05, "token": None}

# Requests a cold build of release 2024-03-18 sends, by endpoint (one run, one cache): 7 pages
# of the 623 commits reachable from the final commit (100 a page); one changed-files call per
# commit (623, plus 35 more pages for commits with over 300 files); 41 tarballs (API redirect +
# codeload download): the distinct month-end commits of 2020-08..2024-03 (the last is the release
# commit); one blob per distinct version of a publisher doc on the published branch (49: the
# community tables attribute each publisher link to the commit that first added it); and
# robots.txt of the codeload host. Its history covers release 2022-04-05's.
COLD_REQUESTS = {
    "commits-list": 7,
    "commit": 658,
    "blob": 49,
    "tarball-redirect": 41,
    "codeload-tarball": 41,
    "robots": 1,
}
# The releases committed under releases/: `verify --git` (test_releases.py) proves them equal to
# a fresh build from git, so the other sources and runs are compared with them (and, being
# compared byte for byte with releases test_releases.py validates, are not validated again).
COMMITTED = ROOT / "releases"
LATEST = next(p for p in load_pins() if p.id == "2024-03-18")
needs_committed = pytest.mark.skipif(
    not all((COMMITTED / p.id / "datapackage.json").is_file() for p in load_pins()),
    reason="the releases are not committed yet",
)


def build_against_closed_port(tmp_path: Path, *options: str) -> subprocess.CompletedProcess:
    """`build` with GitHub's API URL pointing at a closed port and an empty cache."""
    env = {**os.environ, "TFHUB_DATASET_API_URL": "http://127.0.0.1:9"}
    cmd = [sys.executable, "-m", "tfhub_dataset", "build", "--quiet", "--source", "api", *options,
           "--cache", str(tmp_path / "c.sqlite"), "--out", str(tmp_path / "out")]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


@needs_committed
@pytest.mark.heavy
def test_github_build_is_byte_identical_and_counts_its_requests(tmp_path):
    """The REST API source (the mirror's files enriched from git as GitHub lists them) builds
    what git builds; warm, every call it made is answered from the cache."""
    cache = tmp_path / "cache" / "http.sqlite"
    with MirrorServer(MIRROR, git=GIT) as server:
        cold = GitHubSource(GitHubConfig(api_url=server.api_url, cache_path=cache, **FAST))
        build_release(LATEST, cold, tmp_path / "cold", validate=False, **QUIET)
        sent = {e: n for e, n in cold.report.requests.items() if n}
        assert sent == COLD_REQUESTS, cold.report.format()
        assert len(server.requests) == sum(COLD_REQUESTS.values())
        cold.close()

        server.clear_log()
        warm = GitHubSource(GitHubConfig(api_url=server.api_url, cache_path=cache, **FAST))
        refs = warm.list_commits(LATEST.commit)
        for ref in refs:
            warm.commit_changes(ref.sha)
        # Every page of commits and of changed files again; of the 41 tarballs, the first and the
        # last month's (each is the same two calls under another SHA, and parsing all 41 again
        # costs 10 s here).
        months = (COMMITTED / LATEST.id / "data" / "snapshots.csv").read_text().splitlines()[1:]
        shas = [line.split(",")[1] for line in months]
        assert len(set(shas)) == COLD_REQUESTS["codeload-tarball"]
        for sha in (shas[0], shas[-1]):
            warm.snapshot(sha)
        assert len(refs) == 623 and warm.report.total_requests == 0, warm.report.format()
        assert server.requests == []
        warm.close()
    count, diffs = compare_folders(LATEST.id, COMMITTED / LATEST.id, tmp_path / "cold" / LATEST.id)
    assert diffs == [], diffs[:5]
    assert count > 50


def test_offline_build_from_warm_cache_only(tmp_path):
    """--offline: everything from the cache; an empty cache fails with one line naming a URL."""
    done = build_against_closed_port(tmp_path, "--offline")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "http://127.0.0.1:9" in lines[0]


def test_unreachable_github_says_so_in_one_line(tmp_path, monkeypatch, capsys, quick_retries):
    """In process (the command line's one-line errors in a process of their own: the test
    above); its retries a few milliseconds apart."""
    from tfhub_dataset.cli import main

    monkeypatch.setenv("TFHUB_DATASET_API_URL", "http://127.0.0.1:9")
    argv = ["build", "--quiet", "--source", "api", "--min-interval", "0",
            "--cache", str(tmp_path / "c.sqlite"), "--out", str(tmp_path / "out")]  # fmt: skip
    assert main(argv) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "cannot be reached at 127.0.0.1:9 (connection refused, 3 attempts)" in line
    assert "--offline" in line and "--snapshot" in line and "--mirror" in line


def test_killed_build_leaves_previous_release_and_next_build_succeeds(synthetic_git, tmp_path):
    """A build killed while it writes the release leaves the release before it as it was; the
    next build succeeds, with the same bytes. On the synthetic history (a whole build through
    the command line takes 3 s, 0.8 s of it before the staging folder appears); the pinned
    releases' whole builds are verify's (test_releases.py)."""
    out = tmp_path / "releases"
    cmd = [sys.executable, "-m", "tfhub_dataset", "build", "--quiet", "--git",
           str(synthetic_git.bare), "--as-of", "2021-04-20", "--no-output-cache",
           "--cache", str(tmp_path / "cache" / "http.sqlite"), "--out", str(out)]  # fmt: skip
    subprocess.run([*cmd, "--no-validate"], check=True, cwd=ROOT, timeout=300)
    (previous,) = [p for p in out.iterdir() if p.is_dir()]
    before = {p: p.read_bytes() for p in previous.rglob("*") if p.is_file()}
    assert len(before) > 10
    proc = subprocess.Popen(cmd, cwd=ROOT)
    try:
        deadline = time.monotonic() + 300
        while not list(out.glob(f".staging-{previous.name}-*")):  # killed while writing
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert {p: p.read_bytes() for p in previous.rglob("*") if p.is_file()} == before
    subprocess.run(cmd, check=True, cwd=ROOT, timeout=300)
    assert sorted(p.name for p in out.iterdir()) == [f".{previous.name}.lock", previous.name]
    assert {p: p.read_bytes() for p in previous.rglob("*") if p.is_file()} == before


@needs_committed
@pytest.mark.heavy
def test_derived_cache_gives_the_same_bytes_cold_and_warm(tmp_path, real_git):
    """What history keeps between runs (derived.py) must never change a release."""
    from tfhub_dataset.derived import DerivedCache

    pin = next(p for p in load_pins() if p.id == "2022-04-05")
    for run in ("cold", "warm"):
        cache = DerivedCache(tmp_path / "derived")
        build_release(pin, real_git, tmp_path / run, derived=cache, validate=False, **QUIET)
        # 21 snapshot summaries and the history, and the first commit of each publisher link
        assert (cache.hits, cache.misses) == ((0, 23) if run == "cold" else (2, 0))
        _, diffs = compare_folders(pin.id, COMMITTED / pin.id, tmp_path / run / pin.id)
        assert diffs == [], diffs[:5]
