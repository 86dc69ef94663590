"""TF Hub's incremental parse for the history (history/series.py, ``IncrementalParse``): each
month-end snapshot's counts made from the previous snapshot's and the files that changed since,
not from every table of the snapshot.

It keeps, for every doc path, the few facts the counts read (kind, handle, model, version,
publisher, task values) and, per (kind, handle), the paths holding it (the first by path is the
one the catalog keeps, catalog.py). A changed doc updates its (kind, handle) and its model; a
changed vocabulary file re-reads the vocabularies (once per distinct set of tag files) and
recomputes every model's domain. The conventions are those of tables.py (models, versions,
collections, publishers, a model's domain from its latest version's tasks): the full parse
(history.parse_snapshot) stays the reference, and a test compares the two on every month-end
snapshot of the real history.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, NamedTuple

from tfhub_dataset.annotations import PublisherType
from tfhub_dataset.history.replay import Observed
from tfhub_dataset.history.series import Parsed
from tfhub_dataset.hubs.tfhub.catalog import Catalog, DocCache, _read_readme, vocabularies_of
from tfhub_dataset.hubs.tfhub.docs import MODEL_KINDS, Doc, parse_doc
from tfhub_dataset.hubs.tfhub.tables import task_domains
from tfhub_dataset.hubs.tfhub.tags import DOMAINS, TAG_FILES, parse_vocabularies
from tfhub_dataset.hubs.tfhub.tags import resolve as resolve_tag
from tfhub_dataset.sources.snapshot import MAX_FILE_BYTES, Snapshot

VERSION_KINDS = ("Module", "Placeholder", "Lite", "Tfjs", "Coral")
TAG_PATHS = frozenset(TAG_FILES.values())
DOMAIN_BUCKETS = (*DOMAINS, "other", "none")
CHUNK = 2000  # changed docs read in one go


class Facts(NamedTuple):
    """What the counts read of one doc (a parsed Doc is dropped once these are taken)."""

    kind: str | None
    handle: str | None
    base: str | None
    version: int | None
    publisher: str | None
    tasks: tuple[str, ...]  # the raw values of its task metadata, in order
    observed: Observed  # (kind, handle), one tuple shared by every snapshot that holds it


def facts_of(doc: Doc) -> Facts:
    tasks = tuple(mv.value for mv in doc.values("task"))
    return Facts(
        doc.kind, doc.handle, doc.base, doc.version, doc.publisher, tasks, (doc.kind, doc.handle)
    )


class TFHubCounts:
    """The state of the counts along the first-parent line (``advance`` one snapshot at a
    time, oldest first)."""

    def __init__(
        self, publisher_types: dict[str, PublisherType], doc_cache: DocCache | None = None
    ) -> None:
        self.types = publisher_types
        # Facts by (path, blob id), shared like the parsed docs (a Doc from the release's own
        # parse is used where there is one).
        self.doc_cache: dict[Any, Any] = {} if doc_cache is None else doc_cache
        self.facts: dict[str, Facts] = {}  # doc path -> its facts
        self.holders: dict[tuple[str, str], set[str]] = {}  # (kind, handle) -> paths
        self.models: dict[str, set[tuple[str, str]]] = {}  # model -> its version keys
        self.kinds: Counter[str] = Counter()  # versioned kind -> (kind, handle)s held
        self.collections = 0
        self.publisher_refs: Counter[str] = Counter()  # publisher -> rows naming it
        self.model_publishers: Counter[str] = Counter()  # publisher -> its models
        self.domain: dict[str, str] = {}  # model -> its domain bucket
        self.domains: Counter[str] = Counter()
        self.vocab = parse_vocabularies({})
        self.tag_ids: tuple[str | None, ...] = (None,) * len(TAG_FILES)
        self.kaggle_readme: tuple[bool, frozenset[str]] = (False, frozenset())
        self._read: dict[str, bytes] = {}  # the docs read in one go for this snapshot
        self._names: dict[str, str] = {}  # one string per path for the whole history (memory)

    # -- one snapshot ---------------------------------------------------------------------

    def advance(self, snapshot: Snapshot, changed: Mapping[str, str | None]) -> Parsed:
        """The Parsed of ``snapshot``; ``changed`` maps each path whose blob differs from the
        previous snapshot advanced (every path, the first time) to its blob id (None: gone)."""
        dirty: set[str] = set()  # models whose domain may have changed
        docs = sorted(p for p in changed if p.startswith("assets/") and p.endswith(".md"))
        for start in range(0, len(docs), CHUNK):  # read in chunks: bounded memory
            chunk = docs[start : start + CHUNK]
            self._prefetch(snapshot, [p for p in chunk if changed[p] is not None])
            for path in chunk:
                blob = changed[path]
                self._drop(path, dirty)
                if blob is not None:
                    self._add(path, self._facts(snapshot, path, blob), dirty)
            self._read = {}
        if TAG_PATHS & changed.keys():
            self._read_vocabularies(snapshot)
            dirty = set(self.models)
        if "README.md" in changed:
            self._read_readme(snapshot)
        for model in dirty:
            self._set_domain(model)
        return self._parsed(snapshot)

    def _prefetch(self, snapshot: Snapshot, paths: list[str]) -> None:
        """Read the changed docs not parsed before in one go, where the source can (git)."""
        read_many = getattr(snapshot.files, "read_many", None)
        missing = [
            p
            for p in paths
            if ("counts", p, snapshot.blob_id(p)) not in self.doc_cache
            and (p, snapshot.blob_id(p)) not in self.doc_cache
        ]
        self._read = read_many(missing) if read_many is not None and missing else {}

    def _facts(self, snapshot: Snapshot, path: str, blob: str) -> Facts | None:
        key = ("counts", path, blob)
        found = self.doc_cache.get(key)
        if found is None:
            doc = self.doc_cache.get((path, blob))  # parsed by the release's own parse
            if doc is not None:
                found = facts_of(doc)
            else:
                data = self._read.get(path)
                if data is None:
                    data = snapshot.files[path]
                if len(data) > MAX_FILE_BYTES:  # the catalog leaves it out (an anomaly)
                    return None
                found = facts_of(parse_doc(path, data))
            self.doc_cache[key] = found
        return found

    # -- docs -----------------------------------------------------------------------------

    def _key(self, f: Facts) -> tuple[str, str] | None:
        return (f.kind, f.handle) if f.kind is not None and f.handle is not None else None

    def _drop(self, path: str, dirty: set[str]) -> None:
        f = self.facts.get(path)
        if f is None:
            return
        key = self._key(f)
        if key is None:
            del self.facts[path]
            return
        before = self._winner(key)
        paths = self.holders[key]
        paths.discard(path)
        del self.facts[path]
        if not paths:
            del self.holders[key]
            self._unheld(key, before, dirty)
        else:
            self._rewin(key, before, dirty)

    def _add(self, path: str, f: Facts | None, dirty: set[str]) -> None:
        if f is None:
            return
        path = self._names.setdefault(path, path)
        self.facts[path] = f
        key = self._key(f)
        if key is None:
            return
        paths = self.holders.get(key)
        if paths is None:
            self.holders[key] = {path}
            self._held(key, dirty)
            return
        before = self._winner(key)
        paths.add(path)
        self._rewin(key, before, dirty)

    def _winner(self, key: tuple[str, str]) -> Facts:
        """The facts of the doc the catalog keeps for ``key``: the first of its paths."""
        return self.facts[min(self.holders[key])]

    def _held(self, key: tuple[str, str], dirty: set[str]) -> None:
        """``key`` is held by a file again: count it."""
        f = self._winner(key)
        kind = key[0]
        if kind == "Publisher":
            self.publisher_refs[key[1]] += 1
            return
        self.publisher_refs[f.publisher or ""] += 1  # versions' and collections' publisher
        if kind == "Collection":
            self.collections += 1
            return
        if kind in VERSION_KINDS:
            self.kinds[kind] += 1
        if kind in MODEL_KINDS and f.base is not None:
            members = self.models.setdefault(f.base, set())
            if not members:
                self.publisher_refs[f.base.split("/", 1)[0]] += 1
                self.model_publishers[f.base.split("/", 1)[0]] += 1
            members.add(key)
            dirty.add(f.base)

    def _unheld(self, key: tuple[str, str], was: Facts, dirty: set[str]) -> None:
        """No file holds ``key`` any more (``was``: the facts of the last one)."""
        kind = key[0]
        if kind == "Publisher":
            self.publisher_refs[key[1]] -= 1
            return
        self.publisher_refs[was.publisher or ""] -= 1
        if kind == "Collection":
            self.collections -= 1
            return
        if kind in VERSION_KINDS:
            self.kinds[kind] -= 1
        if kind in MODEL_KINDS and was.base is not None:
            members = self.models[was.base]
            members.discard(key)
            if not members:
                del self.models[was.base]
                self.publisher_refs[was.base.split("/", 1)[0]] -= 1
                self.model_publishers[was.base.split("/", 1)[0]] -= 1
                old = self.domain.pop(was.base, None)  # None: counted in this very snapshot
                if old is not None:
                    self.domains[old] -= 1
                dirty.discard(was.base)
            else:
                dirty.add(was.base)

    def _rewin(self, key: tuple[str, str], before: Facts, dirty: set[str]) -> None:
        """Another path of ``key`` may now be the one kept: move what it counts."""
        self._unheld(key, before, dirty)
        self._held(key, dirty)

    # -- vocabularies, README, domains -----------------------------------------------------

    def _read_vocabularies(self, snapshot: Snapshot) -> None:
        ids = tuple(
            snapshot.blob_id(p) if p in snapshot.files else None for p in TAG_FILES.values()
        )
        if ids != self.tag_ids:  # each version read once per process (catalog.py)
            self.vocab, self.tag_ids = vocabularies_of(snapshot), ids

    def _read_readme(self, snapshot: Snapshot) -> None:
        cat = Catalog(snapshot.commit, snapshot.commit_date, [])
        if "README.md" in snapshot.files:
            _read_readme(cat, snapshot.files["README.md"])
        self.kaggle_readme = (cat.moved_to_kaggle, frozenset(cat.deleted_models))

    def _latest(self, model: str) -> Facts:
        """The model's latest version: the highest version, the last by path among equals (the
        catalog's order, tables.py)."""
        best = None
        for key in self.models[model]:
            path = min(self.holders[key])
            f = self.facts[path]
            rank = (f.version or 0, path)
            if best is None or rank > best[0]:
                best = (rank, f)
        assert best is not None
        return best[1]

    def _set_domain(self, model: str) -> None:
        if model not in self.models:
            return
        bucket = "none"
        for value in self._latest(model).tasks:
            resolved, _ = resolve_tag(self.vocab, "tasks", value)
            first = next((d for r in resolved for d, _ in task_domains(self.vocab, r.id)), None)
            if first is not None:
                bucket = first if first in DOMAINS else "other"
                break
        old = self.domain.get(model)
        if old is not None:
            self.domains[old] -= 1
        self.domain[model] = bucket
        self.domains[bucket] += 1

    # -- the Parsed ----------------------------------------------------------------------------

    def _parsed(self, snapshot: Snapshot) -> Parsed:
        publishers = [h for h, n in self.publisher_refs.items() if n > 0]
        types = Counter(
            self.types[h].type if h in self.types else "unannotated" for h in publishers
        )
        counts = {
            "publishers": len(publishers),
            "publishers_with_models": sum(1 for n in self.model_publishers.values() if n > 0),
            "publishers_individual": types["individual"],
            "publishers_organization": types["organization"],
            "publishers_unannotated": types["unannotated"],
            "models": len(self.models),
            "versions": sum(self.kinds.values()),
            "modules": self.kinds["Module"],
            "placeholders": self.kinds["Placeholder"],
            "lite": self.kinds["Lite"],
            "tfjs": self.kinds["Tfjs"],
            "coral": self.kinds["Coral"],
            "collections": self.collections,
            **{f"models_{d}": self.domains[d] for d in DOMAIN_BUCKETS},
        }
        moved, deleted = self.kaggle_readme
        kaggle = {
            m: (("unmigrated" if m in deleted else "not-listed") if moved else None)
            for m in self.models
        }
        docs: dict[str, Observed] = {p: f.observed for p, f in self.facts.items()}
        names = self._names
        paths = frozenset([names.setdefault(p, p) for p in snapshot.files])
        return Parsed(snapshot.commit, paths, docs, counts, kaggle)
