"""Snapshot -> Catalog: every root Markdown file parsed, the vocabularies read.

The Catalog is what one commit of pytorch/hub said, before any counting convention is applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfhub_dataset.hubs.pytorch_hub import is_page_path
from tfhub_dataset.hubs.pytorch_hub.anomaly import Anomaly
from tfhub_dataset.hubs.pytorch_hub.page import Page, parse_page
from tfhub_dataset.hubs.pytorch_hub.vocab import Vocabularies, parse_vocabularies
from tfhub_dataset.sources.snapshot import MAX_FILE_BYTES, Snapshot

PAGE_KIND = "Page"  # the one kind of doc PyTorch Hub has (history's (kind, handle) keys)
# Root Markdown files the hub's own sanity check skips: documentation, never model pages.
NOT_PAGES = frozenset({"README.md", "CONTRIBUTING.md", "CODE_OF_CONDUCT.md"})
Observed = tuple[str | None, str | None]  # (kind, handle); (None, None): not a model page


@dataclass
class Catalog:
    commit: str
    commit_date: str
    pages: dict[str, Page]  # model pages by path
    others: list[str] = field(default_factory=list)  # other root Markdown files
    vocab: Vocabularies = field(default_factory=Vocabularies)
    anomalies: list[Anomaly] = field(default_factory=list)  # beyond those on pages
    # Files read and set aside as no model page though their path names one: path -> (kind,
    # detail) of the anomaly that says why (placeholder pages), for the history to record.
    set_aside: dict[str, tuple[str, str]] = field(default_factory=dict)

    def all_anomalies(self) -> list[Anomaly]:
        out = list(self.anomalies) + list(self.vocab.anomalies)
        for page in self.pages.values():
            out.extend(page.anomalies)
        return out


PageCache = dict[tuple[str, bytes], Page]


def build_catalog(snapshot: Snapshot, page_cache: PageCache | None = None) -> Catalog:
    """Parse a snapshot. Pure: the same snapshot always gives the same catalog.

    ``page_cache`` memoises parsed pages by (path, bytes) across the snapshots of one run; pages
    are never modified after parsing.
    """
    cat = Catalog(snapshot.commit, snapshot.commit_date, {})
    for path, size in sorted(snapshot.oversized.items()):
        cat.anomalies.append(Anomaly(path, None, "file-too-large", f"{size:,} bytes; not parsed"))
    for path in sorted(snapshot.escaped):
        detail = "the file name is not UTF-8 (bytes written \\xNN)"
        cat.anomalies.append(Anomaly(path, None, "invalid-utf8", detail))
    for path in sorted(p for p in snapshot.files if is_page_path(p)):
        data = snapshot.files[path]
        if len(data) > MAX_FILE_BYTES:  # a source that does not leave such files out itself
            detail = f"{len(data):,} bytes; not parsed"
            cat.anomalies.append(Anomaly(path, None, "file-too-large", detail))
            continue
        page = page_cache.get((path, data)) if page_cache is not None else None
        if page is None:
            page = parse_page(path, data)
            if page_cache is not None:
                page_cache[(path, data)] = page
        if page.is_model:
            cat.pages[path] = page
        else:
            cat.others.append(path)
            cat.anomalies.extend(page.anomalies)  # e.g. front matter without a model layout
            for a in page.anomalies:
                if a.kind == "placeholder-page":
                    cat.set_aside[path] = (a.kind, a.detail)
    cat.vocab = parse_vocabularies(snapshot.files)
    return cat


def observed(cat: Catalog) -> dict[str, Observed]:
    """Each root Markdown file's path -> (kind, handle) as parsed, what history replays commits
    against: ('Page', handle) for a model page, (None, None) for any other file."""
    out: dict[str, Observed] = dict.fromkeys(cat.others, (None, None))
    out.update({path: (PAGE_KIND, page.handle) for path, page in cat.pages.items()})
    return out


def handle_from_path(path: str) -> Observed:
    """(kind, handle) a root Markdown file would have by the hub's conventions, for files no
    parsed snapshot saw: a model page named after its file, unless the sanity check skips it."""
    if not is_page_path(path) or path in NOT_PAGES:
        return None, None
    return PAGE_KIND, path.removesuffix(".md")
