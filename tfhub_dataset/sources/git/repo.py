"""Read a git repository on disk with the git command line; every object read is checked.

Commits and blobs are read through one persistent ``git cat-file --batch`` and their bytes hashed
here against their object ids (SHA-1 of ``<type> <size>\\0`` and the bytes), so an object
damaged at rest is detected, never parsed. Each commit's changes come from one
``git log --raw -z -M`` over the whole history (diffs against the first parent, renames detected
as GitHub detects them), with blob ids on both sides: a rename whose blob id changed is an edit.
Snapshots are trees (``git ls-tree -r -z``) whose files are read lazily, by blob id.

The repository may be partial (a clone with a blob-size filter): ``GIT_NO_LAZY_FETCH=1`` keeps git
from ever fetching an absent object on its own.

git never runs in the repository itself: every command is given a private git dir the project
wrote (shadow.py), so nothing of the repository's own config (signature programs, includes,
fsmonitor, pagers, drivers) applies, and a shallow, grafted or replaced history is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

from tfhub_dataset.hubs import default_hub
from tfhub_dataset.sources.commits import Change, CommitRef, Person
from tfhub_dataset.sources.errors import FetchError
from tfhub_dataset.sources.git.shadow import Shadow, open_shadow
from tfhub_dataset.sources.snapshot import path_text

# Raw diff status letters -> GitHub's statuses of a commit's files (the REST API's words).
STATUSES = {"A": "added", "D": "removed", "M": "modified", "R": "renamed", "C": "copied",
            "T": "changed"}  # fmt: skip
ZERO = "0" * 40
SYMLINK, GITLINK = "120000", "160000"
# Given to every git command on top of the shadow's own config: settings that could run a program
# or change what is read, pinned to their harmless values wherever a setting could still come from.
SAFE_CONFIG = (
    "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "core.pager=cat",
    "-c", "log.showSignature=false", "-c", "core.commitGraph=false",
    "-c", "core.multiPackIndex=false", "-c", "diff.external=", "-c", "core.sshCommand=false",
    "-c", "protocol.allow=never",
)  # fmt: skip


class GitMissing(FetchError):
    """No ``git`` command on this machine."""


class RepoReadError(FetchError):
    """A git command failed to read the repository (an object absent, unreadable or damaged)."""


class MalformedObject(FetchError):
    """An object that hashes to its id but is not one git writes: a tree listing a path twice or
    holding an empty, '.' or '..' name, a commit dated out of any range."""


class CorruptObject(FetchError):
    """An object of the repository does not hash to its id, or cannot be read."""

    def __init__(self, repo: Path, oid: str, why: str) -> None:
        self.repo, self.oid = repo, oid
        super().__init__(f"object {oid} in {repo} is corrupt ({why})")


def git_binary() -> str:
    """The path of ``git``, or a one-line error naming the other sources."""
    found = shutil.which("git")
    if found is None:
        raise GitMissing(
            "the git source needs the git command, which is not installed (install git, or "
            "build from GitHub's REST API with --source api, or from a local mirror folder "
            "with --snapshot DIR)"
        )
    return found


def git_env(**extra: str) -> dict[str, str]:
    """The environment of every git command: no prompt, no lazy fetch, no user or system config,
    no replace objects, no GIT_* variable of the caller's (the repository's own config is kept
    out by the shadow git dir, shadow.py)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_NO_LAZY_FETCH="1",
        GIT_TERMINAL_PROMPT="0",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_NO_REPLACE_OBJECTS="1",
        GIT_ATTR_NOSYSTEM="1",
        LC_ALL="C",
    )
    env.update(extra)
    return env


class GitRepo:
    """A repository on disk (bare or not), read-only, through its shadow git dir (opened on first
    use; :meth:`refresh` reads its refs again). ``data_path`` says which paths are data (those of
    the hub the repository holds): trees and changes list only those."""

    def __init__(
        self,
        path: str | Path,
        data_path: Callable[[str], bool] | None = None,
        pathspec: tuple[str, ...] = (),
        label: str = "",
    ) -> None:
        self.path = Path(path)
        self.label = label  # how messages name the repository (default: as given with --git)
        # default: the registry's first hub's data paths
        self.data_path = data_path or default_hub().is_data_path
        # Limits `git log` to the hub's data paths (rename detection reads the blobs of every
        # candidate: a partial clone lacks those over its size filter, images among them).
        self.pathspec = pathspec
        self.git = git_binary()
        self._batch: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._shadow: Shadow | None = None
        self.blobs_read = 0
        self._sizes: dict[str, int] = {}  # blob id -> size: a blob's size never changes

    def open(self) -> Shadow:
        """The shadow git dir every command runs in (RepoRefused, one line, when the repository
        cannot be read as a whole SHA-1 history)."""
        if self._shadow is None:
            self._shadow = open_shadow(self.path, self.git, self.label)
        return self._shadow

    @property
    def head(self) -> str:
        """What the repository's HEAD names: a ref name, or a commit id when detached."""
        return self.open().head

    def refresh(self) -> None:
        """Forget the shadow (after a fetch changed the refs): the next command opens a new one."""
        self.close()

    def _cmd(self, *args: str) -> list[str]:
        return [self.git, "--git-dir", str(self.open().git_dir), *SAFE_CONFIG, *args]

    def run(self, *args: str, check: bool = True) -> bytes:
        done = subprocess.run(self._cmd(*args), capture_output=True, env=git_env(), check=False)
        if check and done.returncode != 0:
            why = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["failed"])[-1]
            raise RepoReadError(f"git {args[0]} in {self.path} failed: {why}")
        return done.stdout

    def has_commit(self, sha: str) -> bool:
        if not self.path.exists():  # a managed clone not fetched yet
            return False
        done = subprocess.run(
            self._cmd("cat-file", "-e", f"{sha}^{{commit}}"),
            capture_output=True,
            env=git_env(),
            check=False,
        )
        return done.returncode == 0

    def resolve(self, ref: str) -> str | None:
        out = self.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        return out.decode().strip() or None

    # -- objects, verified --------------------------------------------------------------

    def read(self, oid: str, kind: str) -> bytes:
        """The bytes of object ``oid`` of type ``kind``, checked against its id."""
        with self._lock:
            proc = self._batch_process()
            assert proc.stdin is not None and proc.stdout is not None
            try:
                proc.stdin.write(oid.encode("ascii") + b"\n")
                proc.stdin.flush()
                header = proc.stdout.readline().split()
                if len(header) != 3:
                    self._close_batch()
                    raise CorruptObject(self.path, oid, "absent or unreadable")
                size = int(header[2])
                data = proc.stdout.read(size)
                proc.stdout.read(1)
            except (OSError, ValueError) as exc:
                self._close_batch()
                raise CorruptObject(self.path, oid, f"unreadable: {exc}") from exc
        kind_read = header[1].decode()
        if kind_read != kind:
            raise CorruptObject(self.path, oid, f"a {kind_read}, not a {kind}")
        if len(data) != size or not _hashes_to(kind, data, oid):
            raise CorruptObject(self.path, oid, "its bytes do not hash to its id")
        if kind == "blob":
            self.blobs_read += 1
        return data

    def read_many(self, oids: list[str], kind: str = "blob") -> dict[str, bytes]:
        """``read`` of several objects, asked for in chunks (one write of many ids, then their
        answers) rather than one round trip each; each checked against its id."""
        out: dict[str, bytes] = {}
        chunk = 1000  # ids of 41 bytes: one chunk fits a pipe's buffer, so no write can block
        for start in range(0, len(oids), chunk):
            wanted = oids[start : start + chunk]
            with self._lock:
                proc = self._batch_process()
                assert proc.stdin is not None and proc.stdout is not None
                try:
                    proc.stdin.write("".join(f"{o}\n" for o in wanted).encode("ascii"))
                    proc.stdin.flush()
                    answers = []
                    for oid in wanted:
                        header = proc.stdout.readline().split()
                        if len(header) != 3:
                            self._close_batch()
                            raise CorruptObject(self.path, oid, "absent or unreadable")
                        size = int(header[2])
                        answers.append((oid, header[1].decode(), size, proc.stdout.read(size)))
                        proc.stdout.read(1)
                except (OSError, ValueError) as exc:
                    self._close_batch()
                    raise CorruptObject(self.path, wanted[0], f"unreadable: {exc}") from exc
            for oid, kind_read, size, data in answers:
                if kind_read != kind:
                    raise CorruptObject(self.path, oid, f"a {kind_read}, not a {kind}")
                if len(data) != size or not _hashes_to(kind, data, oid):
                    raise CorruptObject(self.path, oid, "its bytes do not hash to its id")
                out[oid] = data
            if kind == "blob":
                self.blobs_read += len(answers)
        return out

    def _batch_process(self) -> subprocess.Popen[bytes]:
        """The persistent ``git cat-file --batch`` both readers share (started when absent)."""
        if self._batch is None or self._batch.poll() is not None:
            self._batch = subprocess.Popen(
                self._cmd("cat-file", "--batch"),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=git_env(),
            )
        return self._batch

    def _close_batch(self) -> None:
        if self._batch is not None:
            self._batch.kill()
            self._batch.wait()
            self._batch = None

    def close(self) -> None:
        with self._lock:
            if self._batch is not None:
                assert self._batch.stdin is not None
                self._batch.stdin.close()
                self._batch.wait()
                self._batch = None
            if self._shadow is not None:
                self._shadow.close()
                self._shadow = None

    # -- history ----------------------------------------------------------------------------

    def commits(self, head: str) -> list[CommitRef]:
        """Every commit reachable from ``head``, newest first (committer date; ties: git's
        order), each read and verified from its object."""
        shas = self.run("rev-list", "--date-order", head).decode().split()
        raws = self.read_many(shas, "commit")  # a chunk of ids at a time, not one round trip each
        return [self._commit_ref(s, raws[s]) for s in shas]

    def commit(self, sha: str) -> CommitRef:
        return self._commit_ref(sha, self.read(sha, "commit"))

    def _commit_ref(self, sha: str, raw: bytes) -> CommitRef:
        head, _, message = raw.partition(b"\n\n")
        parents: list[str] = []
        date = None
        people: dict[bytes, Person] = {}
        for line in head.split(b"\n"):
            key, _, value = line.partition(b" ")
            if key == b"parent":
                parents.append(value.decode("ascii"))
            elif key == b"committer":
                date = _committer_date(value)
                if date is None:
                    when = value.rsplit(b" ", 2)[-2][:30].decode("ascii", "replace")
                    raise MalformedObject(
                        f"commit {sha} in {self.path} has a committer date out of range "
                        f"({when!r}): refusing it (git fsck flags it too)"
                    )
            if key in (b"author", b"committer") and key not in people:
                people[key] = _person(value)
        if date is None:
            raise CorruptObject(self.path, sha, "no committer line")
        # GitHub's API gives the message without its leading and trailing blank space.
        full = message.decode("utf-8", "replace").strip()
        lines = full.splitlines()
        return CommitRef(
            sha,
            date,
            lines[0] if lines else "",
            tuple(parents),
            author=people.get(b"author"),
            committer=people.get(b"committer"),
            full_message=full,
        )

    def changes(self, head: str) -> dict[str, list[Change]]:
        """Every commit reachable from ``head``: its changed data paths against its first parent
        (all of them for a root commit), renames detected, in git's order (sorted by path)."""
        out = self.run(
            "log", "--raw", "-z", "-M", "--no-abbrev", "--diff-merges=first-parent", "--root",
            "--format=%x01%H", head, *self._limit(),
        )  # fmt: skip
        return parse_raw_log(out, self.data_path, str(self.path))

    def _limit(self) -> tuple[str, ...]:
        """The pathspec for `git log`, with every commit still listed (--full-history --sparse:
        no history simplification), so that one run gives every commit's changes."""
        return ("--full-history", "--sparse", "--", *self.pathspec) if self.pathspec else ()

    def tree(self, commit: str) -> dict[str, str]:
        """Data paths of ``commit`` -> blob ids (regular files; links refused)."""
        return {path: oid for path, (oid, _) in self.sized_tree(commit).items()}

    def sized_tree(
        self, commit: str, escaped: set[str] | None = None
    ) -> dict[str, tuple[str, int]]:
        """Data paths of ``commit`` -> (blob id, size in bytes); links refused. A name that is
        not UTF-8 is escaped (snapshot.path_text) and added to ``escaped``.

        Sizes are asked for the data blobs only: a partial clone may lack other blobs (images
        over its size filter), and ``ls-tree -l`` would need every one."""
        # -t lists each tree too: a file whose folder is no tree has a '/' inside its own name
        # (an entry git never writes), which would otherwise pass for a nested path.
        out = self.run("ls-tree", "-r", "-t", "-z", "--full-tree", commit)
        ids = {}
        folders = {b""}
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, _, path_bytes = entry.partition(b"\t")
            if meta.startswith(b"040000 "):  # a tree: kept as bytes, never decoded
                folders.add(path_bytes)
                continue
            mode, kind, oid = meta.decode("ascii").split()
            path, was_escaped = path_text(path_bytes)
            if not self.data_path(path) or mode == GITLINK:
                continue
            if path_bytes.rpartition(b"/")[0] not in folders:
                raise MalformedObject(
                    f"refusing commit {commit[:12]} in {self.path}: its tree holds an entry named "
                    f"{path!r} (a name with '/' in it, which git fsck rejects)"
                )
            odd_path(path, commit, self.path)
            if mode == SYMLINK or kind != "blob":
                raise FetchError(f"refusing {path} at {commit[:12]}: not a regular file")
            if path in ids:
                raise MalformedObject(
                    f"refusing commit {commit[:12]} in {self.path}: its tree lists {path!r} twice "
                    "(a malformed tree git fsck rejects)"
                )
            ids[path] = oid
            if was_escaped and escaped is not None:
                escaped.add(path)
        # Sizes are asked once per blob for the whole run: most blobs recur in the next snapshot.
        unknown = sorted(set(ids.values()) - self._sizes.keys())
        self._sizes.update(self.blob_sizes(unknown))
        sizes = self._sizes
        return {path: (oid, sizes[oid]) for path, oid in ids.items()}

    def blob_sizes(self, oids: list[str]) -> dict[str, int]:
        """The size of each blob (``git cat-file --batch-check``); RepoReadError when one is
        absent or not a blob."""
        if not oids:
            return {}
        done = subprocess.run(
            self._cmd("cat-file", "--batch-check"),
            input="".join(f"{o}\n" for o in oids).encode("ascii"),
            capture_output=True,
            env=git_env(),
            check=False,
        )
        sizes = {}
        for line in done.stdout.decode("ascii", "replace").splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] == "blob":
                sizes[parts[0]] = int(parts[2])
        missing = [o for o in oids if o not in sizes]
        if done.returncode != 0 or missing:
            raise RepoReadError(
                f"git cat-file in {self.path} failed: blob {(missing or ['?'])[0]} is absent or "
                "not a blob"
            )
        return sizes


def _hashes_to(kind: str, data: bytes, oid: str) -> bool:
    return hashlib.sha1(f"{kind} {len(data)}\0".encode() + data).hexdigest() == oid


def _person(value: bytes) -> Person:
    """``Name <mail> 1603990513 -0700`` -> Person(name, mail), in memory only (see Person)."""
    ident = value.rsplit(b" ", 2)[0] if value.count(b" ") >= 2 else value
    name, _, rest = ident.partition(b"<")
    email = rest.rpartition(b">")[0].strip()
    return Person(name.strip().decode("utf-8", "replace"), email.decode("utf-8", "replace") or None)


MAX_SECONDS = 253402300799  # 9999-12-31T23:59:59Z: dates are written with four-digit years


def _committer_date(value: bytes) -> str | None:
    """``Name <mail> 1603990513 -0700`` -> ``2020-10-29T16:55:13Z`` (UTC); None when the time is
    not a number of seconds from 1970 to 9999."""
    parts = value.rsplit(b" ", 2)
    if len(parts) != 3 or not parts[1].isdigit() or int(parts[1]) > MAX_SECONDS:
        return None
    return dt.datetime.fromtimestamp(int(parts[1]), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def odd_path(path: str, commit: str, repo: object) -> None:
    """MalformedObject for a path with an empty, '.' or '..' component (a tree git never writes)."""
    if any(part in ("", ".", "..") for part in path.split("/")):
        raise MalformedObject(
            f"refusing commit {commit[:12]} in {repo}: its tree holds the path {path!r} (an empty, "
            "'.' or '..' name, which git fsck rejects)"
        )


def parse_raw_log(
    out: bytes, data_path: Callable[[str], bool], repo: str = "the repository"
) -> dict[str, list[Change]]:
    """Parse ``git log --raw -z --format=%x01%H`` output into data-path changes by commit.

    Records are read by position (a path may hold any byte but NUL), so no path can pass for a
    commit header or a diff line. Names that are not UTF-8 are escaped (snapshot.path_text); a
    commit that changes one path twice (a tree listing it twice) is refused (MalformedObject).
    """
    tokens = out.split(b"\0")
    changes: dict[str, list[Change]] = {}
    current: list[Change] | None = None
    sha = ""
    seen: set[str] = set()
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        i += 1
        if not token:
            continue
        if token.startswith(b"\x01"):
            sha = token[1:].decode("ascii")
            current = changes.setdefault(sha, [])
            seen = {c.path for c in current}
            continue
        if current is None or not token.startswith(b":"):
            raise ValueError(f"unexpected git log record {token[:60]!r}")
        _, _, old, new, letter = token[1:].decode("ascii").split()
        status = STATUSES.get(letter[0], letter)
        paths = [path_text(p)[0] for p in tokens[i : i + 2]]
        if letter[0] in "RC":
            i += 2
            prev, path = paths
        else:
            i += 1
            prev, path = None, paths[0]
        if not (data_path(path) or (prev is not None and data_path(prev))):
            continue
        odd_path(path, sha, repo)
        if path in seen:
            raise MalformedObject(
                f"refusing commit {sha[:12]} in {repo}: it changes {path!r} twice (a malformed "
                "tree, listing the path twice, which git fsck rejects)"
            )
        seen.add(path)
        current.append(
            Change(
                path,
                status,
                prev if status == "renamed" else None,
                content_changed=old != new if status == "renamed" else None,
                blob=None if new == ZERO else new,
            )
        )
    return changes
