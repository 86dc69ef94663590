"""TF Hub through the pipeline: the functions build.py calls for a release of this hub."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tfhub_dataset.annotations import PublisherType
from tfhub_dataset.hubs.tfhub.catalog import DocCache, build_catalog
from tfhub_dataset.hubs.tfhub.community import COMMUNITY
from tfhub_dataset.hubs.tfhub.history import HISTORY
from tfhub_dataset.hubs.tfhub.tables import build_tables
from tfhub_dataset.sources.errors import NoDocs
from tfhub_dataset.sources.snapshot import Snapshot

__all__ = [
    "COMMUNITY",
    "HISTORY",
    "comparison_view",
    "datasette_queries",
    "release_tables",
    "release_texts",
    "render_report",
]


def release_tables(
    snapshot: Snapshot, publisher_types: dict[str, PublisherType], doc_cache: DocCache | None = None
) -> dict[str, list[dict[str, Any]]]:
    """All tables of one snapshot (pure); ``doc_cache`` shares parsed docs with the history.
    NoDocs when the snapshot holds no doc at all: no release is made of it."""
    catalog = build_catalog(snapshot, doc_cache)
    if not catalog.docs and not any(p.startswith("assets/") for p in snapshot.oversized):
        raise NoDocs(
            f"commit {snapshot.commit[:12]} holds no TF Hub doc (no Markdown file under assets/), "
            f"so it is no snapshot of tensorflow/tfhub.dev: nothing was written"
        )
    return build_tables(catalog, publisher_types)


def render_report(
    files: Mapping[str, bytes], info: Any, previous: Mapping[str, bytes] | None
) -> dict[str, bytes]:
    """README, data dictionary, CHANGES.md, CITATION.cff, LICENSE and charts of a release."""
    from tfhub_dataset.hubs.tfhub.report.readme import render_report as render

    return render(files, info, previous)


def release_texts(facts: Any) -> dict[str, str]:
    """What this hub adds to the texts of croissant.json and the datasheet (publish/texts.py)."""
    from tfhub_dataset.hubs.tfhub.publish import release_texts as texts

    return texts(facts)


def datasette_queries(facts: Any) -> dict[str, dict[str, str]]:
    """This hub's canned queries in Datasette's metadata.json (publish/datasette.py)."""
    from tfhub_dataset.hubs.tfhub.publish import datasette_queries as queries

    return queries(facts)


def comparison_view(release: Any) -> Any:
    """The release as the comparison of the hubs reads it (a comparison.view.HubView)."""
    from tfhub_dataset.hubs.tfhub.comparison import view

    return view(release)
