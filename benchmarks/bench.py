"""Benchmark: whole processes, each against a floor measured in the same run. Prints a table.

    python benchmarks/bench.py [--runs 3] [--code DIR] [--only STEP,...] [--source git|tarballs]
                               [--no-transport] [--where]

Users wait for whole processes, so every figure is one fresh `python` process timed from outside:
wall seconds, CPU seconds (user + system, its child processes included) and peak RSS. Seconds
drift from one machine (and one minute) to the next, so each figure is also a ratio to a floor
measured in the same run, interleaved with it (run 1 of every step, then run 2, ...); a ratio is
the median over the runs of the figure divided by its floor of the same run.

Every build reads SOURCE: the git clone beside the project (`--git ../shared/tfhub.dev.git`), or
with `--source tarballs` the REST mirror's month-end tarballs (`--snapshot ../shared/tfhub.dev`,
what this benchmark read before the git source).
- floor: a Python process that only reads every file of the 2024-03-18 snapshot from SOURCE, the
  way builds read it (the git source: `git ls-tree`, the blobs through `git cat-file --batch`, a
  chunk of ids at a time, each hashed against its id);
- parse: the same process, then the snapshot parsed into every table of a release
  (build.release_tables); goal (issue 10): at most 2x the floor;
- help: `python -m tfhub_dataset --help`, against `python -c "import matplotlib.pyplot,
  pyarrow, frictionless"` (the chart, Parquet and validation stacks); goal: at most 0.25x;
- release, warm: `build --release 2024-03-18` with the derived cache and the output records
  warm (its inputs did not change), with and without validation; goal (issue 23): at most 10x
  the floor;
- sqlite: the SQLite database of the release (package/sqlite.py) made from its written files,
  against a floor that only reads those files; the child also prints the seconds sqlite_bytes
  took in process (goal, issue 13: at most 0.5 s);
- release, history re-derived: `--no-derived-cache --no-validate`, so every month-end snapshot of
  the history is read and each distinct file version parsed; its floor reads every distinct
  file version (path, blob id) of those snapshots once, as the history does; goal (issue 23):
  at most 5x; then the same with every output made again too (`--no-output-cache`: Parquet,
  report, charts, SQLite), where the measured code has output records;
- transports (unless --no-transport), both pinned releases from an empty cache (cold), then
  again (warm), once each, against the floor of every snapshot both histories read:
  - git over smart HTTP (`--git-url`, git http-backend on 127.0.0.1): HTTP requests and bytes
    the server sent (goal, issue 9: cold at most 5 requests and 10 MB);
  - the REST crawler (`--source api`) against the fake GitHub server on 127.0.0.1, serving the
    REST mirror with the clone beside it (renames' `changes`), at `--min-interval 0` (the
    loopback default since issue 10, passed so older code is measured the same).
- where (with --where): one warm build of the release in one process, its time split by the
  build's progress messages, and the history's distinct file versions parsed.

`--code DIR` measures another checkout (e.g. main before a change) with this script, for
before/after figures in one run: every measured process runs with PYTHONPATH=DIR.
"""

# ruff: noqa: E402 (the parent's imports come after the children's early exit)

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
ME = str(Path(__file__).resolve())
MIRROR = ROOT.parent / "shared" / "tfhub.dev"  # the same history in GitHub REST shapes
CLONE = ROOT.parent / "shared" / "tfhub.dev.git"  # a bare partial clone of tensorflow/tfhub.dev
FINAL = "81fdea8ffa53b5acbd66a012d17fb8f9602c714b"  # the 2024-03-18 release commit


def git_reader(path: Path) -> Any:
    from tfhub_dataset.sources.git import GitConfig, GitSource

    return GitSource(GitConfig(path=path))


def mirror_reader(path: Path) -> Any:
    from tfhub_dataset.sources.local import LocalMirror

    return LocalMirror(path)


class Source(NamedTuple):
    """Where snapshots come from: the source options of `python -m tfhub_dataset build` and the
    reader (built from ``path``) that reads the same snapshots in the floors."""

    options: tuple[str, ...]
    reader: Callable[[Path], Any]
    path: Path


SOURCES = {
    "git": Source(("--git", str(CLONE)), git_reader, CLONE),
    # the REST mirror's month-end tarballs, read from disk (the benchmark's source before git)
    "tarballs": Source(("--snapshot", str(MIRROR)), mirror_reader, MIRROR),
}
# The one setting for the floors and every build (--source NAME; children are told it).
SOURCE = SOURCES["git"]


def child_argv(step: str, *args: str) -> list[str]:
    """The arguments of a measured child running ``step`` (after the interpreter)."""
    name = next(n for n, s in SOURCES.items() if s == SOURCE)
    return [ME, "--child", name, step, *args]


def open_source() -> Any:
    """SOURCE's reader, as builds read it: ``.snapshot(sha).files`` is every file of a snapshot
    (what a floor reads, what the parse parses); ``.list_commits(sha)`` its history."""
    return SOURCE.reader(SOURCE.path)


def child(step: str, args: list[str]) -> None:
    """One measured process: read (floor) or read and parse one or more snapshots; read a written
    release (floor-release) or make its SQLite database from it (sqlite)."""
    if step in ("floor-release", "sqlite"):
        release_child(step, Path(args[0]))
        return
    if step == "where":
        where_child(Path(args[0]))
        return
    shas = args
    source = open_source()
    try:
        read_or_parse(step, source, shas)
    finally:
        close(source)


def close(source: Any) -> None:
    """Close a source that has processes (git's): they are waited for, so their CPU is counted."""
    getattr(source, "close", lambda: None)()


def read_or_parse(step: str, source: Any, shas: list[str]) -> None:
    if step == "floor":
        total, read = 0, set()
        for sha in shas:
            snap = source.snapshot(sha)
            ids = getattr(snap, "blob_ids", None) or {}
            # a file version is read once, as the history parses it once; many at a time where
            # the source can (git), as the builds read them
            new = [p for p in snap.files if (p, ids.get(p) or sha) not in read]
            read.update((p, ids.get(p) or sha) for p in new)
            read_many = getattr(snap.files, "read_many", None)
            for start in range(0, len(new), 2000):
                chunk = new[start : start + 2000]
                data = read_many(chunk) if read_many else {p: snap.files[p] for p in chunk}
                total += sum(len(d) for d in data.values())
        print(total)
        return
    from tfhub_dataset.annotations import load_publisher_types
    from tfhub_dataset.build import release_tables

    tables = release_tables(source.snapshot(shas[0]), load_publisher_types())
    print(sum(len(rows) for rows in tables.values()))


# Progress messages of a build -> the part of its time that starts with each.
PARTS = (
    ("snapshot", "read and parse the release snapshot"),
    ("[history]", "history (derived cache)"),
    ("parsed", "render CSV and Parquet"),
    ("validating", "stage; validate (child) beside README, charts, SQLite, sums"),
    ("written", "close"),
)


def where_child(work: Path) -> None:
    """One warm build of the final release in this process, its time split by its progress
    messages; then the history's parse counts. Prints JSON."""
    import itertools
    import json
    import time

    start = time.perf_counter()
    from tfhub_dataset.build import build_release, load_pins
    from tfhub_dataset.derived import DerivedCache

    marks = [("imports", start), ("source setup", time.perf_counter())]

    def progress(message: object) -> None:
        text = str(message).split("] ", 1)[-1]
        name = next((n for prefix, n in PARTS if text.startswith(prefix)), None)
        if name and name != marks[-1][0]:
            marks.append((name, time.perf_counter()))

    pin = next(p for p in load_pins() if p.commit == FINAL)
    source = open_source()
    build_release(pin, source, work / "where", progress=progress,
                  derived=DerivedCache(work / "cache" / "derived"))  # fmt: skip
    close(source)
    marks.append(("end", time.perf_counter()))
    parts = [[a[0], round(b[1] - a[1], 3)] for a, b in itertools.pairwise(marks)]
    print(json.dumps({"parts": parts, **history_counts()}))


def history_counts() -> dict[str, int]:
    """Both pinned releases' histories in one process, one parse cache: distinct file versions
    parsed against the doc versions the monthly snapshots hold."""
    from tfhub_dataset.annotations import load_publisher_types
    from tfhub_dataset.build import load_pins
    from tfhub_dataset.history.series import build_history

    source, docs, seen, covered = open_source(), {}, set(), 0
    read = source.snapshot

    def counting(sha: str) -> Any:
        nonlocal covered
        snap = read(sha)
        if sha not in seen:
            seen.add(sha)
            covered += sum(p.startswith("assets/") and p.endswith(".md") for p in snap.files)
        return snap

    source.snapshot = counting
    for pin in (p for p in load_pins() if p.hub == "tfhub"):
        build_history(source, pin.commit, pin.as_of, load_publisher_types(), doc_cache=docs)
    close(source)
    return {"parsed": len(docs), "covered": covered, "snapshots": len(seen)}


def release_child(step: str, folder: Path) -> None:
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
             if p.is_file()}  # fmt: skip
    if step == "floor-release":
        print(sum(len(data) for data in files.values()))
        return
    import time

    from tfhub_dataset.package.sqlite import sqlite_bytes

    start = time.perf_counter()
    data = sqlite_bytes(files)
    print(f"{len(data)} bytes; sqlite_bytes {time.perf_counter() - start:.3f} s in process")


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    # Children import nothing the parent needs: the floor is the reading alone.
    SOURCE = SOURCES[sys.argv[2]]
    child(sys.argv[3], sys.argv[4:])
    raise SystemExit(0)

# The parent only.
import argparse
import json
import os
import platform
import shlex
import statistics
import subprocess
import tempfile
import time


class Figure(NamedTuple):
    wall: float
    cpu: float
    peak_mb: float
    stderr: str
    stdout: str


class Step(NamedTuple):
    name: str
    label: str
    argv: list[str]  # after the interpreter
    reference: str  # the step it is divided by
    goal: float | None = None


def measure(argv: list[str], code: Path, cwd: Path, *, token: bool = True) -> Figure:
    """Run one process (``python`` + argv) and time it from outside; it must succeed.
    ``token=False`` keeps a GitHub token of this environment from the process."""
    # Bytecode is written and reused, as on a user's machine (the first run of each step writes
    # it): a PYTHONDONTWRITEBYTECODE inherited from a sandbox would compile every module each run.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(code)
    if not token:
        env.pop("GITHUB_TOKEN", None)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, *argv], cwd=cwd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): python {' '.join(argv)}\n{stderr[-2000:]}")
    # ru_maxrss is in KiB on Linux; CPU counts the process and the children it waited for.
    return Figure(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stderr, stdout)


def history_snapshots(pins: list) -> list[str]:
    """Every snapshot the histories of ``pins`` read (month-end commits and release commits)."""
    from tfhub_dataset.history.series import month_ends

    source = open_source()
    wanted: set[str] = set()
    for pin in pins:
        refs = source.list_commits(pin.commit)
        wanted |= {end.ref.sha for end in month_ends(refs, pin.commit, pin.as_of)}
        wanted.add(pin.commit)
    return sorted(wanted)


def crawl_requests(stderr: str) -> str:
    """The requests column of the crawl report the build printed, and the intervals it states."""
    lines = stderr.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("endpoint ")), None)
    if start is None:
        return "no crawl report"
    rows = {}
    for line in lines[start + 2 :]:
        cells = line.split()
        if len(cells) < 2 or not cells[1].isdigit():
            break
        rows[cells[0]] = int(cells[1])
    total = rows.pop("total", 0)
    detail = ", ".join(f"{k} {v}" for k, v in rows.items() if v)
    intervals = [line for line in lines if line.startswith("minimum interval")]
    return f"{total} requests ({detail or 'none'})" + "".join(f"\n      {i}" for i in intervals)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="runs of each step (medians shown)")
    ap.add_argument("--code", type=Path, default=ROOT, help="checkout to measure (default this)")
    ap.add_argument("--only", help="comma-separated step names (default all)")
    ap.add_argument("--source", choices=SOURCES, default="git", help="what builds and floors read")
    ap.add_argument(
        "--no-transport", action="store_true", help="skip the cold and warm builds over HTTP"
    )
    ap.add_argument("--where", action="store_true", help="split a warm build's time, in process")
    args = ap.parse_args()
    global SOURCE
    SOURCE = SOURCES[args.source]
    for needed in (CLONE / "HEAD", MIRROR / "commits.json"):
        if not needed.is_file():
            print(f"no {needed.parent}", file=sys.stderr)
            return 2
    from tfhub_dataset.build import load_pins

    code = args.code.resolve()
    global OUTPUT_RECORDS
    OUTPUT_RECORDS = "--no-output-cache" in (code / "tfhub_dataset" / "cli.py").read_text()
    pins = load_pins()
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="tfhub-bench-") as tmp:
        work = Path(tmp)
        final = next(p for p in pins if p.commit == FINAL)
        steps = plan(final, work)
        if args.only:
            keep = set(args.only.split(","))
            keep |= {s.reference for s in steps if s.name in keep and s.reference}
            steps = [s for s in steps if s.name in keep]
        measure(child_argv("floor", FINAL), code, work)  # the page cache warm
        if {s.name for s in steps} & {"release", "sqlite"}:
            measure(plan_release(final, work), code, work)  # the derived cache warm, out written
        runs: dict[str, list[Figure]] = {s.name: [] for s in steps}
        for n in range(args.runs):
            for s in steps:
                runs[s.name].append(measure(s.argv, code, work))
            print(f"run {n + 1}/{args.runs} done", file=sys.stderr, flush=True)
        load_end = os.getloadavg()
        print(
            f"machine: {platform.machine()}, {len(os.sched_getaffinity(0))} CPUs, "
            f"{platform.python_implementation()} {platform.python_version()}; load average "
            f"{load_start[0]:.1f} at start, {load_end[0]:.1f} at end"
        )
        print(f"code measured: {code}")
        print(f"source: {' '.join(SOURCE.options)} (floors read it with {SOURCE.reader.__name__})")
        print(
            f"runs of each step: {args.runs}, interleaved; seconds are medians, a ratio is the "
            "median of each run's figure over its reference in the same run\n"
        )
        print_table(steps, runs)
        if runs.get("sqlite"):
            said = [f.stdout.strip().rpartition("; ")[2] for f in runs["sqlite"]]
            print(f"  sqlite, each run: {', '.join(said)} (goal, issue 13: <= 0.5 s)")
        print("\ncommands ($WORK: a fresh temporary folder, caches and output under it):")
        for s in steps:
            shas = len(s.argv) - 4 if s.argv[1:2] == ["--child"] else 0
            command = shlex.join(["python", *(s.argv if shas < 3 else s.argv[:5])])
            command = command.replace(str(work), "$WORK") + (f" ... ({shas} SHAs)" * (shas >= 3))
            print(f"  {s.name}: {command.replace(ME, 'benchmarks/bench.py')}")
        sys.stdout.flush()
        if not (args.no_transport or args.only):
            print(run_transports(pins, code, work).replace(str(work), "$WORK"), flush=True)
        if args.where:
            where = measure(child_argv("where", str(work)), code, work)
            print_where(json.loads(where.stdout.strip().splitlines()[-1]))
        print(f"load average at the very end: {os.getloadavg()[0]:.1f}")
    return 0


def print_where(found: dict[str, Any]) -> None:
    parts = ", ".join(f"{name} {sec:.2f} s" for name, sec in found["parts"])
    print(f"\nwhere a warm build of {FINAL[:12]}'s release goes (one run, in process): {parts}")
    print(
        f"history of both pinned releases in one process, one parse cache: {found['parsed']:,} "
        f"distinct file versions parsed for the {found['covered']:,} doc versions of "
        f"{found['snapshots']} snapshots"
    )


def plan_release(final: Any, work: Path) -> list[str]:
    """`build --release` of the final pin from SOURCE into $WORK/out, caches under $WORK."""
    build = ["-m", "tfhub_dataset", "build", *SOURCE.options, "--quiet"]
    release = [*build, "--release", final.id, "--cache", str(work / "cache" / "http.sqlite")]
    return [*release, "--out", str(work / "out")]


OUTPUT_RECORDS = True  # the measured code keeps output records (--no-output-cache); set by main


def plan(final: Any, work: Path) -> list[Step]:
    """The steps, in the order of each run."""
    release = plan_release(final, work)
    written = str(work / "out" / final.id)
    history = history_snapshots([final])
    heavy = "import matplotlib.pyplot, pyarrow, frictionless"
    return [
        Step("floor", f"floor: read every file of {final.id}", child_argv("floor", FINAL), ""),
        Step("parse", f"parse {final.id} into every table", child_argv("parse", FINAL), "floor",
             2.0),
        Step("heavy", heavy, ["-c", heavy], ""),
        Step("help", "python -m tfhub_dataset --help", ["-m", "tfhub_dataset", "--help"],
             "heavy", 0.25),
        Step("release", f"build --release {final.id}, warm", release, "floor", 10.0),
        Step("release-novalidate", "the same, --no-validate", [*release, "--no-validate"],
             "floor"),
        Step("floor-release", f"floor: read every file of release {final.id}",
             child_argv("floor-release", written), ""),
        Step("sqlite", "make its SQLite database from them", child_argv("sqlite", written),
             "floor-release"),
        Step("floor-history", f"floor: read the {len(history)} snapshots of its history",
             child_argv("floor", *history), ""),
        Step("history", "build it, history re-derived (--no-derived-cache --no-validate)",
             [*release, "--no-derived-cache", "--no-validate"], "floor-history", 5.0),
        *([Step("history-cold", "the same, every output made again too (--no-output-cache)",
                [*release, "--no-derived-cache", "--no-validate", "--no-output-cache"],
                "floor-history")] if OUTPUT_RECORDS else []),
    ]  # fmt: skip


def print_table(steps: list[Step], runs: dict[str, list[Figure]]) -> None:
    width = max(len(s.label) for s in steps) + 2
    print(f"{'':<{width}}{'wall s':>8}{'CPU s':>8}{'peak MB':>9}  {'ratio wall, CPU':>16}  to")
    for s in steps:
        figs = runs[s.name]
        wall = statistics.median(f.wall for f in figs)
        cpu = statistics.median(f.cpu for f in figs)
        peak = max(f.peak_mb for f in figs)
        line = f"{s.label:<{width}}{wall:>8.2f}{cpu:>8.2f}{peak:>9.0f}"
        if s.reference:
            ref = runs[s.reference]
            rw = statistics.median(f.wall / r.wall for f, r in zip(figs, ref, strict=True))
            rc = statistics.median(f.cpu / r.cpu for f, r in zip(figs, ref, strict=True))
            line += f"  {rw:>7.2f}x {rc:>6.2f}x  {s.reference}"
            if s.goal:
                verdict = "met" if max(rw, rc) <= s.goal else "missed"
                line += f", goal <= {s.goal:g}x: {verdict}"
        print(line)


def run_transports(pins: list, code: Path, work: Path) -> str:
    """Both pinned releases over HTTP, cold then warm, git and the REST API, against the floor of
    their histories' snapshots; a text block."""
    from tfhub_dataset.sources.git.server import GitHTTPServer

    snapshots = history_snapshots(pins)
    floor = measure(child_argv("floor", *snapshots), code, work)
    out = [
        "\nboth pinned releases over HTTP on 127.0.0.1, cold (empty caches) then warm, once each;",
        f"  floor: read the distinct file versions of the {len(snapshots)} snapshots of both "
        f"histories: {floor.wall:.2f} s wall, {floor.cpu:.2f} s CPU",
    ]

    def line(name: str, fig: Figure, what: str) -> str:
        return (
            f"  {name}: {fig.wall:.1f} s wall ({fig.wall / floor.wall:.1f}x), {fig.cpu:.1f} s "
            f"CPU ({fig.cpu / floor.cpu:.1f}x), {fig.peak_mb:.0f} MB; {what}"
        )

    with GitHTTPServer(CLONE.parent) as server:
        build = [
            "-m",
            "tfhub_dataset",
            "build",
            "--hub",
            "tfhub",
            "--git-url",
            server.url(CLONE.name),
        ]
        build += ["--cache", str(work / "git-http" / "http.sqlite"), "--out", str(work / "git-out")]
        out.append("  git over smart HTTP (--git-url, git http-backend):")
        for name in ("cold", "warm"):
            server.clear_log()
            fig = measure(build, code, work)
            sent = server.requests
            said = [ln for ln in fig.stderr.splitlines() if ln.startswith("git transport")]
            what = f"{len(sent)} HTTP requests, {sum(r.sent for r in sent) / 1e6:.2f} MB sent"
            if name == "cold":
                what += " (goal, issue 9: <= 5 requests, <= 10 MB)"
            out.append(line(f"  {name}", fig, "; ".join([what, *said])))
    # The REST mirror's commit pages carry no `changes` for renames (GitHub's do): the fake server
    # reads them from the clone, which `--mirror DIR` does not give it, so it is started here.
    from tfhub_dataset.sources.api.fake_server import MirrorServer

    with MirrorServer(MIRROR, git=CLONE) as server:
        crawl = ["-m", "tfhub_dataset", "build", "--hub", "tfhub", "--source", "api"]
        crawl += ["--api-url", server.api_url]
        crawl += ["--min-interval", "0", "--cache", str(work / "crawl" / "http.sqlite")]
        crawl += ["--out", str(work / "crawl-out")]
        out.append(f"  the REST crawler (--api-url {server.api_url}, --min-interval 0):")
        for name in ("cold", "warm"):
            fig = measure(crawl, code, work, token=False)
            out.append(line(f"  {name}", fig, crawl_requests(fig.stderr)))
    return "\n".join(out)


if __name__ == "__main__":
    raise SystemExit(main())
