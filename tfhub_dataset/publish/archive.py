"""A release's zip archive for a deposit: every file of its folder at the archive's root (so
``frictionless validate <archive>.zip`` reads its datapackage.json), in path order, each dated
by the release's source commit, mode 0644, deflated at level 9: the same bytes from the same
folder on every run (with the same zlib). Beside it, the deposit's metadata (its zenodo.json).

The folder is checked against its SHA256SUMS first: an archive is never made of a release whose
files do not match their sums."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path

from tfhub_dataset.package.sums import SUMS_NAME

ARCHIVE_PREFIX = "tfhub-dataset-"


def archive_name(release_id: str) -> str:
    return f"{ARCHIVE_PREFIX}{release_id}.zip"


def release_listing(folder: Path) -> dict[str, Path]:
    """Every file of the release folder by relative path (dot-files left out), checked against
    SHA256SUMS: ValueError naming the first file that is missing, extra or differs."""
    files = {
        p.relative_to(folder).as_posix(): p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }
    if SUMS_NAME not in files:
        raise ValueError(f"{folder} has no {SUMS_NAME}: not a release folder")
    listed = {}
    for line in files[SUMS_NAME].read_text(encoding="utf-8").splitlines():
        digest, _, path = line.partition("  ")
        listed[path] = digest
    for path in sorted(set(files) - {SUMS_NAME} | set(listed)):
        if path not in files:
            raise ValueError(f"{folder}: {path} is in {SUMS_NAME} but missing")
        if path not in listed:
            raise ValueError(f"{folder}: {path} is not in {SUMS_NAME}")
        if hashlib.sha256(files[path].read_bytes()).hexdigest() != listed[path]:
            raise ValueError(f"{folder}: {path} does not match {SUMS_NAME}")
    return files


def archive_bytes(folder: Path) -> bytes:
    """The release in ``folder`` as a deterministic zip (see the module's docstring)."""
    files = release_listing(folder)
    desc = json.loads(files["datapackage.json"].read_text(encoding="utf-8"))
    when = dt.datetime.fromisoformat(desc["created"].replace("Z", "+00:00"))
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for path, source in files.items():
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix: the mode below is read as such
            info.external_attr = 0o100644 << 16
            zf.writestr(info, source.read_bytes(), compresslevel=9)
    return buf.getvalue()


def write_archive(folder: Path, out: Path) -> tuple[Path, Path]:
    """``out``/tfhub-dataset-<id>.zip and, beside it, its deposit metadata
    (tfhub-dataset-<id>.zenodo.json, the release's zenodo.json)."""
    data = archive_bytes(folder)
    out.mkdir(parents=True, exist_ok=True)
    target = out / archive_name(folder.name)
    meta = out / f"{ARCHIVE_PREFIX}{folder.name}.zenodo.json"
    for path, content in ((target, data), (meta, (folder / "zenodo.json").read_bytes())):
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(content)
        tmp.replace(path)
    return target, meta
