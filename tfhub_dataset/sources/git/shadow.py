"""Open a repository on disk through a private git dir the project writes: its config never applies.

git obeys the configuration of the repository it runs in: ``log.showSignature`` with
``gpg.program`` runs a program for every signed commit ``git log`` shows, ``include.path`` pulls
in any file, ``core.fsmonitor`` runs one on every status, and so on. A clone downloaded from
anywhere must not run code, so git never runs in it. Every repository is read through a *shadow*:
a temporary git dir holding

- its own config, and only what reading needs: ``repositoryformatversion``, ``bare``,
  ``extensions.partialClone`` with a promisor remote when the original is a partial clone (its
  absent blobs are then never asked for: ``GIT_NO_LAZY_FETCH=1``), and ``core.commitGraph=false``
  and ``core.multiPackIndex=false``, so that a planted commit-graph or pack index cannot forge
  parents;
- the original's HEAD and refs, copied as data: ``packed-refs`` and loose refs are parsed here as
  text, each a validated 40-hex id or a symbolic ref to a well-formed name; a ref that is a
  symbolic link, or that reads as anything else, is refused;
- ``objects/info/alternates`` naming the original's objects folder (objects are content-addressed,
  and the reader checks each one it reads against its id).

A history that is not whole is refused in one line naming why: a shallow clone (a ``shallow``
file), grafts (``info/grafts``), replace refs (``refs/replace/``; git also runs with
``GIT_NO_REPLACE_OBJECTS=1``). So is a SHA-256 repository (said so, not "corrupt"), a repository
whose refs are in the reftable format, and a folder that is no git repository. The shadow is the
project's own, so git's check of the repository's owner (``safe.directory``) never stands in the
way of a clone that another user owns.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import tempfile
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from tfhub_dataset.sources.errors import FetchError

__all__ = ["RepoRefused", "Shadow", "find_git_dir", "open_shadow"]

OID = re.compile(r"[0-9a-f]{40}")
OID_256 = re.compile(r"[0-9a-f]{64}")
# A ref name git would accept (check-ref-format), kept conservative: components of printable
# ASCII without the characters git forbids, none starting with '.' or ending with '.lock'.
REF_COMPONENT = re.compile(r"[^\x00-\x20\x7f~^:?*\[\\/.][^\x00-\x20\x7f~^:?*\[\\/]{0,254}")
MAX_REFS = 200_000
MAX_REF_FILE = 64 * 1024 * 1024  # packed-refs; tens of thousands of refs take a few MB


class RepoRefused(FetchError):
    """The repository cannot be read as a whole SHA-1 history; the message says why."""


@dataclass
class Shadow:
    """A private git dir reading ``original``'s objects and refs (see the module docstring).

    ``git_dir`` is what every git command is given (``--git-dir``); ``head`` is what the
    original's HEAD names (a ref name, or a commit id when detached); ``refs`` maps every ref name
    to its commit id or, for a symbolic ref, to ``ref: <name>``. ``close`` removes the folder."""

    git_dir: Path
    original: Path
    head: str
    refs: dict[str, str] = field(default_factory=dict)
    partial: bool = False

    def __post_init__(self) -> None:
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(self.git_dir), True)

    def close(self) -> None:
        self._finalizer()


def find_git_dir(path: Path, where: str = "") -> tuple[Path, Path]:
    """(git dir, common dir) of the repository at ``path``: a bare repository, a work tree with a
    ``.git`` folder, or one whose ``.git`` file names its git dir (a linked work tree, whose
    objects and refs live in the common dir its ``commondir`` file names). ``where`` names the
    repository in messages."""
    where = where or str(path)
    if not path.exists():
        raise RepoRefused(f"{where} is not a git repository: no such folder")
    dot = path / ".git"
    if dot.is_dir():
        git_dir = dot
    elif dot.is_file():
        text = _small_text(dot, where)
        if not text.startswith("gitdir: ") or "\n" in text.strip():
            raise RepoRefused(f"{where}: its .git file does not name a git dir ('gitdir: ...')")
        git_dir = (path / text[len("gitdir: ") :].strip()).resolve()
    else:
        git_dir = path
    if not (git_dir / "HEAD").is_file() and not (git_dir / "HEAD").is_symlink():
        raise RepoRefused(f"{where} is not a git repository (no HEAD)")
    common = git_dir
    if (git_dir / "commondir").exists():
        named = _small_text(git_dir / "commondir", where).strip()
        common = (git_dir / named).resolve()
    if not (common / "objects").is_dir():
        raise RepoRefused(f"{where} is not a git repository (no objects/ folder)")
    return git_dir.resolve(), common.resolve()


def open_shadow(path: str | Path, git: str = "git", where: str = "") -> Shadow:
    """The shadow of the repository at ``path`` (refused, in one line naming why, when its history
    is not whole, or when it is not a SHA-1 repository git can read). ``where`` names the
    repository in messages (default: its path)."""
    path = Path(path)
    where = where or str(path)
    git_dir, common = find_git_dir(path, where)
    for name, why in (
        ("shallow", "a shallow clone: its history is cut (a 'shallow' file)"),
        ("info/grafts", "grafted: its history is rewritten by info/grafts"),
    ):
        for d in dict.fromkeys((git_dir, common)):
            if (d / name).exists() or (d / name).is_symlink():
                raise RepoRefused(
                    f"{where} is {why}, so no release can be built from it: clone it in full"
                )
    settings = _extensions(common, git, where)
    fmt = settings.get("extensions.objectformat", "sha1").lower()
    if fmt != "sha1":
        raise RepoRefused(
            f"{where} is a {fmt.upper().replace('SHA', 'SHA-')} repository "
            f"(extensions.objectFormat={fmt}); the hubs' histories are SHA-1"
        )
    if settings.get("extensions.refstorage", "files").lower() != "files":
        raise RepoRefused(f"{where} keeps its refs in the reftable format, which is not read here")
    head = _head(git_dir, where)
    refs = _refs(common, where)
    if any(name.startswith("refs/replace/") for name in refs):
        raise RepoRefused(
            f"{where} has replace refs (refs/replace/), which rewrite its history: "
            "remove them or clone it again"
        )
    packs = common / "objects" / "pack"
    partial = "extensions.partialclone" in settings or (
        packs.is_dir() and any(p.suffix == ".promisor" for p in packs.iterdir())
    )
    objects = str(common / "objects")
    if "\n" in objects or objects.startswith(("#", '"')):
        raise RepoRefused(f"{where}: its path cannot be named in an alternates file")
    shadow_dir = Path(tempfile.mkdtemp(prefix="dataset-git-shadow-"))
    shadow = Shadow(shadow_dir, git_dir, head, refs, partial)
    try:
        _write(shadow_dir, head, refs, objects, partial)
    except BaseException:
        shadow.close()
        raise
    return shadow


def _write(root: Path, head: str, refs: dict[str, str], objects: str, partial: bool) -> None:
    (root / "refs" / "heads").mkdir(parents=True)
    (root / "refs" / "tags").mkdir()
    (root / "objects" / "info").mkdir(parents=True)
    (root / "objects" / "pack").mkdir()
    (root / "objects" / "info" / "alternates").write_text(objects + "\n", encoding="utf-8")
    lines = [
        "[core]",
        f"\trepositoryformatversion = {1 if partial else 0}",
        "\tbare = true",
        "\tcommitGraph = false",
        "\tmultiPackIndex = false",
    ]
    if partial:
        lines += [
            "[extensions]",
            "\tpartialClone = origin",
            '[remote "origin"]',
            "\tpromisor = true",
        ]
    (root / "config").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "HEAD").write_text(
        (head if OID.fullmatch(head) else f"ref: {head}") + "\n", encoding="utf-8"
    )
    packed = []
    for name, value in sorted(refs.items()):
        if value.startswith("ref: "):  # a symbolic ref has to be a loose file
            loose = root / name
            loose.parent.mkdir(parents=True, exist_ok=True)
            loose.write_text(value + "\n", encoding="utf-8")
        else:
            packed.append(f"{value} {name}\n")
    (root / "packed-refs").write_text("".join(packed), encoding="utf-8")


def _small_text(path: Path, where: str, limit: int = 64 * 1024) -> str:
    """A small file of the git dir as text (a symbolic link, a huge or undecodable file refused)."""
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            raise RepoRefused(f"{where}: {path.name} is not a regular file")
        if info.st_size > limit:
            raise RepoRefused(f"{where}: {path.name} is {info.st_size:,} bytes, too large")
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise RepoRefused(f"{where}: {path.name} is not text") from None
    except OSError as exc:
        raise RepoRefused(f"{where}: {path.name} cannot be read ({exc.strerror})") from None


def valid_ref_name(name: str) -> bool:
    """A ref name under ``refs/`` that git accepts (a conservative subset of check-ref-format)."""
    if not name.startswith("refs/") or name.endswith((".", "/")) or ".." in name or "@{" in name:
        return False
    parts = name.split("/")
    return len(parts) >= 2 and all(
        REF_COMPONENT.fullmatch(p) and not p.endswith(".lock") for p in parts[1:]
    )


def _oid(value: str, what: str, where: str) -> str:
    if OID.fullmatch(value):
        return value
    if OID_256.fullmatch(value):
        raise RepoRefused(
            f"{where} is a SHA-256 repository ({what}); the hubs' histories are SHA-1"
        )
    raise RepoRefused(f"{where}: {what} does not hold a commit id ({value[:50]!r})")


def _symbolic(value: str, what: str, where: str) -> str:
    target = value[len("ref: ") :].strip()
    if not valid_ref_name(target):
        raise RepoRefused(f"{where}: {what} names an odd ref ({target[:60]!r})")
    return target


def _head(git_dir: Path, where: str) -> str:
    text = _small_text(git_dir / "HEAD", where, 4096).strip()
    if text.startswith("ref: "):
        return _symbolic(text, "HEAD", where)
    return _oid(text, "HEAD", where)


def _refs(common: Path, where: str) -> dict[str, str]:
    """Every ref of the repository: packed-refs, then the loose refs (which take precedence)."""
    refs: dict[str, str] = {}
    packed = common / "packed-refs"
    if packed.exists() or packed.is_symlink():
        text = _small_text(packed, where, MAX_REF_FILE)
        for n, line in enumerate(text.splitlines(), start=1):
            if not line or line.startswith("#"):
                continue
            what = f"line {n} of packed-refs"
            if line.startswith("^"):  # the commit a tag peels to
                _oid(line[1:], what, where)
                continue
            value, _, name = line.partition(" ")
            if not valid_ref_name(name):
                raise RepoRefused(f"{where}: {what} names an odd ref ({name[:60]!r})")
            refs[name] = _oid(value, what, where)
    top = common / "refs"
    if top.is_symlink():
        raise RepoRefused(f"{where}: refs/ is a symbolic link")
    if top.is_dir():
        for folder, dirs, files in os.walk(top):  # never follows symbolic links
            base = Path(folder)
            for d in dirs:
                if (base / d).is_symlink():
                    raise RepoRefused(
                        f"{where}: {(base / d).relative_to(common)} is a symbolic link"
                    )
            for f in files:
                path = base / f
                name = path.relative_to(common).as_posix()
                if path.is_symlink():
                    raise RepoRefused(f"{where}: ref {name[:80]} is a symbolic link")
                if not valid_ref_name(name):
                    raise RepoRefused(f"{where}: odd ref {name[:80]!r}")
                value = _small_text(path, where, 4096).strip()
                if value.startswith("ref: "):
                    refs[name] = "ref: " + _symbolic(value, f"ref {name}", where)
                else:
                    refs[name] = _oid(value, f"ref {name}", where)
                if len(refs) > MAX_REFS:
                    raise RepoRefused(f"{where} has more than {MAX_REFS:,} refs")
    return refs


def _extensions(common: Path, git: str, where: str) -> dict[str, str]:
    """The ``core.repositoryformatversion`` and ``extensions.*`` settings of the original's own
    config file, read as data (``git config --file``, includes not followed; nothing runs)."""
    config = common / "config"
    if not config.exists():
        return {}
    if config.is_symlink() or not config.is_file():
        raise RepoRefused(f"{where}: its config is not a regular file")
    from tfhub_dataset.sources.git.repo import git_env

    with tempfile.TemporaryDirectory(prefix="dataset-git-config-") as tmp:
        done = subprocess.run(
            [git, "config", "--file", str(config), "--no-includes", "--list", "-z"],
            capture_output=True,
            cwd=tmp,  # outside any repository
            env=git_env(GIT_CEILING_DIRECTORIES=str(Path(tmp).parent)),
            check=False,
        )
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["unreadable"]
        raise RepoRefused(f"{where}: its config cannot be read ({why[-1][:120]})")
    out = {}
    for item in done.stdout.split(b"\0"):
        key, _, value = item.decode("utf-8", "replace").partition("\n")
        if key.startswith("extensions.") or key == "core.repositoryformatversion":
            out[key] = value
    return out
