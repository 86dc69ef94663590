"""The crawler's HTTP cache: exact request counts cold, none warm, offline, ETag revalidation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import requests_cache
from fixtures_github import SHA_2022_04_05, SHA_2024_03_18

from tfhub_dataset.sources.api.github import (
    DEFAULT_CACHE_PATH,
    USER_AGENT,
    CrawlReport,
    FetchError,
    GitHubConfig,
    OfflineCacheMiss,
)
from tfhub_dataset.sources.tarball import read_tarball


def test_cold_snapshots_count_their_requests_exactly(synthetic, synthetic_mirror, make_source):
    source = make_source(synthetic_mirror)
    first = source.snapshot(synthetic.shas[0])
    last = source.snapshot(synthetic.head)

    assert first.commit == synthetic.shas[0]
    assert first.commit_date == "2021-01-01T10:00:00Z"
    assert dict(first.files) == {k: v.encode() for k, v in synthetic.tree(0).items()}
    assert last.files["README.md"] == b"# v2\n"
    assert source.report.requests == {"tarball-redirect": 2, "robots": 1, "codeload-tarball": 2}
    assert source.report.cache_hits.total() == 0
    assert source.report.retries.total() == 0
    assert [(r.host, r.path) for r in synthetic_mirror.requests] == [
        ("api", f"/repos/tensorflow/tfhub.dev/tarball/{synthetic.shas[0]}"),
        ("codeload", "/robots.txt"),
        ("codeload", f"/tensorflow/tfhub.dev/legacy.tar.gz/{synthetic.shas[0]}"),
        ("api", f"/repos/tensorflow/tfhub.dev/tarball/{synthetic.head}"),
        ("codeload", f"/tensorflow/tfhub.dev/legacy.tar.gz/{synthetic.head}"),
    ]
    archive = (synthetic.root / "tarballs" / f"{synthetic.head}.tar.gz").read_bytes()
    assert source.report.bytes_received["codeload-tarball"] > len(archive)
    assert source.tarball(synthetic.head) == archive  # from the cache now
    assert len(synthetic_mirror.requests) == 5


def test_a_warm_cache_sends_nothing(synthetic, synthetic_mirror, make_source):
    cold = make_source(synthetic_mirror)
    cold.snapshot(synthetic.shas[0])
    cold.list_commits(synthetic.head)
    cold.commit_files(synthetic.shas[4])
    cold.close()
    sent = len(synthetic_mirror.requests)

    warm = make_source(synthetic_mirror)
    assert warm.snapshot(synthetic.shas[0]).commit == synthetic.shas[0]
    assert len(warm.list_commits(synthetic.head)) == 7
    assert len(warm.commit_files(synthetic.shas[4])) == 650
    assert len(synthetic_mirror.requests) == sent
    assert warm.report.requests.total() == 0
    assert warm.report.cache_hits == {
        "tarball-redirect": 1,
        "codeload-tarball": 1,
        "commits-list": 1,
        "commit": 3,
    }


def test_real_snapshots_cold_then_warm(real_mirror, make_source, cache_path):
    cold = make_source(real_mirror)
    snaps = [cold.snapshot(SHA_2022_04_05), cold.snapshot(SHA_2024_03_18)]
    assert [s.commit_date for s in snaps] == ["2022-04-04T14:10:29Z", "2024-03-18T19:10:19Z"]
    assert all(s.repository == "tensorflow/tfhub.dev" for s in snaps)
    assert b"Kaggle" in snaps[1].files["README.md"]
    assert cold.report.requests == {"tarball-redirect": 2, "robots": 1, "codeload-tarball": 2}
    assert len(real_mirror.requests) == 5

    warm = make_source(real_mirror)
    again = [warm.snapshot(SHA_2022_04_05), warm.snapshot(SHA_2024_03_18)]
    assert [dict(s.files) for s in again] == [dict(s.files) for s in snaps]
    assert warm.report.requests.total() == 0
    assert warm.report.cache_hits == {"tarball-redirect": 2, "codeload-tarball": 2}
    assert len(real_mirror.requests) == 5
    assert cache_path.is_file()


def test_offline_with_an_empty_cache_fails_naming_the_url(synthetic, synthetic_mirror, make_source):
    source = make_source(synthetic_mirror, offline=True)
    with pytest.raises(OfflineCacheMiss) as err:
        source.snapshot(synthetic.head)
    message = str(err.value)
    assert "\n" not in message
    assert (
        f"{synthetic_mirror.api_url}/repos/tensorflow/tfhub.dev/tarball/{synthetic.head}" in message
    )
    assert "offline" in message
    assert isinstance(err.value, FetchError)
    # resolving a day lists the default branch (its first-parent line picks the commit)
    with pytest.raises(OfflineCacheMiss, match=r"/commits\?per_page=100&page=1 "):
        source.resolve_as_of(dt.date(2021, 1, 3))
    assert synthetic_mirror.requests == []


def test_offline_serves_a_warm_cache_even_moving_lists(synthetic, synthetic_mirror, make_source):
    online = make_source(synthetic_mirror)
    ref = online.resolve_as_of(dt.date(2021, 1, 3))
    refs = online.list_commits(synthetic.head)
    snap = online.snapshot(ref.sha)
    online.close()
    sent = len(synthetic_mirror.requests)

    offline = make_source(synthetic_mirror, offline=True)
    assert offline.resolve_as_of(dt.date(2021, 1, 3)) == ref  # stale, not revalidated
    assert offline.list_commits(synthetic.head) == refs
    assert offline.snapshot(ref.sha) == snap
    assert len(synthetic_mirror.requests) == sent
    # any day resolves offline from the cached (stale) list of the default branch
    assert offline.resolve_as_of(dt.date(2021, 1, 4)).date <= "2021-01-04T23:59:59Z"


def test_moving_lists_revalidate_with_etag(synthetic, synthetic_mirror, make_source):
    first = make_source(synthetic_mirror)
    ref = first.resolve_as_of(dt.date(2021, 3, 31))
    assert ref.sha == synthetic.head
    assert "If-None-Match" not in synthetic_mirror.requests[0].headers

    second = make_source(synthetic_mirror)
    assert second.resolve_as_of(dt.date(2021, 3, 31)) == ref
    request = synthetic_mirror.requests[1]
    assert request.headers["If-None-Match"].startswith('W/"')
    assert second.report.requests == {"commits-list": 1}
    assert second.report.not_modified == {"commits-list": 1}
    assert second.report.bytes_received.total() == 0


def test_expiry_policy_in_the_cache(synthetic, synthetic_mirror, make_source, cache_path):
    source = make_source(synthetic_mirror)
    source.resolve_as_of(dt.date(2021, 3, 31))
    source.list_commits(synthetic.head)
    source.commit_files(synthetic.shas[1])
    source.snapshot(synthetic.head)
    source.close()

    cache = requests_cache.CachedSession(str(cache_path), backend="sqlite", serializer="json").cache
    expires = {r.url: r.expires for r in cache.responses.values()}
    cache.close()
    moving = [u for u in expires if "/commits?" in u and "sha=" not in u]  # the default branch
    robots = [u for u in expires if u.endswith("/robots.txt")]
    assert len(moving) == 1 and expires[moving[0]] is not None  # revalidated on use
    assert len(robots) == 1 and expires[robots[0]] is not None  # kept for a day
    forever = set(expires) - set(moving) - set(robots)
    assert len(forever) == 4  # commits?sha=, commits/<sha>, tarball/<sha> (302), legacy.tar.gz
    assert all(expires[u] is None for u in forever)
    assert any(u.endswith(f"/tarball/{synthetic.head}") for u in forever)


def test_corrupt_cached_archive_is_evicted_and_fetched_again(
    synthetic, synthetic_mirror, make_source, cache_path
):
    source = make_source(synthetic_mirror)
    good = source.snapshot(synthetic.head)
    source.close()
    cache = requests_cache.CachedSession(str(cache_path), backend="sqlite", serializer="json").cache
    for key, response in list(cache.responses.items()):
        if "legacy.tar.gz" in response.url:
            response._content = response.content[:100]
            cache.responses[key] = response
    cache.close()

    again = make_source(synthetic_mirror)
    assert again.snapshot(synthetic.head) == good
    assert again.report.requests == {"codeload-tarball": 1}
    assert again.report.cache_hits == {"tarball-redirect": 1, "codeload-tarball": 1, "robots": 1}
    assert again.report.retries == {"codeload-tarball": 1}


def test_config_defaults_and_environment(monkeypatch):
    config = GitHubConfig()
    assert config.api_url == "https://api.github.com"
    assert config.cache_path == DEFAULT_CACHE_PATH == Path("build/cache/http.sqlite")
    assert config.repository == "tensorflow/tfhub.dev"
    assert (config.min_interval, config.max_wait, config.offline, config.token) == (
        None,  # 1 s to a remote host, 0 to a loopback host
        900.0,
        False,
        None,
    )
    monkeypatch.setenv("TFHUB_DATASET_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("GITHUB_TOKEN", "from-the-environment")
    config = GitHubConfig()
    assert config.api_url == "http://127.0.0.1:9"
    assert config.token == "from-the-environment"
    assert "from-the-environment" not in repr(config)
    assert GitHubConfig(api_url="http://example.invalid").api_url == "http://example.invalid"
    with pytest.raises(ValueError):
        GitHubConfig(repository="no-slash")
    assert USER_AGENT.startswith("tfhub-dataset/")


def test_progress_events_and_report_table(synthetic, synthetic_mirror, make_source):
    events = []
    source = make_source(synthetic_mirror, progress=events.append)
    source.snapshot(synthetic.head)
    source.snapshot(synthetic.head)
    kinds = [(e.endpoint, e.kind) for e in events]
    assert kinds == [
        ("tarball-redirect", "received"),
        ("robots", "received"),
        ("codeload-tarball", "received"),
        ("tarball-redirect", "cache-hit"),
        ("codeload-tarball", "cache-hit"),
    ]
    assert synthetic.head[:12] in str(events[2]) and "kB received" in str(events[2])
    assert str(events[4]).endswith("from cache")

    table = source.report.format()
    lines = table.splitlines()
    assert lines[0].split()[:3] == ["endpoint", "requests", "cache"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:]}
    assert rows["tarball-redirect"][:2] == ["1", "1"]
    assert rows["codeload-tarball"][:2] == ["1", "1"]
    assert rows["robots"][:2] == ["1", "0"]
    assert rows["total"][:2] == ["3", "2"]
    assert source.report.as_dict()["requests"]["codeload-tarball"] == 1
    assert CrawlReport().format().splitlines()[-1].split()[:2] == ["total", "0"]


def test_archive_bytes_parse_with_read_tarball(synthetic, synthetic_mirror, make_source):
    source = make_source(synthetic_mirror)
    data = source.tarball(synthetic.shas[2])
    assert read_tarball(data).commit_date == "2021-01-03T23:59:59Z"
