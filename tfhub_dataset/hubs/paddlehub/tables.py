"""Catalog -> Tables for PaddleHub: one function per resource, rows sorted by key.

Counting conventions live here and nowhere else (the schemas under schemas/paddlehub/ repeat
them column by column):

- a *model* is a module: a module.py under the catalogue whose class carries ``@moduleinfo``
  with a name, keyed by that name (what ``hub install <name>`` and ``hub.Module(name=...)``
  take); two files declaring one name count once (the first by path);
- a model's *version* is the one its module.py declares at the commit; the versions a module
  went through over the history are the module_versions table (versions.py);
- a *publisher* is what an author string credits: the curated annotation maps each normalised
  string to its publishers (several for a string naming several people, none for
  ``anonymous``); a string it does not know is split at its separators. Every credited
  publisher counts the module (publishers.model_count); ``models.publisher`` is the first
  credited, and model_publishers lists them all;
- a model's *domain* is the catalogue folder it sits in (image, text, audio, video, demo), its
  *type_domain* and *type_task* the two halves of its declared ``type`` (lower-cased, '-' read
  as '_'), as written in the types table;
- *links* are those of its README.md then its README_en.md, in reading order (fenced code and
  HTML comments excluded); a *paper* is a link to a paper host or whose text says it is a paper
  (论文, paper, 技术报告), counted once per model by arXiv id, else by URL.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from tfhub_dataset import ROOT
from tfhub_dataset.annotations import PublisherType
from tfhub_dataset.hubs.paddlehub.annotations import AUTHORS_PATH as AUTHORS_FILE
from tfhub_dataset.hubs.paddlehub.annotations import TYPES_PATH, Curation
from tfhub_dataset.hubs.paddlehub.anomaly import Anomaly
from tfhub_dataset.hubs.paddlehub.authors import (
    default_publishers,
    normalize,
    split_author,
    withhold,
)
from tfhub_dataset.hubs.paddlehub.catalog import Catalog, Module
from tfhub_dataset.hubs.paddlehub.links import LINK_TYPES, OTHER_TYPES, arxiv_id, is_paper
from tfhub_dataset.hubs.tfhub.tables import _anomalies  # the anomalies table's rows, shared

Row = dict[str, Any]
Tables = dict[str, list[Row]]

ANNOTATIONS_PATH = TYPES_PATH.relative_to(ROOT).as_posix()
AUTHORS_PATH = AUTHORS_FILE.relative_to(ROOT).as_posix()
DOMAINS = ("image", "text", "audio", "video")  # the catalogue's domain folders (and demo)
# Dates from the repository's history (filled by the history step); empty in a release built
# from a single snapshot.
UNDATED_MODEL = {"first_seen": None, "first_seen_commit": None, "last_changed": None}
UNDATED_PUBLISHER = {"first_seen": None, "first_model_date": None}
SORT_KEYS = {
    "anomalies": ("source_path", "line", "kind", "detail"),
    "links": ("model", "position"),
    "model_papers": ("model", "position"),
    "model_publishers": ("model", "position"),
}
DOCS = (("readme", "README.md"), ("readme_en", "README_en.md"))
# Who first added a fact, from the history (history/contributions.py attributes them).
UNATTRIBUTED_MODEL = {"added_by": None, "added_channel": None, "added_as": None}
UNATTRIBUTED_LINK = {"added_commit": None, **UNATTRIBUTED_MODEL}


def build_tables(
    cat: Catalog, publisher_types: dict[str, PublisherType], curation: Curation
) -> Tables:
    """Every table of a PaddleHub release, from one catalog."""
    anomalies = list(cat.anomalies)
    modules = sorted(cat.modules.values(), key=lambda m: m.handle)
    t: Tables = {"models": [], "model_publishers": [], "links": [], "model_papers": []}
    credits: dict[str, list[tuple[Module, str]]] = {}  # publisher -> (module, credited as)
    for module in modules:
        credited = _credits(module, curation, anomalies)
        for n, (handle, part) in enumerate(credited, start=1):
            credits.setdefault(handle, []).append((module, part))
            t["model_publishers"].append(
                {"model": module.handle, "position": n, "publisher": handle, "credited_as": part}
            )
        links = _links(module, anomalies)
        papers = _papers(module, links)
        t["links"] += links
        t["model_papers"] += papers
        t["models"].append(_model(module, credited, len(links), len(papers), anomalies))
    shared = {r["handle"]: r["publisher_count"] > 1 for r in t["models"]}
    t["publishers"] = _publishers(credits, shared, publisher_types, curation, anomalies)
    t["types"] = _types(t["models"])
    t["domains"] = _domains(t["models"])
    t["link_types"] = [
        {"id": name, "description": desc, "host_pattern": pattern}
        for name, desc, pattern in LINK_TYPES
    ] + [{"id": name, "description": desc, "host_pattern": None} for name, desc in OTHER_TYPES]
    t["anomalies"] = _anomalies(anomalies)
    return {name: sorted_rows(name, rows) for name, rows in sorted(t.items())}


def sorted_rows(name: str, rows: list[Row]) -> list[Row]:
    keys = SORT_KEYS.get(name, ("handle",) if rows and "handle" in rows[0] else ("id",))
    return sorted(rows, key=lambda r: tuple(r[k] for k in keys))


def _credits(module: Module, curation: Curation, anomalies: list[Anomaly]) -> list[tuple[str, str]]:
    """(publisher, the part of the author string that credits it) for one module, in order."""
    raw = module.info.author
    author = normalize(raw or "")
    line = module.info.line
    if not author:
        anomalies.append(
            Anomaly(module.path, line, "missing-author", "no author: no publisher", module.handle)
        )
        return []
    parts = split_author(author)
    mapping = curation.authors.get(author)
    if mapping is None:
        anomalies.append(
            Anomaly(
                AUTHORS_PATH,
                None,
                "unannotated-author",
                f"{author[:80]!r} is not mapped; read as {', '.join(default_publishers(author))}",
                module.handle,
            )
        )
        handles = default_publishers(author)
        return list(zip(handles, _aligned(parts, handles, author), strict=True))
    if not mapping.publishers:
        anomalies.append(
            Anomaly(
                module.path,
                line,
                "author-names-no-one",
                f"{author[:80]!r}: {mapping.evidence[:120]}",
                module.handle,
            )
        )
        return []
    handles = list(mapping.publishers)
    return list(zip(handles, _aligned(parts, handles, author), strict=True))


def _aligned(parts: list[str], handles: list[str], author: str) -> list[str]:
    """What credits each publisher: the string's part in the same position when it has one part
    per publisher, else the whole string."""
    return parts if len(parts) == len(handles) else [author] * len(handles)


def _model(
    module: Module,
    credited: list[tuple[str, str]],
    link_count: int,
    paper_count: int,
    anomalies: list[Anomaly],
) -> Row:
    info, place = module.info, module.place
    domain, task = _split_type(info.type)
    if info.type is not None and info.type.strip() and (domain is None or task is None):
        anomalies.append(
            Anomaly(module.path, info.line, "invalid-type", f"{info.type[:60]!r}", module.handle)
        )
    readme, readme_en = module.readme, module.readme_en
    fields = readme.fields if readme else {}
    return {
        "handle": module.handle,
        "version": (info.version or "").strip() or None,
        "summary": withhold(" ".join((info.summary or "").split())) or None,
        "author": withhold((info.author or "").strip()) or None,
        "publisher": credited[0][0] if credited else None,
        "publisher_count": len(credited),
        "email_class": info.email_class,
        "type": _type_id(info.type),
        "type_domain": domain,
        "type_task": task,
        "domain": place.domain,
        "task": place.task,
        "group": place.group,
        "thirdparty": place.thirdparty,
        "class_name": info.class_name,
        "meta": info.meta,
        "title": withhold(readme.title) if readme else None,
        "category": withhold(fields.get("category")),
        "network": withhold(fields.get("network")),
        "dataset": withhold(fields.get("dataset")),
        "fine_tunable": readme.fine_tuning if readme else None,
        "model_size": withhold(fields.get("size")),
        "description": withhold(readme.description) if readme else None,
        "description_en": withhold(readme_en.description) if readme_en else None,
        "release_note_versions": len(readme.history) if readme else 0,
        "link_count": link_count,
        "paper_count": paper_count,
        "source_path": module.path,
        "readme_path": module.readme_path,
        "readme_en_path": module.readme_en_path,
        **UNDATED_MODEL,
        **UNATTRIBUTED_MODEL,
    }


def _type_id(raw: str | None) -> str | None:
    return raw.strip() or None if raw is not None else None


def _split_type(raw: str | None) -> tuple[str | None, str | None]:
    """(domain, task) of a declared type: lower-cased, white space removed, '-' read as '_'."""
    if raw is None or not raw.strip():
        return None, None
    domain, sep, task = raw.strip().partition("/")
    domain = domain.strip().lower() or None
    task = "_".join(task.strip().lower().replace("-", "_").split()) or None if sep else None
    return domain, task


def _links(module: Module, anomalies: list[Anomaly]) -> list[Row]:
    """The READMEs' links; an e-mail link (personal data) is left out, an anomaly says where."""
    rows: list[Row] = []
    for doc, name in DOCS:
        readme = module.readme if doc == "readme" else module.readme_en
        path = module.readme_path if doc == "readme" else module.readme_en_path
        if readme is None or path is None:
            continue
        for link in readme.links:
            if link.link_type == "email":
                detail = "an e-mail link is not kept (personal data)"
                anomalies.append(Anomaly(path, link.line, "email-withheld", detail, module.handle))
                continue
            rows.append(
                {
                    "model": module.handle,
                    "position": len(rows) + 1,
                    "doc": name,
                    "line": link.line,
                    "url": withhold(link.url),
                    "text": withhold(link.text),
                    "kind": link.kind,
                    "link_type": link.link_type,
                    "section": withhold(link.section),
                    **UNATTRIBUTED_LINK,
                }
            )
    return rows


def _papers(module: Module, links: list[Row]) -> list[Row]:
    rows: list[Row] = []
    seen: set[str] = set()
    for r in links:
        if not is_paper(r["link_type"], r["text"]):
            continue
        arxiv = arxiv_id(r["url"])
        key = f"arxiv:{arxiv}" if arxiv else r["url"].rstrip("/")
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            {
                "model": module.handle,
                "position": len(rows) + 1,
                "url": r["url"],
                "arxiv_id": arxiv,
                "text": r["text"],
                "evidence": "host" if r["link_type"] == "paper" else "text",
                "doc": r["doc"],
                "line": r["line"],
            }
        )
    return rows


def _publishers(
    credits: dict[str, list[tuple[Module, str]]],
    shared: dict[str, bool],
    types: dict[str, PublisherType],
    curation: Curation,
    anomalies: list[Anomaly],
) -> list[Row]:
    rows = []
    for handle, own in sorted(credits.items()):
        parts = Counter(part for _, part in own)
        first_at: dict[str, int] = {}
        for i, (_, part) in enumerate(own):
            first_at.setdefault(part, i)
        display = min(parts, key=lambda p: (-parts[p], first_at[p]))
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
        authors = {normalize(m.info.author or "") for m, _ in own}
        rows.append(
            {
                "handle": handle,
                "display_name": display,
                "type": annotation.type if annotation else "unannotated",
                "type_evidence": annotation.evidence if annotation else None,
                "organization": annotation.organization if annotation else None,
                "model_count": len(own),
                "shared_model_count": sum(1 for m, _ in own if shared[m.handle]),
                "author_count": len(authors),
                "email_classes": ";".join(sorted({m.info.email_class for m, _ in own})),
                **UNDATED_PUBLISHER,
            }
        )
    return rows


def _types(models: list[Row]) -> list[Row]:
    counts = Counter(r["type"] for r in models if r["type"] is not None)
    out = []
    for raw, n in counts.items():
        domain, task = _split_type(raw)
        out.append({"id": raw, "domain": domain, "task": task, "model_count": n})
    return out


def _domains(models: list[Row]) -> list[Row]:
    counts = Counter(r["domain"] for r in models)
    tasks: dict[str, set[str]] = {}
    for r in models:
        if r["task"]:
            tasks.setdefault(r["domain"], set()).add(r["task"])
    return [
        {"id": d, "model_count": n, "task_count": len(tasks.get(d, ()))} for d, n in counts.items()
    ]


def snapshot_counts(t: Tables) -> Row:
    """What a monthly history snapshot row counts, from one snapshot's tables."""
    return _counts(
        [(r["type"], r["organization"]) for r in t["publishers"]],
        [(r["domain"], r["thirdparty"]) for r in t["models"]],
        len(t["links"]),
        len(t["model_papers"]),
    )


def _counts(
    publishers: list[tuple[str, str | None]],
    models: list[tuple[str, bool]],
    links: int,
    papers: int,
) -> Row:
    """The snapshots row: ``publishers`` (type, organization) and ``models`` (domain,
    thirdparty), one pair each."""
    types = Counter(kind for kind, _ in publishers)
    domains = Counter(domain for domain, _ in models)
    return {
        "publishers": len(publishers),
        "publishers_individual": types["individual"],
        "publishers_organization": types["organization"],
        "publishers_unannotated": types["unannotated"],
        "organizations": len({org for _, org in publishers if org}),
        "models": len(models),
        "models_thirdparty": sum(1 for _, thirdparty in models if thirdparty),
        **{f"models_{d}": domains[d] for d in DOMAINS},
        "models_other": sum(n for d, n in domains.items() if d not in DOMAINS),
        "links": links,
        "papers": papers,
    }


# What history_view keeps of one module, by the blob ids of its files: (its credits, as
# _credits gives them, its link count, its paper count).
ModuleSummary = tuple[tuple[tuple[str, str], ...], int, int]


def history_view(
    cat: Catalog,
    publisher_types: dict[str, PublisherType],
    curation: Curation,
    memo: dict[tuple[str, str | None, str | None], ModuleSummary] | None = None,
) -> tuple[Row, dict[str, str | None], dict[str, list[str]]]:
    """What the history keeps of a snapshot's tables, without making their rows: the snapshots
    row (snapshot_counts), each model's first publisher (models.publisher) and every publisher
    it credits, in order (model_publishers); equal to reading them from build_tables
    (tests/test_paddlehub_history.py). ``memo`` keeps each module's summary across the
    snapshots of one run, by the blob ids of its module.py and READMEs, for one ``curation``:
    history parses some 250 snapshots of about 400 modules each, most of them unchanged."""
    scratch: list[Anomaly] = []  # the history keeps no anomaly of these
    publishers: dict[str, str | None] = {}
    credits: dict[str, list[str]] = {}
    credited_by: dict[str, None] = {}  # every credited publisher, once
    models: list[tuple[str, bool]] = []
    links = papers = 0
    for module in sorted(cat.modules.values(), key=lambda m: m.handle):
        key = (module.blob, module.readme_blob, module.readme_en_blob)
        found = memo.get(key) if memo is not None else None
        if found is None:
            credited = tuple(_credits(module, curation, scratch))
            module_links = _links(module, scratch)
            found = (credited, len(module_links), len(_papers(module, module_links)))
            scratch.clear()
            if memo is not None:
                memo[key] = found
        credited, n_links, n_papers = found
        publishers[module.handle] = credited[0][0] if credited else None
        if credited:
            credits[module.handle] = [handle for handle, _ in credited]
            credited_by.update(dict.fromkeys(handle for handle, _ in credited))
        models.append((module.place.domain, module.place.thirdparty))
        links += n_links
        papers += n_papers
    kinds = []
    for handle in credited_by:
        annotation = publisher_types.get(handle)
        kinds.append(
            (annotation.type, annotation.organization) if annotation else ("unannotated", None)
        )
    return _counts(kinds, models, links, papers), publishers, credits
