"""Catalog -> Tables for PyTorch Hub: one function per resource, rows sorted by key.

Counting conventions live here and nowhere else (the schemas under schemas/pytorch_hub/ repeat
them column by column):
- a *model* is a model page (a root Markdown file with ``layout: hub_detail``), keyed by its file
  name without ``.md``;
- a *publisher* is the lower-cased GitHub owner of a model page's repository (github-id, else
  github-link, else the first torch.hub.load call; see page.py for why); its name is curated
  (names.py), never one of its pages' author strings, which stay per page (models.author);
- an *entrypoint row* is one torch.hub.load call in a page's fenced code, commented-out calls
  included (flagged): pages list their variants as commented calls;
- a model's ``entrypoint_count`` is the number of distinct entrypoint names its calls load; a
  publisher's is the number of distinct (repository, entrypoint) pairs over its pages;
- a *loadable* is what a user can load: a distinct (repository, entrypoint, checkpoint) triple of
  the calls (repository compared case-insensitively; checkpoint the string literal a call passes
  after the entrypoint, ``'bert-base-uncased'``; an entrypoint called without one, with a local
  path or a variable, counts once as itself); ``loadable_count`` counts them per model and per
  publisher, ``snapshots.loadables`` sums the publishers' (the unit comparable with TF Hub's
  handles);
- a tag, category or accelerator is *declared* when the snapshot's own checks or template name it
  (see vocab.py); values used but not declared are kept, flagged; every value is read
  case-insensitively, as lower case ('Vision' is vision, before any vocabulary existed too);
  ``snapshots.tags_declared`` says whether a month's tag counts are over a declared vocabulary.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from tfhub_dataset.annotations import PublisherType
from tfhub_dataset.hubs.pytorch_hub.anomaly import Anomaly
from tfhub_dataset.hubs.pytorch_hub.catalog import Catalog
from tfhub_dataset.hubs.pytorch_hub.links import LINK_TYPES, OTHER_TYPES
from tfhub_dataset.hubs.pytorch_hub.names import NAMES_PATH, PublisherName, curated_names
from tfhub_dataset.hubs.pytorch_hub.page import Page
from tfhub_dataset.hubs.pytorch_hub.vocab import SOURCES, TEMPLATE
from tfhub_dataset.hubs.tfhub.tables import _anomalies  # the anomalies table's rows, shared

Row = dict[str, Any]
Tables = dict[str, list[Row]]

ANNOTATIONS_PATH = "build/annotations/pytorch_hub/publisher_types.csv"
# vocabulary -> (page field, table, anomaly kind for an undeclared value, declaring file)
TAXONOMY = {
    "tags": ("tags", "tags", "undeclared-tag", SOURCES["tags"][0][0]),
    "categories": ("category", "categories", "undeclared-category", SOURCES["categories"][0][0]),
    "accelerators": ("accelerator", "accelerators", "undeclared-accelerator", TEMPLATE),
}
# Dates from the repository's history (filled by the history step, as for TF Hub); empty in a
# release built from a single snapshot.
UNDATED_MODEL = {"first_seen": None, "first_seen_commit": None, "last_changed": None}
UNDATED_PUBLISHER = {"first_seen": None, "first_model_date": None}
# Who first added a fact, from the history too (history/contributions.py attributes them).
UNATTRIBUTED_MODEL = {"added_by": None, "added_channel": None, "added_as": None}
UNATTRIBUTED_LINK = {"added_commit": None, **UNATTRIBUTED_MODEL}
SORT_KEYS = {
    "anomalies": ("source_path", "line", "kind", "detail"),
    "entrypoints": ("model", "position"),
    "links": ("model", "position"),
    "model_tags": ("model", "position"),
}


class _Terms:
    """Values of one vocabulary resolved against what the snapshot declares."""

    def __init__(self, cat: Catalog, vocabulary: str, anomalies: list[Anomaly]) -> None:
        self.declared = cat.vocab.declared.get(vocabulary)
        self.vocabulary = vocabulary
        self.anomalies = anomalies
        self.used: dict[str, str] = {}  # undeclared id -> first raw value

    def resolve(self, page: Page, raw: str, line: int | None) -> str:
        _, _, undeclared, source = TAXONOMY[self.vocabulary]
        # Values are read case-insensitively, as lower case (how every declared value is
        # written): 'Vision' is vision whether or not a vocabulary declares it yet.
        lower = raw.lower()
        if raw in (self.declared or ()):
            return raw
        if lower != raw and (self.declared is None or lower in self.declared):
            # Recorded here, not on the page: pages are shared between snapshots (a cache).
            self.anomalies.append(
                Anomaly(page.path, line, "case-mismatch", f"{raw!r} read as {lower!r}", page.handle)
            )
        if self.declared is None:
            if not self.used:
                self.anomalies.append(
                    Anomaly(source, None, "missing-vocabulary", f"no {self.vocabulary} declared")
                )
            self.used.setdefault(lower, raw)
            return lower
        if lower in self.declared:
            return lower
        self.anomalies.append(Anomaly(page.path, line, undeclared, f"{raw[:100]!r}", page.handle))
        self.used.setdefault(lower, raw)
        return lower

    def rows(self) -> list[Row]:
        rows = [
            {"id": term, "declared": True, "declared_in": path}
            for term, path in (self.declared or {}).items()
        ]
        rows += [
            {"id": term, "declared": False, "declared_in": None}
            for term in self.used
            if term not in (self.declared or {})
        ]
        return rows


def build_tables(
    cat: Catalog,
    publisher_types: dict[str, PublisherType],
    names: dict[str, PublisherName] | None = None,
) -> Tables:
    """Every table of a PyTorch Hub release, from one catalog; ``names`` are the publishers'
    curated names (default: the project's, names.py)."""
    anomalies = cat.all_anomalies()
    terms = {name: _Terms(cat, name, anomalies) for name in TAXONOMY}
    pages = sorted(cat.pages.values(), key=lambda p: p.handle)
    t: Tables = {"models": [], "model_tags": [], "entrypoints": [], "links": []}
    for page in pages:
        t["models"].append(_model(page, terms))
        seen: list[str] = []
        for raw, line in page.tags:
            tag = terms["tags"].resolve(page, raw, line)
            if tag not in seen:
                seen.append(tag)
                t["model_tags"].append(
                    {"model": page.handle, "position": len(seen), "tag": tag, "raw": raw}
                )
        t["entrypoints"].extend(_entrypoints(page))
        t["links"].extend(_links(page))
    names = curated_names() if names is None else names
    t["publishers"] = _publishers(pages, publisher_types, names, anomalies)
    t["link_types"] = [
        {"id": name, "description": desc, "host_pattern": pattern}
        for name, desc, pattern in LINK_TYPES
    ] + [{"id": name, "description": desc, "host_pattern": None} for name, desc in OTHER_TYPES]
    for name, (_, table, _, _) in TAXONOMY.items():
        t[table] = terms[name].rows()
    t["anomalies"] = _anomalies(anomalies)
    return {name: sorted_rows(name, rows) for name, rows in sorted(t.items())}


def sorted_rows(name: str, rows: list[Row]) -> list[Row]:
    keys = SORT_KEYS.get(name, ("handle",) if rows and "handle" in rows[0] else ("id",))
    return sorted(rows, key=lambda r: tuple(r[k] for k in keys))


def _model(page: Page, terms: dict[str, _Terms]) -> Row:
    single = {}
    for vocabulary in ("categories", "accelerators"):
        key = TAXONOMY[vocabulary][0]
        raw = page.get(key)
        line = page.fields[key].line if raw is not None else None
        single[key] = terms[vocabulary].resolve(page, raw, line) if raw is not None else None
    entrypoints = {c.entrypoint for c in page.calls if c.entrypoint is not None}
    return {
        "handle": page.handle,
        "publisher": page.publisher,
        "publisher_source": page.publisher_source,
        "repository": page.repository,
        "title": page.get("title"),
        "summary": page.get("summary"),
        "author": page.get("author"),
        "category": single["category"],
        "accelerator": single["accelerator"],
        "demo": page.get("demo-model-link"),
        "github_link": page.get("github-link"),
        "image": page.get("image"),
        "featured_image_1": page.get("featured_image_1"),
        "featured_image_2": page.get("featured_image_2"),
        "order": None if page.order is None else str(page.order),
        "entrypoint_count": len(entrypoints),
        "loadable_count": len(loadables([page])),
        "call_count": len(page.calls),
        "source_path": page.path,
        **UNDATED_MODEL,
        **UNATTRIBUTED_MODEL,
    }


def loadables(pages: list[Page]) -> set[tuple[str, str, str | None]]:
    """What the pages' calls let a user load: (repository lower-cased, entrypoint, checkpoint)."""
    return {
        (c.repository.lower(), c.entrypoint, c.checkpoint)
        for p in pages
        for c in p.calls
        if c.repository and c.entrypoint
    }


def _entrypoints(page: Page) -> list[Row]:
    return [
        {
            "model": page.handle,
            "position": n,
            "line": c.line,
            "commented": c.commented,
            "repo_or_dir": c.repo_or_dir,
            "owner": c.owner.lower() if c.owner else None,
            "repository": c.repository,
            "ref": c.ref,
            "entrypoint": c.entrypoint,
            "entrypoint_source": c.entrypoint_source,
            "keywords": ";".join(c.keywords) or None,
            "arguments": c.arguments,
            "checkpoint": c.checkpoint,
        }
        for n, c in enumerate(page.calls, start=1)
    ]


def _links(page: Page) -> list[Row]:
    return [
        {
            "model": page.handle,
            "position": link.position,
            "url": link.url,
            "text": link.text,
            "kind": link.kind,
            "link_type": link.link_type,
            "field": link.field,
            "label": link.label,
            "section": link.section,
            "line": link.line,
            **UNATTRIBUTED_LINK,
        }
        for link in page.links
    ]


def _publishers(
    pages: list[Page],
    types: dict[str, PublisherType],
    names: dict[str, PublisherName],
    anomalies: list[Anomaly],
) -> list[Row]:
    by_handle: dict[str, list[Page]] = {}
    for page in pages:
        if page.publisher:
            by_handle.setdefault(page.publisher, []).append(page)
    rows = []
    for handle, own in sorted(by_handle.items()):
        authors = {p.get("author") for p in own if p.get("author")}
        name = names.get(handle)
        if name is None:
            anomalies.append(
                Anomaly(
                    NAMES_PATH, None, "unannotated-publisher", f"{handle!r} has no name", handle
                )
            )
        entrypoints = {
            (c.repository.lower(), c.entrypoint)
            for p in own
            for c in p.calls
            if c.repository and c.entrypoint
        }
        annotation = types.get(handle)
        if annotation is None:
            anomalies.append(
                Anomaly(
                    ANNOTATIONS_PATH,
                    None,
                    "unannotated-publisher",
                    f"{handle!r} has no type annotation",
                    handle,
                )
            )
        rows.append(
            {
                "handle": handle,
                "display_name": name.display_name if name else None,
                "type": annotation.type if annotation else "unannotated",
                "organization": annotation.organization if annotation else None,
                "type_evidence": annotation.evidence if annotation else None,
                "model_count": len(own),
                "entrypoint_count": len(entrypoints),
                "loadable_count": len(loadables(own)),
                "repository_count": len({p.repository.lower() for p in own if p.repository}),
                "author_count": len(authors),
                **UNDATED_PUBLISHER,
            }
        )
    return rows


def snapshot_counts(t: Tables) -> Row:
    """What a monthly history snapshot row would count, from one snapshot's tables."""
    types = Counter(r["type"] for r in t["publishers"])
    tags = Counter(r["tag"] for r in t["model_tags"])
    return {
        "publishers": len(t["publishers"]),
        "publishers_with_models": sum(1 for r in t["publishers"] if r["model_count"] > 0),
        "publishers_individual": types["individual"],
        "publishers_organization": types["organization"],
        "publishers_unannotated": types["unannotated"],
        "models": len(t["models"]),
        "calls": len(t["entrypoints"]),
        "entrypoints": sum(r["entrypoint_count"] for r in t["publishers"]),
        "loadables": sum(r["loadable_count"] for r in t["publishers"]),
        **{f"models_{tag}": tags[tag] for tag in ("vision", "nlp", "audio", "generative")},
        "tags_declared": any(r["declared"] for r in t["tags"]),
    }
