"""A local, GitHub-shaped HTTP server over a mirror folder, for tests and for ``--mirror DIR``.

The folder has the layout of a GitHub REST mirror of a repository (``commits.json``,
``commits/<sha>.json``, ``tarballs/<sha>.tar.gz``). :class:`MirrorServer` serves it on 127.0.0.1 as
two hosts, like GitHub: the REST API (commits list, commit details, tarball redirect) on one port
and codeload (the archives) on another. It logs every request it receives and can be told to
misbehave (:class:`Fault`): rate limits, 5xx, slow answers, bodies cut short or reset, corrupt
archives.

:func:`build_fixture` writes a small synthetic folder of the same layout from a few documents.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import gzip
import hashlib
import io
import json
import logging
import re
import socket
import struct
import tarfile
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

from tfhub_dataset.hubs import default_hub

if TYPE_CHECKING:
    from tfhub_dataset.sources.git.repo import GitRepo

__all__ = [
    "Fault",
    "FixtureCommit",
    "LoggedRequest",
    "MirrorServer",
    "build_fixture",
    "make_tarball",
    "rate_limit_exhausted",
    "reset_mid_body",
    "retry_after",
    "server_error",
    "short_body",
    "slow",
    "truncated_body",
]

logger = logging.getLogger(__name__)

Host = Literal["api", "codeload"]

FILES_PER_PAGE = 300
MAX_FILES = 3000
DOCS_URL = "https://docs.github.com/rest"
API_VARY = "Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding, Accept, X-Requested-With"
API_ROBOTS = "# API host: crawl through the API, not as a robot\nUser-agent: *\nDisallow: /\n"
CODELOAD_ROBOTS = "User-agent: *\nDisallow:\n"

REPOSITORY = default_hub().repository  # what a mirror serves unless told otherwise


# --------------------------------------------------------------------------------------------
# Faults


@dataclass(frozen=True)
class Fault:
    """One scripted answer, replacing or altering the answer the mirror would give.

    ``status``/``body`` replace the real ones when set; ``headers`` are added (and override).
    ``delay`` waits before answering. ``truncate_to`` cuts the body and sends a matching
    Content-Length (a complete HTTP message with damaged content); ``cut_after`` announces the
    full Content-Length, sends only that many body bytes, then ends the connection: ``"close"``
    (a clean FIN: a short body) or ``"reset"`` (TCP RST). A float in (0, 1) for ``truncate_to``
    or ``cut_after`` is a fraction of the body.
    """

    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    delay: float = 0.0
    truncate_to: int | float | None = None
    cut_after: int | float | None = None
    cut_with: Literal["close", "reset"] = "close"


def server_error(status: int = 503, headers: Mapping[str, str] | None = None) -> Fault:
    """A 5xx with GitHub's JSON error body."""
    body = json.dumps({"message": "Service Unavailable", "documentation_url": DOCS_URL})
    return Fault(status=status, headers=dict(headers or {}), body=body.encode())


def retry_after(value: float | str | dt.datetime, status: int = 429) -> Fault:
    """A 429 (or 403/503) with ``Retry-After``: seconds, an HTTP-date string, or a datetime."""
    if isinstance(value, dt.datetime):
        text = email.utils.format_datetime(value.astimezone(dt.UTC), usegmt=True)
    elif isinstance(value, (int, float)):
        text = str(int(value))
    else:
        text = value
    body = json.dumps(
        {"message": "You have exceeded a secondary rate limit.", "documentation_url": DOCS_URL}
    )
    return Fault(status=status, headers={"Retry-After": text}, body=body.encode())


def rate_limit_exhausted(reset: float, status: int = 403, limit: int = 60) -> Fault:
    """GitHub's primary rate limit: ``x-ratelimit-remaining: 0`` and the reset (epoch seconds)."""
    body = json.dumps(
        {
            "message": "API rate limit exceeded for 127.0.0.1. (But here's the good news: "
            "Authenticated requests get a higher rate limit.)",
            "documentation_url": DOCS_URL,
        }
    )
    headers = {
        "x-ratelimit-limit": str(limit),
        "x-ratelimit-remaining": "0",
        "x-ratelimit-used": str(limit),
        "x-ratelimit-reset": str(int(reset)),
        "x-ratelimit-resource": "core",
    }
    return Fault(status=status, headers=headers, body=body.encode())


def slow(seconds: float) -> Fault:
    """The real answer, but only after ``seconds``."""
    return Fault(delay=seconds)


def truncated_body(keep: int | float = 0.5) -> Fault:
    """The real answer cut to ``keep`` bytes, with a Content-Length that matches the cut."""
    return Fault(truncate_to=keep)


def short_body(keep: int | float = 0.5) -> Fault:
    """The real Content-Length but only ``keep`` bytes of body, then the connection closes."""
    return Fault(cut_after=keep, cut_with="close")


def reset_mid_body(keep: int | float = 0.5) -> Fault:
    """The real Content-Length, ``keep`` bytes of body, then a TCP reset."""
    return Fault(cut_after=keep, cut_with="reset")


def _bytes_of(keep: int | float, total: int) -> int:
    if isinstance(keep, float) and 0 < keep < 1:
        return int(total * keep)
    return min(int(keep), total)


@dataclass(frozen=True)
class LoggedRequest:
    """A request as the mirror received it. ``time`` is ``time.monotonic()`` at arrival."""

    host: Host
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    time: float

    @property
    def target(self) -> str:
        return self.path + (f"?{urlencode(self.query)}" if self.query else "")


@dataclass
class _Script:
    pattern: re.Pattern[str]
    host: Host | None
    faults: deque[Fault]


# --------------------------------------------------------------------------------------------
# The mirror's data


class _Mirror:
    """The folder's commits, loaded once; commit details and archives read on demand.

    Given the ``git`` repository the folder mirrors, it answers as GitHub does where the folder
    falls short: each file of a commit gets ``sha``, ``additions``, ``deletions`` and ``changes``
    (from ``git diff-tree --numstat``), and a commit without an archive in the folder gets one
    made from its tree (data paths only, like the folder's)."""

    def __init__(self, root: Path, git: Path | None = None) -> None:
        self.root = root
        self.git = git
        self.commits: list[dict[str, Any]] = json.loads((root / "commits.json").read_text())
        self.by_sha = {c["sha"]: c for c in self.commits}
        # The folder's listings lack the authors' and committers' e-mail addresses, which GitHub
        # lists: given the repository, they are served from it (in memory, never written).
        self._emails = _emails(git, self.commits[0]["sha"]) if git and self.commits else {}
        for c in self.commits:
            _add_emails(c, self._emails.get(c["sha"]))
        self.order = {c["sha"]: i for i, c in enumerate(self.commits)}
        self._reachable: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._repo: GitRepo | None = None

    def repo(self) -> GitRepo:
        """The repository, opened once for every request (opening one makes its shadow git
        dir: 8 ms, against 4 ms for the command a commit's detail runs) and closed by close()."""
        from tfhub_dataset.sources.git.repo import GitRepo

        assert self.git is not None
        with self._lock:
            if self._repo is None:
                self._repo = GitRepo(self.git)
            return self._repo

    def close(self) -> None:
        with self._lock:
            repo, self._repo = self._repo, None
        if repo is not None:
            repo.close()

    @property
    def head(self) -> str:
        return self.commits[0]["sha"]

    def resolve(self, ref: str) -> str | None:
        if ref in ("HEAD", "master", "main"):
            return self.head
        if ref in self.by_sha:
            return ref
        if re.fullmatch(r"[0-9a-f]{7,39}", ref):
            found = [s for s in self.by_sha if s.startswith(ref)]
            if len(found) == 1:
                return found[0]
        return None

    def reachable(self, sha: str) -> list[dict[str, Any]]:
        """Commits reachable from ``sha``, in the mirror's (newest first) order."""
        with self._lock:
            if sha not in self._reachable:
                seen: set[str] = set()
                todo = [sha]
                while todo:
                    s = todo.pop()
                    if s in seen or s not in self.by_sha:
                        continue
                    seen.add(s)
                    todo.extend(p["sha"] for p in self.by_sha[s].get("parents") or ())
                self._reachable[sha] = sorted(
                    (self.by_sha[s] for s in seen), key=lambda c: self.order[c["sha"]]
                )
            return self._reachable[sha]

    def detail(self, sha: str) -> dict[str, Any] | None:
        path = self.root / "commits" / f"{sha}.json"
        if not path.is_file():
            return None
        detail = json.loads(path.read_text())
        if self.git is not None:
            detail["files"] = _enrich(self.repo(), sha, detail.get("files") or [])
            _add_emails(detail, self._emails.get(sha))
        return detail

    def blob(self, oid: str) -> bytes | None:
        """A blob of the repository (GitHub's ``git/blobs`` endpoint): the folder's
        ``blobs/<id>``, else the repository's, given one."""
        if not re.fullmatch(r"[0-9a-f]{40}", oid):
            return None
        path = self.root / "blobs" / oid
        if path.is_file():
            return path.read_bytes()
        if self.git is None:
            return None
        try:
            return self.repo().read(oid, "blob")
        except Exception:
            return None

    def tarball(self, sha: str) -> bytes | None:
        path = self.root / "tarballs" / f"{sha}.tar.gz"
        if path.is_file():
            return path.read_bytes()
        if self.git is None or sha not in self.by_sha:
            return None
        repo = self.repo()
        files = {p: repo.read(oid, "blob") for p, oid in repo.tree(sha).items()}
        date = self.by_sha[sha]["commit"]["committer"]["date"]
        return make_tarball(sha, date, files)


def _emails(git: Path, head: str) -> dict[str, tuple[str, str]]:
    """Each commit reachable from ``head`` -> (author e-mail, committer e-mail), from git."""
    from tfhub_dataset.sources.git.repo import GitRepo

    repo = GitRepo(git)
    out = repo.run("log", "-z", "--format=%H%x1f%ae%x1f%ce", head).decode("utf-8", "replace")
    found = {}
    for record in out.split("\0"):
        parts = record.strip("\n").split("\x1f")
        if len(parts) == 3:
            found[parts[0]] = (parts[1], parts[2])
    return found


def _add_emails(commit: dict[str, Any], emails: tuple[str, str] | None) -> None:
    if emails is None:
        return
    for role, address in zip(("author", "committer"), emails, strict=True):
        who = commit.get("commit", {}).get(role)
        if isinstance(who, dict) and not who.get("email"):
            who["email"] = address


def _enrich(git: Path | GitRepo, sha: str, files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """GitHub's per-file ``sha``, ``additions``, ``deletions``, ``changes`` from the repository
    (a path, opened for this call, or an open GitRepo)."""
    from tfhub_dataset.sources.git.repo import GitRepo

    repo = git if isinstance(git, GitRepo) else GitRepo(git)
    try:
        raw = repo.run(
            "diff-tree", "-r", "-M", "--root", "--raw", "--numstat", "-z", "--no-abbrev", sha
        )
    finally:
        if repo is not git:
            repo.close()
    tokens = raw.split(b"\0")[1:]  # the commit id first
    blobs: dict[str, str] = {}
    stats: dict[str, tuple[int, int]] = {}
    i = 0
    while i < len(tokens):
        tok = tokens[i].lstrip(b"\n")
        if not tok:
            i += 1
        elif tok.startswith(b":"):
            letter, new = tok.split()[4][:1], tok.split()[3].decode()
            step = 3 if letter in b"RC" else 2
            blobs[tokens[i + step - 1].decode("utf-8", "surrogateescape")] = new
            i += step
        else:  # numstat: "added\tdeleted\tpath" or, for a rename, "added\tdeleted\t" old new
            added, deleted, path = tok.decode("utf-8", "surrogateescape").split("\t", 2)
            step = 1
            if not path:
                path, step = tokens[i + 2].decode("utf-8", "surrogateescape"), 3
            stats[path] = (int(added) if added != "-" else 0, int(deleted) if deleted != "-" else 0)
            i += step
    out = []
    for f in files:
        added, deleted = stats.get(f["filename"], (0, 0))
        extra = {"additions": added, "deletions": deleted, "changes": added + deleted}
        if f["filename"] in blobs:
            extra["sha"] = blobs[f["filename"]]
        out.append({**f, **extra})
    return out


def _parse_time(value: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _etag(body: bytes) -> str:
    return f'W/"{hashlib.sha256(body).hexdigest()[:40]}"'


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    bare = etag.removeprefix("W/")
    candidates = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in candidates or bare in candidates


# --------------------------------------------------------------------------------------------
# The server


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], mirror: MirrorServer, role: Host) -> None:
        self.mirror = mirror
        self.role = role
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout) or a connection reset on purpose: not news.
        logger.debug("mirror %s: error answering %s", self.role, client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm holds the
    # body until the client's delayed ACK (about 40 ms a response on keep-alive connections).
    disable_nagle_algorithm = True
    server_version = "tfhub-dataset-mirror"
    sys_version = ""
    timeout = 30
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("mirror %s: " + format, self.server.role, *args)

    def do_GET(self) -> None:
        self.server.mirror._handle(self)

    def do_HEAD(self) -> None:
        self.server.mirror._handle(self, head=True)


@dataclass
class _Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class MirrorServer:
    """Serve a mirror folder as GitHub's API and codeload, on 127.0.0.1, in background threads.

    Use as a context manager. ``api_url`` and ``codeload_url`` are the two bases (two ports:
    two hosts, like the real thing). ``requests`` is the log of what was received; ``script``
    queues faults for the next requests whose ``path?query`` matches a regex; ``set_robots``
    sets a host's robots.txt (``None``: 404). API answers carry ETags (``If-None-Match`` → 304),
    ``Link`` pagination and ``x-ratelimit-*`` headers (a count of an authenticated quota, 5,000
    by default, never enforced; the crawler waits for the reset once it reaches 0).
    """

    def __init__(
        self,
        mirror_dir: str | Path,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        codeload_port: int = 0,
        repository: str = REPOSITORY,
        rate_limit: int = 5000,
        git: str | Path | None = None,
    ) -> None:
        self.mirror_dir = Path(mirror_dir)
        if not (self.mirror_dir / "commits.json").is_file():
            raise FileNotFoundError(f"{self.mirror_dir} holds no commits.json: not a mirror")
        self.host = host
        self.repository = repository
        self.rate_limit = rate_limit
        self._ports = (port, codeload_port)
        self._data = _Mirror(self.mirror_dir, Path(git) if git is not None else None)
        self._lock = threading.Lock()
        self._log: list[LoggedRequest] = []
        self._scripts: list[_Script] = []
        self._robots: dict[Host, str | None] = {"api": API_ROBOTS, "codeload": CODELOAD_ROBOTS}
        self._used = 0
        self._reset = int(time.time()) + 3600
        self._servers: dict[Host, _Server] = {}
        self._threads: list[threading.Thread] = []

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> MirrorServer:
        for role, port in zip(("api", "codeload"), self._ports, strict=True):
            server = _Server((self.host, port), self, role)  # type: ignore[arg-type]
            self._servers[role] = server  # type: ignore[index]
            thread = threading.Thread(
                target=server.serve_forever, args=(0.05,), name=f"mirror-{role}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()
        self._data.close()

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _base(self, role: Host) -> str:
        host, port = self._servers[role].server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self._base("api")

    @property
    def codeload_url(self) -> str:
        return self._base("codeload")

    # -- test controls ----------------------------------------------------------------------

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    def requests_to(
        self, host: Host | None = None, pattern: str | None = None
    ) -> list[LoggedRequest]:
        """The logged requests to ``host`` whose ``path?query`` matches ``pattern`` (a regex)."""
        regex = re.compile(pattern) if pattern else None
        return [
            r
            for r in self.requests
            if (host is None or r.host == host) and (regex is None or regex.search(r.target))
        ]

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def script(self, pattern: str, *faults: Fault, host: Host | None = None) -> None:
        """Answer the next ``len(faults)`` requests matching ``pattern`` with these faults."""
        with self._lock:
            self._scripts.append(_Script(re.compile(pattern), host, deque(faults)))

    def pending_faults(self) -> int:
        with self._lock:
            return sum(len(s.faults) for s in self._scripts)

    def set_robots(self, host: Host, text: str | None) -> None:
        with self._lock:
            self._robots[host] = text

    def _take_fault(self, role: Host, target: str) -> Fault | None:
        with self._lock:
            for script in self._scripts:
                if script.faults and script.host in (None, role) and script.pattern.search(target):
                    return script.faults.popleft()
        return None

    # -- answering --------------------------------------------------------------------------

    def _handle(self, handler: _Handler, head: bool = False) -> None:
        role = handler.server.role
        parts = urlsplit(handler.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        with self._lock:
            self._log.append(
                LoggedRequest(
                    role,
                    handler.command,
                    parts.path,
                    query,
                    dict(handler.headers),
                    time.monotonic(),
                )
            )
        fault = self._take_fault(role, target)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        try:
            if parts.path == "/robots.txt":
                answer = self._robots_answer(role)
            elif role == "api":
                answer = self._api(handler, parts.path, parts.query, query)
            else:
                answer = self._codeload(parts.path)
        except Exception:  # a bug here must still answer, or the client would hang
            logger.exception("mirror %s: failed on %s", role, handler.path)
            answer = _Answer(500, {"Content-Type": "text/plain"}, b"mirror server error\n")
        if fault is not None:
            answer = self._apply(fault, answer, role)
        self._send(handler, answer, fault, head)

    def _apply(self, fault: Fault, answer: _Answer, role: Host) -> _Answer:
        if fault.status is not None:
            headers = self._api_headers({}, role) if role == "api" else {}
            headers["Content-Type"] = "application/json; charset=utf-8"
            answer = _Answer(fault.status, headers, fault.body or b"")
        elif fault.body is not None:
            answer = _Answer(answer.status, answer.headers, fault.body)
        answer.headers.update(fault.headers)
        if fault.truncate_to is not None:
            answer.body = answer.body[: _bytes_of(fault.truncate_to, len(answer.body))]
        return answer

    def _send(self, handler: _Handler, answer: _Answer, fault: Fault | None, head: bool) -> None:
        handler.send_response(answer.status)
        for name, value in answer.headers.items():
            if name.lower() != "content-length":
                handler.send_header(name, value)
        if answer.status != 304:
            handler.send_header("Content-Length", str(len(answer.body)))
        cut = fault is not None and fault.cut_after is not None
        if cut:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        if head or answer.status == 304:
            return
        if not cut:
            handler.wfile.write(answer.body)
            return
        assert fault is not None and fault.cut_after is not None
        handler.wfile.write(answer.body[: _bytes_of(fault.cut_after, len(answer.body))])
        handler.wfile.flush()
        sock = handler.connection
        if fault.cut_with == "reset":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        else:
            sock.shutdown(socket.SHUT_RDWR)

    def _robots_answer(self, role: Host) -> _Answer:
        with self._lock:
            text = self._robots[role]
        if text is None:
            return _Answer(404, {"Content-Type": "text/plain"}, b"404: Not Found\n")
        return _Answer(200, {"Content-Type": "text/plain; charset=utf-8"}, text.encode())

    def _api_headers(
        self, headers: dict[str, str], role: Host, count: bool = False
    ) -> dict[str, str]:
        with self._lock:
            if count:
                self._used += 1
            used, reset = self._used, self._reset
        out = {
            "x-ratelimit-limit": str(self.rate_limit),
            "x-ratelimit-remaining": str(max(0, self.rate_limit - used)),
            "x-ratelimit-reset": str(reset),
            "x-ratelimit-used": str(used),
            "x-ratelimit-resource": "core",
            "X-GitHub-Api-Version-Selected": "2022-11-28",
            "Vary": API_VARY,
        }
        out.update(headers)
        return out

    def _json(
        self, handler: _Handler, status: int, obj: Any, extra: Mapping[str, str] = {}
    ) -> _Answer:
        body = json.dumps(obj, indent=2).encode() + b"\n"
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Cache-Control": "public, max-age=60, s-maxage=60",
            **extra,
        }
        if status == 200:
            etag = _etag(body)
            headers["ETag"] = etag
            if _etag_matches(handler.headers.get("If-None-Match"), etag):
                return _Answer(304, self._api_headers(headers, "api"), b"")
        return _Answer(status, self._api_headers(headers, "api", count=True), body)

    def _not_found(self, handler: _Handler, message: str = "Not Found") -> _Answer:
        return self._json(
            handler, 404, {"message": message, "documentation_url": DOCS_URL, "status": "404"}
        )

    def _api(self, handler: _Handler, path: str, raw_query: str, query: dict[str, str]) -> _Answer:
        prefix = f"/repos/{self.repository}/"
        if not path.startswith(prefix):
            return self._not_found(handler)
        rest = path[len(prefix) :]
        if rest in ("commits", "commits/"):
            return self._commits(handler, path, raw_query, query)
        if m := re.fullmatch(r"commits/([^/]+)", rest):
            return self._commit(handler, path, raw_query, query, m.group(1))
        if m := re.fullmatch(r"tarball(?:/([^/]+))?", rest):
            return self._tarball_redirect(handler, m.group(1) or "HEAD")
        if m := re.fullmatch(r"git/blobs/([^/]+)", rest):
            return self._blob(handler, m.group(1))
        return self._not_found(handler)

    def _blob(self, handler: _Handler, oid: str) -> _Answer:
        """GitHub's ``GET /repos/{owner}/{repo}/git/blobs/{sha}``: base64 content in JSON."""
        data = self._data.blob(oid)
        if data is None:
            return self._not_found(handler)
        encoded = base64.encodebytes(data).decode("ascii")
        body = {
            "sha": oid,
            "node_id": "",
            "size": len(data),
            "url": f"{self.api_url}/repos/{self.repository}/git/blobs/{oid}",
            "content": encoded,
            "encoding": "base64",
        }
        return self._json(handler, 200, body)

    def _links(self, path: str, raw_query: str, page: int, last: int) -> dict[str, str]:
        if last <= 1:
            return {}
        pairs = [(k, v) for k, v in parse_qsl(raw_query, keep_blank_values=True) if k != "page"]

        def url(p: int) -> str:
            return f"<{self.api_url}{path}?{urlencode([*pairs, ('page', str(p))])}>"

        links = []
        if page > 1:
            links.append(f'{url(page - 1)}; rel="prev"')
        if page < last:
            links.append(f'{url(page + 1)}; rel="next"')
            links.append(f'{url(last)}; rel="last"')
        if page > 1:
            links.append(f'{url(1)}; rel="first"')
        return {"Link": ", ".join(links)}

    @staticmethod
    def _int(query: dict[str, str], name: str, default: int, low: int, high: int) -> int | None:
        value = query.get(name)
        if value is None or value == "":
            return default
        if not value.isdigit():
            return None
        return max(low, min(high, int(value)))

    def _commits(
        self, handler: _Handler, path: str, raw_query: str, query: dict[str, str]
    ) -> _Answer:
        ref = query.get("sha") or "HEAD"
        sha = self._data.resolve(ref)
        if sha is None:
            return self._not_found(handler, f"No commit found for SHA: {ref}")
        per_page = self._int(query, "per_page", 30, 1, 100)
        page = self._int(query, "page", 1, 1, 10**6)
        if per_page is None or page is None:
            return self._json(handler, 422, {"message": "Invalid page or per_page"})
        bounds = {}
        for name in ("since", "until"):
            if query.get(name):
                when = _parse_time(query[name])
                if when is None:
                    return self._json(handler, 422, {"message": f"Invalid {name}"})
                bounds[name] = when
        commits = [
            c
            for c in self._data.reachable(sha)
            if (
                "since" not in bounds
                or _parse_time(c["commit"]["committer"]["date"]) >= bounds["since"]
            )
            and (
                "until" not in bounds
                or _parse_time(c["commit"]["committer"]["date"]) <= bounds["until"]
            )
        ]
        last = max(1, -(-len(commits) // per_page))
        chunk = commits[(page - 1) * per_page : page * per_page]
        return self._json(handler, 200, chunk, self._links(path, raw_query, page, last))

    def _commit(
        self, handler: _Handler, path: str, raw_query: str, query: dict[str, str], ref: str
    ) -> _Answer:
        sha = self._data.resolve(ref)
        detail = self._data.detail(sha) if sha else None
        if detail is None:
            return self._not_found(handler, f"No commit found for SHA: {ref}")
        per_page = self._int(query, "per_page", FILES_PER_PAGE, 1, FILES_PER_PAGE)
        page = self._int(query, "page", 1, 1, 10**6)
        if per_page is None or page is None:
            return self._json(handler, 422, {"message": "Invalid page or per_page"})
        files = (detail.get("files") or [])[:MAX_FILES]
        last = max(1, -(-len(files) // per_page))
        body = {**detail, "files": files[(page - 1) * per_page : page * per_page]}
        return self._json(handler, 200, body, self._links(path, raw_query, page, last))

    def _tarball_redirect(self, handler: _Handler, ref: str) -> _Answer:
        sha = self._data.resolve(ref)
        has_archive = sha is not None and (
            (self.mirror_dir / "tarballs" / f"{sha}.tar.gz").is_file()
            or (self._data.git is not None and sha in self._data.by_sha)
        )
        if not has_archive:
            return self._not_found(handler)
        location = f"{self.codeload_url}/{self.repository}/legacy.tar.gz/{sha}"
        headers = self._api_headers(
            {"Location": location, "Content-Type": "text/html"}, "api", count=True
        )
        return _Answer(302, headers, b"")

    def _codeload(self, path: str) -> _Answer:
        m = re.fullmatch(rf"/{re.escape(self.repository)}/(?:legacy\.)?tar\.gz/([^/]+)", path)
        sha = self._data.resolve(m.group(1)) if m else None
        data = self._data.tarball(sha) if sha else None
        if data is None or sha is None:
            return _Answer(404, {"Content-Type": "text/plain; charset=utf-8"}, b"404: Not Found\n")
        name = f"{self.repository.replace('/', '-')}-{sha[:7]}.tar.gz"
        headers = {
            "Content-Type": "application/x-gzip",
            "Content-Disposition": f"attachment; filename={name}",
            "ETag": f'"{hashlib.sha1(data).hexdigest()}"',
            "Vary": "Authorization,Accept-Encoding,Origin",
        }
        return _Answer(200, headers, data)


# --------------------------------------------------------------------------------------------
# Synthetic fixtures


def make_tarball(
    sha: str, commit_date: str, files: Mapping[str, bytes | str], repository: str = REPOSITORY
) -> bytes:
    """An archive shaped like ``git archive`` output from GitHub: pax global header
    ``comment=<sha>``, top folder ``<owner>-<repo>-<sha7>/``, every member's mtime the commit
    time, deterministic bytes."""
    mtime = int(_parse_time(commit_date).timestamp())  # type: ignore[union-attr]
    top = f"{repository.replace('/', '-')}-{sha[:7]}"
    dirs: set[str] = {top}
    for path in files:
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add(f"{top}/{'/'.join(parts[:i])}")
    raw = io.BytesIO()
    with tarfile.open(
        fileobj=raw, mode="w", format=tarfile.PAX_FORMAT, pax_headers={"comment": sha}
    ) as tar:
        for name in sorted(dirs):
            info = tarfile.TarInfo(name + "/")
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o775, mtime
            info.uname = info.gname = "root"
            tar.addfile(info)
        for path in sorted(files):
            content = files[path]
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(f"{top}/{path}")
            info.size, info.mode, info.mtime = len(data), 0o664, mtime
            info.uname = info.gname = "root"
            tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=mtime) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


@dataclass(frozen=True)
class FixtureCommit:
    """One commit of a synthetic history (oldest first in :func:`build_fixture`).

    ``files`` is the whole tree at this commit (``None``: the parent's); ``changed`` overrides the
    ``files`` list of its details (default: the difference from the parent); ``tarball`` says
    whether the mirror holds its archive.
    """

    date: str
    message: str = "Update"
    files: Mapping[str, bytes | str] | None = None
    tarball: bool = True
    changed: Sequence[Mapping[str, str]] | None = None
    author: str = "Fixture Author"


def _diff(old: Mapping[str, bytes | str], new: Mapping[str, bytes | str]) -> list[dict[str, str]]:
    out = []
    for name in sorted(set(old) | set(new)):
        if name not in old:
            out.append({"filename": name, "status": "added"})
        elif name not in new:
            out.append({"filename": name, "status": "removed"})
        elif old[name] != new[name]:
            out.append({"filename": name, "status": "modified"})
    return out


def build_fixture(
    root: str | Path, commits: Sequence[FixtureCommit], *, repository: str = REPOSITORY
) -> list[str]:
    """Write a mirror folder for a linear history (``commits`` oldest first); return the SHAs in
    the same order. SHAs are deterministic (derived from the parent, date, message and tree)."""
    root = Path(root)
    (root / "commits").mkdir(parents=True, exist_ok=True)
    (root / "tarballs").mkdir(exist_ok=True)
    shas: list[str] = []
    listing: list[dict[str, Any]] = []
    tree: Mapping[str, bytes | str] = {}
    parent: str | None = None
    for commit in commits:
        new_tree = tree if commit.files is None else dict(commit.files)
        digest = hashlib.sha1()
        digest.update(f"{parent}\n{commit.date}\n{commit.message}\n".encode())
        for name in sorted(new_tree):
            content = new_tree[name]
            digest.update(name.encode() + b"\0")
            digest.update(content.encode() if isinstance(content, str) else content)
        sha = digest.hexdigest()
        item = {
            "sha": sha,
            "commit": {
                "author": {"name": commit.author, "date": commit.date},
                "committer": {"name": commit.author, "date": commit.date},
                "message": commit.message,
            },
            "parents": [{"sha": parent}] if parent else [],
            "html_url": f"https://github.com/{repository}/commit/{sha}",
        }
        changed = list(commit.changed) if commit.changed is not None else _diff(tree, new_tree)
        (root / "commits" / f"{sha}.json").write_text(
            json.dumps({**item, "files": [dict(f) for f in changed]}, indent=1)
        )
        if commit.tarball:
            (root / "tarballs" / f"{sha}.tar.gz").write_bytes(
                make_tarball(sha, commit.date, new_tree, repository)
            )
        listing.append(item)
        shas.append(sha)
        tree, parent = new_tree, sha
    (root / "commits.json").write_text(json.dumps(listing[::-1], indent=1))
    (root / "README.md").write_text("Synthetic mirror written by tfhub_dataset build_fixture.\n")
    return shas
