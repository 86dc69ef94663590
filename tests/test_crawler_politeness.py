"""The crawler's manners: User-Agent, minimum interval, robots.txt, the token kept secret."""

from __future__ import annotations

import datetime as dt
import logging
import time
from itertools import pairwise

import pytest

from tfhub_dataset import PROJECT_URL, __version__
from tfhub_dataset.sources.api import github
from tfhub_dataset.sources.api.github import USER_AGENT, RobotsDisallowed, min_interval_for

TOKEN = "ghp_TEST_token_0123456789_never_stored"


def test_user_agent_names_the_project_and_its_version(synthetic, synthetic_mirror, make_source):
    assert f"tfhub-dataset/{__version__} (+{PROJECT_URL})" == USER_AGENT
    source = make_source(synthetic_mirror)
    source.resolve_as_of(dt.date(2021, 3, 31))
    source.snapshot(synthetic.head)
    assert {r.headers["User-Agent"] for r in synthetic_mirror.requests} == {USER_AGENT}
    api = synthetic_mirror.requests_to("api")
    assert {r.headers["Accept"] for r in api} == {"application/vnd.github+json"}


def test_minimum_interval_between_network_requests(
    synthetic, synthetic_mirror, make_source, monkeypatch
):
    source = make_source(synthetic_mirror, min_interval=0.25)
    source.snapshot(synthetic.shas[0])
    source.snapshot(synthetic.head)
    times = [r.time for r in synthetic_mirror.requests]
    assert len(times) == 5
    assert min(b - a for a, b in pairwise(times)) >= 0.25  # a lower bound: load cannot break it

    sleeps: list[float] = []  # cache hits neither wait nor reach the network
    monkeypatch.setattr(time, "sleep", sleeps.append)
    source.snapshot(synthetic.shas[0])
    source.snapshot(synthetic.head)
    assert sleeps == []
    assert len(synthetic_mirror.requests) == 5
    assert source.report.cache_hits.total() == 4


@pytest.mark.parametrize(
    ("url", "configured", "seconds"),
    [
        ("https://api.github.com/repos/x/y", None, 1.0),
        ("https://codeload.github.com/x/y/legacy.tar.gz/main", None, 1.0),
        ("http://127.0.0.1:47470/repos/x/y", None, 0.0),
        ("http://127.9.8.7/", None, 0.0),
        ("http://[::1]:8080/", None, 0.0),
        ("http://localhost:1/", None, 0.0),
        ("http://localhost.example.com/", None, 1.0),  # a name is not resolved
        ("http://127.0.0.1.nip.io/", None, 1.0),
        ("http://127.0.0.1:47470/", 0.25, 0.25),  # an explicit interval applies everywhere
        ("https://api.github.com/", 0.0, 0.0),
    ],
)
def test_minimum_interval_is_for_remote_hosts(url, configured, seconds):
    assert min_interval_for(url, configured)[0] == seconds


def test_loopback_host_is_not_made_to_wait_and_the_report_says_so(
    synthetic, synthetic_mirror, make_source, monkeypatch
):
    slept = []
    monkeypatch.setattr(github.time, "sleep", slept.append)
    source = make_source(synthetic_mirror, min_interval=None)  # the default
    source.snapshot(synthetic.shas[0])
    source.snapshot(synthetic.head)
    assert len(synthetic_mirror.requests) == 5 and slept == []
    origins = {synthetic_mirror.api_url.rstrip("/"), synthetic_mirror.codeload_url.rstrip("/")}
    assert source.report.as_dict()["min_interval"] == dict.fromkeys(sorted(origins), 0.0)
    report = source.report.format()
    for origin in origins:
        assert (
            f"requests to {origin}: 0 s (loopback host: politeness is for remote hosts)" in report
        )


def test_token_is_a_bearer_for_the_api_only_and_never_kept(
    synthetic, synthetic_mirror, make_source, cache_path, caplog
):
    caplog.set_level(logging.DEBUG)
    events = []
    source = make_source(synthetic_mirror, token=TOKEN, progress=events.append)
    source.resolve_as_of(dt.date(2021, 3, 31))
    source.resolve_as_of(dt.date(2021, 3, 31))  # a conditional request too
    source.list_commits(synthetic.head)
    source.commit_files(synthetic.shas[4])
    source.snapshot(synthetic.head)
    source.close()

    api = synthetic_mirror.requests_to("api")
    assert len(api) == 7
    assert {r.headers.get("Authorization") for r in api} == {f"Bearer {TOKEN}"}
    codeload = synthetic_mirror.requests_to("codeload")
    assert codeload and all("Authorization" not in r.headers for r in codeload)

    stored = b"".join(p.read_bytes() for p in cache_path.parent.iterdir() if p.is_file())
    assert stored and TOKEN.encode() not in stored
    assert TOKEN not in caplog.text
    assert all(TOKEN not in str(e) and TOKEN not in e.url for e in events)
    assert TOKEN not in source.report.format() and TOKEN not in str(source.report.as_dict())
    assert TOKEN not in repr(source.config)


@pytest.mark.parametrize(("first", "second"), [(None, TOKEN), (TOKEN, None), (TOKEN, TOKEN)])
def test_token_is_not_part_of_the_cache_key(
    synthetic, synthetic_mirror, make_source, first, second
):
    # The mirror answers "Vary: Authorization" like GitHub; the cache must still hit.
    cold = make_source(synthetic_mirror, token=first)
    cold.list_commits(synthetic.head)
    cold.commit_files(synthetic.shas[1])
    cold.snapshot(synthetic.head)
    cold.close()
    assert "Authorization" in synthetic_mirror.requests[0].headers.get("Vary", "Authorization")
    sent = len(synthetic_mirror.requests)

    warm = make_source(synthetic_mirror, token=second)
    warm.list_commits(synthetic.head)
    warm.commit_files(synthetic.shas[1])
    warm.snapshot(synthetic.head)
    assert len(synthetic_mirror.requests) == sent
    assert warm.report.cache_hits.total() == 4


def test_robots_disallow_on_codeload_refuses(synthetic, synthetic_mirror, make_source):
    synthetic_mirror.set_robots("codeload", "User-agent: *\nDisallow: /tensorflow/\n")
    source = make_source(synthetic_mirror)
    with pytest.raises(RobotsDisallowed) as err:
        source.snapshot(synthetic.head)
    message = str(err.value)
    assert "\n" not in message
    assert f"{synthetic_mirror.codeload_url}/robots.txt" in message
    assert f"legacy.tar.gz/{synthetic.head}" in message
    assert [r.path for r in synthetic_mirror.requests_to("codeload")] == ["/robots.txt"]
    assert source.report.retries.total() == 0


@pytest.mark.parametrize(
    ("robots", "allowed"),
    [
        ("User-agent: tfhub-dataset\nDisallow: /\n", False),
        ("User-agent: someotherbot\nDisallow: /\n\nUser-agent: *\nAllow: /\n", True),
        (None, True),  # no robots.txt (404): everything allowed
    ],
)
def test_robots_rules_by_agent(synthetic, synthetic_mirror, make_source, robots, allowed):
    synthetic_mirror.set_robots("codeload", robots)
    source = make_source(synthetic_mirror)
    if allowed:
        assert source.snapshot(synthetic.head).commit == synthetic.head
    else:
        with pytest.raises(RobotsDisallowed):
            source.snapshot(synthetic.head)


def test_robots_fetched_once_per_host_and_the_api_host_exempt(
    synthetic, synthetic_mirror, make_source
):
    # The mirror's API robots.txt disallows everything, like api.github.com's: it is not asked.
    source = make_source(synthetic_mirror)
    source.snapshot(synthetic.shas[0])
    source.snapshot(synthetic.shas[2])
    source.snapshot(synthetic.head)
    source.list_commits(synthetic.head)
    assert len(synthetic_mirror.requests_to("codeload", r"^/robots\.txt$")) == 1
    assert synthetic_mirror.requests_to("api", r"^/robots\.txt$") == []
    assert source.report.requests["robots"] == 1
