"""Compare the git command line, pygit2 and dulwich on tensorflow/tfhub.dev (README: "Why git").

    python -m venv /tmp/libcmp && /tmp/libcmp/bin/pip install pygit2==1.21.0 dulwich==1.2.21
    /tmp/libcmp/bin/python benchmarks/git_libraries.py [--clone ../shared/tfhub.dev.git]

Neither library is a dependency of the project: this script runs in a scratch environment. It
serves the clone over smart HTTP on 127.0.0.1 (git http-backend) and times, for each library:
cloning it (bare; with a blob-size filter where the library has one), walking the history with
renames detected, and reading every file of the final snapshot.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAD = "81fdea8ffa53b5acbd66a012d17fb8f9602c714b"


def timed(step):
    start = time.perf_counter()
    result = step()
    return time.perf_counter() - start, result


def git_cli(url: str, dest: str) -> dict[str, object]:
    out: dict[str, object] = {}
    out["clone"] = timed(
        lambda: subprocess.run(
            ["git", "clone", "-q", "--bare", "--filter=blob:limit=1m", url, dest], check=True
        )
    )[0]

    def walk() -> int:
        log = subprocess.run(
            ["git", "-C", dest, "log", "--raw", "-z", "-M", "--no-abbrev",
             "--diff-merges=first-parent", "--format=%x01%H", HEAD],
            capture_output=True, check=True,
        ).stdout  # fmt: skip
        return log.count(b":")

    def snapshot() -> int:
        ls = subprocess.run(["git", "-C", dest, "ls-tree", "-r", "-z", HEAD],
                            capture_output=True, check=True).stdout  # fmt: skip
        oids = [e.split(b"\t")[0].split()[2] for e in ls.split(b"\0") if e]
        proc = subprocess.Popen(["git", "-C", dest, "cat-file", "--batch"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
        assert proc.stdin and proc.stdout

        def feed() -> None:
            proc.stdin.write(b"\n".join(oids) + b"\n")
            proc.stdin.close()

        threading.Thread(target=feed).start()
        for oid in oids:
            size = int(proc.stdout.readline().split()[2])
            data = proc.stdout.read(size)
            proc.stdout.read(1)
            assert hashlib.sha1(b"blob %d\0" % size + data).hexdigest().encode() == oid
        proc.wait()
        return len(oids)

    out["walk"], out["walk_changes"] = timed(walk)
    out["snapshot"], out["files"] = timed(snapshot)
    return out


def pygit2_lib(url: str, dest: str) -> dict[str, object]:
    import pygit2

    out: dict[str, object] = {}
    out["clone"] = timed(lambda: pygit2.clone_repository(url, dest, bare=True))[0]  # no filter
    repo = pygit2.Repository(dest)

    def walk() -> int:
        n, commit = 0, repo[HEAD]
        while commit.parents:
            diff = repo.diff(commit.parents[0], commit)
            diff.find_similar()
            n += len(diff)
            commit = commit.parents[0]
        return n + len(commit.tree.diff_to_tree(swap=True))

    def snapshot() -> int:
        n = 0

        def visit(tree) -> None:
            nonlocal n
            for entry in tree:
                if entry.type_str == "tree":
                    visit(repo[entry.id])
                else:
                    _ = repo[entry.id].data
                    n += 1

        visit(repo[HEAD].tree)
        return n

    out["walk"], out["walk_changes"] = timed(walk)
    out["snapshot"], out["files"] = timed(snapshot)
    return out


def dulwich_lib(url: str, dest: str) -> dict[str, object]:
    from dulwich import porcelain
    from dulwich.diff_tree import RenameDetector, tree_changes
    from dulwich.repo import Repo

    out: dict[str, object] = {}
    with open(os.devnull, "wb") as quiet:
        out["clone"] = timed(
            lambda: porcelain.clone(
                url, dest, bare=True, errstream=quiet, filter_spec="blob:limit=1m"
            )
        )[0]
    repo = Repo(dest)

    def walk() -> int:
        n, sha = 0, HEAD.encode()
        while True:
            commit = repo[sha]
            parent = repo[commit.parents[0]].tree if commit.parents else None
            detector = RenameDetector(repo.object_store)
            n += len(list(tree_changes(repo.object_store, parent, commit.tree,
                                       rename_detector=detector)))  # fmt: skip
            if not commit.parents:
                return n
            sha = commit.parents[0]

    def snapshot() -> int:
        entries = list(repo.object_store.iter_tree_contents(repo[HEAD.encode()].tree))
        for entry in entries:
            _ = repo[entry.sha].data
        return len(entries)

    out["walk"], out["walk_changes"] = timed(walk)
    out["snapshot"], out["files"] = timed(snapshot)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--clone", type=Path, default=ROOT.parent / "shared" / "tfhub.dev.git")
    args = ap.parse_args()
    os.environ["GIT_NO_LAZY_FETCH"] = "1"
    # server.py alone (it needs nothing of the project), so the scratch environment needs only
    # the two libraries compared
    spec = importlib.util.spec_from_file_location(
        "git_server", ROOT / "tfhub_dataset" / "sources" / "git" / "server.py"
    )
    assert spec is not None and spec.loader is not None
    server_module = importlib.util.module_from_spec(spec)
    sys.modules["git_server"] = server_module
    spec.loader.exec_module(server_module)
    GitHTTPServer = server_module.GitHTTPServer

    clone = args.clone.resolve()
    libraries = (("git command line", git_cli), ("pygit2", pygit2_lib), ("dulwich", dulwich_lib))
    with tempfile.TemporaryDirectory() as tmp, GitHTTPServer(clone.parent) as server:
        print(f"{'library':18} {'clone':>8} {'walk':>8} {'snapshot':>9}")
        for name, run in libraries:
            dest = str(Path(tmp) / name.replace(" ", "-"))
            try:
                r = run(server.url(clone.name), dest)
            except Exception as exc:  # a library that cannot do a step says so
                print(f"{name:18} failed: {type(exc).__name__}: {exc}")
                continue
            finally:
                shutil.rmtree(dest, ignore_errors=True)
            print(f"{name:18} {r['clone']:7.2f}s {r['walk']:7.2f}s {r['snapshot']:8.2f}s  "
                  f"({r['walk_changes']} changes, {r['files']} files)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
