"""Scale: synthetic hubs shaped like tfhub.dev at several sizes, each built as a whole process;
time and peak memory per factor, and the growth from one factor to the next.

    python benchmarks/scale.py [--factors 1,4,16,64] [--clone ../shared/tfhub.dev.git]
                               [--work DIR] [--code DIR] [--keep]

The generator (``generate``) writes a bare git repository with ``git fast-import``: every commit
of the real repository's first-parent line, oldest first, is replayed K times, copy 0 as it was
and copy k under renamed publishers (``<publisher>-x<k>``: the folder under assets/docs/, the
handle on each doc's first line, the handles its links name), each copy one commit dated a
second after the one before, so the months stay the real ones. Only the data paths are written
(the hub's: docs, tags, README, LICENSE). The 1x repository's last tree holds exactly the data
files of the real last commit (the same paths and blob ids): the generator checks it.

Each factor is then built as a user builds it: ``python -m tfhub_dataset build --git REPO
--commit HEAD --release-id scale-Kx --no-derived-cache --no-output-cache`` (history, report,
charts, SQLite and validation, nothing reused), timed from outside (wall and CPU seconds of the
process and its children, peak RSS of the largest). Goals (issue 23): from 16x to 64x at most
4.5x the time, and under 6 GB of peak memory at 64x.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLONE = ROOT.parent / "shared" / "tfhub.dev.git"
DOC_PREFIXES = ("assets/docs/", "assets/g3doc/")
# The handle on a doc's first line ("# Module google/albert_base/3"), and the handles its links
# and parent-model name: bounded, linear-time patterns over the generator's own input.
FIRST_LINE = re.compile(rb"\A(\s{0,8}#[ \t]{0,8}[A-Za-z]{1,20}[ \t]{1,8})([^/\s]{1,200})")
LINKED = re.compile(rb"(tfhub\.dev/|parent-model:[ \t]{0,8})([^/\s]{1,200})/")


def git(repo: Path, *args: str, data: bytes | None = None) -> bytes:
    env = {**os.environ, "GIT_NO_LAZY_FETCH": "1"}
    done = subprocess.run(
        ["git", "-C", str(repo), *args], input=data, capture_output=True, env=env, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"git {args[0]} failed: {done.stderr.decode(errors='replace')[-500:]}")
    return done.stdout


def is_data_path(path: str) -> bool:
    return path.startswith(("assets/", "tags/")) or path in ("README.md", "LICENSE")


def first_parent_changes(clone: Path) -> list[tuple[int, list[tuple[str, str | None]]]]:
    """The real first-parent line, oldest first: (committer time, [(path, blob or None)])."""
    # No pathspec: every commit is listed; no rename detection: no blob is read for it.
    out = git(clone, "log", "--first-parent", "--reverse", "--raw", "-z", "--no-abbrev",
              "--no-renames", "--diff-merges=first-parent", "--root", "--format=%x01%ct",
              "HEAD")  # fmt: skip
    commits: list[tuple[int, list[tuple[str, str | None]]]] = []
    tokens = out.split(b"\0")
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        i += 1
        if token.startswith(b"\x01"):
            commits.append((int(token[1:]), []))
        elif token.startswith(b":"):
            meta = token[1:].decode().split()
            path = tokens[i].decode("utf-8", "surrogateescape")
            i += 1
            if is_data_path(path) and meta[0] != "160000" and meta[1] != "160000":
                commits[-1][1].append((path, None if meta[4] == "D" else meta[3]))
    return commits


def renamed(path: str, k: int) -> str | None:
    """The path of copy k of a doc (None: a path only copy 0 has, tags and README)."""
    if k == 0:
        return path
    for prefix in DOC_PREFIXES:
        if path.startswith(prefix):
            pub, _, rest = path[len(prefix) :].partition("/")
            if rest == f"{pub}.md":
                rest = f"{pub}-x{k}.md"
            return f"{prefix}{pub}-x{k}/{rest}"
    return None


def rewritten(data: bytes, k: int) -> bytes:
    if k == 0:
        return data
    suffix = f"-x{k}".encode()
    data = FIRST_LINE.sub(lambda m: m.group(1) + m.group(2) + suffix, data, count=1)
    return LINKED.sub(lambda m: m.group(1) + m.group(2) + suffix + b"/", data)


def read_blobs(clone: Path, oids: list[str]) -> dict[str, bytes]:
    out = git(clone, "cat-file", "--batch", data="".join(f"{o}\n" for o in oids).encode())
    blobs, pos = {}, 0
    while pos < len(out):
        nl = out.index(b"\n", pos)
        oid, _, size = out[pos:nl].decode().split()
        start = nl + 1
        blobs[oid] = out[start : start + int(size)]
        pos = start + int(size) + 1
    return blobs


def stream(line: list[tuple[int, list[tuple[str, str | None]]]], blobs: dict[str, bytes],
           factor: int) -> Iterator[bytes]:  # fmt: skip
    """The fast-import stream of the synthetic repository."""
    marks: dict[tuple[str, int], int] = {}
    mark = 0
    for n, (when, changes) in enumerate(line):
        for k in range(factor):
            ops = []
            for path, oid in changes:
                target = renamed(path, k)
                if target is None:
                    continue
                if oid is None:
                    ops.append(f"D {target}\n".encode())
                    continue
                if (oid, k) not in marks:
                    mark += 1
                    marks[(oid, k)] = mark
                    data = rewritten(blobs[oid], k)
                    yield b"blob\nmark :%d\ndata %d\n" % (mark, len(data)) + data + b"\n"
                ops.append(f"M 100644 :{marks[(oid, k)]} {target}\n".encode())
            message = f"replay {n + 1} copy {k}\n".encode()
            stamp = when * 1 + k  # copy k a second after copy k-1, in the same month
            yield (
                b"commit refs/heads/main\n"
                + b"committer Synthetic <synthetic@example.invalid> %d +0000\n" % stamp
                + b"data %d\n" % len(message) + message
                + b"".join(ops) + b"\n"
            )  # fmt: skip


def generate(clone: Path, factor: int, dest: Path) -> str:
    """Write the synthetic repository of ``factor`` to ``dest``; its last commit's SHA."""
    line = first_parent_changes(clone)
    oids = sorted({oid for _, ch in line for _, oid in ch if oid is not None})
    blobs = read_blobs(clone, oids)
    subprocess.run(["git", "init", "-q", "--bare", str(dest)], check=True)
    proc = subprocess.Popen(["git", "-C", str(dest), "fast-import", "--quiet"],
                            stdin=subprocess.PIPE)  # fmt: skip
    assert proc.stdin is not None
    for chunk in stream(line, blobs, factor):
        proc.stdin.write(chunk)
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    git(dest, "symbolic-ref", "HEAD", "refs/heads/main")
    head = git(dest, "rev-parse", "HEAD").decode().strip()
    if factor == 1:  # the 1x tree is the real one's data tree
        real = data_tree(clone, "HEAD")
        made = data_tree(dest, head)
        if real != made:
            raise SystemExit(f"the 1x tree differs from the real HEAD in {len(real ^ made)} files")
    return head


def data_tree(repo: Path, commit: str) -> set[tuple[str, str]]:
    out = git(repo, "ls-tree", "-r", "-z", "--full-tree", commit)
    found = set()
    for entry in out.split(b"\0"):
        if entry:
            meta, _, path = entry.partition(b"\t")
            name = path.decode("utf-8", "surrogateescape")
            if is_data_path(name) and not meta.startswith(b"160000"):
                found.add((name, meta.split()[2].decode()))
    return found


def measure(argv: list[str], code: Path) -> tuple[float, float, float, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(code)
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, *argv], cwd=code, env=env,
                                stdout=subprocess.DEVNULL, stderr=err)  # fmt: skip
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: python {' '.join(argv)}\n{text[-2000:]}")
    # RUSAGE_CHILDREN of wait4: ru_maxrss is the largest process of the tree (KiB on Linux)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--factors", default="1,4,16,64", help="comma-separated replay factors")
    ap.add_argument("--clone", type=Path, default=CLONE, help="the real repository (bare clone)")
    ap.add_argument("--work", type=Path, help="folder for the repositories (default: temporary)")
    ap.add_argument("--code", type=Path, default=ROOT, help="checkout to measure (default this)")
    ap.add_argument("--keep", action="store_true", help="keep --work's repositories")
    args = ap.parse_args()
    if not (args.clone / "HEAD").is_file():
        print(f"no git clone at {args.clone}", file=sys.stderr)
        return 2
    factors = [int(f) for f in args.factors.split(",")]
    tmp = tempfile.TemporaryDirectory(prefix="tfhub-scale-") if args.work is None else None
    work = Path(tmp.name) if tmp is not None else args.work
    work.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    rows = []
    try:
        for factor in factors:
            repo = work / f"scale-{factor}x.git"
            if not (repo / "HEAD").is_file():
                t0 = time.perf_counter()
                generate(args.clone, factor, repo)
                made = time.perf_counter() - t0
                print(f"{factor}x generated in {made:.1f} s", file=sys.stderr, flush=True)
            head = git(repo, "rev-parse", "HEAD").decode().strip()
            commits = int(git(repo, "rev-list", "--count", head).decode())
            docs = sum(1 for p, _ in data_tree(repo, head) if p.endswith(".md")
                       and p.startswith("assets/"))  # fmt: skip
            out = work / f"out-{factor}x"
            argv = ["-m", "tfhub_dataset", "build", "--git", str(repo), "--commit", head,
                    "--release-id", f"scale-{factor}x", "--out", str(out), "--cache",
                    str(work / f"cache-{factor}x" / "http.sqlite"),
                    "--no-derived-cache"]  # fmt: skip
            if "--no-output-cache" in (args.code / "tfhub_dataset" / "cli.py").read_text():
                argv.append("--no-output-cache")  # code before it had no output records
            wall, cpu, peak, text = measure(argv, args.code)
            said = [ln for ln in text.splitlines() if "publishers" in ln and "parsed" in ln]
            rows.append((factor, docs, commits, wall, cpu, peak, said[-1] if said else ""))
            print(f"{factor}x built in {wall:.1f} s", file=sys.stderr, flush=True)
    finally:
        if tmp is not None and not args.keep:
            tmp.cleanup()
    print(f"load average {load:.1f} at start, {os.getloadavg()[0]:.1f} at end; code {args.code}")
    print("build --git REPO --commit HEAD --no-derived-cache --no-output-cache (with validation)")
    print(f"{'factor':>6} {'docs':>9} {'commits':>8} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}"
          f" {'x wall':>7} {'x CPU':>7} {'x docs':>7}")  # fmt: skip
    prev = None
    for factor, docs, commits, wall, cpu, peak, _ in rows:
        grow = (
            f"{wall / prev[3]:>6.2f}x {cpu / prev[4]:>6.2f}x {docs / prev[1]:>6.2f}x"
            if prev
            else ""
        )
        print(f"{factor:>5}x {docs:>9,} {commits:>8,} {wall:>8.1f} {cpu:>8.1f} {peak:>8.0f} {grow}")
        prev = (factor, docs, commits, wall, cpu, peak)
    by = {r[0]: r for r in rows}
    if 16 in by and 64 in by:
        wall, cpu = by[64][3] / by[16][3], by[64][4] / by[16][4]
        print(f"16x -> 64x: {wall:.2f}x the wall time, {cpu:.2f}x the CPU time (goal <= 4.5x: "
              f"{'met' if max(wall, cpu) <= 4.5 else 'missed'}); peak at 64x "
              f"{by[64][5] / 1024:.2f} GB (goal < 6 GB: "
              f"{'met' if by[64][5] < 6 * 1024 else 'missed'})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
