"""Orchestration: pinned releases -> snapshot -> catalog -> tables -> release folder, for every
hub (hubs/__init__.py), then the comparison of the hubs.

Nothing here parses or fetches by itself; it wires the steps together and reports progress.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from tfhub_dataset import CHECKOUT, DATA
from tfhub_dataset.annotations import PublisherType, load_publisher_types
from tfhub_dataset.hubs import DEFAULT_HUB, HUBS, hub
from tfhub_dataset.package.stage import LOCK_TIMEOUT, safe_release_id  # cheap: no stack
from tfhub_dataset.sources.snapshot import Snapshot

# The stages are imported by the functions that run them, so that `--help`, an argument error or
# the parse stage alone never pay for the Parquet (pyarrow), chart (matplotlib) or validation
# (frictionless) stacks: a test (test_imports.py) keeps it so.
if TYPE_CHECKING:
    from tfhub_dataset.derived import DerivedCache
    from tfhub_dataset.package.memo import OutputCache
    from tfhub_dataset.package.write import ReleaseInfo

PINS_PATH = DATA / "build" / "releases.toml"
# The committed releases: a checkout's only (None when the package runs installed).
RELEASES_DIR: Path | None = CHECKOUT / "releases" if CHECKOUT is not None else None
NEEDS_CHECKOUT = "this is an installed copy of tfhub-dataset, without the project's releases/"
# The generated comparison of the hubs: a folder beside the releases (tfhub_dataset/comparison/).
COMPARISON = "comparison"

Progress = Callable[[str], None]


def stderr_progress(message: object) -> None:
    """Print a progress message (a string or a crawler ProgressEvent) on stderr."""
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Pin:
    """A pinned release: its id, as-of date and the commit in force that day, of one hub."""

    id: str
    as_of: str
    commit: str
    commit_date: str
    note: str = ""
    version: str = ""  # the release's Data Package version (empty: unpinned, see ReleaseInfo)
    released: str = ""  # the day the version was published, YYYY-MM-DD
    hub: str = DEFAULT_HUB  # hubs.HUBS


def load_pins(path: Path = PINS_PATH) -> list[Pin]:
    """The pinned releases of every hub, by as-of date (ties in the file's order)."""
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
        prefix = hub(pin.hub).release_prefix
        if not pin.id.startswith(prefix) or pin.id == COMPARISON:
            raise ValueError(f"{path}: release {pin.id} of {pin.hub} must be named {prefix}...")
    if len({p.id for p in pins}) != len(pins):
        raise ValueError(f"{path}: a release id is pinned twice")
    return sorted(pins, key=lambda p: p.as_of)


class SnapshotSource(Protocol):
    def snapshot(self, commit: str) -> Snapshot: ...


def has_history(source: object) -> bool:
    """A source with commits (git, GitHub, a mirror) gives the history; a lone snapshot has none."""
    from tfhub_dataset.history.series import SOURCE_METHODS

    return all(hasattr(source, m) for m in SOURCE_METHODS)


def release_tables(
    snapshot: Snapshot,
    publisher_types: dict[str, PublisherType],
    doc_cache: dict | None = None,
    hub_name: str = DEFAULT_HUB,
) -> dict[str, list[dict[str, Any]]]:
    """All tables of one snapshot of a hub (pure); ``doc_cache`` shares parsed docs with the
    history."""
    from tfhub_dataset.gc_pause import gc_paused

    with gc_paused():  # over both steps: the catalog's objects are scanned at most once
        return hub(hub_name).module().release_tables(snapshot, publisher_types, doc_cache)


def build_release(
    pin: Pin,
    source: SnapshotSource,
    out_root: Path,
    *,
    publisher_types: dict[str, PublisherType] | None = None,
    validate: bool = True,
    progress: Progress = stderr_progress,
    derived: DerivedCache | None = None,
    lock_timeout: float = LOCK_TIMEOUT,
    outputs: OutputCache | None = None,
) -> Path:
    """Build one release into ``out_root/<pin.id>`` (staged, validated, then moved into place).

    ``derived`` keeps what the history derives from each month-end snapshot between runs (see
    derived.py); without it every snapshot is fetched and parsed again. ``outputs`` keeps what
    the tables made (Parquet, report, charts, SQLite) and which packages passed validation, by
    the digests of their inputs (package/memo.py): what did not change is not made or validated
    again, and a release folder that already holds the bytes is not rewritten. ``pin.id`` must
    be a safe folder name (refused before anything is fetched or written); another build of the
    same release is waited for ``lock_timeout`` seconds at most.
    """
    from tfhub_dataset.history.series import add_history, build_history
    from tfhub_dataset.package.stage import write_release
    from tfhub_dataset.package.write import render_release

    safe_release_id(pin.id)
    h = hub(pin.hub)
    types = publisher_types if publisher_types is not None else load_publisher_types(h.annotations)
    progress(f"[{pin.id}] snapshot {pin.commit[:12]} ({pin.commit_date})")
    snapshot = source.snapshot(pin.commit)
    if snapshot.commit != pin.commit:
        raise ValueError(f"source gave commit {snapshot.commit}, not {pin.commit}")
    docs: dict = {}
    tables = release_tables(snapshot, types, docs, pin.hub)
    if has_history(source):
        # It reuses the release snapshot and its parsed docs rather than fetching and parsing
        # them again.
        history = build_history(
            source,
            pin.commit,
            pin.as_of,
            types,
            progress,
            derived,
            known=snapshot,
            doc_cache=docs,
            rules=h.module().HISTORY,
        )
        add_history(tables, history)
    community = getattr(h.module(), "COMMUNITY", None)  # the hub's channels and facts
    if community is not None and has_history(source):
        from tfhub_dataset.history.community import add_community

        add_community(
            tables,
            history.tables,
            source,
            community,
            commit=pin.commit,
            annotations_dir=h.annotations_dir,
            imports=h.module().HISTORY.import_commits(),
            progress=progress,
            cache=derived,
        )
    counted = (
        ("versions", "versioned docs"),
        ("entrypoints", "torch.hub.load calls"),
        ("models", "models"),
        ("publishers", "publishers"),
        ("anomalies", "anomalies"),
    )
    progress(
        f"[{pin.id}] parsed "
        + ", ".join(f"{len(tables[t])} {label}" for t, label in counted if t in tables)
    )
    info = release_info(pin, snapshot)
    parquet = None
    if outputs is not None:
        from tfhub_dataset.package.memo import memoized_parquet

        parquet = memoized_parquet(outputs)
    files = render_release(tables, info, h.schema_dir, parquet)
    # What follows reads the written files only: the parsed objects (most of a large hub's
    # memory) are let go before the report, the database and the validating child.
    del tables, docs, snapshot
    if has_history(source):
        del history
    dest = out_root / pin.id
    previous = previous_release(pin, out_root)
    if previous is not None:
        progress(f"[{pin.id}] CHANGES.md compares with {previous[0]}")
    elif (before := earlier_pin(pin)) is not None:
        where = f"{out_root}" + (" nor in the committed releases/" if RELEASES_DIR else "")
        progress(
            f"[{pin.id}] CHANGES.md compares with no release: {before.id}, the release before it, "
            f"is not in {where} (build it first, or copy it there)"
        )
    write_release(
        files,
        dest,
        validate=validate,
        progress=progress,
        # The report, the SQLite database and SHA256SUMS are made from the written tables while
        # the package is validated.
        derived_files=lambda: derived_files(
            files, info, previous[1] if previous else None, outputs
        ),
        lock_timeout=lock_timeout,
        outputs=outputs,
    )
    progress(f"[{pin.id}] written to {dest}")
    return dest


def release_info(pin: Pin, snapshot: Snapshot) -> ReleaseInfo:
    """What the release of ``pin`` says about itself: its commit date from the snapshot, its
    hub's repository, and whether the repository has a LICENSE at the commit."""
    from tfhub_dataset.package.write import ReleaseInfo

    return ReleaseInfo(
        pin.id,
        pin.as_of,
        snapshot.commit,
        snapshot.commit_date,
        repository_url=hub(pin.hub).repository_url,
        version=pin.version,
        released=pin.released,
        hub=pin.hub,
        source_license=snapshot.blob_id("LICENSE") if "LICENSE" in snapshot.files else None,
    )


def derived_files(
    files: dict[str, bytes],
    info: ReleaseInfo,
    previous: dict[str, bytes] | None,
    outputs: OutputCache | None = None,
) -> dict[str, bytes]:
    """Every file made from the tables: the report (README, data dictionary, CHANGES.md,
    CITATION.cff, LICENSE, figures), what it publishes to the field (croissant.json,
    DATASHEET.md, Datasette's metadata.json, zenodo.json), the SQLite database, and SHA256SUMS
    of all the others; with ``outputs``, what the same files, release and previous release
    made before."""
    from tfhub_dataset.package.memo import digest, files_digest
    from tfhub_dataset.package.sqlite import sqlite_bytes
    from tfhub_dataset.package.sums import SUMS_NAME, sha256sums
    from tfhub_dataset.publish import publish_files

    key = ""
    if outputs is not None:
        before = files_digest(previous) if previous is not None else "none"
        key = digest("release-files", repr(info), files_digest(files), before)
        found = outputs.load(key)
        if found is not None:
            return found
    h = hub(info.hub)
    out = h.module().render_report(files, info, previous)
    out.update(publish_files(files, info))
    out[h.sqlite_name] = sqlite_bytes(files)
    out[SUMS_NAME] = sha256sums({**files, **out})
    out = dict(sorted(out.items()))
    if outputs is not None:
        outputs.save(key, out)
    return out


def previous_release(
    pin: Pin, out_root: Path, pins: list[Pin] | None = None
) -> tuple[Path, dict[str, bytes]] | None:
    """The folder and files of the pinned release before ``pin`` (the latest pin of its hub with
    an earlier as-of date): built beside it in ``out_root`` (the build makes pins in as-of
    order), else as committed under releases/; None for the first release or when neither folder
    exists. Only what CHANGES.md reads: datapackage.json, the CSV files and the schemas."""
    prev = earlier_pin(pin, pins)
    return None if prev is None else release_files(prev.id, out_root)


def earlier_pin(pin: Pin, pins: list[Pin] | None = None) -> Pin | None:
    """The latest pin of ``pin``'s hub with an earlier as-of date (None for the first)."""
    earlier = [
        p
        for p in pins or load_pins()
        if p.hub == pin.hub and p.as_of < pin.as_of and p.id != pin.id
    ]
    return max(earlier, key=lambda p: p.as_of) if earlier else None


def release_files(
    release_id: str, out_root: Path, committed: Path | None = RELEASES_DIR
) -> tuple[Path, dict[str, bytes]] | None:
    """A release's folder and tables (datapackage.json, the CSV files and the schemas): as built
    in ``out_root``, else as committed (a checkout's releases/); None when neither holds it."""
    folders = [out_root / release_id] + ([committed / release_id] if committed else [])
    for folder in folders:
        if (folder / "datapackage.json").is_file():
            paths = [
                folder / "datapackage.json",
                *sorted(folder.glob("data/*.csv")),
                *sorted(folder.glob("schemas/*.json")),
            ]
            files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in paths}
            return folder, files
    return None


def comparison_inputs(pins: list[Pin] | None = None) -> list[tuple[str, dict[str, Pin]]]:
    """The releases the comparison sets side by side: for each as-of day that every hub has a
    pin for, those pins ("same day"); then each hub's latest pin ("last commit")."""
    pins = pins if pins is not None else load_pins()
    by_hub = {name: [p for p in pins if p.hub == name] for name in HUBS}
    if not all(by_hub.values()):
        return []
    days = set.intersection(*({p.as_of for p in ps} for ps in by_hub.values()))
    out = [
        (
            f"same day, {day}",
            {name: next(p for p in ps if p.as_of == day) for name, ps in by_hub.items()},
        )
        for day in sorted(days)
    ]
    out.append(("last commit", {n: max(ps, key=lambda p: p.as_of) for n, ps in by_hub.items()}))
    return out


def build_comparison(
    out_root: Path,
    *,
    committed: Path | None = RELEASES_DIR,
    pins: list[Pin] | None = None,
    progress: Progress = stderr_progress,
    lock_timeout: float = LOCK_TIMEOUT,
    outputs: OutputCache | None = None,
    validate: bool = True,
) -> Path | None:
    """Write the comparison of the hubs into ``out_root/comparison`` from the tables of its input
    releases (built in ``out_root``, else committed); None, with a progress line, when one of
    them is in neither folder. With ``outputs``, it is made again only when one of its inputs
    changed (the tables it reads, the code, the curated files), not validated again when the
    same bytes passed before, and not rewritten when the folder already holds it. Without
    ``validate`` (`--no-validate`), it is written without the frictionless validation."""
    from tfhub_dataset.comparison import render_comparison
    from tfhub_dataset.package.stage import write_release

    inputs = comparison_inputs(pins)
    if not inputs:
        return None
    read: dict[str, dict[str, bytes]] = {}
    for _, chosen in inputs:
        for pin in chosen.values():
            if pin.id not in read:
                found = release_files(pin.id, out_root, committed)
                if found is None:
                    progress(f"[{COMPARISON}] not written: release {pin.id} is not built")
                    return None
                read[pin.id] = found[1]
    columns = [(label, {h: p.id for h, p in chosen.items()}) for label, chosen in inputs]
    key, files = "", None
    if outputs is not None:
        from tfhub_dataset.package.memo import digest, files_digest

        key = digest("comparison", repr(columns), *(
            f"{rid}\0{files_digest(read[rid])}" for rid in sorted(read)
        ))  # fmt: skip
        files = outputs.load(key)
        if files is not None:
            progress(f"[{COMPARISON}] its inputs did not change: not made again")
    if files is None:
        files = render_comparison(
            [(label, {h: (rid, read[rid]) for h, rid in ids.items()}) for label, ids in columns]
        )
        if outputs is not None:
            outputs.save(key, files)
    dest = out_root / COMPARISON
    write_release(
        files, dest, validate=validate, progress=progress, lock_timeout=lock_timeout,
        outputs=outputs,
    )  # fmt: skip
    progress(f"[{COMPARISON}] written to {dest}")
    return dest


def root_citation(pins: list[Pin], releases: Path, root: Path) -> bytes:
    """The root CITATION.cff: the citation of the default hub's latest release in ``releases``,
    naming each other hub's latest release."""
    from tfhub_dataset.report.citation import release_url, root_citation_cff
    from tfhub_dataset.report.release_report import info_from_files

    def latest(name: str) -> Pin:
        return max((p for p in pins if p.hub == name), key=lambda p: p.as_of)

    first = latest(DEFAULT_HUB)
    others = []
    for name in HUBS:
        if name == DEFAULT_HUB or not any(p.hub == name for p in pins):
            continue
        pin = latest(name)
        desc = releases / pin.id / "datapackage.json"
        info = info_from_files({"datapackage.json": desc.read_bytes()})
        others.append(
            {
                "title": hub(name).title,
                "release": pin.id,
                "version": info.version,
                "url": release_url(info),
                "repository": info.repository_url,
                "authors": hub(name).rights_holder[:1].upper() + hub(name).rights_holder[1:],
            }
        )
    folder = (releases / first.id).resolve().relative_to(root.resolve()).as_posix()
    return root_citation_cff((releases / first.id / "CITATION.cff").read_bytes(), folder, others)


def root_descriptor(
    release_dir: Path, root: Path | None = None, prefix: str | None = None
) -> bytes:
    """The root datapackage.json: the latest release's descriptor, paths made relative to
    ``root`` (or prefixed with ``prefix``: the folder it would have under the root, for a release
    built elsewhere)."""
    import json

    from tfhub_dataset.package.write import dumps_json

    desc = json.loads((release_dir / "datapackage.json").read_text(encoding="utf-8"))
    if prefix is None:
        if root is None:
            raise ValueError("root_descriptor needs the root folder or the prefix")
        prefix = release_dir.resolve().relative_to(root.resolve()).as_posix()
    for res in desc["resources"]:
        res["path"] = f"{prefix}/{res['path']}"
        res["schema"] = f"{prefix}/{res['schema']}"
    return dumps_json(desc).encode("utf-8")
