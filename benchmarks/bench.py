"""Benchmark: time and peak memory of each stage, and requests cold and warm. Prints a table.

    python benchmarks/bench.py [--mirror ../shared/tfhub.dev] [--runs 3]

Every measurement runs in a fresh child process (so its peak RSS is its own) against the fake
GitHub server serving the mirror on 127.0.0.1 over real HTTP, with a private cache folder:
- parse: one snapshot (the 2024-03-18 commit) into all tables, from bytes in memory;
- release warm: `build --release 2024-03-18` with the HTTP cache and the derived cache warm,
  with and without validation (the default build path a user re-runs);
- history warm: the whole history of 2024-03-18 (44 months, 41 snapshots) with the HTTP cache
  warm but no derived cache, i.e. every month-end tarball read and parsed;
- sqlite: the SQLite database of release 2024-03-18 from its written files (issue 13);
- requests: both pinned releases cold (empty caches), then warm.
Goals on a 2-core machine (issue 6): parse <= 0.5 s, release warm with validation <= 3 s, whole
history warm <= 30 s, peak memory <= 400 MB; issue 13: the SQLite database <= 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MIRROR = ROOT.parent / "shared" / "tfhub.dev"
FINAL = "81fdea8ffa53b5acbd66a012d17fb8f9602c714b"


def child(step: str, mirror: Path, work: Path) -> dict:
    """Run one step in this process (called in a child); returns its figures."""
    sys.path.insert(0, str(ROOT))
    from tfhub_dataset.annotations import load_publisher_types
    from tfhub_dataset.build import build_release, load_pins, release_tables
    from tfhub_dataset.derived import DerivedCache
    from tfhub_dataset.history.series import build_history
    from tfhub_dataset.sources.api.fake_server import MirrorServer
    from tfhub_dataset.sources.api.github import GitHubConfig, GitHubSource
    from tfhub_dataset.sources.local import load_local

    quiet = {"progress": lambda _m: None}
    types = load_publisher_types()
    pins = {p.id: p for p in load_pins()}
    out: dict = {}
    if step == "parse":
        snap = load_local(mirror / "tarballs" / f"{FINAL}.tar.gz")
        start = time.perf_counter()
        tables = release_tables(snap, types)
        out["seconds"] = time.perf_counter() - start
        out["rows"] = sum(len(v) for v in tables.values())
        return out
    if step == "sqlite":
        from tfhub_dataset.package.sqlite import sqlite_bytes
        from tfhub_dataset.package.write import iter_files

        files = dict(iter_files(work / "out" / "2024-03-18"))  # written by the warm build
        start = time.perf_counter()
        data = sqlite_bytes(files)
        out["seconds"] = time.perf_counter() - start
        out["bytes"] = len(data)
        return out
    with MirrorServer(mirror, port=47570, codeload_port=47571) as server:
        config = GitHubConfig(
            api_url=server.api_url, cache_path=work / "http.sqlite", min_interval=0.0, token=None
        )
        source = GitHubSource(config)
        derived = DerivedCache(work / "derived")
        start = time.perf_counter()
        if step in ("cold", "warm"):
            for pin in pins.values():
                build_release(pin, source, work / "out", derived=derived, **quiet)
        elif step in ("release", "release-novalidate"):
            build_release(
                pins["2024-03-18"],
                source,
                work / "out",
                derived=derived,
                validate=step == "release",
                **quiet,
            )
        elif step == "history":
            build_history(source, FINAL, "2024-03-18", types)
        out["seconds"] = time.perf_counter() - start
        out["requests"] = source.report.as_dict()["requests"]
    return out


def run(step: str, mirror: Path, work: Path) -> dict:
    cmd = [sys.executable, __file__, "--child", step, "--mirror", str(mirror), "--work", str(work)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR)
    ap.add_argument("--runs", type=int, default=3, help="runs of each timed step (median shown)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        figures = child(args.child, args.mirror, args.work)
        figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB
        print(json.dumps(figures))
        return 0
    if not (args.mirror / "commits.json").is_file():
        print(f"no mirror at {args.mirror}; pass --mirror", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory(prefix="tfhub-bench-") as tmp:
        work = Path(tmp)
        cold = run("cold", args.mirror, work)
        warm = run("warm", args.mirror, work)
        steps = [
            ("parse one snapshot into tables (2024-03-18)", "parse", 0.5),
            ("SQLite database of one release (2024-03-18)", "sqlite", 0.5),
            ("one release end to end, warm, with validation", "release", 3.0),
            ("one release end to end, warm, without validation", "release-novalidate", None),
            ("whole history (44 months), warm HTTP cache, no derived cache", "history", 30.0),
        ]
        for label, step, goal in steps:
            results = [run(step, args.mirror, work) for _ in range(args.runs)]
            secs = statistics.median(r["seconds"] for r in results)
            peak = max(r["peak_mb"] for r in results)
            rows.append((label, f"{secs:.2f} s", f"{peak:.0f} MB", f"<= {goal} s" if goal else ""))
        rows.append(
            (
                "both pinned releases, cold (empty caches)",
                f"{cold['seconds']:.1f} s",
                f"{cold['peak_mb']:.0f} MB",
                "",
            )
        )
        rows.append(
            (
                "both pinned releases, warm",
                f"{warm['seconds']:.1f} s",
                f"{warm['peak_mb']:.0f} MB",
                "",
            )
        )
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {_cpus()} CPUs; median of {args.runs} runs"
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'measurement':<{width}}  {'time':>9}  {'peak RSS':>8}  goal")
    for label, t, m, goal in rows:
        print(f"{label:<{width}}  {t:>9}  {m:>8}  {goal}")
    print("requests, both pinned releases:")
    for name, figures in (("cold", cold), ("warm", warm)):
        req = figures["requests"]
        detail = ", ".join(f"{k} {v}" for k, v in req.items() if v)
        print(f"  {name}: {sum(req.values())} ({detail or 'none'})")
    return 0


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


if __name__ == "__main__":
    raise SystemExit(main())
