"""History of the real tensorflow/tfhub.dev, from its git clone (skipped without it)."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest

from tests.mirror import ROOT
from tests.synthetic import history_readme_section as readme_section
from tfhub_dataset.annotations import load_publisher_types
from tfhub_dataset.build import Pin, load_pins, release_tables
from tfhub_dataset.history.series import History, add_history
from tfhub_dataset.package.write import ReleaseInfo, render_release

FIRST_IMPORT = "e6bdf7372c74fee3c15882f98c36dfaa9ea31acb"
LINE_OCTOBER = "470786c37d41499674a1f3e14c2b56580715a665"  # not the side branch's 08639d86
RENAMED_AND_EDITED = "bad00e44c27ddbc6fdd5ba550031839d8f63cf2f"
# Replaying every commit's changed files gives exactly the data paths of all fetched snapshots.
REPLAY_MISMATCHES = 0


def pin(release_id: str) -> Pin:
    return next(p for p in load_pins() if p.id == release_id)


@pytest.fixture(scope="module")
def final(real_histories) -> tuple[Pin, History]:
    return pin("2024-03-18"), real_histories["2024-03-18"]


@pytest.fixture(scope="module")
def study(real_histories) -> tuple[Pin, History]:
    return pin("2022-04-05"), real_histories["2022-04-05"]


def test_final_release_series(final: tuple[Pin, History]) -> None:
    p, h = final
    snaps = h.tables["snapshots"]
    assert len(snaps) == 44
    assert (snaps[0]["month"], snaps[0]["commit"]) == ("2020-08", FIRST_IMPORT)
    assert (snaps[-1]["month"], snaps[-1]["commit"]) == ("2024-03", p.commit)
    assert [s["month"] for s in snaps if s["repeated"]] == ["2023-05", "2023-12", "2024-02"]
    assert snaps[2]["month"] == "2020-10" and snaps[2]["commit"] == LINE_OCTOBER
    assert [s["month"] for s in snaps if s["partial_month"]] == ["2024-03"]
    assert len(h.tables["commits"]) == 623
    assert sum(not c["first_parent"] for c in h.tables["commits"]) == 4
    assert sum(c["parent_count"] == 2 for c in h.tables["commits"]) == 4
    # one commit list, one change list per commit, the distinct month ends only (the release
    # commit's snapshot is asked for too: the session's source is not the release build's)
    assert h.calls == Counter(list_commits=1, commit_changes=623, snapshot=41)
    assert len(h.tables["history_anomalies"]) == REPLAY_MISMATCHES


def test_study_release_series_ends_at_its_commit(study: tuple[Pin, History]) -> None:
    p, h = study
    snaps = h.tables["snapshots"]
    assert [s["month"] for s in snaps][0::20] == ["2020-08", "2022-04"]
    assert len(snaps) == 21 and snaps[-1]["commit"] == p.commit
    assert max(c["date"] for c in h.tables["commits"]) == p.commit_date
    assert h.calls["commit_changes"] == len(h.tables["commits"]) and h.calls["snapshot"] == 21
    assert [s["month"] for s in snaps if s["partial_month"]] == ["2022-04"]
    assert len(h.tables["history_anomalies"]) == REPLAY_MISMATCHES


@pytest.mark.heavy
def test_every_model_doc_and_publisher_is_dated(
    real_git, final: tuple[Pin, History], study: tuple[Pin, History]
) -> None:
    types = load_publisher_types()
    for p, h in (final, study):
        tables = release_tables(real_git.snapshot(p.commit), types)
        add_history(tables, h)
        for name in ("models", "versions", "publishers"):
            assert all(r["first_seen"] for r in tables[name]), name
        assert all(r["first_seen_commit"] for r in tables["models"] + tables["versions"])
        last = h.tables["snapshots"][-1]
        assert (last["models"], last["versions"], last["publishers"]) == (
            len(tables["models"]),
            len(tables["versions"]),
            len(tables["publishers"]),
        )
        # Their dates as written are the committed release's (verify rebuilds, and
        # test_releases.py validates, the whole release).
        files = render_release(tables, ReleaseInfo(p.id, p.as_of, p.commit, p.commit_date))
        for name in ("models", "versions", "publishers"):
            ours = list(csv.DictReader(io.StringIO(files[f"data/{name}.csv"].decode())))
            path = ROOT / "releases" / p.id / "data" / f"{name}.csv"
            theirs = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
            dated = [c for c in ours[0] if c.startswith(("first_seen", "last_seen"))]
            assert dated and len(ours) == len(theirs), name
            for a, b in zip(ours, theirs, strict=True):
                assert {c: a[c] for c in dated} == {c: b[c] for c in dated}, (name, a)


def test_import_dates_are_flagged(final: tuple[Pin, History]) -> None:
    _, h = final
    pubs = {r["handle"]: r for r in h.tables["publisher_history"]}
    assert pubs["google"]["first_seen_commit"] == FIRST_IMPORT
    assert pubs["google"]["first_seen_imported"]
    assert pubs["sayakpaul"]["first_seen"].startswith("2020-10-07")  # moved from tensorflow/hub
    assert pubs["sayakpaul"]["first_seen_imported"]
    joined_later = [r for r in pubs.values() if not r["first_seen_imported"]]
    assert joined_later and all(r["first_seen"] > "2020-10-07" for r in joined_later)
    # the move from assets/g3doc/ to assets/docs/ (2020-10-07) is no change of any doc
    docs = h.tables["doc_history"]
    untouched = [r for r in docs if r["modifications"] == 0 and r["interruptions"] == 0]
    assert all(r["last_changed"] == r["first_seen"] for r in untouched)
    assert any(r["first_seen_commit"] == FIRST_IMPORT for r in untouched)
    assert all(r["handle_source"] == "snapshot" for r in docs if r["present"])


def test_kaggle_move(final: tuple[Pin, History]) -> None:
    _, h = final
    status = Counter(r["kaggle_status"] for r in h.tables["model_history"])
    assert status["unmigrated"] > 0 and status["not-listed"] > status["unmigrated"]


def test_readme_section(final: tuple[Pin, History]) -> None:
    _, h = final
    text = readme_section(h.tables)
    assert "Months without commits repeat the previous commit: 2023-05, 2023-12, 2024-02." in text
    assert "e6bdf737, 2020-08-26: initial import" in text and "ef73bcb4, 2020-10-07" in text
    assert "TF Hub moved to Kaggle Models" in text


def test_renamed_and_edited_docs_are_modified(final: tuple[Pin, History]) -> None:
    """Issue 11, item 2: bad00e44 renamed and edited four sayakpaul docs."""
    _, h = final
    edited = [
        e
        for e in h.tables["events"]
        if e["commit"] == RENAMED_AND_EDITED and e["status"] == "renamed"
    ]
    assert len(edited) == 4 and {e["effect"] for e in edited} == {"modified"}
    for e in edited:
        doc = next(r for r in h.tables["doc_history"] if r["handle"] == e["handle"])
        assert doc["last_changed_commit"] == RENAMED_AND_EDITED and doc["modifications"] == 1
