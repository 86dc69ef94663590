"""Snapshot -> Catalog: every doc parsed, handles made unique, vocabularies read.

The Catalog is what one commit of tfhub.dev said, before any counting convention is applied.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field

from tfhub_dataset.gc_pause import gc_paused
from tfhub_dataset.hubs.tfhub.anomaly import Anomaly
from tfhub_dataset.hubs.tfhub.docs import MODEL_KINDS, VARIANT_KINDS, Doc, parse_doc
from tfhub_dataset.hubs.tfhub.tags import TAG_FILES, Vocabularies, parse_vocabularies
from tfhub_dataset.hubs.tfhub.text import decode_text
from tfhub_dataset.sources.snapshot import MAX_FILE_BYTES, Snapshot

DELETED_ITEM = re.compile(r"^\s*[-*]\s+\[([^\]]+)\]\(([^)]+)\)")


@dataclass
class Catalog:
    commit: str
    commit_date: str
    docs: list[Doc]  # every doc under assets/, by path
    publishers: dict[str, Doc] = field(default_factory=dict)
    # Module/Placeholder/Lite/Tfjs/Coral docs by (kind, handle): a Lite doc often carries the very
    # handle of its parent Module (tfhub.dev served it at the same URL with ?lite-format=tflite).
    versions: dict[tuple[str, str], Doc] = field(default_factory=dict)
    collections: dict[str, Doc] = field(default_factory=dict)
    vocab: Vocabularies = field(default_factory=Vocabularies)
    moved_to_kaggle: bool = False
    deleted_models: list[str] = field(default_factory=list)  # README's list of deleted assets
    anomalies: list[Anomaly] = field(default_factory=list)  # beyond those on docs

    def all_anomalies(self) -> list[Anomaly]:
        out = list(self.anomalies) + list(self.vocab.anomalies)
        for d in self.docs:
            out.extend(d.anomalies)
        return out


# Parsed docs by (path, git blob id): a doc's parse depends on its path and bytes only.
DocCache = dict[tuple[str, str], Doc]


def build_catalog(snapshot: Snapshot, doc_cache: DocCache | None = None) -> Catalog:
    """Parse a snapshot. Pure: the same snapshot always gives the same catalog.

    ``doc_cache`` memoises parsed docs by (path, blob id) across snapshots of one run, so each
    distinct file version of the whole history is parsed once (most docs do not change from one
    month to the next) and its bytes are not even read again; docs are never modified after
    parsing.
    """
    with gc_paused():
        return _build_catalog(snapshot, doc_cache)


def _build_catalog(snapshot: Snapshot, doc_cache: DocCache | None) -> Catalog:
    paths = sorted(p for p in snapshot.files if p.startswith("assets/"))
    docs = []
    cat = Catalog(snapshot.commit, snapshot.commit_date, docs)
    for path, size in sorted(snapshot.oversized.items()):
        cat.anomalies.append(_too_large(path, size))
    for path in sorted(snapshot.escaped):
        cat.anomalies.append(_escaped_name(path))
    read_many = getattr(snapshot.files, "read_many", None)  # a source that reads many at once
    read: dict[str, bytes] = {}
    for n, path in enumerate(paths):
        if read_many is not None and n % READ_CHUNK == 0:
            read = read_many(_unparsed(snapshot, paths[n : n + READ_CHUNK], doc_cache))
        if not path.endswith(".md"):
            cat.anomalies.append(Anomaly(path, None, "stray-file", "not a Markdown doc; ignored"))
            continue
        key = (path, snapshot.blob_id(path)) if doc_cache is not None else None
        doc = doc_cache.get(key) if doc_cache is not None and key is not None else None
        if doc is None:
            data = read[path] if path in read else snapshot.files[path]
            if len(data) > MAX_FILE_BYTES:  # a source that does not leave such files out itself
                cat.anomalies.append(_too_large(path, len(data)))
                continue
            doc = parse_doc(path, data)
            if doc_cache is not None and key is not None:
                doc_cache[key] = doc
        docs.append(doc)
    for doc in docs:
        if doc.kind is None:
            continue
        assert doc.handle is not None
        table: dict = cat.versions
        key: str | tuple[str, str] = (doc.kind, doc.handle)
        if doc.kind == "Publisher":
            table, key = cat.publishers, doc.handle
        elif doc.kind == "Collection":
            table, key = cat.collections, doc.handle
        if key in table:
            detail = f"{doc.kind} {doc.handle!r} is also in {table[key].path}"
            cat.anomalies.append(Anomaly(doc.path, 1, "duplicate-handle", detail, doc.handle))
            continue
        table[key] = doc
    cat.vocab = vocabularies_of(snapshot)
    if "README.md" in snapshot.files:
        _read_readme(cat, snapshot.files["README.md"])
    return cat


# The tag files change a few times in a hub's history, so the snapshots of one process (every
# month of a history, the releases of one run) mostly share a version: each is read once, by the
# blob ids of the files, as the history's counts do (counts.py), and shared read-only. The last
# VOCABULARIES_KEPT versions are kept.
VOCABULARIES_KEPT = 16
_vocabularies: OrderedDict[tuple[str | None, ...], Vocabularies] = OrderedDict()


def vocabularies_of(snapshot: Snapshot) -> Vocabularies:
    """parse_vocabularies of the snapshot's tag files, read once per version of them."""
    paths = [p for p in TAG_FILES.values() if p in snapshot.files]
    key = tuple(snapshot.blob_id(p) if p in paths else None for p in TAG_FILES.values())
    vocab = _vocabularies.get(key)
    if vocab is None:
        vocab = _vocabularies[key] = parse_vocabularies({p: snapshot.files[p] for p in paths})
        while len(_vocabularies) > VOCABULARIES_KEPT:
            _vocabularies.popitem(last=False)
    else:
        _vocabularies.move_to_end(key)
    return vocab


def _escaped_name(path: str) -> Anomaly:
    return Anomaly(path, None, "invalid-utf8", "the file name is not UTF-8 (bytes written \\xNN)")


READ_CHUNK = 2000  # docs read in one go (git), then parsed: bounded memory


def _unparsed(snapshot: Snapshot, paths: list[str], doc_cache: DocCache | None) -> list[str]:
    """The docs among ``paths`` that the cache does not hold parsed."""
    return [
        p
        for p in paths
        if p.endswith(".md") and (doc_cache is None or (p, snapshot.blob_id(p)) not in doc_cache)
    ]


def _too_large(path: str, size: int) -> Anomaly:
    return Anomaly(path, None, "file-too-large", f"{size:,} bytes; not parsed")


def _read_readme(cat: Catalog, data: bytes) -> None:
    """The final README says TF Hub moved to Kaggle Models and lists the assets deleted."""
    text, _ = decode_text("README.md", data)
    first = text.split("\n", 1)[0]
    cat.moved_to_kaggle = "moved to" in first.lower() and "kaggle" in first.lower()
    if not cat.moved_to_kaggle:
        return
    in_list = False
    for line in text.split("\n"):
        if "unmigrated" in line.lower() and "deleted" in line.lower():
            in_list = True
            continue
        m = DELETED_ITEM.match(line)
        if in_list and m:
            cat.deleted_models.append(m.group(1).strip())
        elif in_list and cat.deleted_models and line.strip():
            break


def model_docs(cat: Catalog) -> dict[str, list[Doc]]:
    """Module and Placeholder docs grouped by model handle (handle without version)."""
    out: dict[str, list[Doc]] = {}
    for doc in cat.versions.values():
        if doc.kind in MODEL_KINDS:
            assert doc.base is not None
            out.setdefault(doc.base, []).append(doc)
    for docs in out.values():
        docs.sort(key=lambda d: d.version or 0)
    return out


def variant_docs(cat: Catalog) -> list[Doc]:
    return [d for d in cat.versions.values() if d.kind in VARIANT_KINDS]
