"""TF Hub's history rules (history/series.py applies them): how a snapshot is parsed and
counted, which commits imported docs, the doc a path holds by the repository's conventions, and
the model and publisher of a doc (both from its handle).

- docs brought in by the initial imports (:data:`IMPORT_COMMITS`) carry the import's date, not
  their original publication date on tfhub.dev;
- a doc's publisher is the first segment of its handle; a model is a Module or Placeholder
  handle without its version;
- the pre-2020-10-07 folder ``assets/g3doc/`` is read as ``assets/docs/`` (one doc moved, not a
  removal and an addition).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from tfhub_dataset.annotations import PublisherType
from tfhub_dataset.gc_pause import gc_paused
from tfhub_dataset.history.replay import Observed
from tfhub_dataset.history.series import HistoryRules, Parsed
from tfhub_dataset.hubs.tfhub import HUB, is_data_path
from tfhub_dataset.hubs.tfhub.catalog import DocCache, build_catalog
from tfhub_dataset.hubs.tfhub.docs import MODEL_KINDS
from tfhub_dataset.hubs.tfhub.tables import build_tables
from tfhub_dataset.hubs.tfhub.tags import DOMAINS
from tfhub_dataset.sources.snapshot import Snapshot

Row = dict[str, Any]
VARIANT_SEGMENTS = {"lite": "Lite", "tfjs": "Tfjs", "coral": "Coral"}

# Commits that imported docs published on tfhub.dev before this repository existed: their docs'
# first_seen is the import's date, not the date they were first published.
IMPORT_COMMITS = {
    "e6bdf7372c74fee3c15882f98c36dfaa9ea31acb": (
        "2020-08-26: initial import of the docs kept in Google's repository (assets/g3doc/)"
    ),
    "ef73bcb41e7d95f2ef3e2e6873ff4716b87323fd": (
        "2020-10-07: community publishers' docs moved from https://github.com/tensorflow/hub"
    ),
}

def parse_snapshot(
    snapshot: Snapshot,
    publisher_types: dict[str, PublisherType],
    doc_cache: DocCache | None = None,
) -> Parsed:
    """One snapshot through the release parser: its doc handles and the snapshots row counts."""
    with gc_paused():  # over both steps: the catalog's objects are scanned at most once
        cat = build_catalog(snapshot, doc_cache)
        docs: dict[str, Observed] = {d.path: (d.kind, d.handle) for d in cat.docs}
        t = build_tables(cat, publisher_types)
    types = Counter(r["type"] for r in t["publishers"])
    kinds = Counter(r["kind"] for r in t["versions"])
    domains = Counter(
        "none" if r["domain"] is None else r["domain"] if r["domain"] in DOMAINS else "other"
        for r in t["models"]
    )
    counts: Row = {
        "publishers": len(t["publishers"]),
        "publishers_with_models": sum(1 for r in t["publishers"] if r["model_count"] > 0),
        "publishers_individual": types["individual"],
        "publishers_organization": types["organization"],
        "publishers_unannotated": types["unannotated"],
        "models": len(t["models"]),
        "versions": len(t["versions"]),
        "modules": kinds["Module"],
        "placeholders": kinds["Placeholder"],
        "lite": kinds["Lite"],
        "tfjs": kinds["Tfjs"],
        "coral": kinds["Coral"],
        "collections": len(t["collections"]),
        **{f"models_{d}": domains[d] for d in (*DOMAINS, "other", "none")},
    }
    kaggle = {r["handle"]: r["kaggle_status"] for r in t["models"]}
    return Parsed(snapshot.commit, frozenset(snapshot.files), docs, counts, kaggle)


def normalized_path(path: str) -> str:
    """A doc's path with the pre-2020-10-07 folder assets/g3doc/ read as assets/docs/."""
    return (
        "assets/docs/" + path[len("assets/g3doc/") :] if path.startswith("assets/g3doc/") else path
    )


def doc_from_path(path: str) -> Observed:
    """TF Hub: the doc a Markdown file under assets/ would hold by the repository's conventions
    (:func:`handle_from_path`); (None, None) for any other path."""
    if path.startswith("assets/") and path.endswith(".md"):
        return handle_from_path(path)
    return None, None


def handle_from_path(path: str) -> Observed:
    """(kind, handle) a doc at ``path`` would have by the repository's conventions.

    ``assets/docs/<p>/<p>.md`` is Publisher ``<p>``; ``<p>/collections/<name>/<v>.md`` a Collection;
    otherwise a Module ``<p>/<name>/<v>`` (a ``models/`` segment after the publisher dropped), or a
    Lite/Tfjs/Coral doc when the folder holding the version file is ``lite``/``tfjs``/``coral``
    (that folder dropped from the handle). Placeholders cannot be told from Modules by path.
    """
    parts = path.split("/")[2:]
    if len(parts) < 2 or not parts[-1].endswith(".md"):
        return None, None
    parts[-1] = parts[-1][: -len(".md")]
    pub, rest = parts[0], parts[1:]
    if rest == [pub]:
        return "Publisher", pub
    if rest[0] == "collections" and len(rest) > 1:
        return "Collection", "/".join([pub, *rest[1:]])
    if rest[0] == "models" and len(rest) > 1:
        rest = rest[1:]
    kind = "Module"
    if len(rest) >= 3 and rest[-2] in VARIANT_SEGMENTS:
        kind = VARIANT_SEGMENTS[rest[-2]]
        rest = [*rest[:-2], rest[-1]]
    return kind, "/".join([pub, *rest])


def _model_of(kind: str, handle: str) -> str | None:
    base, _, version = handle.rpartition("/")
    return base if kind in MODEL_KINDS and base and version.isdigit() else None


def _publisher_from_handle(kind: str, handle: str) -> str | None:
    return handle.split("/", 1)[0]


# ``import_commits`` reads IMPORT_COMMITS when called (tests replace it).
HISTORY = HistoryRules(
    hub=HUB.name,
    parse=parse_snapshot,
    data_path=is_data_path,
    normalized=normalized_path,
    path_doc=doc_from_path,
    model_of=_model_of,
    publisher_of=_publisher_from_handle,
    import_commits=lambda: IMPORT_COMMITS,
    schema_dir=HUB.schema_dir,
    incremental=lambda types, doc_cache: _incremental(types, doc_cache),
)


def _incremental(publisher_types: dict[str, PublisherType], doc_cache: Any) -> Any:
    from tfhub_dataset.hubs.tfhub.counts import TFHubCounts  # imports this module's neighbours

    return TFHubCounts(publisher_types, doc_cache)
