"""Whole-process timings of PyTorch Hub's releases and of `verify` over both hubs, against a floor
measured in the same run (median of --runs runs).

    python benchmarks/pytorch_hub.py [--clone ../shared/pytorch-hub.git]
        [--tfhub ../shared/tfhub.dev.git] [--runs 3]

Steps, each a fresh process reading the clones on disk (no network):
- floors: a Python program that reads every data file (root Markdown, vocabulary files) of
  pytorch/hub's last commit from the clone with `git cat-file --batch`; and one that only imports
  what any build with validation and charts loads (the package, pyarrow, matplotlib, frictionless);
- both PyTorch Hub releases with history and validation, no derived cache (every snapshot of the
  first-parent line that changes a page parsed again), then with the derived cache warm;
- `verify` of every release of both hubs and of the comparison (derived cache warm).

PyTorch Hub's data is small (about 60 files a snapshot): the fixed costs of a process (imports,
validation, charts) are most of a build, so the ratio to the import floor says more than the
ratio to the data floor.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FLOOR = """
import os, subprocess, sys
repo = sys.argv[1]
env = {**os.environ, "GIT_NO_LAZY_FETCH": "1"}
ls = subprocess.run(["git", "-C", repo, "ls-tree", "-r", "-z", "HEAD"], capture_output=True,
                    env=env, check=True).stdout
wanted = [e.split(b"\\t")[0].split()[2] for e in ls.split(b"\\0") if e
          and (e.split(b"\\t")[1].endswith(b".md") and b"/" not in e.split(b"\\t")[1]
               or e.split(b"\\t")[1].startswith(b"scripts/"))]
out = subprocess.run(["git", "-C", repo, "cat-file", "--batch"], input=b"\\n".join(wanted) + b"\\n",
                     capture_output=True, env=env, check=True).stdout
print(len(wanted), len(out))
"""

IMPORTS = (
    "import tfhub_dataset.build, tfhub_dataset.hubs.pytorch_hub.report, "
    "tfhub_dataset.report.charts, pyarrow.parquet, frictionless, apsw"
)


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--clone", type=Path, default=SHARED / "pytorch-hub.git")
    ap.add_argument("--tfhub", type=Path, default=SHARED / "tfhub.dev.git")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    for clone in (args.clone, args.tfhub):
        if not (clone / "HEAD").is_file():
            print(f"no git clone at {clone}; pass --clone / --tfhub", file=sys.stderr)
            return 2
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="tfhub-ptbench-") as tmp:
        cache = ["--cache", str(Path(tmp) / "cache" / "http.sqlite")]
        build = [py, "-m", "tfhub_dataset", "build", "--quiet", "--hub", "pytorch-hub", "--git",
                 str(args.clone), "--out", str(Path(tmp) / "out"), *cache]  # fmt: skip
        verify = [py, "-m", "tfhub_dataset", "verify", "--quiet", "--git", str(args.tfhub),
                  "--git", str(args.clone), *cache]  # fmt: skip
        floor = [timed([py, "-c", FLOOR, str(args.clone)]) for _ in range(args.runs)]
        imports = [timed([py, "-c", IMPORTS]) for _ in range(args.runs)]
        cold = [timed([*build, "--no-derived-cache"]) for _ in range(args.runs)]
        timed(build)  # fills the derived cache
        warm = [timed(build) for _ in range(args.runs)]
        checked = [timed(verify) for _ in range(args.runs)]
    f, i = statistics.median(floor), statistics.median(imports)
    print(f"median of {args.runs} runs, whole processes (clones on disk, no network):")
    print(f"  {'floor: read pytorch/hub data files at HEAD':<52} {f:6.2f} s")
    print(f"  {'floor: import what a build loads':<52} {i:6.2f} s   1.0x")
    for label, runs in (
        ("both PyTorch Hub releases, no derived cache", cold),
        ("both PyTorch Hub releases, derived cache warm", warm),
        ("verify: both hubs' releases and the comparison", checked),
    ):
        m = statistics.median(runs)
        print(f"  {label:<52} {m:6.2f} s {m / i:5.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
