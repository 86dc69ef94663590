"""Crawl a hub's repository on GitHub: politely, through a persistent HTTP cache, with retries.

Only fetching lives here; parsing a snapshot is :func:`tfhub_dataset.sources.tarball.read_tarball`
(which this module also uses to prove a download whole before it is kept).

What is fetched, and how it is cached (requests-cache, SQLite, ``build/cache/http.sqlite``):

* a commit's details (``/commits/<sha>``, every page of its files), the commits reachable from a
  SHA (``/commits?sha=<sha>``), the tarball redirect (``/tarball/<sha>``) and the archive on
  codeload are addressed by a commit SHA, so they never change: cached forever, never re-asked;
* anything else, such as the default branch's commits ``until`` a day, moves: cached, but
  revalidated on every use with a conditional request (ETag, ``If-None-Match`` → ``304``);
* robots.txt is kept for a day.

Network requests (never cache hits) go one at a time through one transport adapter that obeys
robots.txt on every host but the API's own, keeps a minimum interval between requests to a remote
host (none by default to a loopback host such as the local mirror: politeness is for remote
hosts), counts them, and adds ``GITHUB_TOKEN`` as a bearer token for the API host only. The token
is added there, below the cache, so it is never part of a cache key nor of a cached request, and
never logged.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import email.utils
import hashlib
import ipaddress
import logging
import os
import random
import re
import sqlite3
import sys
import threading
import time
import urllib.robotparser
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode, urljoin, urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from requests_cache import EXPIRE_IMMEDIATELY, NEVER_EXPIRE, CachedResponse, CachedSession
from requests_cache.policy import DEFAULT_IGNORED_PARAMS
from requests_cache.serializers import SerializerPipeline, json_serializer
from tenacity import RetryCallState, Retrying, retry_if_exception_type

from tfhub_dataset import PROJECT_URL, __version__
from tfhub_dataset.history.replay import data_changes
from tfhub_dataset.hubs import default_hub
from tfhub_dataset.sources.commits import Change, CommitRef, MalformedListing, commit_in_force
from tfhub_dataset.sources.errors import FetchError
from tfhub_dataset.sources.snapshot import Snapshot
from tfhub_dataset.sources.tarball import CorruptArchiveError, UnsafeArchiveError, read_tarball

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_CACHE_PATH",
    "ENDPOINTS",
    "USER_AGENT",
    "CommitRef",
    "CrawlReport",
    "FetchError",
    "GitHubConfig",
    "GitHubSource",
    "GitHubUnreachable",
    "NotFound",
    "OfflineCacheMiss",
    "ProgressEvent",
    "RateLimited",
    "RetriesExhausted",
    "RobotsDisallowed",
    "print_progress",
]

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.github.com"
API_URL_ENV = "TFHUB_DATASET_API_URL"
TOKEN_ENV = "GITHUB_TOKEN"
DEFAULT_CACHE_PATH = Path("build/cache/http.sqlite")
# Seconds between two network requests to a remote host, unless ``min_interval`` says otherwise.
# A loopback host (127.0.0.0/8, ::1, localhost: the local mirror) is not made to wait.
REMOTE_MIN_INTERVAL = 1.0
USER_AGENT = f"tfhub-dataset/{__version__} (+{PROJECT_URL})"
API_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}

#: The endpoints a crawl reports on, in report order.
ENDPOINTS = (
    "commits-list", "commit", "blob", "tarball-redirect", "codeload-tarball", "robots",
)  # fmt: skip

#: Seconds added to a rate-limit reset time before asking again (the reset is whole seconds).
RATE_LIMIT_MARGIN = 1.0
#: Seconds to wait on a first 403 "secondary rate limit" that names no time (GitHub: at least a
#: minute, and longer each time it is met again); each retry of the same request doubles it.
SECONDARY_RATE_LIMIT_WAIT = 60.0
#: A ``Retry-After`` or rate-limit reset is never trusted beyond this many seconds.
_MAX_HINT = 24 * 3600.0
# The largest answer read (a tarball is about 9 MB; a commit page well under 1 MB). Bodies are
# read in chunks and refused past it, so a hostile server (or a Content-Encoding bomb: requests
# asks for gzip and undoes it) cannot fill the memory.
MAX_BODY_BYTES = 128 * 1024 * 1024
_BODY_CHUNK = 1 << 16

_SHA = r"[0-9a-f]{40}"
_FULL_SHA = re.compile(rf"^{_SHA}$")

#: URLs addressed by a commit SHA: their responses never change, so they never expire.
IMMUTABLE_URLS = (
    re.compile(rf"/commits/{_SHA}(?:\?|$)"),  # one commit, any page of its files
    re.compile(rf"/commits\?(?:[^#]*&)?sha={_SHA}(?:&|#|$)"),  # the commits reachable from it
    re.compile(rf"/git/blobs/{_SHA}$"),  # one file's bytes, by blob id
    re.compile(rf"/tarball/{_SHA}$"),  # the API's redirect to codeload
    re.compile(rf"/(?:legacy\.)?tar\.gz/{_SHA}$"),  # the archive on codeload
)
ROBOTS_URL = re.compile(r"^[a-z]+://[^/]+/robots\.txt$")
ROBOTS_EXPIRE_AFTER = dt.timedelta(days=1)

_OFFLINE_WAYS = (
    "to work without the network use --offline (with a warm cache), --snapshot PATH "
    "(a local tarball or folder) or --mirror DIR (a local mirror of the repository)"
)


# --------------------------------------------------------------------------------------------
# Errors: one family, each with a one-line message the CLI prints without a traceback.


class OfflineCacheMiss(FetchError):
    """Offline, and the HTTP cache does not hold the response for this URL."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(
            f"offline and not in the HTTP cache: GET {_redact(url)} "
            "(run once online to fill the cache, or use --snapshot PATH or --mirror DIR)"
        )


class GitHubUnreachable(FetchError):
    """GitHub cannot be reached at all (connection refused, DNS failure, connect timeout)."""


class RateLimited(FetchError):
    """GitHub's rate limit is exhausted for longer than the crawl may wait."""

    def __init__(self, message: str, reset: dt.datetime | None = None) -> None:
        self.reset = reset
        super().__init__(message)


class RobotsDisallowed(FetchError):
    """The host's robots.txt does not allow this crawler to fetch the URL."""


class NotFound(FetchError):
    """GitHub answered 404, or there is no commit where one was asked for."""


class BodyTooLarge(FetchError):
    """An answer larger than ``max_body_bytes`` (as sent, or once decoded): never read whole."""


class RetriesExhausted(FetchError):
    """The server kept failing (5xx, timeouts, broken or corrupt bodies) past the retry budget."""


class _Retryable(Exception):
    """Internal: this attempt failed in a way worth trying again."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class _Transient(_Retryable):
    """5xx, 429 without a hint, timeout, connection broken, short or corrupt body."""


class _RateLimit(_Retryable):
    """403/429 with a reset time or a Retry-After, or GitHub's secondary limit without either."""

    def __init__(
        self, reason: str, retry_after: float | None, reset: float | None, secondary: bool = False
    ) -> None:
        super().__init__(reason, retry_after)
        self.reset = reset
        self.secondary = secondary


class _Unreachable(_Retryable):
    """The connection could not even be made."""

    def __init__(self, reason: str, host: str) -> None:
        super().__init__(reason)
        self.host = host


# --------------------------------------------------------------------------------------------
# Configuration, results, report, progress


def _env_api_url() -> str:
    return os.environ.get(API_URL_ENV) or DEFAULT_API_URL


def _env_token() -> str | None:
    return os.environ.get(TOKEN_ENV) or None


@dataclass(frozen=True)
class GitHubConfig:
    """How to crawl. Defaults are the polite ones for the real GitHub.

    ``api_url`` defaults to ``$TFHUB_DATASET_API_URL`` or https://api.github.com, ``token`` to
    ``$GITHUB_TOKEN`` (never shown in ``repr``). ``cache_path=None`` keeps the cache in memory.
    ``max_wait`` bounds the total time one request may spend waiting between retries (backoff,
    ``Retry-After``, rate-limit reset); ``max_attempts`` bounds its attempts; a host that refuses
    connections is given ``connect_attempts`` attempts before it is declared unreachable.
    ``max_body_bytes`` bounds an answer's body, after any ``Content-Encoding`` is undone.
    ``min_interval`` (seconds between two network requests) applies to every host when given;
    left at None it is ``REMOTE_MIN_INTERVAL`` to a remote host and 0 to a loopback host.
    """

    api_url: str = field(default_factory=_env_api_url)
    repository: str = field(default_factory=lambda: default_hub().repository)
    # the paths its snapshots and changes keep (default: the registry's first hub's)
    data_path: Callable[[str], bool] | None = None
    cache_path: Path | None = DEFAULT_CACHE_PATH
    offline: bool = False
    min_interval: float | None = None
    timeout: float = 30.0
    max_wait: float = 15 * 60.0
    token: str | None = field(default_factory=_env_token, repr=False)
    per_page: int = 100
    backoff_initial: float = 1.0
    backoff_max: float = 60.0
    max_attempts: int = 10
    connect_attempts: int = 3
    max_body_bytes: int = MAX_BODY_BYTES

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", self.repository):
            raise ValueError(f"repository must be OWNER/NAME, not {self.repository!r}")
        if urlsplit(self.api_url).scheme not in ("http", "https"):
            raise ValueError(f"api_url must be an http(s) URL, not {self.api_url!r}")
        if not 1 <= self.per_page <= 100:
            raise ValueError("per_page must be between 1 and 100")


@dataclass(frozen=True)
class ProgressEvent:
    """One step of a crawl, for the terminal. ``kind`` is ``received``, ``cache-hit``,
    ``not-modified`` or ``retry``; ``str()`` is a one-line message."""

    kind: str
    endpoint: str
    what: str
    url: str
    bytes: int = 0
    detail: str = ""

    def __str__(self) -> str:
        text = {
            "received": f"{_human_bytes(self.bytes)} received",
            "cache-hit": "from cache",
            "not-modified": "not modified (304), from cache",
            "retry": "retrying",
        }.get(self.kind, self.kind)
        return f"{self.what}: {text}" + (f" ({self.detail})" if self.detail else "")


def print_progress(event: ProgressEvent) -> None:
    """A progress callback that prints each event on stderr."""
    import sys

    print(f"  {event}", file=sys.stderr, flush=True)


@dataclass
class CrawlReport:
    """What a crawl cost: network requests, cache hits, 304s, retries and bytes, per endpoint."""

    requests: Counter[str] = field(default_factory=Counter)
    cache_hits: Counter[str] = field(default_factory=Counter)
    not_modified: Counter[str] = field(default_factory=Counter)
    retries: Counter[str] = field(default_factory=Counter)
    bytes_received: Counter[str] = field(default_factory=Counter)
    rate_limit_remaining: int | None = None
    # origin -> (minimum interval applied before its requests, why), for each origin contacted
    min_intervals: dict[str, tuple[float, str]] = field(default_factory=dict)

    @property
    def total_requests(self) -> int:
        return self.requests.total()

    @property
    def total_cache_hits(self) -> int:
        return self.cache_hits.total()

    @property
    def total_retries(self) -> int:
        return self.retries.total()

    @property
    def total_bytes(self) -> int:
        return self.bytes_received.total()

    def as_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready), endpoints in report order."""
        names = self._endpoints()
        return {
            "requests": {e: self.requests[e] for e in names},
            "cache_hits": {e: self.cache_hits[e] for e in names},
            "not_modified": {e: self.not_modified[e] for e in names},
            "retries": {e: self.retries[e] for e in names},
            "bytes_received": {e: self.bytes_received[e] for e in names},
            "rate_limit_remaining": self.rate_limit_remaining,
            "min_interval": {o: seconds for o, (seconds, _) in sorted(self.min_intervals.items())},
        }

    def format(self) -> str:
        """A small text table, one row per endpoint and a total."""
        head = ("endpoint", "requests", "cache hits", "304", "retries", "bytes received")
        rows = [
            (
                e,
                self.requests[e],
                self.cache_hits[e],
                self.not_modified[e],
                self.retries[e],
                _human_bytes(self.bytes_received[e]),
            )
            for e in self._endpoints()
        ]
        rows.append(
            (
                "total",
                self.total_requests,
                self.total_cache_hits,
                self.not_modified.total(),
                self.total_retries,
                _human_bytes(self.total_bytes),
            )
        )
        cells = [head, *[tuple(str(c) for c in r) for r in rows]]
        widths = [max(len(r[i]) for r in cells) for i in range(len(head))]
        lines = [
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
            for r in cells
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        if self.rate_limit_remaining is not None:
            lines.append(f"API rate limit remaining: {self.rate_limit_remaining}")
        for origin, (seconds, why) in sorted(self.min_intervals.items()):
            lines.append(f"minimum interval between requests to {origin}: {seconds:g} s ({why})")
        return "\n".join(lines)

    def _endpoints(self) -> list[str]:
        seen = set(self.requests) | set(self.cache_hits) | set(self.retries)
        return list(ENDPOINTS) + sorted(seen - set(ENDPOINTS))


# --------------------------------------------------------------------------------------------
# Helpers


def _human_bytes(n: int) -> str:
    if n < 1000:
        return f"{n} B"
    for unit in ("kB", "MB", "GB"):
        n /= 1000
        if n < 1000 or unit == "GB":
            return f"{n:.1f} {unit}"
    raise AssertionError("unreachable")


def _redact(url: str) -> str:
    """The URL without a query ``token=`` (codeload's links for private repositories carry one)."""
    return re.sub(r"([?&]token=)[^&#]*", r"\1REDACTED", url)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _utc_text(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _server_now(headers: Mapping[str, str]) -> float:
    """The server's clock (its Date header) if it sent one, else ours."""
    try:
        return email.utils.parsedate_to_datetime(headers["Date"]).timestamp()
    except (KeyError, TypeError, ValueError, IndexError):
        return time.time()


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or an HTTP date)."""
    value = (headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return min(float(value), _MAX_HINT)
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return min(max(0.0, when - _server_now(headers)), _MAX_HINT)


def _is_connect_failure(exc: BaseException) -> str | None:
    """A short reason if the exception says no connection could be made, else None."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, urllib3.exceptions.NameResolutionError):
            return "host name not resolved"
        if isinstance(e, urllib3.exceptions.NewConnectionError):  # (a ConnectTimeoutError too)
            return "connection refused" if "refused" in str(e).lower() else "no connection"
        if isinstance(e, urllib3.exceptions.ConnectTimeoutError):
            return "connection timed out"
        if isinstance(e, urllib3.exceptions.MaxRetryError):
            todo.append(e.reason)
        todo.extend(a for a in e.args if isinstance(a, BaseException))
        todo.extend((e.__cause__, e.__context__))
    return None


def is_loopback(url: str) -> bool:
    """True when the URL's host is a loopback address or ``localhost`` (never resolved)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def min_interval_for(url: str, configured: float | None) -> tuple[float, str]:
    """The minimum interval before a network request to ``url``, and why."""
    if configured is not None:
        return configured, "set by min_interval"
    if is_loopback(url):
        return 0.0, "loopback host: politeness is for remote hosts"
    return REMOTE_MIN_INTERVAL, "remote host, the default"


class _Throttle:
    """At least the given interval between the end of one network request and the next, and no
    request before a time set by ``hold_until`` (a rate limit's reset)."""

    def __init__(self) -> None:
        self._last: float | None = None
        self._not_before = 0.0  # time.monotonic()

    def wait(self, interval: float) -> None:
        start = self._not_before
        if self._last is not None and interval > 0:
            start = max(start, self._last + interval)
        delay = start - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def mark(self) -> None:
        self._last = time.monotonic()

    def hold_until(self, when: float) -> None:
        self._not_before = max(self._not_before, when)

    def held_for(self) -> float:
        """Seconds until the hold ends (0 without one)."""
        return max(0.0, self._not_before - time.monotonic())


def _backoff(attempt: int, initial: float, cap: float) -> float:
    """Exponential backoff capped at ``cap``, plus up to ``initial`` of jitter also at the cap
    (so that clients that failed together do not retry in step)."""
    return min(cap, initial * 2 ** (attempt - 1)) + random.uniform(0, initial)


# Errors SQLite reports while a database is busy elsewhere; any other is a damaged cache file.
_SQLITE_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF not in _SQLITE_BUSY
    return "locked" not in str(exc).lower() and "busy" not in str(exc).lower()


class _UntrustedJSON(SerializerPipeline):
    """requests-cache's JSON serializer (a cache file cannot make this process run code, as a
    pickle could), reading every entry as untrusted: one it cannot read back whole, as a response,
    is a cache miss (None), whatever is wrong with it."""

    def __init__(self) -> None:
        stages = [stage.copy() for stage in json_serializer.stages]
        super().__init__(stages, name="json", is_binary=False)

    def copy(self) -> _UntrustedJSON:
        return _UntrustedJSON()

    def loads(self, value: Any) -> CachedResponse | None:  # type: ignore[override]
        try:
            response = super().loads(value)
        except Exception:  # tampered or damaged: bad JSON, wrong shapes, too deep...
            logger.debug("unreadable HTTP cache entry", exc_info=True)
            return None
        if not isinstance(response, CachedResponse) or not isinstance(response.content, bytes):
            return None
        return response


class _PoliteAdapter(HTTPAdapter):
    """The one way out to the network: everything the cache could not answer passes here."""

    def __init__(self, source: GitHubSource) -> None:
        super().__init__()
        self._source = source

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        return self._source._network_send(
            request, lambda r: super(_PoliteAdapter, self).send(r, **kwargs)
        )


T = TypeVar("T")


# --------------------------------------------------------------------------------------------
# The crawler


class GitHubSource:
    """Fetches commits and snapshots of one GitHub repository.

    ``progress``, if given, receives a :class:`ProgressEvent` for each response (every event is
    also logged at INFO on ``tfhub_dataset.sources.api.github``). One request at a time: the methods
    may be called from several threads, but they take turns.
    """

    def __init__(
        self,
        config: GitHubConfig | None = None,
        progress: Callable[[ProgressEvent], None] | None = None,
    ) -> None:
        self.config = config or GitHubConfig()
        self._progress = progress
        self._report = CrawlReport()
        self._lock = threading.RLock()
        self._throttle = _Throttle()
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        api = self.config.api_url.rstrip("/")
        self._api_origin = _origin(api)
        self._repo_url = f"{api}/repos/{self.config.repository}"
        # The token goes to the API host only, and only where it cannot be read on the way.
        secure = urlsplit(api).scheme == "https" or is_loopback(api)
        self._send_token = bool(self.config.token) and secure
        if self.config.token and not secure:
            logger.warning(
                "%s is not sent to %s: only over HTTPS or to a loopback host", TOKEN_ENV, api
            )
        self._session = self._open_session()

    # -- public ---------------------------------------------------------------------------

    @property
    def report(self) -> CrawlReport:
        """Requests, cache hits, 304s, retries and bytes so far."""
        return self._report

    def resolve_as_of(self, day: dt.date) -> CommitRef:
        """The commit in force at the end of ``day`` (UTC): on the default branch's first-parent
        line, the last commit dated at or before it (:func:`commit_in_force`). Lists the default
        branch's commits (``GET /commits``, every page): that list moves with the branch, so it
        is revalidated on every use (ETag → 304)."""
        if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
            raise TypeError(f"resolve_as_of takes a datetime.date, not {type(day).__name__}")
        cutoff = f"{day.isoformat()}T23:59:59Z"
        refs = list(self._iter_pages({}, "default branch commits"))
        # GitHub lists the branch newest first: its tip comes first.
        ref = commit_in_force(refs, day, refs[0].sha) if refs else None
        if ref is None:
            raise NotFound(f"{self.config.repository} has no commit at or before {cutoff}")
        return ref

    def iter_commits(
        self, sha: str, *, since: str | None = None, until: str | None = None
    ) -> Iterator[CommitRef]:
        """The commits reachable from ``sha``, newest first, page by page (``per_page`` up to
        100, following ``Link: rel="next"``), optionally only those committed ``since``/``until``
        (ISO 8601). Addressed by a SHA, so cached for ever."""
        _check_sha(sha)
        params: dict[str, str | int] = {"sha": sha}
        if since:
            params["since"] = since
        if until:
            params["until"] = until
        yield from self._iter_pages(params, f"commits from {sha[:12]}")

    def _iter_pages(self, params: dict[str, str | int], what: str) -> Iterator[CommitRef]:
        params = {**params, "per_page": self.config.per_page, "page": 1}
        url: str | None = f"{self._repo_url}/commits?{urlencode(params)}"
        seen: set[str] = set()
        page = 1
        while url and url not in seen:
            seen.add(url)
            with self._lock:
                items, url = self._fetch(url, f"{what} page {page}", parse=_json_list_and_next)
            yield from map(CommitRef.from_api, items)
            page += 1

    def list_commits(
        self, sha: str, *, since: str | None = None, until: str | None = None
    ) -> list[CommitRef]:
        """All commits reachable from ``sha``, newest first (see :meth:`iter_commits`)."""
        return list(self.iter_commits(sha, since=since, until=until))

    def commit(self, sha: str) -> dict[str, Any]:
        """One commit's details with all its ``files`` (GitHub pages them 300 at a time, up to
        3000, and repeats the rest of the commit on every page). Cached for ever."""
        _check_sha(sha)
        url: str | None = f"{self._repo_url}/commits/{sha}"
        result: dict[str, Any] | None = None
        files: list[dict[str, Any]] = []
        seen: set[str] = set()
        page = 1
        with self._lock:
            while url and url not in seen:
                seen.add(url)
                data, url = self._fetch(
                    url, f"commit {sha[:12]} page {page}", parse=_json_dict_and_next
                )
                if result is None:
                    result = data
                page_files = data.get("files") or []
                if not isinstance(page_files, list):
                    raise MalformedListing(f"commit {sha[:12]} page {page}: `files` is not a list")
                files.extend(page_files)
                page += 1
        assert result is not None
        if len(files) >= 3000:
            logger.warning(
                "commit %s lists %d files: GitHub's limit, the list may be cut", sha, len(files)
            )
        return {**result, "files": files}

    def commit_files(self, sha: str) -> list[dict[str, Any]]:
        """The files a commit touched (``filename``, ``status``, ``previous_filename``...)."""
        return self.commit(sha)["files"]

    def commit_changes(self, sha: str) -> list[Change]:
        """The data files a commit changed, normalised (:func:`data_changes`)."""
        return data_changes(self.commit_files(sha), sha, self.config.data_path)

    def read_blob(self, oid: str) -> bytes:
        """One file's bytes by its git blob id (``GET /git/blobs/<id>``), checked against the id
        (the SHA-1 of ``blob <size>\\0`` and the bytes). Addressed by its id: cached for ever."""
        _check_sha(oid)
        url = f"{self._repo_url}/git/blobs/{oid}"

        def parse(resp: requests.Response) -> bytes:
            data = _json(resp)
            content = data.get("content") if isinstance(data, dict) else None
            if not isinstance(content, str) or data.get("encoding") != "base64":
                raise FetchError(f"blob {oid[:12]}: not GitHub's shape of a blob")
            try:
                raw = base64.b64decode(content.replace("\n", ""), validate=True)
            except (ValueError, binascii.Error):
                raise FetchError(f"blob {oid[:12]}: its content is not base64") from None
            digest = hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()
            if digest != oid:
                raise CorruptArchiveError(f"blob {oid[:12]} does not hash to its id")
            return raw

        with self._lock:
            return self._fetch(url, f"blob {oid[:12]}", parse=parse)

    def tarball(self, sha: str) -> bytes:
        """The snapshot archive of ``sha`` as GitHub serves it, proven whole (it parses)."""
        return self._download(sha)[0]

    def snapshot(self, sha: str) -> Snapshot:
        """The snapshot of ``sha``: one tarball (API redirect → codeload), never file by file."""
        return self._download(sha)[1]

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> GitHubSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- fetching ---------------------------------------------------------------------------

    def _open_session(self) -> CachedSession:
        """The cached session; a damaged cache file is moved aside (online) or refused (offline)."""
        try:
            return self._make_session()
        except sqlite3.DatabaseError as exc:
            if not _damaged(exc):
                raise
            self._set_cache_aside(exc)
            return self._make_session()

    def _set_cache_aside(self, exc: sqlite3.DatabaseError) -> None:
        path = Path(self.config.cache_path or "")
        if self.config.offline:
            raise FetchError(
                f"the HTTP cache {path} is damaged ({exc}); offline there is nothing else to read "
                "from: run online to start a new cache, or use --snapshot PATH or --mirror DIR"
            ) from None
        session = getattr(self, "_session", None)
        if session is not None:
            session.close()
        aside = path.with_name(path.name + ".damaged")
        for suffix in ("", "-wal", "-shm", "-journal"):
            part = path.with_name(path.name + suffix)
            if part.exists():
                part.replace(aside.with_name(aside.name + suffix))
        print(
            f"notice: the HTTP cache {path} is damaged ({exc}); moved it to {aside} and "
            "starting an empty one",
            file=sys.stderr,
            flush=True,
        )

    def _make_session(self) -> CachedSession:
        cfg = self.config
        expire: dict[Any, Any] = {pattern: NEVER_EXPIRE for pattern in IMMUTABLE_URLS}
        expire[ROBOTS_URL] = ROBOTS_EXPIRE_AFTER
        if cfg.cache_path is None:
            backend_kwargs: dict[str, Any] = {"backend": "memory"}
            cache_name = "tfhub-dataset"
        else:
            path = Path(cfg.cache_path)
            path.parent.mkdir(parents=True, exist_ok=True)
            backend_kwargs = {"backend": "sqlite"}
            cache_name = str(path)
        session = CachedSession(
            cache_name,
            **backend_kwargs,
            serializer=_UntrustedJSON(),
            expire_after=EXPIRE_IMMEDIATELY,  # moving resources: keep, but revalidate each use
            urls_expire_after=expire,
            cache_control=False,  # our policy, not the server's max-age=60
            allowable_codes=(200, 302),  # 302: the SHA-addressed redirect to codeload
            allowable_methods=("GET",),
            ignored_parameters=(*DEFAULT_IGNORED_PARAMS, "token"),
            match_headers=False,
            only_if_cached=cfg.offline,
            stale_if_error=cfg.offline,  # offline, a moving response is served as it was
        )
        session.headers["User-Agent"] = USER_AGENT
        adapter = _PoliteAdapter(self)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def _endpoint(self, url: str) -> str:
        path = urlsplit(url).path
        if ROBOTS_URL.match(url):
            return "robots"
        if _origin(url) != self._api_origin:
            return "codeload-tarball"
        if "/tarball/" in path:
            return "tarball-redirect"
        if "/git/blobs/" in path:
            return "blob"
        if re.search(r"/commits/[^/]+$", path):
            return "commit"
        if re.search(r"/commits/?$", path):
            return "commits-list"
        return "other"

    def _network_send(
        self,
        request: requests.PreparedRequest,
        send: Callable[[requests.PreparedRequest], requests.Response],
    ) -> requests.Response:
        """Called by the adapter for every request the cache could not answer."""
        url = request.url or ""
        if self.config.offline:
            raise OfflineCacheMiss(url)
        endpoint = self._endpoint(url)
        if endpoint != "robots" and _origin(url) != self._api_origin:
            self._check_robots(url)
        original = request
        if self._send_token and _origin(url) == self._api_origin:
            request = request.copy()
            request.headers["Authorization"] = f"Bearer {self.config.token}"
        held = self._throttle.held_for()
        if held > self.config.max_wait:
            when = _utc_text(time.time() + held)
            raise RateLimited(
                f"GitHub rate limit spent by the last answer; it lifts at {when}, beyond the "
                f"{self.config.max_wait:g} s this crawl may wait: run again after {when}"
                + ("" if self.config.token else f" or set {TOKEN_ENV}"),
                reset=dt.datetime.fromtimestamp(time.time() + held, tz=dt.UTC),
            )
        interval = self._report.min_intervals.setdefault(
            _origin(url), min_interval_for(url, self.config.min_interval)
        )
        self._throttle.wait(interval[0])
        self._report.requests[endpoint] += 1
        logger.debug("GET %s", _redact(url))
        try:
            response = send(request)
            self._read_bounded(response, url)
        finally:
            self._throttle.mark()
        if _origin(url) == self._api_origin:
            self._note_rate_limit(response)
        # The cache stores the response's request: give it the one without the token, so the
        # token is not stored (not even as "REDACTED") and GitHub's "Vary: Authorization"
        # compares like with like whether or not a token is set.
        response.request = original
        return response

    def _read_bounded(self, response: requests.Response, url: str) -> None:
        """Read the body here, in chunks, refusing it past ``max_body_bytes`` (announced or
        decoded); the session then finds it read. Broken bodies raise as requests' own reads do."""
        limit = self.config.max_body_bytes
        refused = f"refusing the answer from {_redact(url)}: its body is over {limit:,} bytes"
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > limit:
            response.close()
            raise BodyTooLarge(refused)
        chunks, size = [], 0
        for chunk in response.iter_content(_BODY_CHUNK):
            size += len(chunk)
            if size > limit:
                response.close()
                raise BodyTooLarge(refused + " once decoded")
            chunks.append(chunk)
        response._content = b"".join(chunks)  # what ``response.content`` returns from now on

    def _note_rate_limit(self, response: requests.Response) -> None:
        """After an answer that spent the last request of the rate limit, the next request waits
        for its reset (GitHub would refuse it); one beyond ``max_wait`` is not made at all."""
        headers = response.headers
        reset = headers.get("x-ratelimit-reset") or ""
        if headers.get("x-ratelimit-remaining") != "0" or not reset.isdigit():
            return
        wait = min(max(0.0, int(reset) - _server_now(headers)) + RATE_LIMIT_MARGIN, _MAX_HINT)
        self._throttle.hold_until(time.monotonic() + wait)

    def _check_robots(self, url: str) -> None:
        origin = _origin(url)
        parser = self._robots.get(origin)
        if parser is None:
            parser = self._fetch_robots(origin)
            self._robots[origin] = parser
        if not parser.can_fetch(USER_AGENT, url):
            raise RobotsDisallowed(f"{origin}/robots.txt does not allow fetching {_redact(url)}")

    def _fetch_robots(self, origin: str) -> urllib.robotparser.RobotFileParser:
        """robots.txt of a host, as urllib.robotparser reads it (401/403: nothing allowed; other
        4xx: everything allowed; 5xx: try again later)."""
        url = f"{origin}/robots.txt"
        resp = self._session.get(url, timeout=self.config.timeout, allow_redirects=True)
        self._account(resp, "robots", f"robots.txt of {origin}", url)
        parser = urllib.robotparser.RobotFileParser(url)
        if resp.status_code == 200:
            parser.parse(resp.text.splitlines())
        elif resp.status_code in (401, 403):
            parser.disallow_all = True
        elif 400 <= resp.status_code < 500:
            parser.allow_all = True
        else:
            raise _Transient(f"robots.txt of {origin} answered {resp.status_code}")
        parser.modified()
        return parser

    def _account(self, resp: requests.Response, endpoint: str, what: str, url: str) -> int:
        """Count a response as a cache hit, a 304 or bytes received; tell the terminal."""
        if getattr(resp, "revalidated", False):
            self._report.not_modified[endpoint] += 1
            kind, size = "not-modified", 0
        elif getattr(resp, "from_cache", False):
            self._report.cache_hits[endpoint] += 1
            kind, size = "cache-hit", 0
        else:
            size = len(resp.content)
            self._report.bytes_received[endpoint] += size
            kind = "received"
            remaining = resp.headers.get("x-ratelimit-remaining")
            if remaining and remaining.isdigit():
                self._report.rate_limit_remaining = int(remaining)
        detail = f"HTTP {resp.status_code}" if resp.status_code not in (200, 304) else ""
        self._emit(ProgressEvent(kind, endpoint, what, _redact(url), size, detail))
        return size

    def _emit(self, event: ProgressEvent) -> None:
        logger.info("%s", event)
        if self._progress is not None:
            self._progress(event)

    def _fetch(
        self,
        url: str,
        what: str,
        *,
        parse: Callable[[requests.Response], T],
        ok: tuple[int, ...] = (200,),
        allow_redirects: bool = True,
    ) -> T:
        """One logical GET, retried as the config allows; ``parse`` runs on a response whose
        status is in ``ok`` and may raise CorruptArchiveError to have it evicted and fetched again.
        """
        endpoint = self._endpoint(url)
        cfg = self.config

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _RateLimit) and exc.secondary:
                return SECONDARY_RATE_LIMIT_WAIT * 2 ** (state.attempt_number - 1)
            hint = getattr(exc, "retry_after", None)
            if hint is not None:
                return float(hint)
            return _backoff(state.attempt_number, cfg.backoff_initial, cfg.backoff_max)

        def stop(state: RetryCallState) -> bool:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Unreachable) and state.attempt_number >= cfg.connect_attempts:
                return True
            if state.attempt_number >= cfg.max_attempts:
                return True
            return state.idle_for + state.upcoming_sleep > cfg.max_wait

        def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            self._report.retries[endpoint] += 1
            detail = f"{exc}; attempt {state.attempt_number + 1} in {state.upcoming_sleep:.1f} s"
            self._emit(ProgressEvent("retry", endpoint, what, _redact(url), detail=detail))

        def give_up(state: RetryCallState) -> T:
            exc = state.outcome.exception() if state.outcome else None
            raise self._final_error(exc, url, state) from exc

        retrying = Retrying(
            retry=retry_if_exception_type(_Retryable),
            wait=wait,
            stop=stop,
            before_sleep=before_sleep,
            retry_error_callback=give_up,
        )
        return retrying(self._attempt, url, endpoint, what, parse, ok, allow_redirects)

    def _attempt(
        self,
        url: str,
        endpoint: str,
        what: str,
        parse: Callable[[requests.Response], T],
        ok: tuple[int, ...],
        allow_redirects: bool,
    ) -> T:
        headers = dict(API_HEADERS) if _origin(url) == self._api_origin else {}
        sent = self._report.requests.total()
        try:
            resp = self._session.get(
                url, headers=headers, timeout=self.config.timeout, allow_redirects=allow_redirects
            )
            network = not getattr(resp, "from_cache", False)
        except sqlite3.DatabaseError as exc:
            if not _damaged(exc):
                raise
            self._set_cache_aside(exc)
            self._session = self._make_session()
            raise _Transient("the HTTP cache was damaged; asking again with a new one") from exc
        except requests.exceptions.ConnectTimeout as exc:
            raise _Unreachable("connection timed out", urlsplit(url).netloc) from exc
        except requests.exceptions.Timeout as exc:
            raise _Transient(f"no answer within {self.config.timeout:g} s") from exc
        except requests.exceptions.ConnectionError as exc:
            reason = _is_connect_failure(exc)
            if reason:
                raise _Unreachable(reason, urlsplit(url).netloc) from exc
            raise _Transient("connection broken") from exc
        except (
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as exc:
            raise _Transient("connection broken in the middle of the body") from exc
        finally:
            if self._report.requests.total() != sent:
                self._throttle.mark()  # the body has been read too: count the interval from here

        if self.config.offline and resp.status_code == 504:
            raise OfflineCacheMiss(url)
        self._account(resp, endpoint, what, url)
        if not network and resp.status_code not in ok:
            # Only answers in ``ok`` are ever kept: this entry was altered. Ask again.
            self._evict(resp, url)
            raise _Transient(f"the HTTP cache held an unexpected {resp.status_code} answer")
        if resp.status_code not in ok:
            self._raise_for_status(resp, url)
        if network and resp.status_code == 200:
            length = resp.headers.get("Content-Length")
            encoded = resp.headers.get("Content-Encoding", "identity") != "identity"
            if length and length.isdigit() and not encoded and int(length) != len(resp.content):
                self._evict(resp, url)
                raise _Transient(f"body of {len(resp.content)} bytes, Content-Length said {length}")
        try:
            return parse(resp)
        except CorruptArchiveError as exc:
            self._evict(resp, url)
            raise _Transient(f"corrupt download ({exc})") from exc
        except UnsafeArchiveError as exc:
            self._evict(resp, url)
            if not network:
                raise _Transient(f"the HTTP cache held an unsafe archive ({exc})") from exc
            raise FetchError(f"refusing the archive from {_redact(url)}: {exc}") from exc
        except (FetchError, _Retryable) as exc:
            self._evict(resp, url)
            if not network and not isinstance(exc, _Retryable):
                # What the network gave was checked before it was kept: the entry was altered.
                raise _Transient(f"the HTTP cache held an unreadable answer ({exc})") from exc
            raise

    def _evict(self, resp: requests.Response, url: str) -> None:
        key = getattr(resp, "cache_key", None)
        if key:
            self._session.cache.delete(key)
        else:
            self._session.cache.delete(urls=[url])
        logger.info("evicted %s from the HTTP cache", _redact(url))

    def _raise_for_status(self, resp: requests.Response, url: str) -> None:
        status = resp.status_code
        headers = resp.headers
        label = f"{status} {resp.reason or ''}".strip()
        retry_after = _retry_after(headers)
        remaining = headers.get("x-ratelimit-remaining")
        reset = headers.get("x-ratelimit-reset")
        if status in (403, 429) and remaining == "0" and reset and reset.isdigit():
            wait = max(0.0, int(reset) - _server_now(headers)) + RATE_LIMIT_MARGIN
            raise _RateLimit(f"{label}, rate limit exhausted", min(wait, _MAX_HINT), int(reset))
        if status in (403, 429) and retry_after is not None:
            raise _RateLimit(f"{label}, Retry-After {retry_after:g} s", retry_after, None)
        if status == 429:
            raise _RateLimit(label, None, None)
        if status >= 500:
            raise _Transient(label, retry_after)
        message = ""
        try:
            body = resp.json()
            if isinstance(body, dict):
                message = str(body.get("message") or "")
        except ValueError:
            pass
        if status == 403 and "rate limit" in message.lower():
            # GitHub's secondary limit without a hint: "wait at least one minute", and
            # increasingly longer if it goes on (the wait doubles with each attempt).
            raise _RateLimit(f"{label}, {message}", SECONDARY_RATE_LIMIT_WAIT, None, secondary=True)
        text = f"GitHub answered {label} for {_redact(url)}" + (f": {message}" if message else "")
        if status == 404:
            raise NotFound(text)
        raise FetchError(text)

    def _final_error(
        self, exc: BaseException | None, url: str, state: RetryCallState
    ) -> FetchError:
        attempts = state.attempt_number
        if isinstance(exc, _Unreachable):
            return GitHubUnreachable(
                f"GitHub cannot be reached at {exc.host} ({exc.reason}, {attempts} attempts); "
                + _OFFLINE_WAYS
            )
        if isinstance(exc, _RateLimit):
            if exc.reset is not None:
                when = _utc_text(exc.reset)
                reset_dt: dt.datetime | None = dt.datetime.fromtimestamp(exc.reset, tz=dt.UTC)
            else:
                wait = exc.retry_after or 0.0
                when = _utc_text(time.time() + wait)
                reset_dt = None
            if self.config.token:
                advice = f"the token's quota is spent: run again after {when}"
            else:
                advice = (
                    f"set {TOKEN_ENV} to a GitHub token (5,000 requests an hour instead of 60) "
                    f"or run again after {when}"
                )
            return RateLimited(
                f"GitHub rate limit reached on GET {_redact(url)} ({exc.reason}); it lifts at "
                f"{when}, beyond the {self.config.max_wait:g} s this crawl may wait: {advice}",
                reset=reset_dt,
            )
        reason = getattr(exc, "reason", str(exc))
        return RetriesExhausted(
            f"gave up on GET {_redact(url)} after {attempts} attempts and "
            f"{state.idle_for:.1f} s of waiting: {reason}; try again later"
        )

    def _download(self, sha: str) -> tuple[bytes, Snapshot]:
        _check_sha(sha)
        redirect = f"{self._repo_url}/tarball/{sha}"
        with self._lock:
            location = self._fetch(
                redirect,
                f"tarball {sha[:12]} (redirect)",
                parse=lambda r: _location(r, redirect),
                ok=(302, 301, 303, 307, 308),
                allow_redirects=False,
            )

            def parse(resp: requests.Response) -> tuple[bytes, Snapshot]:
                snap = read_tarball(resp.content, data_path=self.config.data_path)
                if snap.commit != sha:
                    raise FetchError(
                        f"the archive at {_redact(location)} holds commit {snap.commit}, not {sha}"
                    )
                return resp.content, replace(snap, repository=self.config.repository)

            return self._fetch(location, f"tarball {sha[:12]}", parse=parse)


# --------------------------------------------------------------------------------------------
# Parsers of responses (pure)


def _check_sha(sha: str) -> None:
    if not isinstance(sha, str) or not _FULL_SHA.match(sha):
        raise ValueError(f"not a full commit SHA (40 lowercase hex digits): {sha!r}")


def _json(resp: requests.Response) -> Any:
    try:
        return resp.json()
    except ValueError as exc:
        raise _Transient(f"response is not JSON ({exc})") from exc


def _json_list(resp: requests.Response) -> list[dict[str, Any]]:
    data = _json(resp)
    if not isinstance(data, list):
        raise FetchError(f"expected a JSON list from {_redact(resp.url)}")
    return data


def _json_list_and_next(resp: requests.Response) -> tuple[list[dict[str, Any]], str | None]:
    return _json_list(resp), resp.links.get("next", {}).get("url")


def _json_dict_and_next(resp: requests.Response) -> tuple[dict[str, Any], str | None]:
    data = _json(resp)
    if not isinstance(data, dict):
        raise FetchError(f"expected a JSON object from {_redact(resp.url)}")
    return data, resp.links.get("next", {}).get("url")


def _location(resp: requests.Response, url: str) -> str:
    target = resp.headers.get("Location")
    if not target:
        raise FetchError(f"redirect without a Location from {url}")
    return urljoin(url, target)
