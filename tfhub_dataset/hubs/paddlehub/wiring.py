"""PaddleHub through the pipeline: the functions build.py calls for a release of this hub, and
the rules its history follows (history/series.py).

History rules (hubs/paddlehub/history.py): a module's module.py, README.md and README_en.md are
its three docs, keyed by the module's name whatever folder holds them, so the moves of the
catalogue are moves, not new modules; a module's publishers are what the parsed snapshots say
(its author string through the curated annotation), every credited publisher counting in
publisher_history; there were no import commits. The snapshot of every commit of the first-parent
line that changes a catalogue file is parsed (about 250 of develop's 1,088 commits, each file
version parsed once), so that every module version of the line is read by the parser: the hub's
own history table, module_versions, comes from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tfhub_dataset.annotations import PublisherType
from tfhub_dataset.history.series import HistoryRules
from tfhub_dataset.hubs.paddlehub import HUB, is_data_path
from tfhub_dataset.hubs.paddlehub.annotations import default_curation
from tfhub_dataset.hubs.paddlehub.catalog import ParseCache, build_catalog
from tfhub_dataset.hubs.paddlehub.community import COMMUNITY
from tfhub_dataset.hubs.paddlehub.history import (
    doc_from_path,
    history_tables,
    model_of,
    normalized_path,
    parse_snapshot,
)
from tfhub_dataset.hubs.paddlehub.tables import build_tables
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
    cache: ParseCache | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """All tables of one snapshot (pure); ``cache`` shares parses with the history. NoDocs when
    the snapshot holds no module at all: no release is made of it."""
    catalog = build_catalog(snapshot, cache)
    if not catalog.modules:
        raise NoDocs(
            f"commit {snapshot.commit[:12]} holds no PaddleHub module (no module.py carrying "
            "@moduleinfo under the catalogue folders), so it is no snapshot of "
            f"{HUB.repository}: nothing was written"
        )
    return build_tables(catalog, publisher_types, default_curation())


HISTORY = HistoryRules(
    hub=HUB.name,
    parse=parse_snapshot,
    data_path=is_data_path,
    normalized=normalized_path,
    path_doc=doc_from_path,
    model_of=model_of,
    publisher_of=lambda kind, handle: None,  # from the parsed snapshots
    import_commits=dict,
    schema_dir=HUB.schema_dir,
    every_commit=True,
    extra_tables=history_tables,
)


def render_report(
    files: Mapping[str, bytes], info: Any, previous: Mapping[str, bytes] | None
) -> dict[str, bytes]:
    """README, data dictionary, CHANGES.md, CITATION.cff, LICENSE and charts of a release."""
    from tfhub_dataset.hubs.paddlehub.report import render_report as render

    return render(files, info, previous)


def comparison_view(release: Any) -> Any:
    """The release as the comparison of the hubs reads it (a comparison.view.HubView)."""
    from tfhub_dataset.hubs.paddlehub.comparison import view

    return view(release)


def release_texts(facts: Any) -> dict[str, str]:
    """What this hub adds to the texts of croissant.json and the datasheet (publish/texts.py)."""
    from tfhub_dataset.hubs.paddlehub.publish import release_texts as texts

    return texts(facts)


def datasette_queries(facts: Any) -> dict[str, dict[str, str]]:
    """This hub's canned queries in Datasette's metadata.json (publish/datasette.py)."""
    from tfhub_dataset.hubs.paddlehub.publish import datasette_queries as queries

    return queries(facts)
