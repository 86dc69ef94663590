"""PyTorch Hub through the pipeline: the functions build.py calls for a release of this hub,
and the rules its history follows (history/series.py).

History rules: every model page is a doc of kind ``Page`` whose handle is its file name, and the
model it is (no versions); a page's publisher is what the parsed snapshots say (the GitHub owner
of its repository), since its handle does not say it; there were no import commits; paths never
move between folders (pages live at the repository's root). The snapshot of every commit of the
first-parent line that changes a data path is parsed (about 270 commits, each page version parsed
once), so that every page of the line is read by the parser, not guessed from its path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tfhub_dataset.annotations import PublisherType
from tfhub_dataset.history.series import HistoryRules, Parsed
from tfhub_dataset.hubs.pytorch_hub import HUB, is_data_path, is_page_path
from tfhub_dataset.hubs.pytorch_hub.catalog import (
    PAGE_KIND,
    PageCache,
    build_catalog,
    handle_from_path,
    observed,
)
from tfhub_dataset.hubs.pytorch_hub.community import COMMUNITY
from tfhub_dataset.hubs.pytorch_hub.tables import build_tables, snapshot_counts
from tfhub_dataset.sources.errors import NoDocs
from tfhub_dataset.sources.snapshot import Snapshot

__all__ = [
    "COMMUNITY",
    "HISTORY",
    "comparison_view",
    "datasette_queries",
    "parse_snapshot",
    "release_tables",
    "release_texts",
    "render_report",
]


def release_tables(
    snapshot: Snapshot,
    publisher_types: dict[str, PublisherType],
    page_cache: PageCache | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """All tables of one snapshot (pure); ``page_cache`` shares parsed pages with the history.
    NoDocs when the snapshot holds no model page at all: no release is made of it."""
    catalog = build_catalog(snapshot, page_cache)
    if not catalog.pages and not any(is_page_path(p) for p in snapshot.oversized):
        raise NoDocs(
            f"commit {snapshot.commit[:12]} holds no PyTorch Hub model page (no Markdown file at "
            f"the root with layout: hub_detail), so it is no snapshot of pytorch/hub: "
            "nothing was written"
        )
    return build_tables(catalog, publisher_types)


def parse_snapshot(
    snapshot: Snapshot,
    publisher_types: dict[str, PublisherType],
    page_cache: PageCache | None = None,
) -> Parsed:
    """One snapshot through the release parser: its pages, the snapshots row counts, and each
    page's publisher."""
    cat = build_catalog(snapshot, page_cache)
    t = build_tables(cat, publisher_types)
    publishers = {r["handle"]: r["publisher"] for r in t["models"]}
    paths = frozenset(snapshot.files)
    return Parsed(
        snapshot.commit, paths, observed(cat), snapshot_counts(t), {}, publishers, cat.set_aside
    )


def _model_of(kind: str, handle: str) -> str | None:
    return handle if kind == PAGE_KIND else None


HISTORY = HistoryRules(
    hub=HUB.name,
    parse=parse_snapshot,
    data_path=is_data_path,
    normalized=lambda path: path,
    path_doc=handle_from_path,
    model_of=_model_of,
    publisher_of=lambda kind, handle: None,  # from the parsed snapshots
    import_commits=dict,
    schema_dir=HUB.schema_dir,
    every_commit=True,
)


def render_report(
    files: Mapping[str, bytes], info: Any, previous: Mapping[str, bytes] | None
) -> dict[str, bytes]:
    """README, data dictionary, CHANGES.md, CITATION.cff, LICENSE and charts of a release."""
    from tfhub_dataset.hubs.pytorch_hub.report import render_report as render

    return render(files, info, previous)


def release_texts(facts: Any) -> dict[str, str]:
    """What this hub adds to the texts of croissant.json and the datasheet (publish/texts.py)."""
    from tfhub_dataset.hubs.pytorch_hub.publish import release_texts as texts

    return texts(facts)


def datasette_queries(facts: Any) -> dict[str, dict[str, str]]:
    """This hub's canned queries in Datasette's metadata.json (publish/datasette.py)."""
    from tfhub_dataset.hubs.pytorch_hub.publish import datasette_queries as queries

    return queries(facts)


def comparison_view(release: Any) -> Any:
    """The release as the comparison of the hubs reads it (a comparison.view.HubView)."""
    from tfhub_dataset.hubs.pytorch_hub.comparison import view

    return view(release)
