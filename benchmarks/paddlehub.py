"""Whole-process timings of PaddleHub's releases against floors measured in the same run, and
what hostile module.py and README files cost the parser at its bounds (median of --runs runs).

    python benchmarks/paddlehub.py [--clone ../shared/paddlehub.git] [--runs 3]

Steps, each a fresh process reading the clone on disk (no network), through a git view of its
own made beside it (the shared clone lacks refs/, see tests/paddlehub_git.py):
- floors: a Python program that reads every catalogue file (module.py, README.md, README_en.md)
  of develop's last commit with `git cat-file --batch`; and one that only imports what a build
  with validation and charts loads;
- both PaddleHub releases with history and validation, no derived cache (every commit of the
  first-parent line that changes a catalogue file parsed again), then with the derived cache warm;
- hostile inputs, each parsed in a fresh process: the worst shapes of a module.py at the size
  bound (256 KiB) and of a README at the source's bound (1 MiB), against the floor of a process
  that decodes the same bytes.
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
sys.path.insert(0, str(ROOT))

from tests.paddlehub_git import CLONE, shadow  # noqa: E402

FLOOR = """
import os, subprocess, sys
repo = sys.argv[1]
env = {**os.environ, "GIT_NO_LAZY_FETCH": "1"}
ls = subprocess.run(["git", f"--git-dir={repo}", "ls-tree", "-r", "-z", "HEAD"],
                    capture_output=True, env=env, check=True).stdout
names = (b"/module.py", b"/README.md", b"/README_en.md")
wanted = [e.split(b"\\t")[0].split()[2] for e in ls.split(b"\\0") if e
          and e.split(b"\\t")[1].startswith(b"modules/") and e.split(b"\\t")[1].endswith(names)]
out = subprocess.run(["git", f"--git-dir={repo}", "cat-file", "--batch"],
                     input=b"\\n".join(wanted) + b"\\n", capture_output=True, env=env,
                     check=True).stdout
print(len(wanted), len(out))
"""
IMPORTS = (
    "import tfhub_dataset.build, tfhub_dataset.hubs.paddlehub.report, "
    "tfhub_dataset.report.charts, pyarrow.parquet, frictionless, apsw"
)
# Hostile payloads: (name, which parser, Python expression making the bytes at the bound).
MODULE_BOUND = 256 * 1024 - 64
README_BOUND = (1 << 20) - 64
HOSTILE = [
    ("module.py: one statement per line", "module", f"b'x = 1\\n' * ({MODULE_BOUND} // 6)"),
    ("module.py: one long tuple", "module", f"b'x = (' + b'1,' * ({MODULE_BOUND} // 2) + b')'"),
    ("module.py: deep unary chain", "module", f"b'x = ' + b'-' * {MODULE_BOUND} + b'1'"),
    ("module.py: deep '+' chain", "module", f"b'x = 1' + b' + 1' * ({MODULE_BOUND} // 4)"),
    (
        "module.py: syntax error, decorator read alone",
        "module",
        f"b'@moduleinfo(name=\"a\", version=\"1.0.0\")\\nclass A: pass\\n' + b'(' * "
        f"({MODULE_BOUND} - 60)",
    ),
    ("README: '[a](' without end", "readme", f"b'[a](' * ({README_BOUND} // 4)"),
    ("README: one line of '<a '", "readme", f"b'<a ' * ({README_BOUND} // 3)"),
    ("README: e-mail-like run", "readme", f"b'a' * {README_BOUND // 2} + b'@' + b'b.' * 1000"),
    ("README: list markers then a heading", "readme", f"b'- ' * ({README_BOUND} // 2)"),
    ("README: many links", "readme", f"b'[x](https://a.org/y) ' * ({README_BOUND} // 22)"),
]
PARSE = """
import sys
from tfhub_dataset.hubs.paddlehub.moduleinfo import parse_module
from tfhub_dataset.hubs.paddlehub.readme import parse_readme
data = eval(sys.argv[2])
(parse_module if sys.argv[1] == "module" else parse_readme)(data)
"""
DECODE = """
import sys
data = eval(sys.argv[2])
data.decode("utf-8", "replace").split("\\n")
"""


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd[:6])}\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def median(cmd: list[str], runs: int) -> float:
    return statistics.median(timed(cmd) for _ in range(runs))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--clone", type=Path, default=CLONE)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if not (args.clone / "objects").is_dir():
        print(f"no git clone at {args.clone}; pass --clone", file=sys.stderr)
        return 2
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="tfhub-paddlebench-") as tmp:
        view = shadow(args.clone, Path(tmp) / "view.git")
        cache = ["--cache", str(Path(tmp) / "cache" / "http.sqlite")]
        build = [py, "-m", "tfhub_dataset", "build", "--quiet", "--hub", "paddlehub", "--git",
                 str(view), "--out", str(Path(tmp) / "out"), *cache]  # fmt: skip
        floor = median([py, "-c", FLOOR, str(view)], args.runs)
        imports = median([py, "-c", IMPORTS], args.runs)
        cold = median([*build, "--no-derived-cache"], args.runs)
        timed(build)  # fills the derived cache
        warm = median(build, args.runs)
        print(f"floor (read every catalogue file of the last commit): {floor:.2f} s")
        print(f"floor (imports of a build):                            {imports:.2f} s")
        print(f"both releases, no derived cache: {cold:.1f} s = {cold / floor:.1f}x the data "
              f"floor, {cold / imports:.1f}x the import floor")  # fmt: skip
        print(f"both releases, derived cache warm: {warm:.1f} s = {warm / floor:.1f}x the data "
              f"floor, {warm / imports:.1f}x the import floor")  # fmt: skip
    print("hostile inputs at the bounds (a fresh process each; floor: decoding the same bytes):")
    for name, which, payload in HOSTILE:
        base = median([py, "-c", DECODE, which, payload], args.runs)
        parse = median([py, "-c", PARSE, which, payload], args.runs)
        print(f"  {name:48} {parse:6.2f} s  ({parse / base:.1f}x its floor of {base:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
