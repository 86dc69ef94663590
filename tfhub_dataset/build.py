"""Orchestration: pinned releases -> snapshot -> catalog -> tables -> release folder.

Nothing here parses or fetches by itself; it wires the steps together and reports progress.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from tfhub_dataset import ROOT
from tfhub_dataset.annotations import PublisherType, load_publisher_types
from tfhub_dataset.package.stage import LOCK_TIMEOUT, safe_release_id  # cheap: no stack
from tfhub_dataset.sources.snapshot import Snapshot

# The stages are imported by the functions that run them, so that `--help`, an argument error or
# the parse stage alone never pay for the Parquet (pyarrow), chart (matplotlib) or validation
# (frictionless) stacks: a test (test_imports.py) keeps it so.
if TYPE_CHECKING:
    from tfhub_dataset.derived import DerivedCache
    from tfhub_dataset.hubs.tfhub.catalog import DocCache
    from tfhub_dataset.package.write import ReleaseInfo

PINS_PATH = ROOT / "build" / "releases.toml"
RELEASES_DIR = ROOT / "releases"

Progress = Callable[[str], None]


def stderr_progress(message: object) -> None:
    """Print a progress message (a string or a crawler ProgressEvent) on stderr."""
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Pin:
    """A pinned release: its id, as-of date and the commit in force that day."""

    id: str
    as_of: str
    commit: str
    commit_date: str
    note: str = ""
    version: str = ""  # the release's Data Package version (empty: unpinned, see ReleaseInfo)
    released: str = ""  # the day the version was published, YYYY-MM-DD


def load_pins(path: Path = PINS_PATH) -> list[Pin]:
    import tomllib

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    pins = [Pin(**entry) for entry in data.get("release", [])]
    for pin in pins:
        safe_release_id(pin.id)
        dt.date.fromisoformat(pin.as_of)
        if len(pin.commit) != 40:
            raise ValueError(f"{path}: release {pin.id} has no full commit SHA")
        if not pin.version or not pin.released:
            raise ValueError(f"{path}: release {pin.id} has no version or released date")
        dt.date.fromisoformat(pin.released)
    return sorted(pins, key=lambda p: p.as_of)


class SnapshotSource(Protocol):
    def snapshot(self, commit: str) -> Snapshot: ...


def has_history(source: object) -> bool:
    """A source with commits (git, GitHub, a mirror) gives the history; a lone snapshot has none."""
    from tfhub_dataset.history.series import SOURCE_METHODS

    return all(hasattr(source, m) for m in SOURCE_METHODS)


def release_tables(
    snapshot: Snapshot, publisher_types: dict[str, PublisherType], doc_cache: DocCache | None = None
) -> dict[str, list[dict[str, Any]]]:
    """All tables of one snapshot (pure); ``doc_cache`` shares parsed docs with the history."""
    from tfhub_dataset.gc_pause import gc_paused
    from tfhub_dataset.hubs.tfhub.catalog import build_catalog
    from tfhub_dataset.hubs.tfhub.tables import build_tables

    with gc_paused():  # over both steps: the catalog's objects are scanned at most once
        return build_tables(build_catalog(snapshot, doc_cache), publisher_types)


def build_release(
    pin: Pin,
    source: SnapshotSource,
    out_root: Path = RELEASES_DIR,
    *,
    publisher_types: dict[str, PublisherType] | None = None,
    validate: bool = True,
    progress: Progress = stderr_progress,
    derived: DerivedCache | None = None,
    lock_timeout: float = LOCK_TIMEOUT,
) -> Path:
    """Build one release into ``out_root/<pin.id>`` (staged, validated, then moved into place).

    ``derived`` keeps what the history derives from each month-end snapshot between runs (see
    derived.py); without it every snapshot is fetched and parsed again. ``pin.id`` must be a safe
    folder name (refused before anything is fetched or written); another build of the same
    release is waited for ``lock_timeout`` seconds at most.
    """
    from tfhub_dataset.history.series import add_history, build_history
    from tfhub_dataset.package.stage import write_release
    from tfhub_dataset.package.write import render_release

    safe_release_id(pin.id)
    types = publisher_types if publisher_types is not None else load_publisher_types()
    progress(f"[{pin.id}] snapshot {pin.commit[:12]} ({pin.commit_date})")
    snapshot = source.snapshot(pin.commit)
    if snapshot.commit != pin.commit:
        raise ValueError(f"source gave commit {snapshot.commit}, not {pin.commit}")
    docs: DocCache = {}
    tables = release_tables(snapshot, types, docs)
    if has_history(source):
        # It reuses the release snapshot and its parsed docs rather than fetching and parsing
        # them again.
        history = build_history(
            source, pin.commit, pin.as_of, types, progress, derived, known=snapshot, doc_cache=docs
        )
        add_history(tables, history)
    progress(
        f"[{pin.id}] parsed {len(tables['versions'])} versioned docs, "
        f"{len(tables['models'])} models, {len(tables['publishers'])} publishers, "
        f"{len(tables['anomalies'])} anomalies"
    )
    info = release_info(pin, snapshot)
    files = render_release(tables, info)
    dest = out_root / pin.id
    previous = previous_release(pin, out_root)
    if previous is not None:
        progress(f"[{pin.id}] CHANGES.md compares with {previous[0]}")
    write_release(
        files,
        dest,
        validate=validate,
        progress=progress,
        # The report, the SQLite database and SHA256SUMS are made from the written tables while
        # the package is validated.
        derived_files=lambda: derived_files(files, info, previous[1] if previous else None),
        lock_timeout=lock_timeout,
    )
    progress(f"[{pin.id}] written to {dest}")
    return dest


def release_info(pin: Pin, snapshot: Snapshot) -> ReleaseInfo:
    """What the release of ``pin`` says about itself, its commit date from the snapshot."""
    from tfhub_dataset.package.write import ReleaseInfo

    return ReleaseInfo(
        pin.id,
        pin.as_of,
        snapshot.commit,
        snapshot.commit_date,
        version=pin.version,
        released=pin.released,
    )


def derived_files(
    files: dict[str, bytes], info: ReleaseInfo, previous: dict[str, bytes] | None
) -> dict[str, bytes]:
    """Every file made from the tables: the report (README, data dictionary, CHANGES.md,
    CITATION.cff, LICENSE, figures), the SQLite database, and SHA256SUMS of all the others."""
    from tfhub_dataset.package.sqlite import SQLITE_NAME, sqlite_bytes
    from tfhub_dataset.package.sums import SUMS_NAME, sha256sums
    from tfhub_dataset.report.readme import render_report

    out = render_report(files, info, previous)
    out[SQLITE_NAME] = sqlite_bytes(files)
    out[SUMS_NAME] = sha256sums({**files, **out})
    return dict(sorted(out.items()))


def previous_release(
    pin: Pin, out_root: Path, pins: list[Pin] | None = None
) -> tuple[Path, dict[str, bytes]] | None:
    """The folder and files of the pinned release before ``pin`` (the latest pin with an earlier
    as-of date): built beside it in ``out_root`` (the build makes pins in as-of order), else as
    committed under releases/; None for the first release or when neither folder exists. Only
    what CHANGES.md reads: datapackage.json, the CSV files and the schemas."""
    earlier = [p for p in pins or load_pins() if p.as_of < pin.as_of and p.id != pin.id]
    if not earlier:
        return None
    prev = max(earlier, key=lambda p: p.as_of)
    for folder in (out_root / prev.id, RELEASES_DIR / prev.id):
        if (folder / "datapackage.json").is_file():
            paths = [
                folder / "datapackage.json",
                *sorted(folder.glob("data/*.csv")),
                *sorted(folder.glob("schemas/*.json")),
            ]
            files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in paths}
            return folder, files
    return None


def root_descriptor(release_dir: Path, root: Path = ROOT) -> bytes:
    """The root datapackage.json: the latest release's descriptor, paths made relative to root."""
    import json

    from tfhub_dataset.package.write import dumps_json

    desc = json.loads((release_dir / "datapackage.json").read_text(encoding="utf-8"))
    prefix = release_dir.resolve().relative_to(root.resolve()).as_posix()
    for res in desc["resources"]:
        res["path"] = f"{prefix}/{res['path']}"
        res["schema"] = f"{prefix}/{res['schema']}"
    return dumps_json(desc).encode("utf-8")
