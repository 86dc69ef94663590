"""Benchmark of the git source: whole processes, measured side by side in one run.

    python benchmarks/git_source.py [--clone ../shared/tfhub.dev.git] [--runs 3] [--before DIR]

A smart-HTTP server (git http-backend) on 127.0.0.1 serves the clone; every build runs as a
fresh `python -m tfhub_dataset` process with private caches:
- cold: both pinned releases from an empty cache: HTTP requests and bytes the server sent;
- warm: release 2024-03-18 with history and validation, cached clone and derived cache warm (the
  build a user re-runs), and the same with --no-derived-cache (every month-end snapshot parsed);
- floor: a Python program that only reads every file of that snapshot from the clone;
- history: both releases' histories in one process from the warm clone, one parse cache: distinct
  file versions parsed against the doc versions the monthly snapshots cover.
With --before DIR (a checkout of an earlier version), its warm build from the fake GitHub server
(REST mirror beside the clone, warm HTTP and derived caches) is timed in the same run.
Goals (issue 9): cold <= 5 requests and <= 10 MB; warm <= 8x the floor.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLONE = ROOT.parent / "shared" / "tfhub.dev.git"
FINAL = "81fdea8ffa53b5acbd66a012d17fb8f9602c714b"

FLOOR = """
import subprocess, sys
repo, commit = sys.argv[1], sys.argv[2]
env = {"GIT_NO_LAZY_FETCH": "1", "PATH": "/usr/bin:/bin"}
ls = subprocess.run(["git", "-C", repo, "ls-tree", "-r", "-z", commit], capture_output=True,
                    env=env, check=True).stdout
oids = [e.split(b"\\t")[0].split()[2] for e in ls.split(b"\\0") if e]
out = subprocess.run(["git", "-C", repo, "cat-file", "--batch"], input=b"\\n".join(oids) + b"\\n",
                     capture_output=True, env=env, check=True).stdout
print(len(oids), len(out))
"""


def timed(cmd: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def build(url: str, work: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "tfhub_dataset", "build", "--quiet", "--hub", "tfhub",
            "--git-url", url,
            "--cache", str(work / "http.sqlite"), "--out", str(work / "out"), *extra]  # fmt: skip


def history_child(clone: str) -> None:
    """Both histories from the clone on disk, one parse cache: prints JSON figures."""
    sys.path.insert(0, str(ROOT))
    from tfhub_dataset.annotations import load_publisher_types
    from tfhub_dataset.build import load_pins
    from tfhub_dataset.history.series import build_history
    from tfhub_dataset.sources.git import GitConfig, GitSource

    types = load_publisher_types()
    docs: dict = {}
    covered = 0
    source = GitSource(GitConfig(path=Path(clone)))
    real_snapshot = source.snapshot
    seen: set[str] = set()

    def counting(sha: str):
        nonlocal covered
        snap = real_snapshot(sha)
        if sha not in seen:
            seen.add(sha)
            covered += sum(p.startswith("assets/") and p.endswith(".md") for p in snap.files)
        return snap

    source.snapshot = counting  # type: ignore[method-assign]
    start = time.perf_counter()
    for pin in (p for p in load_pins() if p.hub == "tfhub"):
        build_history(source, pin.commit, pin.as_of, types, doc_cache=docs)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "parsed": len(docs), "covered": covered,
                      "snapshots": len(seen), "blobs_read": source.repo.blobs_read}))  # fmt: skip


# Progress messages of a build -> the step that starts with each.
STEPS = (
    ("[2024-03-18] snapshot", "read and parse the snapshot"),
    ("[history]", "history (derived cache)"),
    ("[2024-03-18] parsed", "write CSV and Parquet"),
    ("validating", "validate, README, charts"),
    ("[2024-03-18] written", "close"),
)


def where_child(url: str, work: str) -> None:
    """One warm build of 2024-03-18 in this process, each step timed from its progress messages:
    prints JSON [[step, seconds], ...]."""
    start = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    from tfhub_dataset.build import build_release, load_pins
    from tfhub_dataset.derived import DerivedCache
    from tfhub_dataset.sources.git import GitConfig, GitSource

    marks = [("imports", start), ("source setup", time.perf_counter())]

    def progress(message: object) -> None:
        text = str(message)
        name = next((n for prefix, n in STEPS if text.startswith(prefix)), None)
        if name and name != marks[-1][0]:
            marks.append((name, time.perf_counter()))

    pin = next(p for p in load_pins() if p.id == "2024-03-18")
    config = GitConfig(url=url, cache=Path(work) / "git" / "tfhub.dev.git")
    with GitSource(config) as source:
        build_release(pin, source, Path(work) / "where", progress=progress,
                      derived=DerivedCache(Path(work) / "derived"))  # fmt: skip
    marks.append(("end", time.perf_counter()))
    steps = [[a[0], round(b[1] - a[1], 3)] for a, b in itertools.pairwise(marks)]
    print(json.dumps(steps))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--clone", type=Path, default=DEFAULT_CLONE)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--before", type=Path, help="a checkout of an earlier version, timed too")
    ap.add_argument("--history-child", help=argparse.SUPPRESS)
    ap.add_argument("--where-child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.history_child:
        history_child(args.history_child)
        return 0
    if args.where_child:
        where_child(*args.where_child)
        return 0
    if not (args.clone / "HEAD").is_file():
        print(f"no git clone at {args.clone}; pass --clone", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    from tfhub_dataset.sources.git.server import GitHTTPServer

    clone = args.clone.resolve()
    with (
        tempfile.TemporaryDirectory(prefix="tfhub-gitbench-") as tmp,
        GitHTTPServer(clone.parent) as server,
    ):
        work = Path(tmp)
        url = server.url(clone.name)
        cold_s = timed(build(url, work))
        sent = server.requests
        cold_bytes = sum(r.sent for r in sent)
        server.clear_log()
        rel = ("--release", "2024-03-18")
        warm = [timed(build(url, work, *rel)) for _ in range(args.runs)]
        nocache = [timed(build(url, work, *rel, "--no-derived-cache")) for _ in range(args.runs)]
        warm_requests = len(server.requests)
        cached = work / "git" / "tfhub.dev.git"
        floor = [timed([sys.executable, "-c", FLOOR, str(cached), FINAL]) for _ in range(args.runs)]
        child = [sys.executable, __file__, "--history-child", str(cached)]
        done = subprocess.run(child, capture_output=True, text=True, check=True, cwd=ROOT)
        hist = json.loads(done.stdout)
        child = [sys.executable, __file__, "--where-child", url, str(work)]
        done = subprocess.run(child, capture_output=True, text=True, check=True, cwd=ROOT)
        where = json.loads(done.stdout.strip().splitlines()[-1])
        before = None
        if args.before:
            before = [timed(before_build(args.before, clone, work)) for _ in range(args.runs + 1)]
            before = before[1:]  # the first run fills its caches
    f, w, n = statistics.median(floor), statistics.median(warm), statistics.median(nocache)
    print(
        f"cold build of both pinned releases from {url}: {cold_s:.1f} s, {len(sent)} HTTP "
        f"requests ({', '.join(f'{r.method} {r.status}' for r in sent)}), "
        f"{cold_bytes / 1e6:.2f} MB sent by the server (goal: <= 5 requests, <= 10 MB)"
    )
    print(f"median of {args.runs} runs, whole processes:")
    print(f"  floor: read every file of {FINAL[:12]} from the clone  {f:6.2f} s   1.0x")
    print(
        f"  warm build of 2024-03-18 (history, validation)     {w:6.2f} s  {w / f:4.1f}x "
        "(goal <= 8x)"
    )
    print(f"  same, --no-derived-cache (every month parsed)      {n:6.2f} s  {n / f:4.1f}x")
    if before:
        b = statistics.median(before)
        print(f"  before ({args.before}), API source, warm caches      {b:6.2f} s  {b / f:4.1f}x")
    print(f"  requests sent by the {args.runs * 2} warm builds: {warm_requests}")
    print("  where a warm build's time goes (one run, in process): "
          + ", ".join(f"{name} {sec:.2f} s" for name, sec in where))  # fmt: skip
    print(f"history of both releases from the warm clone, in one process: {hist['seconds']:.1f} s; "
          f"{hist['parsed']} distinct file versions parsed for {hist['covered']} doc versions "
          f"in {hist['snapshots']} snapshots ({hist['covered'] / hist['parsed']:.0f}x fewer "
          f"parses); {hist['blobs_read']} blobs read")  # fmt: skip
    return 0


# Runs an earlier checkout's CLI in this interpreter: its folder first on sys.path, and the
# editable-install finder of this checkout removed, so that `tfhub_dataset` is the earlier one.
RUN_CHECKOUT = """
import runpy, sys
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
sys.path.insert(0, sys.argv[1])
sys.argv = ["tfhub_dataset", *sys.argv[2:]]
runpy.run_module("tfhub_dataset", run_name="__main__", alter_sys=True)
"""


def before_build(checkout: Path, clone: Path, work: Path) -> list[str]:
    """The earlier version's warm build of 2024-03-18 from the fake GitHub server."""
    mirror = clone.parent / "tfhub.dev"
    return [sys.executable, "-c", RUN_CHECKOUT, str(checkout), "build", "--quiet", "--release",
            "2024-03-18", "--mirror", str(mirror), "--mirror-port", "47590", "--cache",
            str(work / "before" / "http.sqlite"), "--min-interval", "0",
            "--out", str(work / "before-out")]  # fmt: skip


if __name__ == "__main__":
    os.environ.setdefault("GIT_NO_LAZY_FETCH", "1")
    raise SystemExit(main())
