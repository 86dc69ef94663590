"""The real pytorch/hub history read with plain git, for tests and figures (not the product's
source: the build reads through sources/git.py).

    .venv/bin/python -m tests.pytorch_hub_git      # figures at the pinned commits, anomalies

Walks every first-parent commit of the bare partial clone, parses each snapshot's data files
through the PyTorch Hub parser and prints what the report quotes.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from tfhub_dataset.annotations import load_publisher_types
from tfhub_dataset.hubs.pytorch_hub import is_data_path
from tfhub_dataset.hubs.pytorch_hub.catalog import Catalog, PageCache, build_catalog
from tfhub_dataset.hubs.pytorch_hub.tables import ANNOTATIONS_PATH, build_tables
from tfhub_dataset.sources.commits import CommitRef, commit_in_force, utc_iso
from tfhub_dataset.sources.snapshot import Snapshot

ROOT = Path(__file__).resolve().parents[1]
CLONE = Path(
    os.environ.get("PYTORCH_HUB_GIT")
    or Path(__file__).resolve().parents[2] / "shared" / "pytorch-hub.git"
)
AS_OF = dt.date(2022, 4, 5)
needs_clone = pytest.mark.skipif(
    not (CLONE / "HEAD").is_file(),
    reason=f"the pytorch/hub bare clone is absent at {CLONE} (set PYTORCH_HUB_GIT to its path)",
)


def _git(*args: str, data: bytes | None = None) -> bytes:
    env = {**os.environ, "GIT_NO_LAZY_FETCH": "1"}  # never fetch an absent blob from GitHub
    return subprocess.run(
        ["git", "-C", str(CLONE), *args], input=data, capture_output=True, check=True, env=env
    ).stdout


@cache
def first_parent_commits() -> tuple[CommitRef, ...]:
    """The first-parent line of HEAD, newest first."""
    out = _git("log", "--first-parent", "--format=%H%x00%cI%x00%P%x00%s", "HEAD").decode()
    refs = []
    for line in out.splitlines():
        sha, date, parents, subject = line.split("\0", 3)
        refs.append(CommitRef(sha, utc_iso(date), subject, tuple(parents.split())))
    return tuple(refs)


_blobs: dict[str, bytes] = {}


def _read_blobs(ids: list[str]) -> None:
    wanted = [i for i in dict.fromkeys(ids) if i not in _blobs]
    if not wanted:
        return
    out = _git("cat-file", "--batch", data="".join(f"{i}\n" for i in wanted).encode())
    pos = 0
    for blob in wanted:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        if header[1] == b"missing":
            raise RuntimeError(f"blob {blob} is absent from the partial clone")
        size = int(header[2])
        _blobs[blob] = out[end + 1 : end + 1 + size]
        pos = end + 1 + size + 1


def snapshot(ref: CommitRef) -> Snapshot:
    """The data files (root Markdown, vocabulary files) of one commit."""
    entries = []
    for item in _git("ls-tree", "-r", "-z", ref.sha).split(b"\0"):
        if not item:
            continue
        meta, path = item.decode().split("\t", 1)
        _, kind, obj = meta.split()
        if kind == "blob" and is_data_path(path):
            entries.append((path, obj))
    _read_blobs([obj for _, obj in entries])
    files = {path: _blobs[obj] for path, obj in entries}
    return Snapshot(ref.sha, ref.date, files, repository="pytorch/hub")


def pinned() -> dict[str, CommitRef]:
    """The commit in force on the study's crawl day, and the last commit."""
    refs = first_parent_commits()
    in_force = commit_in_force(refs, AS_OF, refs[0].sha)
    assert in_force is not None
    return {AS_OF.isoformat(): in_force, "last": refs[0]}


def walk(cache: PageCache | None = None) -> Iterator[tuple[CommitRef, Catalog, dict]]:
    """(commit, catalog, tables) for every first-parent commit, oldest first."""
    types = load_publisher_types(ROOT / ANNOTATIONS_PATH)
    cache = {} if cache is None else cache
    for ref in reversed(first_parent_commits()):
        cat = build_catalog(snapshot(ref), cache)
        yield ref, cat, build_tables(cat, types)


def figures(tables: dict) -> dict[str, object]:
    types = Counter(r["type"] for r in tables["publishers"])
    return {
        "pages": len(tables["models"]),
        "publishers": len(tables["publishers"]),
        "individual": types["individual"],
        "organization": types["organization"],
        "unannotated": types["unannotated"],
        "calls": len(tables["entrypoints"]),
        "entrypoints": len(
            {
                (r["repository"].lower(), r["entrypoint"])
                for r in tables["entrypoints"]
                if r["repository"] and r["entrypoint"]
            }
        ),
        "anomalies": len(tables["anomalies"]),
    }


def main() -> int:
    pins = {ref.sha: label for label, ref in pinned().items()}
    kinds: Counter[str] = Counter()
    rows: dict[tuple, dict] = {}
    publishers: set[str] = set()
    n = 0
    for ref, _, tables in walk():
        n += 1
        publishers.update(r["handle"] for r in tables["publishers"])
        for r in tables["anomalies"]:
            rows.setdefault((r["source_path"], r["kind"], r["detail"]), r)
        if ref.sha in pins:
            print(f"{pins[ref.sha]}: {ref.sha} ({ref.date}) {figures(tables)}")
    for r in rows.values():
        kinds[r["kind"]] += 1
    print(f"{n} first-parent commits; {len(publishers)} publishers ever: {sorted(publishers)}")
    print("distinct anomalies over the history (path, kind, detail), by kind:")
    for kind, count in kinds.most_common():
        print(f"  {count:4} {kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
