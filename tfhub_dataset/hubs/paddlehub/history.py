"""PaddleHub's rules for the shared history (history/): which doc each data path holds, the
module each doc belongs to, and what the module_versions table keeps of each parsed snapshot.

Docs are keyed by the module's name, whatever folder holds them: a module's module.py is the doc
(``Module``, name), its README.md (``Readme``, name), its README_en.md (``ReadmeEn``, name). So
the moves of the catalogue (hubmodule/ to hub_module/ on 2020-04-26, hub_module/modules/ to
modules/ on 2021-06-01, modules/thirdparty/ into modules/ on 2021-09-24) are moves of the same
docs, not new modules. A file no parsed snapshot saw (a commit of a merged side branch) is named
by its folder (:func:`doc_from_path`), as the hub's own convention asks (the folder is named
after the module, with exceptions the anomalies list).
"""

from __future__ import annotations

from typing import Any

from tfhub_dataset.annotations import PublisherType
from tfhub_dataset.history.series import Parsed
from tfhub_dataset.hubs.paddlehub import (
    MODULE_FILE,
    README,
    README_EN,
    THIRDPARTY,
    catalogue_parts,
    file_role,
)
from tfhub_dataset.hubs.paddlehub.annotations import Curation, default_curation
from tfhub_dataset.hubs.paddlehub.catalog import Catalog, ParseCache, build_catalog, place_of
from tfhub_dataset.hubs.paddlehub.tables import history_view
from tfhub_dataset.hubs.paddlehub.versions import module_versions
from tfhub_dataset.sources.snapshot import Snapshot

KINDS = {MODULE_FILE: "Module", README: "Readme", README_EN: "ReadmeEn"}
Observed = tuple[str | None, str | None]  # (kind, handle); (None, None): no module's doc


def observed(cat: Catalog) -> dict[str, Observed]:
    """Each catalogue file of a parsed snapshot -> (kind, module name) as parsed; (None, None)
    for files of no module (README-only folders, task or group READMEs, READMEs inside a
    module's sub-folders, a module.py without @moduleinfo). A second module.py declaring a name
    (duplicate-module-name) holds the same doc."""
    out: dict[str, Observed] = dict.fromkeys(cat.paths, (None, None))
    for module in (*cat.modules.values(), *cat.others):
        name = (module.info.name or "").strip() if module.info.found else ""
        if name not in cat.modules:
            continue
        for path in (module.path, module.readme_path, module.readme_en_path):
            role = file_role(path.rpartition("/")[2]) if path else None
            if path and role:
                out[path] = (KINDS[role], name)
    return out


def doc_from_path(path: str) -> Observed:
    """The doc a catalogue file would hold by the hub's convention: its folder's name as the
    module's; (None, None) for any other path."""
    place = place_of(path)
    role = file_role(path.rpartition("/")[2])
    if place is None or role is None:
        return None, None
    return KINDS[role], place.folder_name


def model_of(kind: str, handle: str) -> str | None:
    """Every doc of a module belongs to it."""
    return handle if kind in KINDS.values() else None


def module_states(cat: Catalog) -> dict[str, tuple[str | None, str]]:
    """What module_versions keeps of a snapshot: module name -> (declared version, path)."""
    return {
        name: ((m.info.version or "").strip() or None, m.path) for name, m in cat.modules.items()
    }


def normalized_path(path: str) -> str:
    """A catalogue file's path below its root (and below thirdparty/): the paths the moves of
    the catalogue kept count as one."""
    found = catalogue_parts(path)
    if found is None:
        return path
    _, parts = found
    return "/".join(parts[1:] if parts[0] == THIRDPARTY else parts)


def parse_snapshot(
    snapshot: Snapshot,
    publisher_types: dict[str, PublisherType],
    cache: ParseCache | None = None,
    curation: Curation | None = None,
) -> Parsed:
    """One snapshot as the release parser reads it: its docs, the snapshots row counts, each
    module's publishers (the first, and all it credits), and each module's declared version
    (``extra``, for module_versions). The counts and publishers are what build_tables would say,
    made without the tables' rows (tables.history_view)."""
    cat = build_catalog(snapshot, cache)
    cur = curation or default_curation()
    counts, publishers, credits = history_view(cat, publisher_types, cur, _summaries(cache, cur))
    extra = {"modules": {name: list(state) for name, state in module_states(cat).items()}}
    return Parsed(
        snapshot.commit,
        frozenset(snapshot.files),
        observed(cat),
        counts,
        {},
        publishers,
        credits=credits,
        extra=extra,
    )


def _summaries(cache: ParseCache | None, curation: Curation) -> dict | None:
    """The module summaries of history_view kept in the run's parse cache, one memo for each
    curation (the cache holds the curation too, so its id names no other one meanwhile)."""
    if cache is None:
        return None
    key = ("module-summaries", str(id(curation)))
    entry = cache.get(key)
    if not (isinstance(entry, tuple) and entry[0] is curation):
        entry = (curation, {})
        cache[key] = entry
    return entry[1]


def history_tables(seen: list[tuple[str, str, dict[str, Any]]]) -> dict[str, list[dict]]:
    """The hub's own history table, module_versions, from what parse_snapshot kept of every
    parsed commit of the line (oldest first)."""
    observations = [
        (sha, date, {name: (v, path) for name, (v, path) in extra.get("modules", {}).items()})
        for sha, date, extra in seen
    ]
    return {"module_versions": module_versions(observations)}
