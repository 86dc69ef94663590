"""Fixtures for the git source: small synthetic repositories made with git itself, served over
real smart HTTP on 127.0.0.1 (``git http-backend``), and the same commits in GitHub's REST shapes.

One session-scoped server serves every repository the tests create under one folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tfhub_dataset.sources.api.fake_server import make_tarball
from tfhub_dataset.sources.git.repo import GitRepo, git_env
from tfhub_dataset.sources.git.server import GitHTTPServer

P = "assets/docs/acme"
TASKS = "values:\n  - id: text-embedding\n    domains: [text]\n  - id: image-classification\n"
TASKS += "    domains: [image]\n"
LICENSES = "values:\n  - id: apache-2.0\n"


def publisher(handle: str) -> bytes:
    return (
        f"# Publisher {handle}\nAcme Labs.\n\n[![Icon URL]](https://example.org/i.png)\n".encode()
    )


def module(handle: str, summary: str = "A model.", task: str = "text-embedding") -> bytes:
    return (
        f"# Module {handle}\n{summary}\n\n<!-- asset-path: https://example.org/m.tar.gz -->\n"
        f"<!-- task: {task} -->\n<!-- fine-tunable: true -->\n<!-- format: saved_model_2 -->\n"
        "<!-- license: apache-2.0 -->\n\n## Overview\nText.\n"
    ).encode()


# (name, committer date, files to write (None: delete), renames new -> old, merge of a branch)
Step = tuple[str, str, Mapping[str, bytes | None], Mapping[str, str]]
HISTORY: list[Step] = [
    ("import", "2021-01-05T10:00:00Z", {
        "README.md": b"# tfhub.dev (synthetic)\n", "LICENSE": b"Apache 2.0\n",
        "tags/task.yaml": TASKS.encode(), "tags/license.yaml": LICENSES.encode(),
        f"{P}/acme.md": publisher("acme"), f"{P}/models/a/1.md": module("acme/a/1"),
        "tools/build.py": b"print('not data')\n",
    }, {}),
    ("add b", "2021-01-20T10:00:00Z", {f"{P}/models/b/1.md": module("acme/b/1")}, {}),
    ("edit a", "2021-02-10T10:00:00Z", {f"{P}/models/a/1.md": module("acme/a/1", "Edited.")}, {}),
    # a rename that also edits the file (issue 11, item 2)
    ("rename+edit b", "2021-02-20T10:00:00Z",
     {f"{P}/models/bee/1.md": module("acme/b/1", "A model. Renamed and edited.")},
     {f"{P}/models/bee/1.md": f"{P}/models/b/1.md"}),
    ("add c", "2021-03-05T10:00:00Z",
     {f"{P}/models/c/1.md": module("acme/c/1", task="image-classification")}, {}),
    ("pure rename c", "2021-03-15T10:00:00Z", {}, {f"{P}/models/cee/1.md": f"{P}/models/c/1.md"}),
]  # fmt: skip
SIDE = ("side d", "2021-03-30T12:00:00Z", {f"{P}/models/d/1.md": module("acme/d/1")})
MERGE_DATE = "2021-04-02T10:00:00Z"
LAST = ("readme", "2021-04-20T10:00:00Z", {"README.md": b"# tfhub.dev (synthetic), April\n"})


@dataclass(frozen=True)
class SyntheticGit:
    """A bare repository under the server's folder, its URL, and its commits by step name."""

    bare: Path
    url: str
    shas: dict[str, str]

    @property
    def head(self) -> str:
        return self.shas["readme"]


def _git(work: Path, *args: str, date: str | None = None) -> str:
    env = git_env(
        GIT_AUTHOR_NAME="Fixture", GIT_AUTHOR_EMAIL="fixture@example.org",
        GIT_COMMITTER_NAME="Fixture", GIT_COMMITTER_EMAIL="fixture@example.org",
    )  # fmt: skip
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    done = subprocess.run(["git", "-C", str(work), *args], capture_output=True, env=env, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def make_synthetic_repo(work: Path, bare: Path) -> dict[str, str]:
    """Write the synthetic history with git (a side branch made last in March, merged in April)
    and a bare copy of it at ``bare``; returns the commits by step name."""
    _git(work.parent, "init", "--quiet", "-b", "master", str(work))
    shas: dict[str, str] = {}

    def commit(name: str, date: str, files: Mapping[str, bytes | None], renames=None) -> None:
        for new, old in (renames or {}).items():
            (work / new).parent.mkdir(parents=True, exist_ok=True)
            _git(work, "mv", old, new)
        for path, data in files.items():
            target = work / path
            if data is None:
                _git(work, "rm", "--quiet", path)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            _git(work, "add", path)
        _git(work, "commit", "--quiet", "--allow-empty", "-m", name, date=date)
        shas[name] = _git(work, "rev-parse", "HEAD")

    for name, date, files, renames in HISTORY:
        commit(name, date, files, renames)
    _git(work, "checkout", "--quiet", "-b", "side", shas["pure rename c"])
    commit(*SIDE)
    _git(work, "checkout", "--quiet", "master")
    _git(work, "merge", "--quiet", "--no-ff", "-m", "merge side", "side", date=MERGE_DATE)
    shas["merge side"] = _git(work, "rev-parse", "HEAD")
    commit(*LAST)
    _git(work.parent, "clone", "--quiet", "--bare", str(work), str(bare))
    return shas


def rest_mirror(bare: Path, dest: Path) -> Path:
    """The same commits in GitHub's REST shapes (commits.json, commits/, tarballs/ of every
    commit), made from the git objects, files enriched as GitHub lists them."""
    from tfhub_dataset.sources.api.fake_server import _enrich

    repo = GitRepo(bare)
    (dest / "commits").mkdir(parents=True)
    (dest / "tarballs").mkdir()
    head = repo.resolve("HEAD")
    assert head is not None
    listing = []
    changes = repo.changes(head)
    for ref in repo.commits(head):
        assert ref.author is not None and ref.committer is not None
        item = {
            "sha": ref.sha,
            "commit": {  # as GitHub lists a commit: its people and its whole message
                "author": {"name": ref.author.name, "email": ref.author.email, "date": ref.date},
                "committer": {
                    "name": ref.committer.name, "email": ref.committer.email, "date": ref.date
                },
                "message": ref.full_message,
            },
            "parents": [{"sha": p} for p in ref.parents],
        }  # fmt: skip
        files = []
        for ch in changes[ref.sha]:
            f = {"filename": ch.path, "status": ch.status}
            if ch.previous_path:
                f["previous_filename"] = ch.previous_path
            files.append(f)
        files = _enrich(bare, ref.sha, files)
        (dest / "commits" / f"{ref.sha}.json").write_text(json.dumps({**item, "files": files}))
        ids = repo.tree(ref.sha)
        tree = {p: repo.read(oid, "blob") for p, oid in ids.items()}
        (dest / "blobs").mkdir(exist_ok=True)
        for path, oid in ids.items():  # GitHub's git/blobs endpoint, for the mirror server
            (dest / "blobs" / oid).write_bytes(tree[path])
        (dest / "tarballs" / f"{ref.sha}.tar.gz").write_bytes(make_tarball(ref.sha, ref.date, tree))
        listing.append(item)
    (dest / "commits.json").write_text(json.dumps(listing))
    repo.close()
    return dest


@pytest.fixture(scope="session")
def git_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GitHTTPServer]:
    """A smart-HTTP server on 127.0.0.1 over a folder of bare repositories."""
    root = tmp_path_factory.mktemp("git-served")
    with GitHTTPServer(root) as server:
        yield server


@pytest.fixture(scope="session")
def synthetic_git(git_server: GitHTTPServer, tmp_path_factory) -> SyntheticGit:
    work = tmp_path_factory.mktemp("git-work") / "repo"
    bare = git_server.root / "tfhub.dev.git"
    shas = make_synthetic_repo(work, bare)
    return SyntheticGit(bare, git_server.url("tfhub.dev.git"), shas)


@pytest.fixture(scope="session")
def synthetic_rest(synthetic_git: SyntheticGit, tmp_path_factory) -> Path:
    return rest_mirror(synthetic_git.bare, tmp_path_factory.mktemp("rest") / "mirror")


def damage_blob(bare: Path, oid: str) -> None:
    """Replace blob ``oid`` of a repository by other bytes under the same id, as damage at rest
    would: its packs are unpacked into loose objects, then the object's file is rewritten."""
    packs = bare / "objects" / "pack"
    for pack in sorted(packs.glob("*.pack")):
        data = pack.read_bytes()
        for f in packs.glob(pack.stem + ".*"):
            f.unlink()
        subprocess.run(
            ["git", "-C", str(bare), "unpack-objects", "-q"], input=data, check=True, env=git_env()
        )
    loose = bare / "objects" / oid[:2] / oid[2:]
    other = b"# Module acme/a/1\nTampered.\n"
    os.chmod(loose, 0o644)
    loose.write_bytes(zlib.compress(b"blob %d\0" % len(other) + other))
