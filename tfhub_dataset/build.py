"""Orchestration: pinned releases -> snapshot -> catalog -> tables -> release folder.

Nothing here parses or fetches by itself; it wires the steps together and reports progress.
"""

from __future__ import annotations

import datetime as dt
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from tfhub_dataset import ROOT
from tfhub_dataset.annotations import PublisherType, load_publisher_types
from tfhub_dataset.derived import DerivedCache
from tfhub_dataset.history.series import add_history, build_history
from tfhub_dataset.hubs.tfhub.catalog import DocCache, build_catalog
from tfhub_dataset.hubs.tfhub.tables import build_tables
from tfhub_dataset.package.stage import write_release
from tfhub_dataset.package.write import ReleaseInfo, dumps_json, render_release
from tfhub_dataset.report.readme import render_report
from tfhub_dataset.sources.snapshot import Snapshot

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


def load_pins(path: Path = PINS_PATH) -> list[Pin]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    pins = [Pin(**entry) for entry in data.get("release", [])]
    for pin in pins:
        dt.date.fromisoformat(pin.as_of)
        if len(pin.commit) != 40:
            raise ValueError(f"{path}: release {pin.id} has no full commit SHA")
    return sorted(pins, key=lambda p: p.as_of)


class SnapshotSource(Protocol):
    def snapshot(self, commit: str) -> Snapshot: ...


def release_tables(
    snapshot: Snapshot, publisher_types: dict[str, PublisherType], doc_cache: DocCache | None = None
) -> dict[str, list[dict[str, Any]]]:
    """All tables of one snapshot (pure); ``doc_cache`` shares parsed docs with the history."""
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
) -> Path:
    """Build one release into ``out_root/<pin.id>`` (staged, validated, then moved into place).

    ``derived`` keeps what the history derives from each month-end snapshot between runs (see
    derived.py); without it every snapshot is fetched and parsed again.
    """
    types = publisher_types if publisher_types is not None else load_publisher_types()
    progress(f"[{pin.id}] snapshot {pin.commit[:12]} ({pin.commit_date})")
    snapshot = source.snapshot(pin.commit)
    if snapshot.commit != pin.commit:
        raise ValueError(f"source gave commit {snapshot.commit}, not {pin.commit}")
    docs: DocCache = {}
    tables = release_tables(snapshot, types, docs)
    if hasattr(source, "list_commits") and hasattr(source, "commit_changes"):
        # A source with commits (GitHub, a mirror) gives the history; a lone snapshot has none.
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
    info = ReleaseInfo(pin.id, pin.as_of, snapshot.commit, snapshot.commit_date)
    files = render_release(tables, info)
    dest = out_root / pin.id
    write_release(
        files,
        dest,
        validate=validate,
        progress=progress,
        # README.md, DATA_DICTIONARY.md and figures/ are rendered from the written tables while
        # the package is validated.
        derived_files=lambda: render_report(files, info),
    )
    progress(f"[{pin.id}] written to {dest}")
    return dest


def root_descriptor(release_dir: Path, root: Path = ROOT) -> bytes:
    """The root datapackage.json: the latest release's descriptor, paths made relative to root."""
    import json

    desc = json.loads((release_dir / "datapackage.json").read_text(encoding="utf-8"))
    prefix = release_dir.resolve().relative_to(root.resolve()).as_posix()
    for res in desc["resources"]:
        res["path"] = f"{prefix}/{res['path']}"
        res["schema"] = f"{prefix}/{res['schema']}"
    return dumps_json(desc).encode("utf-8")
