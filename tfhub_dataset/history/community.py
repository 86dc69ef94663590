"""The community tables of a release, wired: the commits' identities from the source (in memory
only), the hub's aliases and opt-outs from its annotations folder, the history's events, and the
attribution of the hub's facts (contributions.py does the work; this module only gathers its
inputs and puts its outputs into the release's tables)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tfhub_dataset.annotations import load_contributor_aliases, load_opt_outs
from tfhub_dataset.derived import DerivedCache
from tfhub_dataset.history.contributions import (
    COMMUNITY_TABLES,
    CommunitySpec,
    DocFacts,
    FirstCommits,
    attribute,
    build_community,
    first_commits,
)

Tables = dict[str, list[dict[str, Any]]]


def owner_publishers(tables: Tables, owner: str) -> frozenset[str]:
    """The publishers of the hub owner's own organisation, by the release's ``publishers``
    (their curated ``organization``)."""
    rows = tables.get("publishers") or []
    return frozenset(r["handle"] for r in rows if r.get("organization") == owner)


def add_community(
    tables: Tables,
    history_tables: Tables,
    source: Any,
    community_spec: CommunitySpec,
    *,
    commit: str,
    annotations_dir: Path,
    imports: Mapping[str, str],
    progress: Callable[[str], None] | None = None,
    cache: DerivedCache | None = None,
) -> None:
    """Add ``channels``, ``contributions``, ``contributors`` and ``publisher_contributions`` to a
    release's tables, fill the attribution columns of its fact tables, and record the anomalies
    met (in ``history_anomalies``). Nothing here is written but ids, classes and counts.

    With a ``cache``, the first commit of each fact is kept between runs (no identity: commits
    in the fact table's row order), so that a warm build reads no doc version again; the
    commits' people are read from the source every time and never kept."""
    spec_hub = community_spec.rules.hub
    kinds = {k for f in community_spec.facts if isinstance(f, DocFacts) for k in f.kinds}
    clash = set(COMMUNITY_TABLES) & set(tables)
    if clash:
        raise ValueError(f"tables already hold {sorted(clash)}")
    refs = source.list_commits(commit)
    community = build_community(
        refs,
        commit,
        history_tables,
        community_spec.rules,
        imports=imports,
        aliases=load_contributor_aliases(annotations_dir),
        opt_outs=load_opt_outs(annotations_dir),
    )
    events = history_tables["events"]
    line = list(community.contributions)  # the first-parent line, oldest first
    firsts: dict[str, FirstCommits] = {}
    changes: dict[str, Any] | None = None
    for spec in (f for f in community_spec.facts if isinstance(f, DocFacts)):
        key = cache.key("facts", spec_hub, commit, spec.table) if cache else ""
        rows = len(tables.get(spec.table, []))
        found = FirstCommits.from_json(cache.load(key), rows) if cache else None
        if found is None:
            if changes is None:  # the changed files (with their blob ids) of the doc commits
                wanted = {e["commit"] for e in events if e["first_parent"] and e["kind"] in kinds}
                changes = {sha: source.commit_changes(sha) for sha in sorted(wanted)}
            found = first_commits(
                tables, spec, line, changes=changes,
                read_blob=getattr(source, "read_blob", None), events=events,
            )  # fmt: skip
            if cache:
                cache.save(key, found.to_json())
        firsts[spec.table] = found
    owner = owner_publishers(tables, community_spec.rules.owner)
    found_anomalies = attribute(tables, community, community_spec.facts, owner, firsts)
    tables.update(community.tables)
    tables["history_anomalies"] = [
        *tables.get("history_anomalies", []),
        *community.anomalies,
        *({**a, "commit": a["commit"] or commit} for a in found_anomalies),
    ]
    if progress is not None:
        t = community.tables
        progress(
            f"[community] {len(t['contributions'])} commits through "
            f"{sum(1 for c in t['channels'] if c['commits'])} channels, "
            f"{len(t['contributors'])} contributors, "
            f"{len(community.anomalies) + len(found_anomalies)} anomalies"
        )
