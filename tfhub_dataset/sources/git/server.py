"""A git smart-HTTP server on 127.0.0.1 (``git http-backend`` behind a small Python server), for
tests and benchmarks, with scripted faults.

It serves every bare repository under a folder (``http://127.0.0.1:PORT/<name>.git``), with
``uploadpack.allowFilter`` (blob-size filters) and fetches by any reachable SHA allowed, and logs
each request (method, path, status, bytes sent). :meth:`GitHTTPServer.script` queues faults for
the next requests whose path matches a regex: a status with headers (``503`` with
``Retry-After``), a body cut half way (the connection closed after part of the pack), a delay.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Fault", "GitHTTPServer", "LoggedRequest", "cut_body", "delay", "status", "trickle"]

# Settings given to `git http-backend` through the environment (the served repositories are not
# touched): serve blob-size filters, and wants of any reachable commit (GitHub allows both).
BACKEND_CONFIG = {
    "uploadpack.allowFilter": "true",
    "uploadpack.allowReachableSHA1InWant": "true",
    "uploadpack.allowAnySHA1InWant": "true",
}


@dataclass(frozen=True)
class Fault:
    """One scripted answer: ``status`` (with ``headers``) replaces the real answer; ``cut_at``
    (a fraction of the body) sends the full Content-Length but only part of the body, then
    closes the connection; ``delay`` waits before answering; ``rate`` sends the body at that many
    bytes a second (a slow server, or one sending far more than it should)."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    cut_at: float | None = None
    delay: float = 0.0
    rate: float | None = None


def status(code: int, retry_after: str | None = None) -> Fault:
    """An error status (503, 429...), with ``Retry-After`` when given."""
    return Fault(status=code, headers={"Retry-After": retry_after} if retry_after else {})


def cut_body(fraction: float = 0.5) -> Fault:
    """The real answer, cut after ``fraction`` of its body (a pack truncated half way)."""
    return Fault(cut_at=fraction)


def delay(seconds: float) -> Fault:
    """The real answer, after ``seconds``."""
    return Fault(delay=seconds)


def trickle(bytes_per_second: float) -> Fault:
    """The real answer, its body sent at ``bytes_per_second``."""
    return Fault(rate=bytes_per_second)


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    status: int
    sent: int  # body bytes written before the answer ended or the client went away
    agent: str = ""  # User-Agent
    authorization: bool = False  # an Authorization header was sent


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm holds the
    # body until the client's delayed ACK (about 40 ms a response on keep-alive connections).
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.owner._handle(self)

    def do_POST(self) -> None:
        self.server.owner._handle(self)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], owner: GitHTTPServer) -> None:
        self.owner = owner
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that went away mid-answer (the cut-body fault) is no error here


class GitHTTPServer:
    """Serve the bare repositories under ``root`` over git smart HTTP; a context manager."""

    def __init__(self, root: str | Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = Path(root).resolve()
        self._address = (host, port)
        self._lock = threading.Lock()
        self._log: list[LoggedRequest] = []
        self._scripts: deque[tuple[re.Pattern[str], Fault]] = deque()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> GitHTTPServer:
        self._server = _Server(self._address, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="git-http", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def url(self, name: str) -> str:
        """The URL of the repository ``root/<name>``."""
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/{name}"

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def script(self, pattern: str, *faults: Fault) -> None:
        """Answer the next requests whose path matches ``pattern`` with ``faults``, in order."""
        with self._lock:
            for fault in faults:
                self._scripts.append((re.compile(pattern), fault))

    @property
    def pending_faults(self) -> int:
        with self._lock:
            return len(self._scripts)

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for i, (pattern, fault) in enumerate(self._scripts):
                if pattern.search(path):
                    del self._scripts[i]
                    return fault
        return None

    def _handle(self, h: _Handler) -> None:
        split = urlsplit(h.path)
        body = _read_body(h)
        fault = self._take_fault(split.path)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and fault.status is not None:
            payload = f"scripted {fault.status}\n".encode()
            headers = {"Content-Type": "text/plain", **fault.headers}
            self._send(h, fault.status, headers, payload, None)
            return
        code, headers, payload = self._backend(h, split.path, split.query, body)
        self._send(h, code, headers, payload, fault.cut_at if fault else None,
                   fault.rate if fault else None)  # fmt: skip

    def _backend(
        self, h: _Handler, path: str, query: str, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": str(self.root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "GIT_NO_LAZY_FETCH": "1",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "REQUEST_METHOD": h.command,
            "CONTENT_TYPE": h.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_ADDR": h.client_address[0],
            "GIT_CONFIG_COUNT": str(len(BACKEND_CONFIG)),
        }
        for i, (key, value) in enumerate(BACKEND_CONFIG.items()):
            env[f"GIT_CONFIG_KEY_{i}"], env[f"GIT_CONFIG_VALUE_{i}"] = key, value
        if h.headers.get("Git-Protocol"):
            env["GIT_PROTOCOL"] = h.headers["Git-Protocol"]
        if h.headers.get("Content-Encoding"):
            env["HTTP_CONTENT_ENCODING"] = h.headers["Content-Encoding"]
        done = subprocess.run(
            ["git", "http-backend"], input=body, capture_output=True, env=env, check=False
        )
        head, _, payload = done.stdout.partition(b"\r\n\r\n")
        if not _:
            head, _, payload = done.stdout.partition(b"\n\n")
        headers: dict[str, str] = {}
        code = 200
        for line in head.decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            if name.lower() == "status":
                code = int(value.split()[0])
            elif name:
                headers[name.strip()] = value.strip()
        if done.returncode != 0 and not done.stdout:
            return 500, {"Content-Type": "text/plain"}, done.stderr
        return code, headers, payload

    def _send(
        self,
        h: _Handler,
        code: int,
        headers: dict[str, str],
        payload: bytes,
        cut_at: float | None,
        rate: float | None = None,
    ) -> None:
        h.send_response(code)
        for name, value in headers.items():
            h.send_header(name, value)
        h.send_header("Content-Length", str(len(payload)))
        if cut_at is not None:
            h.send_header("Connection", "close")
        h.end_headers()
        sent = payload if cut_at is None else payload[: int(len(payload) * cut_at)]
        step = max(1, int(rate / 20)) if rate else len(sent) or 1  # 20 writes a second
        written = 0
        try:
            for i in range(0, len(sent), step):
                h.wfile.write(sent[i : i + step])
                h.wfile.flush()
                written += len(sent[i : i + step])
                if rate:
                    time.sleep(0.05)
        except OSError:  # the client went away
            h.close_connection = True
        if cut_at is not None:
            h.close_connection = True
        with self._lock:
            agent, auth = h.headers.get("User-Agent", ""), "Authorization" in h.headers
            self._log.append(LoggedRequest(h.command, h.path, code, written, agent, auth))


def _read_body(h: _Handler) -> bytes:
    if h.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int(h.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                h.rfile.readline()
                return b"".join(chunks)
            chunks.append(h.rfile.read(size))
            h.rfile.readline()
    length = int(h.headers.get("Content-Length") or 0)
    return h.rfile.read(length) if length else b""
