"""Fetch the source repository over git smart HTTP into a bare partial clone, politely.

- Only the default branch, without blobs over ``filter`` (model binaries): the
  whole history of the first hub's repository is about 5 MB in three requests (refs, ls-refs,
  fetch).
- A first fetch goes into a temporary repository moved into place only once it succeeded, so a
  half-fetched clone is never trusted; a later fetch into the clone moves no ref unless git has
  received and indexed (hashed) every object of the pack.
- Each attempt runs with ``GIT_TRACE_CURL`` (headers only) into a temporary file: the requests,
  their statuses and ``Retry-After`` are read from it. Connection errors, 5xx, 429 and packs cut
  short or stalled (``http.lowSpeedTime``) are retried with jittered exponential backoff
  (tenacity), honouring ``Retry-After`` within a bounded wait; other 4xx are not retried.
- The User-Agent names the project; no credential helper runs and no token is sent or asked for
  (the repository is public): ``GIT_TERMINAL_PROMPT=0``, an empty ``credential.helper``.
- The clone's config is the project's own: written whole, as text, when the clone is made and
  again before every fetch (whatever was planted in it is gone), and git runs with the settings
  that could run a program pinned (``SAFE_CONFIG``, hooks off). Reads go through a shadow git dir
  (shadow.py) like those of any repository.
- What arrives is bounded: a remote that sends more than ``max_pack_bytes`` (a server ignoring
  the blob filter, or one that never ends) is cut off, what it sent deleted, and the build stops
  in one line. git streams packs to disk, so this bounds the disk, and the time, not memory.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tenacity import RetryCallState, Retrying, retry_if_exception_type, wait_exponential_jitter

from tfhub_dataset import PROJECT_URL, __version__
from tfhub_dataset.sources.errors import FetchError
from tfhub_dataset.sources.git.repo import SAFE_CONFIG, git_binary, git_env

USER_AGENT = f"tfhub-dataset/{__version__} (+{PROJECT_URL})"
STATUS = re.compile(r"<= Recv header: HTTP/[0-9.]+ (\d{3})")
RETRY_AFTER = re.compile(r"<= Recv header: retry-after: *(\d+)", re.I)
REQUEST = re.compile(r"=> Send header: (GET|POST) ")
# Answers that no retry can change: the server is no git server (an HTML page, which git reads as
# the dumb protocol's list of refs, finding none), or sent the fetch where git will not follow (a
# redirect to file://, ftp://...), or asks for credentials.
NOT_GIT = re.compile(
    r"is this a git repository|couldn't find remote ref|not supported or disabled in libcurl|"
    r"unable to update url base from redirection|redirect|could not read (?:Username|Password)|"
    r"Authentication failed",
    re.I,
)
CONNECT_FAILURE = re.compile(
    r"Could not resolve host|Failed to connect|Connection refused|Couldn't connect|"
    r"Network is unreachable|Connection timed out|Resolving timed out",
    re.I,
)


@dataclass(frozen=True)
class FetchConfig:
    """How to fetch. ``max_wait`` bounds the seconds spent waiting between attempts (backoff and
    ``Retry-After``); ``low_speed_time``: a transfer below 1 KB/s for that long is cut (and
    retried); ``connect_attempts`` attempts at a host that cannot be reached at all."""

    filter: str = "blob:limit=1m"
    attempts: int = 5
    connect_attempts: int = 2
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    max_wait: float = 120.0
    low_speed_time: int = 30
    timeout: float = 900.0
    max_pack_bytes: int = 256 * 1024 * 1024  # the filtered history of either hub is about 5 MB


@dataclass
class FetchReport:
    """What the git transport did: HTTP requests by status, retries, pack bytes received."""

    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    retries: int = 0
    pack_bytes: int = 0
    fetches: int = 0

    def format(self) -> str:
        by = ", ".join(f"{n} x {s}" for s, n in sorted(self.statuses.items()))
        return (
            f"git transport: {self.fetches} fetch(es), {self.requests} HTTP request(s)"
            + (f" ({by})" if by else "")
            + f", {self.retries} retr{'y' if self.retries == 1 else 'ies'}, "
            f"{self.pack_bytes / 1e6:.1f} MB of packs received"
        )


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.retry_after = reason, retry_after


class _Unreachable(_Retryable):
    pass


class GitUnreachable(FetchError):
    """The remote cannot be reached at all."""


class PackTooLarge(FetchError):
    """The remote sent more than ``max_pack_bytes``: cut off, nothing of it kept."""


@dataclass(frozen=True)
class _Attempt:
    returncode: int
    stderr: str
    statuses: list[int]
    retry_after: float | None
    requests: int
    too_large: bool = False


def _run_traced(cmd: list[str], timeout: float, packs: Path, max_bytes: int) -> _Attempt:
    """Run one git fetch, tracing its HTTP headers, and cut it off (with git's helpers) when the
    files it writes under ``packs`` grow past ``max_bytes`` or it outlives ``timeout``."""
    with tempfile.TemporaryDirectory(prefix="tfhub-dataset-git-trace-") as tmp:
        trace, err = Path(tmp) / "curl.txt", Path(tmp) / "stderr.txt"
        env = git_env(GIT_TRACE_CURL=str(trace), GIT_TRACE_CURL_NO_DATA="1")
        before = _files(packs)
        too_large = False
        with err.open("w+", encoding="utf-8", errors="replace") as stderr_file:
            proc = subprocess.Popen(
                cmd, stdout=subprocess.DEVNULL, stderr=stderr_file, env=env,
                start_new_session=True,  # git and its helpers, killed together
            )  # fmt: skip
            deadline = time.monotonic() + timeout
            while proc.poll() is None:
                too_large = _grown(packs, before) > max_bytes
                if too_large or time.monotonic() > deadline:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
                    break
                time.sleep(0.1)
            too_large = too_large or _grown(packs, before) > max_bytes
            stderr_file.seek(0)
            stderr = stderr_file.read()
        code = proc.returncode
        if too_large:
            for path in _files(packs) - before:  # what it sent, indexed or not
                path.unlink(missing_ok=True)
            code, stderr = -2, f"the remote sent more than {max_bytes:,} bytes"
        elif code < 0:
            stderr = f"no answer within {timeout:.0f} s"
        text = trace.read_text("utf-8", "replace") if trace.exists() else ""
    hints = [float(m) for m in RETRY_AFTER.findall(text)]
    return _Attempt(
        code,
        stderr,
        [int(s) for s in STATUS.findall(text)],
        hints[-1] if hints else None,
        len(REQUEST.findall(text)),
        too_large,
    )


def _files(packs: Path) -> set[Path]:
    return set(packs.iterdir()) if packs.is_dir() else set()


def _grown(packs: Path, before: set[Path]) -> int:
    """Bytes of the files written under ``packs`` since ``before`` (packs, their temporary
    files while they arrive, indexes)."""
    total = 0
    for path in _files(packs) - before:
        with contextlib.suppress(OSError):  # renamed or removed meanwhile
            total += path.stat().st_size
    return total


def _one_line(stderr: str) -> str:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    fatal = [ln for ln in lines if ln.startswith(("fatal:", "error:"))]
    line = (fatal or lines or ["failed"])[0].removeprefix("fatal: ").removeprefix("error: ")
    return re.sub(r"^unable to access '[^']*': ", "", line)


class Fetcher:
    """Runs ``git fetch`` for one remote URL with retries, and keeps the report."""

    def __init__(
        self,
        url: str,
        config: FetchConfig | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        refuse_credentials(url)
        self.url = url
        self.config = config or FetchConfig()
        self.report = FetchReport()
        self._say = progress or (lambda _m: None)
        self.git = git_binary()

    def clone(self, dest: Path, extra: tuple[str, ...] = ()) -> None:
        """A fresh bare partial clone of the default branch (and ``extra`` commits) at ``dest``,
        built in a temporary folder beside it and moved into place only when complete."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.partial-", dir=dest.parent))
        try:
            self._init(tmp)
            self.fetch(tmp, extra)
            if dest.exists():
                shutil.rmtree(dest)
            os.replace(tmp, dest)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _init(self, repo: Path) -> None:
        subprocess.run(
            [self.git, *SAFE_CONFIG, "init", "--quiet", "--bare", "--template=", str(repo)],
            check=True, capture_output=True, env=git_env(),
        )  # fmt: skip
        self._write_config(repo)

    def _write_config(self, repo: Path) -> None:
        """The clone's whole config, as the project writes it: the remote is whatever URL this
        run fetches from (objects are content-addressed)."""
        config = repo / "config"
        if config.is_symlink():
            config.unlink()
        tmp = repo / "config.project-tmp"
        tmp.write_text(clone_config(self.url, self.config.filter), encoding="utf-8")
        os.replace(tmp, config)

    def fetch(self, repo: Path, extra: tuple[str, ...] = ()) -> None:
        """Fetch the remote's default branch (into ``refs/heads/tip``) and ``extra`` commits."""
        before = _pack_bytes(repo)
        self._write_config(repo)
        refspecs = ["+HEAD:refs/heads/tip", *extra]
        cmd = [
            self.git,
            *SAFE_CONFIG,
            # SAFE_CONFIG allows no transport; the fetch itself may use these (not ext::, ssh)
            "-c", "protocol.http.allow=always", "-c", "protocol.https.allow=always",
            "-c", "protocol.file.allow=always",
            "-c", f"http.userAgent={USER_AGENT}",
            "-c", "credential.helper=",
            "-c", "http.lowSpeedLimit=1000",
            "-c", f"http.lowSpeedTime={self.config.low_speed_time}",
            "-c", "protocol.version=2",
            "-c", "fetch.unpackLimit=1",  # keep what arrives as one pack, indexed and hashed
            "-C", str(repo),
            "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-auto-gc",
            f"--filter={self.config.filter}", "origin", *refspecs,
        ]  # fmt: skip
        cfg = self.config
        waited = 0.0
        backoff_of = wait_exponential_jitter(
            multiplier=cfg.backoff_initial, max=cfg.backoff_max, jitter=cfg.backoff_initial
        )

        def wait(state: RetryCallState) -> float:
            nonlocal waited
            exc = state.outcome.exception() if state.outcome else None
            backoff = backoff_of(state)
            hint = getattr(exc, "retry_after", None)
            seconds = min(max(backoff, hint or 0.0), max(0.0, cfg.max_wait - waited))
            waited += seconds
            return seconds

        def stop(state: RetryCallState) -> bool:
            exc = state.outcome.exception() if state.outcome else None
            limit = cfg.connect_attempts if isinstance(exc, _Unreachable) else cfg.attempts
            return state.attempt_number >= limit or waited >= cfg.max_wait

        def before_sleep(state: RetryCallState) -> None:
            self.report.retries += 1
            exc = state.outcome.exception() if state.outcome else None
            self._say(f"[git] fetch attempt {state.attempt_number} failed ({exc}); retrying")

        retrying = Retrying(
            retry=retry_if_exception_type(_Retryable),
            wait=wait,
            stop=stop,
            before_sleep=before_sleep,
            reraise=True,
        )
        self._say(f"[git] fetching {self.url} ({cfg.filter})")
        self.report.fetches += 1
        try:
            retrying(self._attempt, cmd, repo / "objects" / "pack")
        except _Unreachable as exc:
            raise GitUnreachable(f"cannot reach {self.url} ({exc.reason})") from None
        except _Retryable as exc:
            raise FetchError(
                f"git fetch from {self.url} kept failing ({exc.reason}); nothing was kept, try "
                "again later"
            ) from None
        self.report.pack_bytes += _pack_bytes(repo) - before

    def _attempt(self, cmd: list[str], packs: Path) -> None:
        repo = packs.parent.parent
        refs = self._refs(repo)
        a = _run_traced(cmd, self.config.timeout, packs, self.config.max_pack_bytes)
        self.report.requests += a.requests
        for s in a.statuses:
            self.report.statuses[s] = self.report.statuses.get(s, 0) + 1
        if a.too_large:
            # the fetch may have finished before it was seen: its packs are gone, so its refs go
            now = self._refs(repo)
            lines = [f"update {r} {sha}\n" for r, sha in refs.items() if now.get(r) != sha]
            lines += [f"delete {r}\n" for r in now if r not in refs]
            subprocess.run(
                [self.git, *SAFE_CONFIG, "-C", str(repo), "update-ref", "--no-deref", "--stdin"],
                input="".join(lines), text=True, check=True, capture_output=True, env=git_env(),
            )  # fmt: skip
            raise PackTooLarge(
                f"git fetch from {self.url}: {a.stderr} (the filtered history of a hub is about "
                "5 MB), so it was cut off and nothing it sent was kept; check --git-url"
            )
        if a.returncode == 0:
            return
        why = _one_line(a.stderr)
        last = a.statuses[-1] if a.statuses else None
        if last is not None and (last == 429 or last >= 500):
            raise _Retryable(f"HTTP {last}", a.retry_after)
        if last is not None and 400 <= last < 500:
            raise FetchError(f"git fetch from {self.url}: the server answered {last} ({why})")
        if last is None and CONNECT_FAILURE.search(a.stderr):
            raise _Unreachable(why)
        if NOT_GIT.search(a.stderr):
            raise FetchError(f"git fetch from {self.url}: {why} (not retried: nothing transient)")
        raise _Retryable(why)  # a pack cut short, a stalled transfer, a broken connection

    def _refs(self, repo: Path) -> dict[str, str]:
        listed = subprocess.run(
            [self.git, *SAFE_CONFIG, "-C", str(repo), "for-each-ref",
             "--format=%(refname) %(objectname)"],
            text=True, check=True, capture_output=True, env=git_env(),
        ).stdout  # fmt: skip
        return dict(line.split(" ", 1) for line in listed.splitlines())


def redacted(url: str) -> str:
    """The URL with any user name and password replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an unreadable URL)"
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def refuse_credentials(url: str) -> None:
    """A remote URL holding a user name or password is refused (the hubs' repositories are
    public, and the URL would be printed and kept in the clone's config): FetchError naming it
    with the credentials hidden."""
    try:
        parts = urlsplit(url)
        held = parts.username is not None or parts.password is not None
    except ValueError:
        raise FetchError("the git remote URL cannot be read (--git-url)") from None
    if held:
        raise FetchError(
            f"the git remote URL {redacted(url)} holds a user name or password: the hubs' "
            "repositories are public, give the URL without them (--git-url); nothing was sent"
        )


def _quoted(value: str) -> str:
    """A git config value in double quotes (backslash and quote escaped)."""
    if any(c in value for c in "\n\r\0"):
        raise FetchError(f"a git remote URL cannot hold a line break: {value[:60]!r}")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def clone_config(url: str, filter: str) -> str:
    """The whole config of the managed clone: a bare partial clone of one remote, never gc'd."""
    return (
        "[core]\n\trepositoryformatversion = 1\n\tfilemode = true\n\tbare = true\n"
        "[extensions]\n\tpartialClone = origin\n"
        f'[remote "origin"]\n\turl = {_quoted(url)}\n\tpromisor = true\n'
        f"\tpartialclonefilter = {_quoted(filter)}\n"
        "[gc]\n\tauto = 0\n"
    )


def _pack_bytes(repo: Path) -> int:
    packs = repo / "objects" / "pack"
    return sum(p.stat().st_size for p in packs.glob("*.pack")) if packs.is_dir() else 0
