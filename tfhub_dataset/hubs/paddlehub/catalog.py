"""Snapshot -> Catalog: every module.py and README of the catalogue parsed, modules by name.

The Catalog is what one commit of PaddleHub said, before any counting convention is applied.
Each distinct file version is parsed once for the whole history: parses depend on the bytes only
and are kept by git blob id (:data:`ParseCache`), so a file the 2021 move left unchanged is not
parsed (nor read) again at its new path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from tfhub_dataset.gc_pause import gc_paused
from tfhub_dataset.hubs.paddlehub import (
    DEMO,
    MODULE_FILE,
    README,
    README_EN,
    THIRDPARTY,
    catalogue_parts,
    file_role,
    is_catalogue_file,
)
from tfhub_dataset.hubs.paddlehub.anomaly import Anomaly
from tfhub_dataset.hubs.paddlehub.moduleinfo import ModuleInfo, parse_module
from tfhub_dataset.hubs.paddlehub.readme import Readme, parse_readme
from tfhub_dataset.sources.snapshot import MAX_FILE_BYTES, Snapshot

# What `hub install <name>` takes: letters, digits, '_', '-', '.'.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")
# Parses by (what was parsed, git blob id): ("module", id) -> ModuleInfo, ("readme", id) -> Readme.
ParseCache = dict[tuple[str, str], object]


@dataclass(frozen=True)
class Place:
    """Where a module folder sits in the catalogue."""

    root: str  # modules/, hub_module/modules/, hubmodule/modules/
    thirdparty: bool  # under modules/thirdparty/
    domain: str  # the folder below the root: image, text, audio, video, demo
    task: str | None  # the folder below the domain (None for the demo)
    group: str | None  # folders between the task and the module's own folder
    folder_name: str  # the module's own folder


@lru_cache(maxsize=1 << 16)  # each path of the catalogue, in every snapshot of the history
def place_of(path: str) -> Place | None:
    """The Place of the folder holding a catalogue file; None for any other path."""
    found = catalogue_parts(path)
    if found is None or not is_catalogue_file(path):
        return None
    root, parts = found
    thirdparty = parts[0] == THIRDPARTY
    parts = parts[1:] if thirdparty else parts
    folders = parts[:-1]
    domain = folders[0]
    if domain == DEMO or len(folders) < 3:
        return Place(root, thirdparty, domain, None, "/".join(folders[1:-1]) or None, folders[-1])
    return Place(root, thirdparty, domain, folders[1], "/".join(folders[2:-1]) or None, folders[-1])


@dataclass(frozen=True)
class Module:
    path: str  # of its module.py
    blob: str
    place: Place
    info: ModuleInfo
    readme_path: str | None = None
    readme: Readme | None = None
    readme_en_path: str | None = None
    readme_en: Readme | None = None
    readme_blob: str | None = None
    readme_en_blob: str | None = None

    @property
    def folder(self) -> str:
        return self.path.rpartition("/")[0]

    @property
    def handle(self) -> str:
        assert self.info.name is not None
        return self.info.name.strip()


@dataclass
class Catalog:
    commit: str
    commit_date: str
    modules: dict[str, Module]  # by name: the models
    others: list[Module] = field(default_factory=list)  # module.py files that are no module
    readme_only: list[str] = field(default_factory=list)  # folders with a README, no module.py
    paths: list[str] = field(default_factory=list)  # every catalogue file, sorted
    anomalies: list[Anomaly] = field(default_factory=list)
    license_blob: str | None = None


def build_catalog(snapshot: Snapshot, cache: ParseCache | None = None) -> Catalog:
    """Parse a snapshot. Pure: the same snapshot always gives the same catalog.

    ``cache`` memoises parses by blob id across the snapshots of one run; parses are never
    modified after they are made."""
    with gc_paused():
        return _build(snapshot, {} if cache is None else cache)


def _parsed(snapshot: Snapshot, path: str, what: str, cache: ParseCache) -> object | None:
    key = (what, snapshot.blob_id(path))
    hit = cache.get(key)
    if hit is None:
        data = snapshot.files[path]
        if len(data) > MAX_FILE_BYTES:  # a source that does not leave such files out itself
            return None
        hit = parse_module(data) if what == "module" else parse_readme(data)
        cache[key] = hit
    return hit


def _build(snapshot: Snapshot, cache: ParseCache) -> Catalog:
    cat = Catalog(snapshot.commit, snapshot.commit_date, {})
    if "LICENSE" in snapshot.files:
        cat.license_blob = snapshot.blob_id("LICENSE")
    for path, size in sorted(snapshot.oversized.items()):
        cat.anomalies.append(Anomaly(path, None, "file-too-large", f"{size:,} bytes; not parsed"))
    by_folder: dict[str, dict[str, str]] = {}  # folder -> file role -> path
    for path in sorted(snapshot.files):
        if is_catalogue_file(path):
            cat.paths.append(path)
            folder, _, name = path.rpartition("/")
            role = file_role(name)
            assert role is not None
            names = by_folder.setdefault(folder, {})
            # README.md before readme.md: sorted paths put upper case first
            names.setdefault(role, path)
    module_folders = {f for f, names in by_folder.items() if MODULE_FILE in names}
    # Every folder holding a module folder below it: one set per snapshot, not a scan of the
    # module folders for each README-only folder.
    above = {f.rsplit("/", n)[0] for f in module_folders for n in range(1, f.count("/") + 1)}
    for folder in sorted(by_folder):
        names = by_folder[folder]
        if MODULE_FILE in names:
            _module(snapshot, names, cat, cache)
        elif README in names or README_EN in names:
            _readme_only(folder, names, module_folders, above, cat)
    return cat


def _module(snapshot: Snapshot, names: dict[str, str], cat: Catalog, cache: ParseCache) -> None:
    path = names[MODULE_FILE]
    place = place_of(path)
    assert place is not None
    info = _parsed(snapshot, path, "module", cache)
    if not isinstance(info, ModuleInfo):  # over the size bound
        cat.anomalies.append(Anomaly(path, None, "file-too-large", "not parsed"))
        return
    docs: dict[str, tuple[str | None, Readme | None]] = {}
    for key in (README, README_EN):
        doc_path = names.get(key)
        doc = _parsed(snapshot, doc_path, "readme", cache) if doc_path else None
        if doc_path and not isinstance(doc, Readme):
            cat.anomalies.append(Anomaly(doc_path, None, "file-too-large", "not parsed"))
        docs[key] = (doc_path, doc if isinstance(doc, Readme) else None)
    module = Module(
        path,
        snapshot.blob_id(path),
        place,
        info,
        readme_path=docs[README][0],
        readme=docs[README][1],
        readme_en_path=docs[README_EN][0],
        readme_en=docs[README_EN][1],
        readme_blob=_blob(snapshot, docs[README]),
        readme_en_blob=_blob(snapshot, docs[README_EN]),
    )
    name = (info.name or "").strip() or None
    handle = name if name and NAME.fullmatch(name) else None
    cat.anomalies += [
        Anomaly(path, line, kind, detail, handle) for line, kind, detail in info.notes
    ]
    for doc_path, doc in docs.values():
        if doc_path and doc:
            cat.anomalies += [
                Anomaly(doc_path, line, kind, detail, handle) for line, kind, detail in doc.notes
            ]
    if not info.found:
        cat.others.append(module)
        return
    if name is None:
        cat.others.append(module)  # missing-argument (or empty-value) says why
        return
    if handle is None:
        cat.anomalies.append(Anomaly(path, info.line, "invalid-name", f"{name[:80]!r}"))
        cat.others.append(module)
        return
    if handle in cat.modules:
        first = cat.modules[handle].path
        cat.anomalies.append(
            Anomaly(path, info.line, "duplicate-module-name", f"also in {first}", handle)
        )
        cat.others.append(module)
        return
    cat.modules[handle] = module
    if _folded(handle) != _folded(place.folder_name):
        detail = f"name {handle!r} in folder {place.folder_name!r}"
        cat.anomalies.append(Anomaly(path, info.line, "name-folder-mismatch", detail, handle))
    if module.readme_path is None:
        cat.anomalies.append(
            Anomaly(module.folder + "/README.md", None, "missing-readme", "no README.md", handle)
        )
    history = module.readme.history if module.readme else ()
    version = (info.version or "").strip()
    if history and version and version not in history:
        cat.anomalies.append(
            Anomaly(
                module.readme_path or path,
                None,
                "version-not-in-readme",
                f"module.py says {version[:40]!r}; the README lists {', '.join(history[:8])}",
                handle,
            )
        )


def _blob(snapshot: Snapshot, doc: tuple[str | None, Readme | None]) -> str | None:
    """The blob id of a parsed README; None for none (absent, or over the size bound)."""
    path, parsed = doc
    return snapshot.blob_id(path) if path and parsed else None


def _folded(name: str) -> str:
    return name.lower().replace("-", "_")


def _readme_only(
    folder: str, names: dict[str, str], module_folders: set[str], above: set[str], cat: Catalog
) -> None:
    """A folder with a README and no module.py: a module documented without its code, unless it
    is a task or group folder, or a folder inside a module. ``above``: the folders holding a
    module folder."""
    path = names.get(README) or names[README_EN]
    place = place_of(path)
    assert place is not None
    if place.domain != DEMO and place.task is None:
        return  # <domain>/<task>/README.md: an index of the task
    if folder in above:
        return  # a group of modules (PANNs/)
    parts = folder.split("/")
    if any("/".join(parts[:n]) in module_folders for n in range(1, len(parts))):
        return  # inside a module's folder
    cat.readme_only.append(folder)
    cat.anomalies.append(
        Anomaly(path, None, "readme-without-module", f"no module.py in {folder}", None)
    )
