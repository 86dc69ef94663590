"""The crawler against hostile caches, insecure token destinations and GitHub's rate limits."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import pickle
import socket
import sqlite3
import time
from itertools import pairwise

import pytest

from tfhub_dataset.sources.api import github
from tfhub_dataset.sources.api.fake_server import Fault, MirrorServer
from tfhub_dataset.sources.api.github import FetchError, OfflineCacheMiss, RateLimited

DAY = dt.date(2021, 3, 31)
TOKEN = "ghp_TEST_token_never_sent_in_clear"
LIST = r"^/repos/tensorflow/tfhub\.dev/commits\?"


def warm(make_source, server, synthetic):
    source = make_source(server)
    source.resolve_as_of(DAY)
    source.commit_files(synthetic.head)
    source.snapshot(synthetic.head)
    source.close()


class RunsCode:
    """Unpickling this runs a command: what a tampered pickle cache could do."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def tamper(cache_path, value) -> int:
    with sqlite3.connect(cache_path) as db:
        return db.execute("UPDATE responses SET value = ?", (value,)).rowcount


def test_a_tampered_cache_runs_nothing_and_is_read_as_a_miss(
    synthetic, synthetic_mirror, make_source, cache_path, tmp_path
):
    warm(make_source, synthetic_mirror, synthetic)
    marker = tmp_path / "code-ran"
    bad_entries = [
        pickle.dumps(RunsCode(str(marker))),
        "not json",
        "[" * 100_000,  # deeper than json.loads can go
        json.dumps({"url": 1, "status_code": "x", "_content": [1]}),
        json.dumps({"status_code": 200, "url": "http://x", "_content": "%%%"}),
    ]
    for value in bad_entries:
        assert tamper(cache_path, value) > 0
        offline = make_source(synthetic_mirror, offline=True)
        with pytest.raises(OfflineCacheMiss):
            offline.resolve_as_of(DAY)
        with pytest.raises(FetchError) as err:  # a miss, or a tampered answer refused
            offline.snapshot(synthetic.head)
        assert "\n" not in str(err.value)
        assert not marker.exists(), "a cache entry ran code"
    online = make_source(synthetic_mirror)  # online, a bad entry is fetched again
    assert online.snapshot(synthetic.head).commit == synthetic.head


@pytest.mark.parametrize("damage", ["random", "truncated"])
def test_a_damaged_cache_file_is_moved_aside_online(
    damage, synthetic, synthetic_mirror, make_source, cache_path, capsys
):
    warm(make_source, synthetic_mirror, synthetic)
    data = cache_path.read_bytes()
    cache_path.write_bytes(os.urandom(len(data)) if damage == "random" else data[: len(data) // 3])
    source = make_source(synthetic_mirror)
    source.resolve_as_of(DAY)
    source.commit_files(synthetic.head)
    assert source.snapshot(synthetic.head).commit == synthetic.head
    notices = [ln for ln in capsys.readouterr().err.splitlines() if "damaged" in ln]
    assert len(notices) == 1 and f"{cache_path}.damaged" in notices[0]
    assert (cache_path.parent / "http.sqlite.damaged").stat().st_size > 0


@pytest.mark.parametrize("damage", ["random", "truncated"])
def test_a_damaged_cache_file_stops_an_offline_build_in_one_line(
    damage, synthetic, synthetic_mirror, make_source, cache_path
):
    warm(make_source, synthetic_mirror, synthetic)
    data = cache_path.read_bytes()
    cache_path.write_bytes(os.urandom(len(data)) if damage == "random" else data[: len(data) // 3])
    with pytest.raises(FetchError) as err:
        source = make_source(synthetic_mirror, offline=True)
        source.resolve_as_of(DAY)
        source.commit_files(synthetic.head)
        source.snapshot(synthetic.head)
    message = str(err.value)
    assert "\n" not in message and "damaged" in message and str(cache_path) in message
    assert cache_path.exists()  # offline, nothing is moved


def test_the_token_is_never_sent_in_clear_to_a_remote_host(
    synthetic_mirror, make_source, monkeypatch, caplog
):
    # The mirror stands in as an HTTP proxy: what a network on the way would see.
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", synthetic_mirror.api_url)
    source = make_source(synthetic_mirror, token=TOKEN, api_url="http://api.example.test")
    source.resolve_as_of(DAY)
    (request,) = synthetic_mirror.requests
    assert "Authorization" not in request.headers
    assert "not sent to http://api.example.test" in caplog.text and TOKEN not in caplog.text


def test_a_local_mirror_build_sends_no_token(monkeypatch, tmp_path):
    from tfhub_dataset import cli
    from tfhub_dataset.sources.api import fake_server

    tree = {
        "tags/task.yaml": "values:\n  - id: text-embedding\n",
        "assets/docs/acme/acme.md": "# Publisher acme\nACME\n",
        "assets/docs/acme/models/m/1.md": "# Module acme/m/1\nA model.\n",
    }
    fake_server.build_fixture(
        tmp_path / "mirror", [fake_server.FixtureCommit("2021-03-05T10:00:00Z", "Import", tree)]
    )

    servers: list[MirrorServer] = []

    class Recording(MirrorServer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            servers.append(self)

    monkeypatch.setattr(fake_server, "MirrorServer", Recording)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    with socket.socket() as sock:  # a free port (the mirror's codeload takes the next one)
        sock.bind(("127.0.0.1", 0))
        port = str(sock.getsockname()[1])
    argv = ["build", "--mirror", str(tmp_path / "mirror"), "--mirror-port", port, "--as-of",
            "2021-03-05", "--min-interval", "0", "--no-validate", "--quiet", "--cache",
            str(tmp_path / "c" / "http.sqlite"), "--out", str(tmp_path / "out")]  # fmt: skip
    assert cli.main(argv) == 0
    (server,) = servers
    assert server.requests and all("Authorization" not in r.headers for r in server.requests)


def test_after_the_last_request_of_the_quota_the_next_one_waits_for_the_reset(
    synthetic, synthetic_mirror, make_source, monkeypatch
):
    monkeypatch.setattr(github, "RATE_LIMIT_MARGIN", 0.0)
    reset = int(time.time()) + 2  # whole seconds, like GitHub's
    spent = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}
    synthetic_mirror.script(LIST, Fault(headers=spent))
    source = make_source(synthetic_mirror)
    source.resolve_as_of(DAY)  # 200, and the quota is spent
    wall_at_answer, mono_at_answer = time.time(), time.monotonic()
    source.commit_files(synthetic.head)
    first, second = synthetic_mirror.requests
    # The second request left no earlier than the reset (server clock = this clock).
    assert second.time - mono_at_answer >= reset - wall_at_answer - 0.05
    assert second.time - first.time >= 1.0


def test_a_spent_quota_beyond_max_wait_stops_in_one_line(synthetic, synthetic_mirror, make_source):
    spent = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()) + 3600)}
    synthetic_mirror.script(LIST, Fault(headers=spent))
    source = make_source(synthetic_mirror, max_wait=30)
    source.resolve_as_of(DAY)
    with pytest.raises(RateLimited) as err:
        source.commit_files(synthetic.head)
    assert "\n" not in str(err.value) and len(synthetic_mirror.requests) == 1


def recorded_sleeps(monkeypatch) -> list[float]:
    sleeps: list[float] = []
    monkeypatch.setattr(time, "sleep", sleeps.append)  # tenacity and the throttle call it
    return sleeps


def test_a_secondary_rate_limit_without_a_hint_waits_longer_each_time(
    synthetic_mirror, make_source, monkeypatch
):
    body = b'{"message": "You have exceeded a secondary rate limit. Please wait a few minutes."}'
    synthetic_mirror.script(LIST, *[Fault(status=403, body=body)] * 3)
    sleeps = recorded_sleeps(monkeypatch)
    source = make_source(synthetic_mirror, max_wait=3600, max_attempts=5)
    source.resolve_as_of(DAY)
    assert len(sleeps) == 3 and sleeps[0] >= 60
    assert all(b > a for a, b in pairwise(sleeps))


def test_the_backoff_keeps_its_jitter_at_the_cap(synthetic_mirror, make_source, monkeypatch):
    synthetic_mirror.script(LIST, *[Fault(status=503, body=b"{}")] * 9)
    sleeps = recorded_sleeps(monkeypatch)
    source = make_source(
        synthetic_mirror, backoff_initial=1.0, backoff_max=4.0, max_attempts=10, max_wait=3600
    )
    source.resolve_as_of(DAY)
    at_cap = sleeps[3:]  # 1, 2, 4 (+ jitter), then the cap
    assert len(at_cap) == 6
    assert all(4.0 <= s <= 5.0 for s in at_cap)
    assert len(set(at_cap)) > 1


def test_an_answer_over_the_body_bound_is_refused_unread(synthetic_mirror, make_source):
    synthetic_mirror.script(LIST, Fault(body=b"[" + b" " * 5000 + b"]"))
    source = make_source(synthetic_mirror, max_body_bytes=4096)
    with pytest.raises(github.BodyTooLarge) as err:
        source.resolve_as_of(DAY)
    assert "over 4,096 bytes" in str(err.value) and "\n" not in str(err.value)
    assert len(synthetic_mirror.requests) == 1  # refused, not retried


def test_a_content_encoding_bomb_is_refused_as_it_is_decoded(synthetic_mirror, make_source):
    """A small gzip body (Content-Length within the bound) that inflates past it: requests asks
    for gzip and undoes it, so the bound must hold on the decoded bytes."""
    bomb = gzip.compress(b"[" + b" " * 10_000_000 + b"]")
    assert len(bomb) < 4096 * 10
    synthetic_mirror.script(LIST, Fault(body=bomb, headers={"Content-Encoding": "gzip"}))
    source = make_source(synthetic_mirror, max_body_bytes=64 * 1024)
    with pytest.raises(github.BodyTooLarge, match="once decoded"):
        source.resolve_as_of(DAY)


def test_a_bounded_body_is_read_whole_and_kept(synthetic, synthetic_mirror, make_source):
    """The bound reads the body itself: answers under it are parsed and cached as before."""
    source = make_source(synthetic_mirror, max_body_bytes=1 << 20)
    files = source.commit_files(synthetic.head)  # SHA-addressed: kept without revalidation
    source.close()
    again = make_source(synthetic_mirror, max_body_bytes=1 << 20)
    sent = len(synthetic_mirror.requests)
    assert files and again.commit_files(synthetic.head) == files
    assert len(synthetic_mirror.requests) == sent
