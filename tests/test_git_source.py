"""The git source over real git and real smart HTTP on 127.0.0.1: fetching, politeness, faults,
object verification, and releases byte-identical to the REST API source's."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fixtures_git import HISTORY, P, SyntheticGit, _git, damage_blob

from tests.mirror import ROOT
from tfhub_dataset.annotations import PublisherType
from tfhub_dataset.build import Pin, build_release
from tfhub_dataset.history.series import build_history
from tfhub_dataset.sources.api.fake_server import MirrorServer
from tfhub_dataset.sources.api.github import GitHubConfig, GitHubSource
from tfhub_dataset.sources.errors import FetchError
from tfhub_dataset.sources.git import GitConfig, GitSource
from tfhub_dataset.sources.git.fetch import FetchConfig, Fetcher, PackTooLarge
from tfhub_dataset.sources.git.repo import CorruptObject, GitRepo
from tfhub_dataset.sources.git.server import cut_body, delay, status, trickle
from tfhub_dataset.verify import compare_folders

TYPES = {"acme": PublisherType("acme", "organization", "synthetic")}
QUIET = {"progress": lambda _m: None}
FAST = FetchConfig(backoff_initial=0.05, backoff_max=0.2, max_wait=10.0, low_speed_time=1)


def source(repo: SyntheticGit, cache: Path, **kw) -> GitSource:
    return GitSource(GitConfig(url=repo.url, cache=cache, fetch=FAST, **kw))


def pin(repo: SyntheticGit) -> Pin:
    return Pin("2021-04-30", "2021-04-30", repo.head, "2021-04-20T10:00:00Z")


def test_cold_fetch_is_few_requests_and_a_warm_build_sends_none(
    synthetic_git, git_server, tmp_path
):
    cache = tmp_path / "git" / "tfhub.dev.git"
    git_server.clear_log()
    with source(synthetic_git, cache) as cold:
        h = build_history(cold, synthetic_git.head, "2021-04-30", TYPES)
        sent = git_server.requests
        assert cold.fetcher.report.requests == len(sent) <= 5
        assert [r.method for r in sent] == ["GET", "POST", "POST"]  # refs, ls-refs, the pack
        assert "tools/build.py" not in cold.snapshot(synthetic_git.head).files
    git_server.clear_log()
    with source(synthetic_git, cache) as warm:
        again = build_history(warm, synthetic_git.head, "2021-04-30", TYPES)
        assert warm.fetcher.report.requests == 0
    assert git_server.requests == [] and again.tables == h.tables
    assert not list(cache.parent.glob(".*partial*"))
    # the User-Agent names the project; no credentials are sent
    assert all(r.agent.startswith("tfhub-dataset/") and not r.authorization for r in sent)


def test_months_and_renames_from_git(synthetic_git, tmp_path):
    with GitSource(GitConfig(path=synthetic_git.bare)) as src:
        h = build_history(src, synthetic_git.head, "2021-04-25", TYPES)
    snaps = {s["month"]: s for s in h.tables["snapshots"]}
    # March ends at the line's last March commit, not the side branch's (merged in April)
    assert snaps["2021-03"]["commit"] == synthetic_git.shas["pure rename c"]
    assert snaps["2021-04"]["partial_month"] and not snaps["2021-03"]["partial_month"]
    effects = {(e["status"], e["path"]): e["effect"] for e in h.tables["events"]}
    assert effects[("renamed", f"{P}/models/bee/1.md")] == "modified"
    assert effects[("renamed", f"{P}/models/cee/1.md")] == "moved"
    b = next(r for r in h.tables["doc_history"] if r["handle"] == "acme/b/1")
    assert b["last_changed_commit"] == synthetic_git.shas["rename+edit b"]


def test_503_with_retry_after_is_honoured(synthetic_git, git_server, tmp_path):
    git_server.clear_log()
    git_server.script(r"/info/refs$", status(503, retry_after="1"))
    start = time.monotonic()
    with source(synthetic_git, tmp_path / "c.git") as src:
        src.ensure(synthetic_git.head)
        assert src.fetcher.report.retries == 1 and src.fetcher.report.statuses[503] == 1
    assert time.monotonic() - start >= 1.0
    assert [r.status for r in git_server.requests][:2] == [503, 200]


def test_a_pack_cut_half_way_is_retried_and_never_kept(synthetic_git, git_server, tmp_path):
    cache = tmp_path / "c.git"
    # every answer to the fetch itself is cut: the fetch gives up, and nothing is kept
    git_server.script(r"/git-upload-pack$", *[cut_body(0.5)] * 12)
    with source(synthetic_git, cache) as src, pytest.raises(FetchError, match="kept failing"):
        src.ensure(synthetic_git.head)
    while git_server.pending_faults:  # drop the faults left unused
        git_server._take_fault("/git-upload-pack")
    assert not cache.exists() and list(tmp_path.iterdir()) == []
    # one cut answer: retried, and the clone then holds every object, checked
    git_server.script(r"/git-upload-pack$", cut_body(0.5))
    with source(synthetic_git, cache) as src:
        src.ensure(synthetic_git.head)
        assert src.fetcher.report.retries == 1
    fsck = subprocess.run(["git", "-C", str(cache), "fsck", "--strict"], capture_output=True)
    assert fsck.returncode == 0, fsck.stderr


def test_a_remote_that_sends_too_much_is_cut_off_and_nothing_is_kept(git_server, tmp_path):
    """A remote sending more than max_pack_bytes (one ignoring the blob filter, or one that
    never ends) is cut off in one line, not retried, and nothing it sent stays on disk: neither
    a first clone nor the packs of a fetch into a clone the build already trusts."""
    work, bare = tmp_path / "work", git_server.root / "too-much.git"
    _git(tmp_path, "init", "--quiet", "-b", "master", str(work))
    (work / "README.md").write_text("small\n")
    _git(work, "add", "README.md")
    _git(work, "commit", "--quiet", "-m", "small", date="2021-01-01T00:00:00Z")
    _git(tmp_path, "clone", "--quiet", "--bare", str(work), str(bare))
    url, cache = git_server.url("too-much.git"), tmp_path / "cache" / "c.git"
    bounded = dataclasses.replace(FAST, max_pack_bytes=200_000)
    Fetcher(url, bounded).clone(cache)
    small = _git(work, "rev-parse", "HEAD")
    # 600 KB that does not compress, under the 1 MB blob filter, so the server sends it
    (work / "big.bin").write_bytes(os.urandom(600_000))
    _git(work, "add", "big.bin")
    _git(work, "commit", "--quiet", "-m", "big", date="2021-02-01T00:00:00Z")
    _git(work, "push", "--quiet", str(bare), "master")
    packs = sorted((cache / "objects" / "pack").iterdir())
    with pytest.raises(PackTooLarge, match="sent more than 200,000 bytes") as err:
        Fetcher(url, bounded).fetch(cache)
    assert "\n" not in str(err.value) and "nothing it sent was kept" in str(err.value)
    assert sorted((cache / "objects" / "pack").iterdir()) == packs
    assert _git(cache, "rev-parse", "refs/heads/tip") == small
    assert subprocess.run(["git", "-C", str(cache), "fsck"], capture_output=True).returncode == 0
    fresh = tmp_path / "cache" / "fresh.git"
    with pytest.raises(PackTooLarge):
        Fetcher(url, bounded).clone(fresh)
    assert sorted(p.name for p in fresh.parent.iterdir()) == ["c.git"]
    # cut off while it is still arriving (sent at 300 KB/s): git is stopped, nothing kept
    git_server.clear_log()
    git_server.script(r"/git-upload-pack$", trickle(300_000), trickle(300_000))  # ls-refs, pack
    with pytest.raises(PackTooLarge):
        Fetcher(url, bounded).fetch(cache)
    for _ in range(100):  # the server logs the pack's answer once its writes fail
        answers = [r.sent for r in git_server.requests if r.path.endswith("/git-upload-pack")]
        if len(answers) == 2:
            break
        time.sleep(0.1)
    assert 200_000 < answers[-1] < 600_000  # git was stopped before the pack was all sent
    assert sorted((cache / "objects" / "pack").iterdir()) == packs
    assert _git(cache, "rev-parse", "refs/heads/tip") == small
    # the control: under a bound the pack fits, the same fetch succeeds
    Fetcher(url, dataclasses.replace(FAST, max_pack_bytes=5_000_000)).fetch(cache)
    assert _git(cache, "rev-parse", "refs/heads/tip") == _git(work, "rev-parse", "HEAD")


def test_a_slow_answer_waits_and_a_stalled_one_is_retried(synthetic_git, git_server, tmp_path):
    git_server.script(r"/info/refs$", delay(0.5))
    with source(synthetic_git, tmp_path / "a.git") as src:
        src.ensure(synthetic_git.head)
        assert src.fetcher.report.retries == 0
    git_server.script(r"/info/refs$", delay(4.0))  # beyond low_speed_time: cut, then retried
    with source(synthetic_git, tmp_path / "b.git") as src:
        src.ensure(synthetic_git.head)
        assert src.fetcher.report.retries == 1


def test_a_damaged_object_in_the_cached_clone_is_detected_and_refetched(
    synthetic_git, git_server, tmp_path
):
    cache = tmp_path / "c.git"
    with source(synthetic_git, cache) as src:
        clean = src.snapshot(synthetic_git.head)
        oid = clean.blob_id(f"{P}/models/a/1.md")
        good = clean.files[f"{P}/models/a/1.md"]
    damage_blob(cache, oid)
    with pytest.raises(CorruptObject, match="do not hash to its id"):
        GitRepo(cache).read(oid, "blob")
    # offline: one line saying what to delete
    with source(synthetic_git, cache, offline=True) as src:
        snap = src.snapshot(synthetic_git.head)
        with pytest.raises(FetchError, match=f"delete {cache}"):
            snap.files[f"{P}/models/a/1.md"]
    # online: the clone is fetched again and the object read from the new one
    git_server.clear_log()
    with source(synthetic_git, cache) as src:
        assert src.snapshot(synthetic_git.head).files[f"{P}/models/a/1.md"] == good
    assert len(git_server.requests) == 3
    assert GitRepo(cache).read(oid, "blob") == good


def test_a_repository_on_disk_is_never_fetched_into(synthetic_git, tmp_path):
    config = GitConfig(path=synthetic_git.bare, url="http://127.0.0.1:9/x")
    with GitSource(config) as src, pytest.raises(FetchError, match="is not in"):
        src.snapshot("0" * 40)
    with pytest.raises(FetchError, match="not a git repository"):
        GitSource(GitConfig(path=tmp_path))


def test_git_and_api_sources_build_byte_identical_releases(synthetic_git, synthetic_rest, tmp_path):
    with GitSource(GitConfig(path=synthetic_git.bare)) as src:
        build_release(pin(synthetic_git), src, tmp_path / "git", publisher_types=TYPES, **QUIET)
    with MirrorServer(synthetic_rest) as server:
        config = GitHubConfig(api_url=server.api_url, cache_path=None, min_interval=0, token=None)
        with GitHubSource(config) as api:
            build_release(pin(synthetic_git), api, tmp_path / "api", publisher_types=TYPES, **QUIET)
    count, diffs = compare_folders("2021-04-30", tmp_path / "git" / "2021-04-30",
                                   tmp_path / "api" / "2021-04-30")  # fmt: skip
    assert diffs == [] and count > 40


def test_unreachable_remote_names_the_way_to_build_from_disk(
    tmp_path, monkeypatch, capsys, quick_retries
):
    """In process, its retries a few milliseconds apart (test_hub_wiring.py: the same for
    PyTorch Hub)."""
    from tfhub_dataset.cli import main

    monkeypatch.setenv("TFHUB_DATASET_GIT_URL", "http://127.0.0.1:9/tfhub.dev.git")
    argv = ["build", "--quiet", "--cache", str(tmp_path / "http.sqlite"),
            "--out", str(tmp_path / "out")]  # fmt: skip
    assert main(argv) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("error: cannot reach http://127.0.0.1:9/") and "--git PATH" in line
    assert not (tmp_path / "git").exists() or not any((tmp_path / "git").iterdir())


def test_the_offline_hint_names_the_clones_of_every_hub_built(tmp_path, monkeypatch):
    """One command line builds everything offline: the hint names each asked hub's clone that is
    on disk, in the order of the hubs, and none it does not have."""
    import tfhub_dataset.sources.git as git_source
    from tfhub_dataset.hubs import HUBS, hub
    from tfhub_dataset.sources.by_hub import GitOptions, HubSources

    monkeypatch.setattr(git_source, "SHARED", tmp_path / "shared")
    monkeypatch.chdir(tmp_path)
    clones = [hub(n).clone_name for n in HUBS]
    assert git_source.offline_hint(*clones) == "build from a clone on disk with --git PATH"
    (tmp_path / "shared" / clones[-1]).mkdir(parents=True)
    assert git_source.offline_hint(*clones).endswith(f"(here: --git shared/{clones[-1]})")
    for clone in clones[:-1]:
        (tmp_path / "shared" / clone).mkdir()
    every = " ".join(f"--git shared/{c}" for c in clones)
    assert git_source.offline_hint(*clones).endswith(f"(here: {every})")
    # The sources of a build of every hub carry every hub's clone into the hint.
    options = GitOptions(cache_dir=tmp_path / "cache", hubs=list(HUBS), offline=True)
    with HubSources(git=options) as sources:
        source = sources.for_hub(next(iter(HUBS)), [])
        with pytest.raises(FetchError, match=f"\\(here: {every}\\)"):
            source.ensure("0" * 40)


def test_no_git_command_is_one_line(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "tfhub_dataset", "build", "--quiet", "--out", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert "needs the git command" in line and "--source api" in line


def test_steps_of_the_synthetic_history_are_all_there(synthetic_git):
    assert set(synthetic_git.shas) == {s[0] for s in HISTORY} | {"side d", "merge side", "readme"}
