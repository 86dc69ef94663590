"""Every snapshot in the mirror, 2020-08 to 2024-03, parses; each era's quirks are recorded."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.mirror import MIRROR, needs_mirror
from tfhub_dataset.annotations import load_publisher_types
from tfhub_dataset.hubs.tfhub.catalog import DocCache, build_catalog
from tfhub_dataset.hubs.tfhub.tables import build_tables
from tfhub_dataset.sources.local import load_local

pytestmark = needs_mirror


@pytest.fixture(scope="module")
def kinds_by_date() -> dict[str, tuple[Counter, dict]]:
    types, memo = load_publisher_types(), DocCache()
    out = {}
    for tarball in sorted(MIRROR.glob("tarballs/*.tar.gz")):
        snap = load_local(tarball)
        tables = build_tables(build_catalog(snap, memo), types)
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
