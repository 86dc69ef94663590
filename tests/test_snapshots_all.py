"""Every month-end snapshot of the history, 2020-08 to 2024-03, and the study's commit parse;
each era's quirks are recorded."""

from __future__ import annotations

from collections import Counter

import pytest

from tfhub_dataset.annotations import load_publisher_types
from tfhub_dataset.hubs.tfhub.catalog import build_catalog
from tfhub_dataset.hubs.tfhub.tables import build_tables


@pytest.fixture(scope="module")
def kinds_by_date(real_git, real_histories, real_doc_cache) -> dict[str, tuple[Counter, dict]]:
    """{commit day: (anomaly kinds, tables)} of every distinct month-end commit of the final
    release's history and of the study's release commit (docs parsed once, shared)."""
    types = load_publisher_types()
    commits = {r["commit"] for h in real_histories.values() for r in h.tables["snapshots"]}
    out = {}
    for sha in sorted(commits):
        snap = real_git.snapshot(sha)
        tables = build_tables(build_catalog(snap, real_doc_cache), types)
        out[snap.date] = (Counter(a["kind"] for a in tables["anomalies"]), tables)
    return out


def test_all_snapshots_parse_into_valid_looking_tables(kinds_by_date):
    assert len(kinds_by_date) == 42
    for date, (_, t) in kinds_by_date.items():
        assert len(t["models"]) > 600 and len(t["publishers"]) >= 9, date
        assert all(r["publisher"] in {p["handle"] for p in t["publishers"]} for r in t["models"])


def test_era_quirks(kinds_by_date):
    first, _ = kinds_by_date["2020-08-26"]
    assert first["legacy-key"] > 1000  # module-type, finetunable, ... in the g3doc import
    assert first["zwnj-in-handle"] > 500
    assert first["split-tag-list"] > 0 and first["undeclared-tag"] > 0  # no tags/*.yaml yet
    assert kinds_by_date["2020-09-29"][0]["unreadable-first-line"] == 1  # 'Publisher test.'
    late, t = kinds_by_date["2024-03-18"]
    assert late["legacy-key"] == 0 and late["unresolved-parent"] > 0
    assert Counter(r["kaggle_status"] for r in t["models"]) == {
        "not-listed": 1316,
        "unmigrated": 16,
    }
    assert all(r["kaggle_status"] is None for r in kinds_by_date["2022-04-04"][1]["models"])


def test_free_text_tags_resolve_to_the_later_ids(kinds_by_date):
    """A 2021-03 free-text architecture ('MobileNet V2') gets the id task.yaml gave it later."""
    early = {r["id"] for r in kinds_by_date["2021-03-31"][1]["architectures"]}
    late = {r["id"] for r in kinds_by_date["2024-03-18"][1]["architectures"]}
    assert "mobilenet-v2" in early and "mobilenet-v2" in late
