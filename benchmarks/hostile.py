"""Hostile inputs against whole processes (issues 12 and 22): exit code, time, peak memory and
outcome.

    python benchmarks/hostile.py [--code DIR] [--only CASE ...] [--timeout 90] [--payloads DIR]

Each case makes its own payload (archives, tag files, caches, lock holders), runs the build as a
separate process under ``/usr/bin/time`` and reports its exit code, wall time, peak RSS, the
last line it printed on stderr, whether it printed a traceback, and what the case checks (nothing
deleted or written outside ``--out``, no code run from the cache...). ``--code DIR`` runs another
checkout's code (e.g. a ``git archive`` of main) with this script's payloads, for a before/after
table. A case that hangs is killed at ``--timeout`` and reported as such.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import os
import pickle
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tfhub_dataset.sources.api.fake_server import (  # noqa: E402
    FixtureCommit,
    build_fixture,
    make_tarball,
)

MIRROR = ROOT.parent / "shared" / "tfhub.dev"
SHA = "feedfacefeedfacefeedfacefeedfacefeedface"
DATE = "2023-05-06T07:08:09Z"
FINAL = "81fdea8ffa53b5acbd66a012d17fb8f9602c714b"  # pinned release 2024-03-18
MID = "ed4bcb27f8f485d40dc3582d3c95f11647e3e862"  # a 2021 commit no release pins
MARK = "PWNED"
TASKS = "values:\n  - id: text-embedding\n    display_name: Text embedding\n    domains: [text]\n"


def module(handle: str, extra: str = "") -> str:
    return (
        f"# Module {handle}\nA model.\n\n<!-- asset-path: https://example.org/m.tgz -->\n"
        f"<!-- task: text-embedding -->\n<!-- fine-tunable: true -->\n"
        f"<!-- format: saved_model_2 -->\n{extra}"
    )


def snapshot_files(display: str = "ACME", description: str = "We build models.", **extra: str):
    files = {
        "README.md": "# tfhub.dev\n",
        "tags/task.yaml": TASKS,
        "assets/docs/acme/acme.md": f"# Publisher acme\n{display}\n\n{description}\n",
        "assets/docs/acme/models/m/1.md": module("acme/m/1"),
    }
    files.update(extra)
    return files


def tarball(work: Path, name: str, files: dict) -> Path:
    path = work / f"{name}.tar.gz"
    path.write_bytes(make_tarball(SHA, DATE, files))
    return path


def streamed_tarball(path: Path, members: int, big_doc: int = 0) -> Path:
    """A git-archive-shaped tarball written as a stream: ``members`` empty files and/or one doc
    of ``big_doc`` bytes (written lazily, never held in memory)."""
    if path.exists():
        return path
    tmp = path.with_suffix(".part")
    with (
        gzip.GzipFile(tmp, "wb", compresslevel=6, mtime=0) as gz,
        tarfile.open(
            fileobj=gz, mode="w|", format=tarfile.PAX_FORMAT, pax_headers={"comment": SHA}
        ) as tar,
    ):
        for name, data in snapshot_files().items():
            info = tarfile.TarInfo(f"top/{name}")
            info.size, info.mtime = len(data.encode()), 1683356889
            tar.addfile(info, io.BytesIO(data.encode()))
        for i in range(members):
            info = tarfile.TarInfo(f"top/assets/docs/acme/e/{i}.md")
            info.mtime = 1683356889
            tar.addfile(info)
        if big_doc:

            class Zeros(io.RawIOBase):
                def __init__(self, n: int) -> None:
                    self.left = n

                def readable(self) -> bool:
                    return True

                def readinto(self, b) -> int:  # type: ignore[override]
                    k = min(len(b), self.left)
                    b[:k] = b"a" * k
                    self.left -= k
                    return k

            info = tarfile.TarInfo("top/assets/docs/acme/models/big/1.md")
            info.size, info.mtime = big_doc, 1683356889
            tar.addfile(info, io.BufferedReader(Zeros(big_doc), 1 << 20))
    tmp.rename(path)
    return path


def synthetic_mirror(work: Path) -> Path:
    root = work / "mirror"
    tree = snapshot_files()
    build_fixture(
        root,
        [
            FixtureCommit("2021-01-01T10:00:00Z", "Import", tree),
            FixtureCommit("2021-02-01T10:00:00Z", "More", {**tree, "LICENSE": "x\n"}),
        ],
    )
    return root


# --------------------------------------------------------------------------------------------


@dataclass
class Ctx:
    code: Path
    work: Path
    payloads: Path
    timeout: float
    started: list[subprocess.Popen] = field(default_factory=list)
    extra_pids: list[int] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)  # the lines the case's process printed

    def cmd(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "tfhub_dataset", *args]

    def env(self, **more: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN",)}
        env.update(PYTHONPATH=str(self.code), **more)
        return env

    def spawn(self, argv: list[str], **kw) -> subprocess.Popen:
        p = subprocess.Popen(
            argv, cwd=self.code, env=kw.pop("env", self.env()), stderr=subprocess.PIPE
        )
        self.started.append(p)
        return p

    def snap(self, tar: Path, rid: str = "x", out: Path | None = None, *more: str) -> list[str]:
        out = out or self.work / "out"
        return self.cmd("build", "--snapshot", str(tar), "--commit", SHA, "--release-id", rid,
                        "--out", str(out), "--quiet", *more)  # fmt: skip


def wait_for_line(p: subprocess.Popen, needle: str, timeout: float = 120) -> bool:
    """Read ``p``'s stderr (a binary pipe) until ``needle`` shows or ``p`` ends."""
    deadline = time.monotonic() + timeout
    assert p.stderr is not None
    fd = p.stderr.fileno()
    os.set_blocking(fd, False)
    buf = b""
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            chunk = None
        if chunk:
            buf += chunk
            if needle.encode() in buf:
                return True
        elif p.poll() is not None:
            return False
        else:
            time.sleep(0.02)
    return False


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out += [int(x) for x in (task / "children").read_text().split()]
    return out


Result = tuple[list[str], dict, Callable[[], str]]  # argv, run options, check after the run


def case_release_id(rid: str) -> Callable[[Ctx], Result]:
    def setup(c: Ctx) -> Result:
        tar = tarball(c.work, "small", snapshot_files())
        (c.work / "keep").mkdir()
        (c.work / "keep" / "sentinel").write_text("keep")
        out = c.work / "keep" / "out"
        out.mkdir()
        (out / "sentinel").write_text("keep")
        before = sorted(str(p.relative_to(c.work)) for p in c.work.rglob("*"))

        def check() -> str:
            after = sorted(str(p.relative_to(c.work)) for p in c.work.rglob("*"))
            lost = [p for p in before if p not in after]
            new = [
                p
                for p in after
                if p not in before and not p.startswith("keep/out/") and p != "time.txt"
            ]
            return f"lost {lost[:3]} new outside --out {new[:3]}" if lost or new else "intact"

        return c.snap(tar, rid, out), {}, check

    return setup


def case_orphan_validator(c: Ctx) -> Result:
    tar = tarball(c.work, "small", snapshot_files())
    first = c.spawn(c.snap(tar, "r")[:-1])  # not quiet: wait for "validating"
    wait_for_line(first, "validating")
    time.sleep(0.3)
    c.extra_pids += children(first.pid)
    first.send_signal(signal.SIGKILL)
    first.wait()
    time.sleep(1.0)

    def check() -> str:
        alive = [p for p in c.extra_pids if Path(f"/proc/{p}").exists()]
        return (
            f"validator children of the killed build still alive: {alive}"
            if alive
            else ("no orphan left")
        )

    return c.snap(tar, "r"), {}, check


def case_lock_wait(c: Ctx) -> Result:
    tar = tarball(c.work, "small", snapshot_files())
    out = c.work / "out"
    out.mkdir()
    holder = c.spawn([sys.executable, "-c", (
        "import fcntl,os,sys,time\n"
        f"fd=os.open({str(out / '.r.lock')!r}, os.O_RDWR|os.O_CREAT)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX); os.write(fd, str(os.getpid()).encode())\n"
        "print('held', file=sys.stderr, flush=True); time.sleep(600)")])  # fmt: skip
    wait_for_line(holder, "held")
    return c.snap(tar, "r", out)[:-1], {}, lambda: f"holder PID {holder.pid}"


def case_concurrent(c: Ctx) -> Result:
    tar = tarball(c.work, "small", snapshot_files())
    a = c.spawn(c.snap(tar, "r")[:-1])
    wait_for_line(a, "validating")
    b = c.spawn(c.snap(tar, "r")[:-1])
    a.wait()
    got = wait_for_line(b, "validating", 60)

    def check() -> str:
        try:
            b.wait(timeout=c.timeout)
        except subprocess.TimeoutExpired:
            return "second build hangs"
        os.set_blocking(b.stderr.fileno(), True)  # type: ignore[union-attr]
        err = b.stderr.read().decode(errors="replace").strip().splitlines()  # type: ignore[union-attr]
        return f"second build (was validating: {got}) exit {b.returncode}" + (
            f": {err[-1][:120]}" if err and b.returncode else ""
        )

    return c.snap(tar, "r"), {}, check


def case_default_out(c: Ctx) -> Result:
    code = c.work / "code"
    shutil.copytree(c.code / "tfhub_dataset", code / "tfhub_dataset")
    shutil.copytree(c.code / "schemas", code / "schemas")
    shutil.copytree(c.code / "build" / "annotations", code / "build" / "annotations")
    shutil.copy(c.code / "build" / "releases.toml", code / "build" / "releases.toml")
    shutil.copytree(c.code / "releases", code / "releases")
    shutil.copy(c.code / "datapackage.json", code / "datapackage.json")
    c.code = code
    held = code / "releases" / "2024-03-18" / "data" / "snapshots.csv"

    def check() -> str:
        return "history kept" if held.exists() else "committed release replaced, history deleted"

    argv = c.cmd("build", "--snapshot", str(MIRROR / "tarballs" / f"{FINAL}.tar.gz"), "--quiet")
    return argv, {}, check


def warm_cache(c: Ctx, port: int) -> tuple[Path, str]:
    mirror = synthetic_mirror(c.work)
    cache = c.work / "cache" / "http.sqlite"
    subprocess.run(
        c.cmd("build", "--mirror", str(mirror), "--mirror-port", str(port), "--as-of",
              "2021-02-01", "--min-interval", "0", "--cache", str(cache), "--quiet", "--out",
              str(c.work / "warm"), "--no-validate"),
        cwd=c.code, env=c.env(), check=True, capture_output=True, timeout=c.timeout,
    )  # fmt: skip
    return cache, f"http://127.0.0.1:{port}"


class Pwn:
    def __reduce__(self):
        return (os.system, (f"touch {MARK}",))


def case_pickle_cache(c: Ctx) -> Result:
    cache, api = warm_cache(c, 47581)
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE responses SET value = ?", (pickle.dumps(Pwn()),))
    mark = c.code / MARK

    def check() -> str:
        ran = mark.exists()
        mark.unlink(missing_ok=True)
        return "code from the cache RAN" if ran else "nothing ran"

    argv = c.cmd("build", "--source", "api", "--offline", "--api-url", api, "--as-of",
                 "2021-02-01", "--cache", str(cache), "--quiet",
                 "--out", str(c.work / "out"))  # fmt: skip
    return argv, {}, check


def case_corrupt_cache(kind: str, offline: bool) -> Callable[[Ctx], Result]:
    def setup(c: Ctx) -> Result:
        port = 47583 if offline else 47585
        if kind == "random":
            mirror = synthetic_mirror(c.work)
            cache = c.work / "cache" / "http.sqlite"
            cache.parent.mkdir(parents=True)
            cache.write_bytes(os.urandom(64 * 1024))
        else:
            cache, _ = warm_cache(c, port)
            mirror = c.work / "mirror"
            data = cache.read_bytes()
            cache.write_bytes(data[: len(data) // 2])
        source = (
            ["--source", "api", "--offline", "--api-url", f"http://127.0.0.1:{port}"]
            if offline
            else ["--mirror", str(mirror), "--mirror-port", str(port)]
        )
        argv = c.cmd("build", *source, "--as-of", "2021-02-01", "--min-interval", "0",
                     "--cache", str(cache), "--quiet", "--out", str(c.work / "out"))  # fmt: skip
        return (
            argv,
            {},
            lambda: (
                "aside: "
                + ", ".join(sorted(p.name for p in cache.parent.iterdir() if p.name != "derived"))
            ),
        )

    return setup


def case_snapshot(
    make: Callable[[Ctx], Path], check: Callable[[Path], str] | None = None
) -> Callable[[Ctx], Result]:
    def setup(c: Ctx) -> Result:
        tar = make(c)
        out = c.work / "out"
        return c.snap(tar, "x", out), {}, (lambda: check(out / "x")) if check else (lambda: "")

    return setup


ALIAS_BOMB = (
    "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol','lol']\n"
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "values:\n  - id: wiki\n    display_name: *f\n  - id: books\n    url: *f\n"
)
HOSTILE_NAME = "<script>alert(1)</script> [x](javascript:alert(1)) a|b `c` $\\frac{1}{2}$"


def readme_check(folder: Path) -> str:
    readme = folder / "README.md"
    if not readme.exists():
        return "no README"
    text = readme.read_text()
    raw = (r"<script>", r"\]\(javascript:", r"`a\|b")  # not preceded by a backslash
    bad = [s for s in raw if re.search(r"(?<!\\)" + s, text)]
    return f"raw in README: {bad}" if bad else "escaped"


def tar_with(name: str, files: dict | None = None, **publisher: str) -> Callable[[Ctx], Path]:
    """A payload: the small snapshot with ``files`` replaced (``display``/``description`` set the
    publisher doc's), as a git-archive-shaped tarball."""
    return lambda c: tarball(c.work, name, snapshot_files(**publisher, **(files or {})))


def command(*args: str, check: Callable[[Ctx], str] | None = None) -> Callable[[Ctx], Result]:
    """A case that runs ``build``/``verify`` with ``args``; {work} in an argument is the case's
    own folder."""

    def setup(c: Ctx) -> Result:
        argv = c.cmd(*(a.format(work=c.work, mirror=MIRROR) for a in args))
        return argv, {}, (lambda: check(c)) if check else (lambda: "")

    return setup


def case_out_file(c: Ctx) -> Result:
    (c.work / "file").write_text("x")
    return c.snap(tarball(c.work, "s", snapshot_files()), "x", c.work / "file"), {}, lambda: ""


def gzip_bomb(path: Path, decoded: int) -> bytes:
    """A JSON array of ``decoded`` bytes of spaces, gzip-compressed (about a thousandth of it)."""
    if not path.exists():
        z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        chunk = b" " * (1 << 20)
        parts = [z.compress(b"[")]
        parts += [z.compress(chunk) for _ in range(decoded >> 20)]
        path.write_bytes(b"".join([*parts, z.compress(b"]"), z.flush()]))
    return path.read_bytes()


def case_encoding_bomb(c: Ctx) -> Result:
    """An API host that answers every request with a small gzip body (Content-Encoding) that
    inflates to 2 GiB: requests asks for gzip and undoes it."""
    import http.server
    import threading

    body = gzip_bomb(c.payloads / "bomb-2g.gz", 2 << 30)

    class Bomb(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Bomb)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    api = f"http://127.0.0.1:{server.server_address[1]}"
    argv = c.cmd("build", "--source", "api", "--api-url", api, "--as-of", "2021-02-01",
                 "--cache", str(c.work / "bomb" / "http.sqlite"), "--quiet",
                 "--out", str(c.work / "out"))  # fmt: skip

    def check() -> str:
        server.shutdown()
        return f"compressed body {len(body):,} bytes, 2 GiB decoded"

    return argv, {}, check


def case_mode(c: Ctx) -> Result:
    argv = c.snap(tarball(c.work, "s", snapshot_files()), "x")
    return argv, {}, lambda: oct((c.work / "out" / "x").stat().st_mode & 0o777)


# -- issue 22: repositories given with --git, git servers, long lines, verify -------------------

CLONE = ROOT.parent / "shared" / "tfhub.dev.git"
TORCH_CLONE = ROOT.parent / "shared" / "pytorch-hub.git"
FINAL_ID = "2024-03-18"
GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_NO_LAZY_FETCH": "1",
           "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.org"}  # fmt: skip


def git(repo: Path, *args: str, data: bytes | None = None, date: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")} | GIT_ENV
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    done = subprocess.run(["git", "-C", str(repo), *args], input=data, capture_output=True,
                          env=env, check=True)  # fmt: skip
    return done.stdout.decode("utf-8", "replace").strip()


def copy_clone(c: Ctx, name: str = "clone.git", src: Path = CLONE) -> Path:
    dest = c.work / name
    shutil.copytree(src, dest, symlinks=True)
    return dest


def small_repo(c: Ctx, files: dict[bytes, bytes], name: str = "repo") -> Path:
    """A work tree with one commit (2021-01-05) of ``files`` (paths as bytes)."""
    work = c.work / name
    work.mkdir()
    git(work, "init", "--quiet", "-b", "master")
    for path, data in files.items():
        target = os.path.join(os.fsencode(work), path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(data)
    git(work, "add", "-A")
    git(work, "commit", "--quiet", "-m", "import", date="2021-01-05T10:00:00Z")
    return work


TFHUB_FILES = {path.encode(): data.encode() for path, data in snapshot_files().items()}
TORCH_VOCAB = {b"scripts/tags.py": b"valid_tags = ['vision']\n"}


def torch_page(title: str = "Acme Net", body: str = "") -> bytes:
    return ("---\nlayout: hub_detail\nbackground-class: hub-background\nbody-class: hub\n"
            f"title: {title}\nsummary: A model\ncategory: researchers\nimage: a.png\n"
            "author: Acme\ntags: [vision]\ngithub-link: https://github.com/acme/net\n"
            "github-id: acme/net\n---\n```python\nimport torch\n"
            "model = torch.hub.load('acme/net', 'small')\n```\n### Model Description\n"
            f"{body}\n").encode()  # fmt: skip


def raw_object(repo: Path, kind: str, body: bytes) -> str:
    return git(repo, "hash-object", "-t", kind, "-w", "--literally", "--stdin", data=body)


def build_git(c: Ctx, repo: Path, *more: str) -> list[str]:
    return c.cmd("build", "--git", str(repo), "--quiet", "--no-validate", "--no-derived-cache",
                 "--out", str(c.work / "out"), "--cache", str(c.work / "c" / "http.sqlite"),
                 *more)  # fmt: skip


def release_built(c: Ctx, rid: str) -> str:
    desc = c.work / "out" / rid / "datapackage.json"
    if not desc.exists():
        return "no release"
    commits = c.work / "out" / rid / "data" / "commits.csv"
    count = sum(1 for _ in commits.open()) - 1 if commits.exists() else 0
    versions = c.work / "out" / rid / "data" / "versions.csv"
    docs = sum(1 for _ in versions.open()) - 1 if versions.exists() else 0
    return f"release written: {count} commits, {docs} versioned docs"


def case_signature_program(c: Ctx) -> Result:
    """Finding 1: the genuine clone plus two config lines (log.showSignature, gpg.program)."""
    repo = copy_clone(c)
    mark = c.work / "RAN"
    prog = repo / "info" / "v"
    prog.write_text(f'#!/bin/sh\necho ran >> {mark}\n')
    prog.chmod(0o755)
    git(repo, "config", "log.showSignature", "true")
    git(repo, "config", "gpg.program", str(prog))

    def check() -> str:
        ran = mark.read_text().count("\n") if mark.exists() else 0
        return f"the clone's gpg.program RAN {ran} times" if ran else "nothing ran"

    return build_git(c, repo, "--release", FINAL_ID), {}, check


def case_shallow(depth: bool) -> Callable[[Ctx], Result]:
    """Finding 2: a depth-20 clone, or the genuine clone plus a shallow file."""

    def setup(c: Ctx) -> Result:
        if depth:
            repo = c.work / "depth.git"
            git(c.work, "clone", "--quiet", "--bare", "--depth", "20", f"file://{CLONE}",
                str(repo))  # fmt: skip
        else:
            repo = copy_clone(c)
            (repo / "shallow").write_text(MID + "\n")
        return build_git(c, repo, "--release", FINAL_ID), {}, lambda: release_built(c, FINAL_ID)

    return setup


def case_plain_archive(c: Ctx) -> Result:
    """Finding 3: --snapshot with a plain `git archive` tarball (no top folder)."""
    tar = c.work / "plain.tar.gz"
    git(CLONE, "archive", "--format=tar.gz", "-o", str(tar), FINAL)
    argv = c.cmd("build", "--snapshot", str(tar), "--commit", FINAL, "--release-id", "x",
                 "--quiet", "--no-validate", "--out", str(c.work / "out"))  # fmt: skip
    return argv, {}, lambda: release_built(c, "x")


def case_other_archive(c: Ctx) -> Result:
    """Finding 3: a tarball of another repository: no docs of the hub."""
    repo = small_repo(c, {b"README.md": b"# another project\n", b"src/x.py": b"pass\n"})
    tar = c.work / "other.tar.gz"
    git(repo, "archive", "--format=tar.gz", "-o", str(tar), "HEAD")
    sha = git(repo, "rev-parse", "HEAD")
    argv = c.cmd("build", "--snapshot", str(tar), "--commit", sha, "--release-id", "x",
                 "--quiet", "--no-validate", "--out", str(c.work / "out"))  # fmt: skip
    return argv, {}, lambda: release_built(c, "x")


def long_line_doc(line: str) -> Callable[[Ctx], Path]:
    """Finding 4: the publisher doc of the small snapshot with one pathological line."""
    return tar_with("longline", display="ACME", description=line)


def case_torch(files: dict[bytes, bytes], check: Callable[[Ctx], str] | None = None):
    def setup(c: Ctx) -> Result:
        repo = small_repo(c, {**TORCH_VOCAB, **files})
        argv = build_git(c, repo, "--hub", "pytorch-hub", "--as-of", "2021-01-05",
                         "--release-id", "p")  # fmt: skip
        return argv, {}, (lambda: check(c)) if check else (lambda: release_built(c, "p"))

    return setup


def anomaly_kinds(c: Ctx, rid: str, path: str) -> str:
    table = c.work / "out" / rid / "data" / "anomalies.csv"
    if not table.exists():
        return "no release"
    kinds = sorted({ln.split(",")[2] for ln in table.read_text().splitlines()[1:]
                    if ln.startswith(path)})  # fmt: skip
    return f"anomalies of {path[:30]}: {', '.join(kinds) or 'none'}"


def case_verify_tampered(c: Ctx) -> Result:
    """Finding 6: verify of PyTorch Hub's releases, tampered five ways."""
    releases = c.work / "releases"
    releases.mkdir()
    for name in ("pytorch-hub-2022-04-05", "pytorch-hub-2024-04-15"):
        shutil.copytree(c.code / "releases" / name, releases / name)
    last = releases / "pytorch-hub-2024-04-15"
    table = last / "data" / "models.csv"
    lines = table.read_text(encoding="utf-8").split("\n")
    lines[3] = lines[3].replace(",", ",X", 1)
    table.write_text("\n".join(lines), encoding="utf-8")
    (last / ".hidden").write_text("x")
    (last / ".git").mkdir()
    (last / ".git" / "config").write_text("[core]\n")
    (releases / "2099-01-01").mkdir()
    (releases / "NOTES.md").write_text("notes\n")
    argv = c.cmd("verify", "--git", str(TORCH_CLONE), "--hub", "pytorch-hub", "--quiet",
                 "--releases", str(releases), "--cache", str(c.work / "c" / "http.sqlite"))

    def check() -> str:
        named = {
            "edited table (row, column)": "models.csv: differs row ",
            "dot-file": ".hidden: extra",
            ".git/": ".git/config: extra",
            "unpinned folder": "2099-01-01: extra",
            "stray file": "NOTES.md: extra",
        }
        found = [k for k, needle in named.items() if any(needle in ln for ln in c.stderr)]
        return f"{len(found)} of 5 tamperings named" + (f" ({', '.join(found)})" if found else "")

    return argv, {}, check


def case_autolinks(c: Ctx) -> Result:
    """Finding 7: URLs, www. hosts and addresses in a display name and a vocabulary name."""
    evil = "https://evil.example/a www.evil.example evil@evil.example"
    files = {"tags/dataset.yaml": f"values:\n  - id: evil\n    display_name: '{evil}'\n",
             "assets/docs/acme/models/m/1.md": module("acme/m/1", "<!-- dataset: evil -->\n")}
    tar = tarball(c.work, "autolinks", snapshot_files(display=f"ACME {evil}", **files))

    def check() -> str:
        readme = c.work / "out" / "x" / "README.md"
        if not readme.exists():
            return "no README"
        import cmarkgfm
        from cmarkgfm.cmark import Options

        html = cmarkgfm.github_flavored_markdown_to_html(
            readme.read_text(), options=Options.CMARK_OPT_UNSAFE
        )
        links = [h for h in re.findall(r'href="([^"]*)"', html) if "evil" in h]
        return f"{len(links)} links to the data (GitHub's renderer)"

    return c.snap(tar, "x"), {}, check


def case_tip_branch(c: Ctx) -> Result:
    """Finding 8: a branch named tip, at a 2021 commit, beside HEAD."""
    repo = copy_clone(c)
    git(repo, "branch", "tip", MID)
    argv = build_git(c, repo, "--as-of", "2024-03-18", "--release-id", "t")

    def check() -> str:
        desc = c.work / "out" / "t" / "datapackage.json"
        if not desc.exists():
            return "no release"
        built = json.loads(desc.read_text()).get("sources", [{}])
        text = json.dumps(built)
        return "built from HEAD" if FINAL in text else f"built from tip ({MID[:12]})" \
            if MID in text else "commit not found"  # fmt: skip

    return argv, {}, check


def malformed(kind: str) -> Callable[[Ctx], Result]:
    """Finding 9: a tree listing README.md twice, or a commit dated 99999999999999999999."""

    def setup(c: Ctx) -> Result:
        repo = small_repo(c, TFHUB_FILES)
        head = git(repo, "rev-parse", "HEAD")
        if kind == "twice":
            entries = git(repo, "ls-tree", "HEAD").splitlines()
            body = b""
            for entry in sorted(entries, key=lambda e: e.split("\t")[1]):
                meta, name = entry.split("\t")
                mode, _, oid = meta.split()
                mode = "40000" if mode == "040000" else mode
                item = f"{mode} {name}".encode() + b"\0" + bytes.fromhex(oid)
                body += item * (2 if name == "README.md" else 1)
            tree, stamp = raw_object(repo, "tree", body), "1609900000"
        else:
            tree, stamp = git(repo, "rev-parse", "HEAD^{tree}"), "99999999999999999999"
        commit = raw_object(repo, "commit", (
            f"tree {tree}\nparent {head}\nauthor A <a@example.org> {stamp} +0000\n"
            f"committer A <a@example.org> {stamp} +0000\n\nodd\n").encode())  # fmt: skip
        git(repo, "update-ref", "refs/heads/master", commit)
        return build_git(c, repo, "--commit", commit, "--release-id", "m"), {}, lambda: ""

    return setup


def case_non_utf8_name(c: Ctx) -> Result:
    """Finding 10: an image under assets/ whose name is not UTF-8."""
    repo = small_repo(c, {**TFHUB_FILES, b"assets/docs/acme/models/m/\xffimage.png": b"png"})
    argv = build_git(c, repo, "--as-of", "2021-01-05", "--release-id", "u")
    return argv, {}, lambda: anomaly_kinds(c, "u", "assets/docs/acme/models/m/\\xff")


def case_password_url(c: Ctx) -> Result:
    """Finding 11: a password in --git-url."""
    url = "https://someone:s3cret-token@127.0.0.1:9/tfhub.dev.git"
    argv = c.cmd("build", "--git-url", url, "--hub", "tfhub", "--as-of", "2021-01-05",
                 "--quiet", "--out", str(c.work / "out"),
                 "--cache", str(c.work / "c" / "http.sqlite"))  # fmt: skip

    def check() -> str:
        kept = [p for p in c.work.rglob("*") if p.is_file() and b"s3cret" in p.read_bytes()]
        return f"kept in {kept[0].relative_to(c.work)}" if kept else "kept nowhere"

    return argv, {}, check


def case_other_owner(c: Ctx) -> Result:
    """Finding 12: a clone another user owns (git's safe.directory check)."""
    repo = small_repo(c, TFHUB_FILES)
    for folder, dirs, files in os.walk(repo):
        for name in [*dirs, *files, "."]:
            os.lchown(os.path.join(folder, name), 65534, 65534)
    return build_git(c, repo, "--as-of", "2021-01-05", "--release-id", "o"), {}, \
        lambda: release_built(c, "o")  # fmt: skip


def case_sha256(c: Ctx) -> Result:
    """Finding 12: a SHA-256 repository."""
    repo = c.work / "sha256"
    repo.mkdir()
    git(repo, "init", "--quiet", "--object-format=sha256", "-b", "master")
    for path, data in TFHUB_FILES.items():
        target = repo / path.decode()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "x", date="2021-01-05T10:00:00Z")
    return build_git(c, repo, "--as-of", "2021-01-05"), {}, lambda: ""


def case_not_git_server(answer: str) -> Callable[[Ctx], Result]:
    """Finding 12: a remote that answers with an HTML page, or redirects to file://."""

    def setup(c: Ctx) -> Result:
        import http.server
        import threading

        class Odd(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if answer == "html":
                    body = b"<html><body>Sign in</body></html>"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    self.send_response(302)
                    self.send_header("Location", "file:///etc/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Odd)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/tfhub.dev.git"
        argv = c.cmd("build", "--git-url", url, "--hub", "tfhub", "--as-of", "2021-01-05",
                     "--quiet", "--out", str(c.work / "out"),
                     "--cache", str(c.work / "c" / "http.sqlite"))  # fmt: skip

        def check() -> str:
            server.shutdown()
            return ""

        return argv, {}, check

    return setup


DEEP = "values: " + "[" * 100_000 + "]" * 100_000
INJECT_FILES = {
    "tags/dataset.yaml": "values:\n  - id: 'a|b'\n    display_name: '<b>x</b>'\n",
    "assets/docs/acme/models/m/1.md": module("acme/m/1", "<!-- dataset: a|b -->\n"),
}
CASES: dict[str, tuple[str, Callable[[Ctx], Result]]] = {
    "1a": ("--release-id .", case_release_id(".")),
    "1b": ("--release-id ..", case_release_id("..")),
    "1c": ("--release-id ../../x", case_release_id("../../x")),
    "2a": ("build after one killed while validating", case_orphan_validator),
    "2b": ("build waiting on a lock held by another process", case_lock_wait),
    "3": ("third build while a second one validates", case_concurrent),
    "4": ("--snapshot TARBALL with the default --out", case_default_out),
    "5": ("--offline with a tampered (pickle) cache", case_pickle_cache),
    "6a": ("random-bytes cache, online", case_corrupt_cache("random", False)),
    "6b": ("random-bytes cache, --offline", case_corrupt_cache("random", True)),
    "6c": ("truncated cache, online", case_corrupt_cache("truncated", False)),
    "7a": ("tags/dataset.yaml alias bomb",
           case_snapshot(tar_with("alias", {"tags/dataset.yaml": ALIAS_BOMB}))),
    "7b": ("tags/task.yaml nested 100,000 deep",
           case_snapshot(tar_with("deep", {"tags/task.yaml": DEEP}))),
    "8": (
        "display name and tag id with HTML, a javascript: link, | and `",
        case_snapshot(
            tar_with("inject", INJECT_FILES, display=HOSTILE_NAME),
            readme_check,
        ),
    ),
    "9a": ("description of 140,000 characters",
           case_snapshot(tar_with("long", description="d" * 140_000))),
    "9b": ("display name with $...$ (TeX)",
           case_snapshot(tar_with("tex", display="cost $\\foo{ $5"))),
    "10a": (
        "archive of 1,000,000 empty members",
        case_snapshot(lambda c: streamed_tarball(c.payloads / "members.tar.gz", 1_000_000)),
    ),
    "10b": (
        "one doc of 480 MB",
        case_snapshot(lambda c: streamed_tarball(c.payloads / "bigdoc.tar.gz", 0, 480 << 20)),
    ),
    "13a": ("--out is a file", case_out_file),
    "13b": ("--out that cannot be created (under /proc)",
            command("build", "--snapshot", "{mirror}", "--out", "/proc/tfhub-out")),
    "13c": ("--release nosuch", command("build", "--release", "nosuch")),
    "13d": (
        "--as-of 2030-01-01 (after the last commit)",
        command("build", "--snapshot", "{mirror}", "--as-of", "2030-01-01", "--quiet",
                "--no-validate", "--out", "{work}/out", "--cache", "{work}/c/http.sqlite",
                check=lambda c: ", ".join(p.name for p in (c.work / "out").glob("*"))),
    ),
    "13e": ("--as-of with --commit",
            command("build", "--as-of", "2021-01-01", "--commit", MID, "--snapshot", "{mirror}",
                    "--out", "{work}/out")),
    "13f": ("--min-interval -1",
            command("build", "--min-interval", "-1", "--offline", "--out", "{work}")),
    "13g": ("verify --releases /nonexistent",
            command("verify", "--releases", "/nonexistent", "--snapshot", "{mirror}")),
    "13h": ("rebuilt release folder's mode (umask 022)", case_mode),
    "14": ("API answers with a gzip Content-Encoding bomb (2 GiB decoded)", case_encoding_bomb),
    # issue 22
    "22-1": ("--git clone with log.showSignature and gpg.program", case_signature_program),
    "22-2a": ("--git clone with a planted shallow file", case_shallow(False)),
    "22-2b": ("--git clone made with --depth 20", case_shallow(True)),
    "22-3a": ("--snapshot with a plain git archive tarball", case_plain_archive),
    "22-3b": ("--snapshot with a tarball of another repository", case_other_archive),
    "22-4a": ("a 50 KB heading", case_snapshot(long_line_doc("## x" + " " * 50_000 + "y"))),
    "22-4b": ("a 50 KB markdown link", case_snapshot(long_line_doc("[x](" + "a" * 50_000))),
    "22-4c": ("a 50 KB label", case_snapshot(long_line_doc("**" + " " * 50_000 + "x [a](b)"))),
    "22-4d": ("a 2,000-character quoted field (PyTorch Hub)",
              case_torch({b"acme_net_small.md": torch_page(title='"' * 1990 + "x")})),
    "22-4e": ("50 KB of html anchors", case_snapshot(long_line_doc('<a href="x" ' * 4000))),
    "22-5": ("a PyTorch Hub page over 1 MiB",
             case_torch({b"acme_net_small.md": torch_page(),
                         b"acme_net_big.md": torch_page(body="x" * (1 << 20))},
                        lambda c: anomaly_kinds(c, "p", "acme_net_big.md"))),
    "22-6": ("verify of tampered PyTorch Hub releases", case_verify_tampered),
    "22-7": ("URLs and e-mail addresses in a display and a vocabulary name", case_autolinks),
    "22-8": ("--git clone with a branch named tip", case_tip_branch),
    "22-9a": ("a tree listing README.md twice", malformed("twice")),
    "22-9b": ("a commit dated 99999999999999999999", malformed("date")),
    "22-10": ("an image name that is not UTF-8 under assets/", case_non_utf8_name),
    "22-11": ("a password in --git-url", case_password_url),
    "22-12a": ("a clone another user owns", case_other_owner),
    "22-12b": ("a SHA-256 repository", case_sha256),
    "22-12c": ("a remote answering with an HTML page", case_not_git_server("html")),
    "22-12d": ("a remote redirecting to file://", case_not_git_server("redirect")),
}  # fmt: skip


def run_case(key: str, c: Ctx) -> dict:
    argv, _opts, check = CASES[key][1](c)
    timed = ["/usr/bin/time", "-f", "%e %M", "-o", str(c.work / "time.txt"), *argv]
    start = time.monotonic()
    proc = subprocess.Popen(
        timed, cwd=c.code, env=c.env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )  # fmt: skip
    try:
        _, err = proc.communicate(timeout=c.timeout)
        code = str(proc.returncode)
        seconds, kb = (c.work / "time.txt").read_text().split()[-2:]
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the build and whatever it started
        _, err = proc.communicate()
        code, seconds, kb = "hang", f"{time.monotonic() - start:.1f}", "0"
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("Command exited")]
    c.stderr = lines
    verdict = check()
    return {
        "case": key,
        "what": CASES[key][0],
        "exit": code,
        "seconds": float(seconds),
        "peak_mb": int(kb) // 1024,
        "stderr_lines": len(lines),
        "traceback": any("Traceback" in ln for ln in lines),
        "last": lines[-1][:160] if lines else "",
        "check": verdict,
    }


def cleanup(c: Ctx) -> None:
    for p in c.started:
        if p.poll() is None:
            p.kill()
            p.wait()
    for pid in c.extra_pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--code", type=Path, default=ROOT)
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--timeout", type=float, default=90.0)
    ap.add_argument("--payloads", type=Path, default=Path(tempfile.gettempdir()) / "tfhub-hostile")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    args.payloads.mkdir(parents=True, exist_ok=True)
    results = []
    print(
        "| Case | What | Exit | Time (s) | Peak RSS (MB) | Traceback | Last stderr line | Check |"
    )
    print("| --- | --- | --- | ---: | ---: | --- | --- | --- |")
    for key in args.only or list(CASES):
        with tempfile.TemporaryDirectory(
            prefix=f"hostile-{key}-", ignore_cleanup_errors=True
        ) as tmp:
            old = os.umask(0o022)
            c = Ctx(args.code.resolve(), Path(tmp), args.payloads, args.timeout)
            try:
                r = run_case(key, c)
            finally:
                cleanup(c)
                os.umask(old)
        results.append(r)
        cells = [key, r["what"], r["exit"], f"{r['seconds']:.2f}", str(r["peak_mb"]),
                 "yes" if r["traceback"] else "no", r["last"], r["check"]]  # fmt: skip
        print("| " + " | ".join(x.replace("|", "\\|") for x in cells) + " |", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
