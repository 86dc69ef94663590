"""Staging: a release is written beside its destination, validated, then swapped into place, so a
failed or killed build never leaves a half-written release behind."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

from tfhub_dataset.package.validate import compare_parquet, validate_package


class ReleaseInvalid(RuntimeError):
    """The staged release failed validation; nothing was moved into place."""


def _write(folder: Path, files: dict[str, bytes]) -> None:
    for rel, data in sorted(files.items()):
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _validate_meanwhile(
    path: Path, meanwhile: Callable[[], dict[str, bytes]] | None
) -> tuple[list[str], dict[str, bytes]]:
    """Validate ``path`` while ``meanwhile`` runs. Validation is pure-Python and CPU-bound, so on
    a POSIX machine it runs in a forked child and the other core renders the report."""
    if meanwhile is None:
        return validate_package(path), {}
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: one after the other
        return validate_package(path), meanwhile()
    # A child that dies (killed, out of memory) breaks the pool: result() raises, never hangs.
    # The child checks the CSVs with frictionless; this process renders ``meanwhile`` and then
    # compares the Parquet files with their CSVs, so both cores are busy for about as long.
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        pending = pool.submit(validate_package, path, parquet="skip")
        extra = meanwhile()
        parquet_errors = compare_parquet(path)
        try:
            return pending.result() + parquet_errors, extra
        except BrokenProcessPool as exc:
            raise ReleaseInvalid(f"the validating process died before it finished: {exc}") from exc


def write_release(
    files: dict[str, bytes],
    dest: Path,
    *,
    validate: bool = True,
    progress: Callable[[str], None] | None = None,
    derived_files: Callable[[], dict[str, bytes]] | None = None,
) -> None:
    """Write ``files`` to a staging folder beside ``dest``, validate, then swap it into place.

    ``derived_files`` renders files that are not resources (README, figures) from ``files``; it
    runs while the package is validated. The previous release at ``dest`` stays untouched until
    the new one has passed validation; the swap itself is two renames on the same file system.
    """
    dest = dest.resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    with _locked(dest):
        recover(dest)
        _stage_and_swap(files, dest, validate, progress, derived_files)


@contextmanager
def _locked(dest: Path) -> Iterator[None]:
    """One build of a release at a time: a second one waits for the first."""
    lock = dest.parent / f".{dest.name}.lock"
    with lock.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            lock.unlink(missing_ok=True)


def _stage_and_swap(
    files: dict[str, bytes],
    dest: Path,
    validate: bool,
    progress: Callable[[str], None] | None,
    derived_files: Callable[[], dict[str, bytes]] | None,
) -> None:
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{dest.name}-", dir=dest.parent))
    try:
        _write(staging, files)
        if not validate:
            _write(staging, derived_files() if derived_files else {})
        else:
            if progress:
                progress(f"validating {dest.name} with frictionless (foreign keys included)")
            errors, extra = _validate_meanwhile(staging / "datapackage.json", derived_files)
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


def recover(dest: Path) -> None:
    """Clean up after a build that was killed: restore the previous release if it was killed
    between the two renames of the swap, and remove its staging and old folders."""
    name = re.escape(dest.name)
    # Exact shapes (mkdtemp's 8-character suffix, a pid), so that release "2024-03" never
    # touches the folders of release "2024-03-18".
    old_re, staging_re = re.compile(rf"\.old-{name}-\d+"), re.compile(rf"\.staging-{name}-\w{{8}}")
    olds = sorted(p for p in dest.parent.iterdir() if old_re.fullmatch(p.name))
    if not dest.exists() and olds:
        olds.pop().rename(dest)
    stagings = [p for p in dest.parent.iterdir() if staging_re.fullmatch(p.name)]
    for leftover in [*olds, *stagings]:
        shutil.rmtree(leftover, ignore_errors=True)
