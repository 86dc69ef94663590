"""The crawler under injected faults: rate limits, 5xx, timeouts, broken and corrupt downloads."""

from __future__ import annotations

import datetime as dt
import socket
import time

import pytest
import requests_cache

from tfhub_dataset.sources.api.fake_server import (
    Fault,
    rate_limit_exhausted,
    reset_mid_body,
    retry_after,
    server_error,
    short_body,
    slow,
    truncated_body,
)
from tfhub_dataset.sources.api.github import (
    FetchError,
    GitHubConfig,
    GitHubSource,
    GitHubUnreachable,
    NotFound,
    RateLimited,
    RetriesExhausted,
)

LIST = r"/commits\?"
ARCHIVE = r"/legacy\.tar\.gz/"
DAY = dt.date(2021, 3, 31)


def test_429_with_retry_after_seconds_is_honoured(synthetic, synthetic_mirror, make_source):
    synthetic_mirror.script(LIST, retry_after(1))
    source = make_source(synthetic_mirror)
    start = time.monotonic()
    assert source.resolve_as_of(DAY).sha == synthetic.head
    assert time.monotonic() - start >= 0.95
    assert source.report.retries == {"commits-list": 1}
    assert source.report.requests == {"commits-list": 2}
    first, second = synthetic_mirror.requests
    assert second.time - first.time >= 0.95


def test_429_with_retry_after_http_date_is_honoured(synthetic, synthetic_mirror, make_source):
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    synthetic_mirror.script(LIST, retry_after(when))
    source = make_source(synthetic_mirror)
    assert source.resolve_as_of(DAY).sha == synthetic.head
    first, second = synthetic_mirror.requests
    assert second.time - first.time >= 0.9  # the date has whole seconds
    assert source.report.retries == {"commits-list": 1}


def test_503_twice_then_200(synthetic, synthetic_mirror, make_source):
    synthetic_mirror.script(r"/commits/", server_error(503), server_error(503))
    source = make_source(synthetic_mirror)
    assert len(source.commit_files(synthetic.shas[1])) == 1
    assert source.report.requests == {"commit": 3}
    assert source.report.retries == {"commit": 2}
    assert synthetic_mirror.pending_faults() == 0


def test_rate_limit_exhausted_waits_until_the_reset(synthetic, synthetic_mirror, make_source):
    reset = int(time.time()) + 1
    synthetic_mirror.script(r"/tarball/", rate_limit_exhausted(reset))
    source = make_source(synthetic_mirror, max_wait=10)
    assert source.snapshot(synthetic.head).commit == synthetic.head
    assert time.time() >= reset
    assert source.report.retries == {"tarball-redirect": 1}
    assert source.report.requests["tarball-redirect"] == 2


@pytest.mark.parametrize("status", [403, 429])
def test_rate_limit_beyond_max_wait_gives_up_at_once(
    synthetic, synthetic_mirror, make_source, status
):
    reset = int(time.time()) + 3600
    synthetic_mirror.script(LIST, rate_limit_exhausted(reset, status=status))
    source = make_source(synthetic_mirror, max_wait=60)
    start = time.monotonic()
    with pytest.raises(RateLimited) as err:
        source.resolve_as_of(DAY)
    assert time.monotonic() - start < 2
    message = str(err.value)
    assert "\n" not in message
    assert "GITHUB_TOKEN" in message
    reset_text = dt.datetime.fromtimestamp(reset, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    assert reset_text in message
    assert err.value.reset == dt.datetime.fromtimestamp(reset, dt.UTC)
    assert len(synthetic_mirror.requests) == 1


def test_rate_limit_with_a_token_says_when_to_come_back(synthetic, synthetic_mirror, make_source):
    reset = int(time.time()) + 7200
    synthetic_mirror.script(LIST, rate_limit_exhausted(reset, limit=5000))
    source = make_source(synthetic_mirror, token="tok-SECRET-42", max_wait=60)
    with pytest.raises(RateLimited) as err:
        source.resolve_as_of(DAY)
    assert "set GITHUB_TOKEN" not in str(err.value)
    assert "run again after" in str(err.value)
    assert "tok-SECRET-42" not in str(err.value)


def test_retry_after_beyond_max_wait_gives_up(synthetic_mirror, make_source):
    synthetic_mirror.script(LIST, retry_after(3600))
    source = make_source(synthetic_mirror, max_wait=30)
    with pytest.raises(RateLimited, match="GITHUB_TOKEN"):
        source.resolve_as_of(DAY)
    assert len(synthetic_mirror.requests) == 1


def test_connection_reset_mid_body_is_retried(synthetic, synthetic_mirror, make_source):
    synthetic_mirror.script(ARCHIVE, reset_mid_body(0.5))
    source = make_source(synthetic_mirror)
    snap = source.snapshot(synthetic.head)
    assert snap.files["README.md"] == b"# v2\n"
    assert source.report.retries == {"codeload-tarball": 1}
    assert len(synthetic_mirror.requests_to("codeload", ARCHIVE)) == 2


def test_reset_before_any_body_is_retried(synthetic, synthetic_mirror, make_source):
    synthetic_mirror.script(LIST, reset_mid_body(0))
    source = make_source(synthetic_mirror)
    assert source.resolve_as_of(DAY).sha == synthetic.head
    assert source.report.retries == {"commits-list": 1}


def test_truncated_gzip_is_evicted_and_fetched_again(
    synthetic, synthetic_mirror, make_source, cache_path
):
    synthetic_mirror.script(ARCHIVE, truncated_body(0.6))
    source = make_source(synthetic_mirror)
    snap = source.snapshot(synthetic.head)
    assert snap.commit == synthetic.head
    assert source.report.retries == {"codeload-tarball": 1}
    assert len(synthetic_mirror.requests_to("codeload", ARCHIVE)) == 2
    source.close()
    # What stays in the cache is the good archive: a warm run is whole and silent.
    warm = make_source(synthetic_mirror)
    assert warm.snapshot(synthetic.head) == snap
    assert warm.report.requests.total() == 0


def test_short_body_against_content_length_is_retried(synthetic, synthetic_mirror, make_source):
    synthetic_mirror.script(ARCHIVE, short_body(0.5))
    source = make_source(synthetic_mirror)
    assert source.snapshot(synthetic.head).commit == synthetic.head
    assert source.report.retries == {"codeload-tarball": 1}


def test_short_json_body_is_retried(synthetic, synthetic_mirror, make_source):
    synthetic_mirror.script(r"/commits/", short_body(0.3))
    source = make_source(synthetic_mirror)
    assert source.commit(synthetic.shas[1])["sha"] == synthetic.shas[1]
    assert source.report.retries == {"commit": 1}


def test_a_response_slower_than_the_timeout_is_retried(synthetic, synthetic_mirror, make_source):
    synthetic_mirror.script(LIST, slow(1.5))
    source = make_source(synthetic_mirror, timeout=0.4)
    start = time.monotonic()
    assert source.resolve_as_of(DAY).sha == synthetic.head
    assert time.monotonic() - start < 1.4
    assert source.report.retries == {"commits-list": 1}


def test_persistent_5xx_gives_up_after_bounded_attempts(synthetic_mirror, make_source):
    synthetic_mirror.script(LIST, *[server_error(502)] * 10)
    source = make_source(synthetic_mirror, max_attempts=4)
    with pytest.raises(RetriesExhausted) as err:
        source.resolve_as_of(DAY)
    assert "\n" not in str(err.value)
    assert "after 4 attempts" in str(err.value) and "502" in str(err.value)
    assert len(synthetic_mirror.requests) == 4


def test_total_wait_is_bounded(synthetic_mirror, make_source):
    synthetic_mirror.script(LIST, *[server_error(503, {"Retry-After": "1"})] * 10)
    source = make_source(synthetic_mirror, max_wait=1.5, max_attempts=10)
    start = time.monotonic()
    with pytest.raises(RetriesExhausted):
        source.resolve_as_of(DAY)
    assert time.monotonic() - start < 2.5
    assert len(synthetic_mirror.requests) == 2  # waited 1 s once; a second wait would pass 1.5 s


def test_a_corrupt_archive_is_never_returned_nor_kept(
    synthetic, synthetic_mirror, make_source, cache_path
):
    synthetic_mirror.script(ARCHIVE, *[truncated_body(0.5)] * 3)
    source = make_source(synthetic_mirror, max_attempts=3)
    with pytest.raises(RetriesExhausted, match="corrupt download"):
        source.snapshot(synthetic.head)
    source.close()
    cache = requests_cache.CachedSession(str(cache_path), backend="sqlite", serializer="json").cache
    urls = [r.url for r in cache.responses.values()]
    cache.close()
    assert not any("legacy.tar.gz" in u for u in urls)


def test_a_404_is_not_retried(synthetic_mirror, make_source):
    source = make_source(synthetic_mirror)
    with pytest.raises(NotFound):
        source.snapshot("f" * 40)
    assert len(synthetic_mirror.requests) == 1


def test_wrong_commit_in_archive_is_refused(synthetic, synthetic_mirror, make_source):
    other = (synthetic.root / "tarballs" / f"{synthetic.shas[0]}.tar.gz").read_bytes()
    synthetic_mirror.script(ARCHIVE, Fault(body=other))
    source = make_source(synthetic_mirror)
    with pytest.raises(Exception, match=f"holds commit {synthetic.shas[0]}, not {synthetic.head}"):
        source.snapshot(synthetic.head)


def test_an_unreachable_host_is_reported_in_one_line(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = GitHubConfig(
        api_url=f"http://127.0.0.1:{port}",
        cache_path=tmp_path / "http.sqlite",
        min_interval=0,
        backoff_initial=0.01,
        backoff_max=0.02,
        connect_attempts=2,
        token=None,
    )
    start = time.monotonic()
    with GitHubSource(config) as source, pytest.raises(GitHubUnreachable) as err:
        source.resolve_as_of(DAY)
    assert time.monotonic() - start < 2
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"GitHub cannot be reached at 127.0.0.1:{port} (connection refused")
    for way in ("--offline", "--snapshot PATH", "--mirror DIR"):
        assert way in message
    assert source.report.requests == {"commits-list": 2}
    assert source.report.retries == {"commits-list": 1}


def test_secondary_rate_limit_without_a_hint_waits_a_minute(synthetic_mirror, make_source):
    body = b'{"message": "You have exceeded a secondary rate limit. Please wait a few minutes."}'
    synthetic_mirror.script(LIST, Fault(status=403, body=body))
    source = make_source(synthetic_mirror, max_wait=30)  # a minute is beyond it: give up at once
    with pytest.raises(RateLimited, match="secondary rate limit"):
        source.resolve_as_of(DAY)
    assert len(synthetic_mirror.requests) == 1


def test_a_plain_403_is_not_retried(synthetic_mirror, make_source):
    synthetic_mirror.script(LIST, Fault(status=403, body=b'{"message": "Resource not accessible"}'))
    source = make_source(synthetic_mirror)
    with pytest.raises(FetchError, match=r"403 Forbidden .* Resource not accessible"):
        source.resolve_as_of(DAY)
    assert len(synthetic_mirror.requests) == 1
