"""Staging: a release is written beside its destination, validated, then swapped into place, so a
failed or killed build never leaves a half-written release behind.

One build of a release at a time: a build holds ``.<id>.lock`` beside the release (flock) while
it stages and swaps, and writes its PID there; the file is never removed, since a build may be
waiting on it. The validating child is forked without that lock and dies with the build, so a
killed build never leaves the lock held. Leftovers carry their build's PID in their names, and
recovery removes only those of builds that are no longer alive.
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tfhub_dataset.package.memo import OutputCache, same_files, validator_name
from tfhub_dataset.package.validate import validate_package

#: Seconds a build waits for another build of the same release before it gives up.
LOCK_TIMEOUT = 60.0
VALIDATION_MODE = "csv+parquet-compare"  # what _validate_meanwhile checks (a record's key)
SAFE_RELEASE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def safe_release_id(release_id: str) -> str:
    """``release_id`` if it is safe as a folder name (letters, digits, '.', '_', '-', starting
    with a letter or digit: never '.', '..', a path or empty); raises ValueError otherwise."""
    if not isinstance(release_id, str) or not SAFE_RELEASE_ID.fullmatch(release_id):
        raise ValueError(
            f"release id {release_id!r} is not a safe folder name: use letters, digits, '.', '_' "
            "and '-', starting with a letter or digit (at most 100 characters)"
        )
    return release_id


class ReleaseInvalid(RuntimeError):
    """The staged release failed validation; nothing was moved into place."""


def _write(folder: Path, files: dict[str, bytes]) -> None:
    for rel, data in sorted(files.items()):
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _die_with_parent(parent: int, inherited: tuple[int, ...]) -> None:
    """First thing in the forked validating child: drop the inherited lock descriptors, so that
    the build alone holds the lock, and make sure the child never outlives the build (Linux: the
    kernel kills it when the build dies; elsewhere a thread watches the parent)."""
    for fd in inherited:
        os.close(fd)
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    else:
        import threading

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the build died before the line above took effect
        os._exit(1)


def _validate_meanwhile(
    path: Path, meanwhile: Callable[[], dict[str, bytes]] | None, lock_fd: int | None = None
) -> tuple[list[str], dict[str, bytes]]:
    """Validate ``path`` while ``meanwhile`` runs. Validation is pure-Python and CPU-bound, so on
    a POSIX machine it runs in a forked child and the other core renders the report."""
    # Imported here: every command reads safe_release_id and LOCK_TIMEOUT, only builds need these.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    if meanwhile is None:
        return validate_package(path), {}
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: one after the other
        return validate_package(path), meanwhile()
    # A child that dies (killed, out of memory) breaks the pool: result() raises, never hangs.
    # The child checks the CSVs with frictionless and compares the Parquet files with them
    # (about 2 s); this process renders ``meanwhile`` (the report with its charts, the SQLite
    # database: about as long), so both cores are busy for about as long.
    inherited = (lock_fd,) if lock_fd is not None else ()
    with ProcessPoolExecutor(
        max_workers=1,
        mp_context=ctx,
        initializer=_die_with_parent,
        initargs=(os.getpid(), inherited),
    ) as pool:
        pending = pool.submit(validate_package, path, parquet="compare")
        extra = meanwhile()
        try:
            return pending.result(), extra
        except BrokenProcessPool as exc:
            raise ReleaseInvalid(f"the validating process died before it finished: {exc}") from exc


def write_release(
    files: dict[str, bytes],
    dest: Path,
    *,
    validate: bool = True,
    progress: Callable[[str], None] | None = None,
    derived_files: Callable[[], dict[str, bytes]] | None = None,
    lock_timeout: float = LOCK_TIMEOUT,
    outputs: OutputCache | None = None,
) -> None:
    """Write ``files`` to a staging folder beside ``dest``, validate, then swap it into place.

    With ``outputs`` (package/memo.py), a package whose every file has the digest of one that
    passed the same validator before is not validated again (a progress line says so), one that
    passes is recorded; and a ``dest`` that already holds exactly the files is left untouched.

    ``derived_files`` renders files that are not resources (README, figures) from ``files``; it
    runs while the package is validated. The previous release at ``dest`` stays untouched until
    the new one has passed validation; the swap itself is two renames on the same file system.
    ``dest``'s name must be a safe release id. Another build of the same release is waited for,
    ``lock_timeout`` seconds at most (LockTimeout after that).
    """
    safe_release_id(dest.name)
    if ".." in dest.parts:
        raise ValueError(f"refusing a release folder with '..' in its path: {dest}")
    dest = dest.resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    with _locked(dest, lock_timeout) as lock_fd:
        recover(dest)
        record = outputs.validation_key(files, VALIDATION_MODE) if validate and outputs else None
        if record is not None and outputs is not None and outputs.validated(record):
            if progress:
                progress(
                    f"not validating {dest.name}: these bytes passed {validator_name()} before "
                    f"(validation record {record[:12]})"
                )
            validate, record = False, None
        whole = None
        if not validate and outputs is not None:  # nothing to validate: anything to write?
            whole = {**files, **(derived_files() if derived_files else {})}
            if same_files(dest, whole):
                if progress:
                    progress(f"{dest.name} is unchanged: it already holds these bytes")
                return
        _stage_and_swap(
            whole or files, dest, validate, progress, None if whole else derived_files, lock_fd
        )
        if record is not None and outputs is not None:
            outputs.record_valid(record)


class LockTimeout(RuntimeError):
    """Another build of the same release held its lock for longer than this build would wait."""


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(fd: int) -> str:
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return f"PID {text}" if text.isdigit() else "a process whose PID it has not written yet"


@contextmanager
def _locked(dest: Path, timeout: float) -> Iterator[int]:
    """Hold ``.<id>.lock`` beside ``dest`` (yields its descriptor). A build that finds it held
    says so on stderr, naming the holder's PID, and waits ``timeout`` seconds at most."""
    path = dest.parent / f".{dest.name}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        if not _try_lock(fd):
            print(
                f"waiting for {_holder(fd)}, which is building release {dest.name} ({path}); "
                f"giving up after {timeout:g} s",
                file=sys.stderr,
                flush=True,
            )
            deadline = time.monotonic() + timeout
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"release {dest.name} is still being built by {_holder(fd)} after "
                        f"{timeout:g} s of waiting (lock {path}); try again when it has finished"
                    )
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield fd
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the lock; the file stays


def _stage_and_swap(
    files: dict[str, bytes],
    dest: Path,
    validate: bool,
    progress: Callable[[str], None] | None,
    derived_files: Callable[[], dict[str, bytes]] | None,
    lock_fd: int | None = None,
) -> None:
    # Made by mkdir, not mkdtemp (mode 0700): the release gets the permissions the umask asks for.
    staging = dest.with_name(f".staging-{dest.name}-{os.getpid()}-{secrets.token_hex(4)}")
    staging.mkdir()
    try:
        _write(staging, files)
        if not validate:
            _write(staging, derived_files() if derived_files else {})
        else:
            if progress:
                progress(f"validating {dest.name} with frictionless (foreign keys included)")
            errors, extra = _validate_meanwhile(
                staging / "datapackage.json", derived_files, lock_fd
            )
            _write(staging, extra)
            if errors:
                shown = "\n  ".join(errors[:20])
                raise ReleaseInvalid(
                    f"release {dest.name} failed validation ({len(errors)} errors); "
                    f"nothing was changed at {dest}:\n  {shown}"
                )
        old = None
        if dest.exists():
            old = dest.with_name(f".old-{dest.name}-{os.getpid()}")
            dest.rename(old)
        staging.rename(dest)
        if old is not None:
            shutil.rmtree(old)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def recover(dest: Path) -> None:
    """Clean up after a build that was killed: restore the previous release if it was killed
    between the two renames of the swap, and remove its staging and old folders. Only folders
    whose build (the PID in their name) is no longer alive are touched."""
    name = re.escape(dest.name)
    # Exact shapes (a PID, and 8 hex digits for a staging folder), so that release "2024-03"
    # never touches the folders of release "2024-03-18".
    old_re = re.compile(rf"\.old-{name}-(\d+)")
    staging_re = re.compile(rf"\.staging-{name}-(\d+)-[0-9a-f]{{8}}")

    def dead(pattern: re.Pattern[str]) -> list[Path]:
        found = []
        for p in dest.parent.iterdir():
            m = pattern.fullmatch(p.name)
            if m and int(m.group(1)) != os.getpid() and not _alive(int(m.group(1))):
                found.append(p)
        return sorted(found)

    olds = dead(old_re)
    if not dest.exists() and olds:
        olds.pop().rename(dest)
    for leftover in [*olds, *dead(staging_re)]:
        shutil.rmtree(leftover, ignore_errors=True)
