"""The real PaddlePaddle/PaddleHub history read with plain git and ``ast``, for tests (not the
product's source, nor its parser: the build reads through sources/git/ and hubs/paddlehub/).

    .venv/bin/python -m tests.paddlehub_git      # the pins and the figures the tests check

The clone under ../shared/paddlehub.git (or $PADDLEHUB_GIT) is a bare partial clone whose copy
lost its empty ``refs/`` folder (everything is in packed-refs), so plain git does not take it
for a repository; it is also read-only, and its config is not ours to trust. :func:`shadow` makes
a working view beside it: an empty refs/, its HEAD and packed-refs copied, its objects reached
through objects/info/alternates, and a config of our own.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
import unicodedata
import warnings
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLONE = Path(os.environ.get("PADDLEHUB_GIT") or ROOT.parent / "shared" / "paddlehub.git")
AS_OF = dt.date(2022, 4, 5)
PIN_2022 = "f3579435054ab93c69dce92585bbdba44df5919f"  # 2022-04-02T09:49:38Z, in force 04-05
PIN_LAST = "b402610a6f0b382a978e82473b541ea1fc6cf09a"  # 2023-03-28T11:49:55Z, develop's tip
ROOTS = ("modules/", "hub_module/modules/", "hubmodule/modules/")
CONFIG = (
    "[core]\n\trepositoryformatversion = 1\n\tbare = true\n"
    "[extensions]\n\tpartialClone = origin\n"
    '[remote "origin"]\n\tpromisor = true\n'
)
needs_clone = pytest.mark.skipif(
    not (CLONE / "objects").is_dir() or not (CLONE / "HEAD").is_file(),
    reason=f"the PaddlePaddle/PaddleHub bare clone is absent at {CLONE} (set PADDLEHUB_GIT)",
)


def shadow(clone: Path, where: Path) -> Path:
    """A git dir at ``where`` that reads ``clone``'s objects and refs, with a config of our own."""
    if where.exists():
        shutil.rmtree(where)
    (where / "refs").mkdir(parents=True)
    (where / "objects" / "info").mkdir(parents=True)
    for name in ("HEAD", "packed-refs"):
        if (clone / name).is_file():
            shutil.copyfile(clone / name, where / name)
    (where / "objects" / "info" / "alternates").write_text(f"{(clone / 'objects').resolve()}\n")
    (where / "config").write_text(CONFIG)
    return where


def git(repo: Path, *args: str, data: bytes | None = None) -> bytes:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")} | {
        "GIT_NO_LAZY_FETCH": "1",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    return subprocess.run(
        ["git", f"--git-dir={repo}", *args], input=data, capture_output=True, check=True, env=env
    ).stdout


def first_parent(repo: Path) -> list[tuple[str, int]]:
    """(sha, committer time) of develop's first-parent line, newest first."""
    out = git(repo, "log", "--first-parent", "--format=%H %ct", "refs/heads/develop").decode()
    return [(sha, int(t)) for sha, t in (line.split() for line in out.splitlines())]


def in_force(repo: Path, day: dt.date) -> str:
    end = dt.datetime.combine(day, dt.time(23, 59, 59), dt.UTC).timestamp()
    return next(sha for sha, t in first_parent(repo) if t <= end)


def _blobs(repo: Path, ids: list[str]) -> dict[str, bytes]:
    out = git(repo, "cat-file", "--batch", data="".join(f"{i}\n" for i in ids).encode())
    blobs, pos = {}, 0
    for oid in ids:
        end = out.index(b"\n", pos)
        size = int(out[pos:end].split()[2])
        blobs[oid] = out[end + 1 : end + 1 + size]
        pos = end + 2 + size
    return blobs


def declared(repo: Path, commit: str) -> dict[str, str | None]:
    """Module name -> author string, for every module.py under a catalogue root at ``commit``
    whose class carries a moduleinfo(...) call with a string name (the first by path of two)."""
    files = []
    for entry in git(repo, "ls-tree", "-r", "-z", commit).split(b"\0"):
        if entry:
            meta, path = entry.decode().split("\t", 1)
            if path.startswith(ROOTS) and path.endswith("/module.py"):
                files.append((path, meta.split()[2]))
    blobs = _blobs(repo, sorted({oid for _, oid in files}))
    out: dict[str, str | None] = {}
    for _path, oid in sorted(files):
        try:
            with warnings.catch_warnings():  # invalid escapes in the modules' own code
                warnings.simplefilter("ignore")
                tree = ast.parse(blobs[oid])
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            for deco in node.decorator_list:
                if isinstance(deco, ast.Call) and getattr(deco.func, "id", None) == "moduleinfo":
                    kw = {k.arg: k.value for k in deco.keywords}
                    name, author = kw.get("name"), kw.get("author")
                    if isinstance(name, ast.Constant) and name.value.strip() not in out:
                        out[name.value.strip()] = (
                            author.value if isinstance(author, ast.Constant) else None
                        )
    return out


def credited(authors: dict[str, str | None]) -> dict[str, Counter]:
    """Publisher -> modules credited, through build/annotations/paddlehub/authors.csv read here
    (NFKC, white space collapsed; an unmapped string is an error here, not a guess)."""
    path = ROOT / "build" / "annotations" / "paddlehub" / "authors.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        mapping = {
            " ".join(unicodedata.normalize("NFKC", r["author"]).split()): r["publishers"]
            for r in csv.DictReader(fh)
        }
    out: dict[str, Counter] = {}
    for module, author in authors.items():
        key = " ".join(unicodedata.normalize("NFKC", author or "").split())
        if not key:
            continue
        for handle in filter(None, mapping[key].split(";")):
            out.setdefault(handle, Counter())[module] += 1
    return out


def main() -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        repo = shadow(CLONE, Path(tmp) / "view.git")
        line = first_parent(repo)
        print(f"{len(line)} first-parent commits; in force on {AS_OF}: {in_force(repo, AS_OF)}")
        print(f"last commit: {line[0][0]}")
        for label, sha in (("2022-04-05", PIN_2022), ("last", PIN_LAST)):
            authors = declared(repo, sha)
            pubs = credited(authors)
            print(f"{label} {sha[:12]}: {len(authors)} modules, {len(pubs)} publishers")
            for handle, mods in sorted(pubs.items(), key=lambda kv: -len(kv[1])):
                print(f"  {len(mods):4} {handle}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
