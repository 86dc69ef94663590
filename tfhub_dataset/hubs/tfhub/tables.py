"""Catalog -> Tables: the relational view, one function per resource, rows sorted by key.

Counting conventions live here and nowhere else:
- a *model* is a handle of a Module or Placeholder doc without its version;
- a model's *latest version* is its highest version number; its metadata (tasks, architectures,
  datasets, languages, license, fine-tunable, format) is that doc's;
- a model's *domains* are the domains of its tasks, in listed order; its *domain* is the first;
- a model's *formats* are those of any of its versions (SavedModel TF2 / TF1 Hub) plus the format
  variants (Lite, TF.js, Coral) whose parent-model resolves to one of its versions;
- a *versioned doc* is a Module, Placeholder, Lite, Tfjs or Coral doc, keyed by (kind, handle).
"""

from __future__ import annotations

from collections import Counter
from operator import itemgetter
from typing import Any

from tfhub_dataset.annotations import PublisherType
from tfhub_dataset.gc_pause import gc_paused
from tfhub_dataset.hubs.tfhub.anomaly import Anomaly
from tfhub_dataset.hubs.tfhub.catalog import Catalog, model_docs, variant_docs
from tfhub_dataset.hubs.tfhub.docs import MODEL_KINDS, Doc
from tfhub_dataset.hubs.tfhub.links import LINK_TYPES, OTHER_TYPES
from tfhub_dataset.hubs.tfhub.tags import DOMAINS, KEY_VOCABULARY, Resolved, Vocabularies, resolve

Row = dict[str, Any]
Tables = dict[str, list[Row]]

BRIDGES = {  # table -> (metadata key, vocabulary, tag column)
    "model_tasks": ("task", "tasks", "task"),
    "model_architectures": ("network-architecture", "architectures", "architecture"),
    "model_datasets": ("dataset", "datasets", "dataset"),
    "model_languages": ("language", "languages", "language"),
}
VARIANT_FORMAT = {"Lite": "lite", "Tfjs": "tfjs", "Coral": "coral"}
# tfhub.dev URL prefixes of format variants, which docs' handles do not carry.
VARIANT_URL_SEGMENTS = ("lite-model", "tfjs-model", "coral-model")


class _Tags:
    """Tag resolution for one catalog: every value resolved once, every term used remembered."""

    def __init__(self, vocab: Vocabularies, anomalies: list[Anomaly]) -> None:
        self.vocab = vocab
        self.anomalies = anomalies
        self.used: dict[str, dict[str, str]] = {}  # vocabulary -> undeclared id -> raw text
        self._cache: dict[tuple[str, str], list[Resolved]] = {}
        # (vocabulary, value) -> resolve()'s answer: most values recur across docs
        self._resolved: dict[tuple[str, str], tuple[list[Resolved], list[str]]] = {}

    def of(self, doc: Doc, key: str) -> list[Resolved]:
        """All values of ``key`` in ``doc``, resolved, in listed order, duplicates dropped."""
        cached = self._cache.get((doc.path, key))
        if cached is None:
            cached = self._cache[(doc.path, key)] = self._resolve(doc, key)
        return cached

    def _resolve(self, doc: Doc, key: str) -> list[Resolved]:
        vocabulary = KEY_VOCABULARY[key]
        out: list[Resolved] = []
        for mv in doc.values(key):
            answer = self._resolved.get((vocabulary, mv.value))
            if answer is None:
                answer = self._resolved[(vocabulary, mv.value)] = resolve(
                    self.vocab, vocabulary, mv.value
                )
            resolved, kinds = answer
            for kind in kinds:
                self.anomalies.append(
                    Anomaly(
                        doc.path, mv.line, kind, f"{mv.raw_key}: {mv.value[:100]!r}", doc.handle
                    )
                )
            for r in resolved:
                if not r.declared:
                    self.used.setdefault(vocabulary, {}).setdefault(r.id, r.raw)
                if all(o.id != r.id for o in out):
                    out.append(r)
        return out

    def one(self, doc: Doc, key: str) -> str | None:
        values = self.of(doc, key)
        return values[0].id if values else None


def task_domains(vocab: Vocabularies, task: str) -> list[tuple[str, bool]]:
    """A task's domains as (domain, inferred): from task.yaml, else from the id's prefix."""
    term = vocab.terms.get("tasks", {}).get(task)
    if term is not None and term.domains:
        return [(d, False) for d in term.domains]
    prefix = task.split("-", 1)[0]
    return [(prefix, True)] if prefix in DOMAINS else []


def build_tables(cat: Catalog, publisher_types: dict[str, PublisherType]) -> Tables:
    """Every table of a release, from one catalog."""
    with gc_paused():
        return _build_tables(cat, publisher_types)


def _build_tables(cat: Catalog, publisher_types: dict[str, PublisherType]) -> Tables:
    anomalies: list[Anomaly] = cat.all_anomalies()
    tags = _Tags(cat.vocab, anomalies)
    for doc in sorted(cat.versions.values(), key=lambda d: d.path):
        for key in ("task", "dataset", "network-architecture", "language", "license", "format"):
            tags.of(doc, key)  # resolve every doc once, so every anomaly is recorded
    for doc in sorted(cat.collections.values(), key=lambda d: d.path):
        tags.of(doc, "task")

    by_model = model_docs(cat)
    variant_model = _resolve_variants(cat, by_model, anomalies)
    t: Tables = {}
    t["models"], bridges = _models(cat, by_model, variant_model, tags, anomalies)
    t.update(bridges)
    t["versions"] = _versions(cat, variant_model, tags)
    t["collections"], t["collection_members"] = _collections(
        cat, by_model, variant_model, tags, anomalies
    )
    t["publishers"] = _publishers(cat, t, publisher_types, anomalies)
    t["publisher_links"] = _publisher_links(cat)
    t["link_types"] = [
        {"id": name, "description": desc, "host_pattern": pattern}
        for name, desc, pattern in LINK_TYPES
    ] + [{"id": name, "description": desc, "host_pattern": None} for name, desc in OTHER_TYPES]
    t.update(_taxonomy(cat.vocab, tags))
    t["anomalies"] = _anomalies(anomalies)
    return {name: sorted_rows(name, rows) for name, rows in sorted(t.items())}


SORT_KEYS = {
    "anomalies": ("source_path", "line", "kind", "detail"),
    "collection_members": ("collection", "position"),
    "publisher_links": ("publisher", "position"),
    "task_domains": ("task", "position"),
    "versions": ("kind", "handle"),
    **{b: ("model", "position") for b in BRIDGES},
}


def sorted_rows(name: str, rows: list[Row]) -> list[Row]:
    keys = SORT_KEYS.get(name, ("handle",) if rows and "handle" in rows[0] else ("id",))
    return sorted(rows, key=itemgetter(*keys))


# Dates from the repository's history (history.series.add_history fills them); a release built
# from a single snapshot has no history and leaves them empty.
UNDATED_MODEL = {
    "first_seen": None, "first_seen_commit": None, "first_seen_imported": None, "last_changed": None
}  # fmt: skip
UNDATED_PUBLISHER = {"first_seen": None, "first_seen_imported": None, "first_model_date": None}
# Who first added a fact, from the history too (history/contributions.py attributes them).
UNATTRIBUTED_MODEL = {"added_by": None, "added_channel": None, "added_as": None}
UNATTRIBUTED_LINK = {"added_commit": None, **UNATTRIBUTED_MODEL}

# How a format variant's parent-model was matched (versions.parent_resolution).
PARENT_RESOLUTIONS = (
    "exact", "model-only", "version-missing", "models-segment-removed", "unresolved"
)  # fmt: skip
Variants = dict[tuple[str, str], tuple[str | None, str | None]]


def _resolve_variants(
    cat: Catalog, by_model: dict[str, list[Doc]], anomalies: list[Anomaly]
) -> Variants:
    """(kind, handle) of each Lite/Tfjs/Coral doc -> (model handle, parent resolution).

    'exact': the parent names a Module/Placeholder doc; 'model-only': it names a model without a
    version; 'version-missing': it names a version of an existing model that has no doc
    (``tensorflow/speech-commands/1`` when only versions 2-4 are documented); the variant belongs
    to that model; 'models-segment-removed': it names a doc once a 'models/' path segment is
    dropped (``adityakane2001/models/x/1`` for ``adityakane2001/x/1``); 'unresolved': none.
    """
    out: Variants = {}
    for doc in variant_docs(cat):
        assert doc.kind and doc.handle
        parent = doc.first("parent-model")
        if parent is None:
            out[(doc.kind, doc.handle)] = (None, None)
            continue
        parent = parent.replace("&zwnj;", "").replace("\u200c", "").strip()
        line = doc.metadata["parent-model"][0].line
        hit = _model_doc(cat, parent)
        if hit is not None:
            out[(doc.kind, doc.handle)] = (hit.base, "exact")
            continue
        base, _, version = parent.rpartition("/")
        if parent in by_model:
            out[(doc.kind, doc.handle)] = (parent, "model-only")
            detail = f"parent-model {parent!r} names a model, not a version of it"
        elif version.isdigit() and base in by_model:
            out[(doc.kind, doc.handle)] = (base, "version-missing")
            detail = f"parent-model {parent!r}: model {base!r} has no doc of version {version}"
        elif (hit := _model_doc(cat, parent.replace("/models/", "/", 1))) is not None:
            out[(doc.kind, doc.handle)] = (hit.base, "models-segment-removed")
            detail = f"parent-model {parent!r} resolves only without its 'models/' segment"
        else:
            out[(doc.kind, doc.handle)] = (None, "unresolved")
            detail = f"parent-model {parent!r} names no Module or Placeholder doc"
        anomalies.append(Anomaly(doc.path, line, "unresolved-parent", detail, doc.handle))
    return out


def _model_doc(cat: Catalog, handle: str) -> Doc | None:
    return cat.versions.get(("Module", handle)) or cat.versions.get(("Placeholder", handle))


def _fine_tunable(doc: Doc) -> bool | None:
    value = (doc.first("fine-tunable") or "").lower()
    return {"true": True, "false": False}.get(value)


def _models(
    cat: Catalog,
    by_model: dict[str, list[Doc]],
    variant_model: Variants,
    tags: _Tags,
    anomalies: list[Anomaly],
) -> tuple[list[Row], Tables]:
    variant_formats: dict[str, set[str]] = {}
    for (kind, _), (model, _) in variant_model.items():
        if model:
            variant_formats.setdefault(model, set()).add(VARIANT_FORMAT[kind])
    demos = _tfjs_demos(cat, variant_model)
    deleted = set(cat.deleted_models)
    for handle in cat.deleted_models:
        if handle not in by_model:
            anomalies.append(
                Anomaly("README.md", None, "unresolved-deleted-model", f"{handle!r} names no model")
            )
    rows: list[Row] = []
    bridges: Tables = {name: [] for name in BRIDGES}
    for handle, docs in by_model.items():
        latest = docs[-1]
        formats = {tags.one(d, "format") for d in docs if d.kind == "Module"}
        tasks = tags.of(latest, "task")
        domains: list[str] = []
        for task in tasks:
            for domain, _ in task_domains(cat.vocab, task.id):
                if domain not in domains:
                    domains.append(domain)
        variants = variant_formats.get(handle, set())
        rows.append(
            {
                "handle": handle,
                "publisher": handle.split("/", 1)[0],
                "name": handle.split("/", 1)[1],
                "kind": latest.kind,
                "latest_version": latest.version,
                "version_count": len(docs),
                "summary": latest.summary or None,
                "domain": domains[0] if domains else None,
                "domains": ";".join(domains) or None,
                "format": tags.one(latest, "format"),
                "has_saved_model_2": "saved_model_2" in formats,
                "has_tf1_hub": "hub" in formats,
                "has_lite": "lite" in variants,
                "has_tfjs": "tfjs" in variants,
                "has_coral": "coral" in variants,
                "fine_tunable": _fine_tunable(latest),
                "license": tags.one(latest, "license"),
                "colab": latest.first("colab"),
                "demo": demos.get(handle),
                "interactive_visualizer": latest.first("interactive-visualizer"),
                "deprecation_statement": latest.deprecation,
                "kaggle_status": (
                    ("unmigrated" if handle in deleted else "not-listed")
                    if cat.moved_to_kaggle
                    else None
                ),
                "source_path": latest.path,
                **UNDATED_MODEL,
                **UNATTRIBUTED_MODEL,
            }
        )
        for table, (key, _, column) in BRIDGES.items():
            for pos, r in enumerate(tags.of(latest, key), start=1):
                bridges[table].append(
                    {"model": handle, "position": pos, column: r.id, "raw": r.raw}
                )
    return rows, bridges


def _tfjs_demos(cat: Catalog, variant_model: Variants) -> dict[str, str]:
    """Model -> the ``demo`` URL of its TF.js variants (upstream's validator allows the key in Tfjs
    docs only): the variant whose parent-model names the highest version, ties by handle."""
    best: dict[str, tuple[tuple[int, str], str]] = {}
    for (kind, handle), (model, _) in variant_model.items():
        doc = cat.versions[(kind, handle)]
        demo = doc.first("demo")
        if kind != "Tfjs" or model is None or demo is None:
            continue
        version = (doc.first("parent-model") or "").rpartition("/")[2]
        rank = (int(version) if version.isdigit() else 0, handle)
        if model not in best or rank > best[model][0]:
            best[model] = (rank, demo)
    return {model: demo for model, (_, demo) in best.items()}


def _versions(
    cat: Catalog,
    variant_model: Variants,
    tags: _Tags,
) -> list[Row]:
    rows = []
    resolved: str | None
    for (kind, handle), doc in cat.versions.items():
        if kind in MODEL_KINDS:
            model, resolved = doc.base, None
            fmt = tags.one(doc, "format")
        else:
            model, resolved = variant_model[(kind, handle)]
            fmt = VARIANT_FORMAT[kind]
        rows.append(
            {
                "kind": kind,
                "handle": handle,
                "model": model,
                "publisher": doc.publisher,
                "version": doc.version,
                "format": fmt,
                "fine_tunable": _fine_tunable(doc),
                "license": tags.one(doc, "license"),
                "parent_model": doc.first("parent-model"),
                "parent_resolution": resolved,
                "asset_path": doc.first("asset-path"),
                "summary": doc.summary or None,
                "source_path": doc.path,
                **UNDATED_MODEL,
            }
        )
    return rows


def _member_model(
    target: str,
    cat: Catalog,
    by_model: dict[str, list[Doc]],
    variant_model: Variants,
) -> str | None:
    """The model a tfhub.dev link in a collection points at, if any."""
    parts = target.split("/")
    candidates = [target]
    if len(parts) > 2 and parts[1] in VARIANT_URL_SEGMENTS:
        candidates.append("/".join(parts[:1] + parts[2:]))
    for cand in candidates:
        if cand in by_model:
            return cand
        for kind in ("Module", "Placeholder"):
            if (kind, cand) in cat.versions:
                return cat.versions[(kind, cand)].base
        for kind in ("Lite", "Tfjs", "Coral"):
            model = variant_model.get((kind, cand), (None, None))[0]
            if model:
                return model
        base, _, last = cand.rpartition("/")
        if last.isdigit() and base in by_model:
            return base
    return None


def _collections(
    cat: Catalog,
    by_model: dict[str, list[Doc]],
    variant_model: Variants,
    tags: _Tags,
    anomalies: list[Anomaly],
) -> tuple[list[Row], list[Row]]:
    rows, members = [], []
    for handle, doc in cat.collections.items():
        resolved = 0
        for pos, member in enumerate(doc.targets, start=1):
            target, line = member.target, member.line
            model = _member_model(target, cat, by_model, variant_model)
            resolved += model is not None
            if model is None:
                anomalies.append(
                    Anomaly(
                        doc.path,
                        line,
                        "unresolved-collection-member",
                        f"tfhub.dev/{target}",
                        handle,
                    )
                )
            members.append(
                {
                    "collection": handle,
                    "position": pos,
                    "target": target,
                    "model": model,
                    "line": line,
                    "listed_in": member.listed_in,
                }
            )
        rows.append(
            {
                "handle": handle,
                "publisher": doc.publisher,
                "name": (doc.base or handle).split("/", 1)[1],
                "version": doc.version,
                "summary": doc.summary or None,
                "task": tags.one(doc, "task"),
                "member_count": len(doc.targets),
                "resolved_member_count": resolved,
                "source_path": doc.path,
            }
        )
    return rows, members


def _publishers(
    cat: Catalog, t: Tables, types: dict[str, PublisherType], anomalies: list[Anomaly]
) -> list[Row]:
    models = Counter(r["publisher"] for r in t["models"])
    versions = Counter(r["publisher"] for r in t["versions"])
    collections = Counter(r["publisher"] for r in t["collections"])
    handles = set(cat.publishers) | set(models) | set(versions) | set(collections)
    rows = []
    for handle in sorted(handles):
        doc = cat.publishers.get(handle)
        if doc is None:
            anomalies.append(
                Anomaly(
                    f"assets/docs/{handle}/{handle}.md",
                    None,
                    "missing-publisher-doc",
                    f"models name publisher {handle!r}, which has no doc",
                    handle,
                )
            )
        annotation = types.get(handle)
        if annotation is None:
            anomalies.append(
                Anomaly(
                    doc.path if doc else "build/annotations/tfhub/publisher_types.csv",
                    None,
                    "unannotated-publisher",
                    f"{handle!r} has no type annotation",
                    handle,
                )
            )
        rows.append(
            {
                "handle": handle,
                "display_name": doc.display_name if doc else None,
                "type": annotation.type if annotation else "unannotated",
                "organization": annotation.organization if annotation else None,
                "type_evidence": annotation.evidence if annotation else None,
                "description": (doc.description or None) if doc else None,
                "icon_url": doc.icon_url if doc else None,
                "model_count": models[handle],
                "version_count": versions[handle],
                "collection_count": collections[handle],
                "link_count": sum(1 for ln in doc.links if ln.kind != "icon") if doc else 0,
                "source_path": doc.path if doc else None,
                **UNDATED_PUBLISHER,
            }
        )
    return rows


def _publisher_links(cat: Catalog) -> list[Row]:
    return [
        {
            "publisher": handle,
            "position": link.position,
            "url": link.url,
            "text": link.text or None,
            "kind": link.kind,
            "link_type": link.link_type,
            "label": link.label,
            "section": link.section,
            "line": link.line,
            **UNATTRIBUTED_LINK,
        }
        for handle, doc in cat.publishers.items()
        for link in doc.links
    ]


def _taxonomy(vocab: Vocabularies, tags: _Tags) -> Tables:
    out: Tables = {}
    for name in ("tasks", "architectures", "datasets", "languages", "licenses", "formats"):
        rows = []
        for term in vocab.terms.get(name, {}).values():
            row: Row = {"id": term.id, "display_name": term.display_name, "declared": True}
            if name == "licenses":
                row["url"] = term.url
            rows.append(row)
        for tid, raw in tags.used.get(name, {}).items():
            row = {"id": tid, "display_name": raw, "declared": False}
            if name == "licenses":
                row["url"] = None
            rows.append(row)
        out[name] = rows
    task_rows, declared = [], {d: False for d in DOMAINS}
    for task in out["tasks"]:
        for pos, (domain, inferred) in enumerate(task_domains(vocab, task["id"]), start=1):
            task_rows.append(
                {"task": task["id"], "position": pos, "domain": domain, "inferred": inferred}
            )
            declared[domain] = declared.get(domain, False) or not inferred
    out["task_domains"] = task_rows
    # A domain is declared when task.yaml names it; before task.yaml existed, every domain is
    # inferred from task ids' prefixes.
    out["domains"] = [{"id": d, "declared": is_declared} for d, is_declared in declared.items()]
    return out


def _anomalies(anomalies: list[Anomaly]) -> list[Row]:
    seen = set()
    rows = []
    for a in anomalies:
        key = (a.source_path, a.line, a.kind, a.detail)
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            {
                "source_path": a.source_path,
                "line": a.line or 0,
                "kind": a.kind,
                "detail": a.detail,
                "handle": a.handle,
            }
        )
    return rows
