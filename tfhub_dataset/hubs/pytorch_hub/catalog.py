"""Snapshot -> Catalog: every root Markdown file parsed, the vocabularies read.

The Catalog is what one commit of pytorch/hub said, before any counting convention is applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfhub_dataset.hubs.pytorch_hub import is_page_path
from tfhub_dataset.hubs.pytorch_hub.anomaly import Anomaly
from tfhub_dataset.hubs.pytorch_hub.page import Page, parse_page
from tfhub_dataset.hubs.pytorch_hub.vocab import Vocabularies, parse_vocabularies
from tfhub_dataset.sources.snapshot import Snapshot

PAGE_KIND = "Page"  # the one kind of doc PyTorch Hub has (history's (kind, handle) keys)


@dataclass
class Catalog:
    commit: str
    commit_date: str
    pages: dict[str, Page]  # model pages by path
    others: list[str] = field(default_factory=list)  # other root Markdown files
    vocab: Vocabularies = field(default_factory=Vocabularies)
    anomalies: list[Anomaly] = field(default_factory=list)  # beyond those on pages

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
    for path in sorted(p for p in snapshot.files if is_page_path(p)):
        data = snapshot.files[path]
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
    cat.vocab = parse_vocabularies(snapshot.files)
    return cat


def observed(cat: Catalog) -> dict[str, tuple[str, str]]:
    """Each model page's path -> (kind, handle), what history replays commits against."""
    return {path: (PAGE_KIND, page.handle) for path, page in cat.pages.items()}
