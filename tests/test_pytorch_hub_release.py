"""PyTorch Hub's history as the build makes it (the git source, history/series.py with the hub's
rules) against an independent walk of every first-parent commit with plain git
(tests/pytorch_hub_git.py); skipped without the real clone."""

from __future__ import annotations

import pytest

from tests.pytorch_hub_git import CLONE, needs_clone
from tfhub_dataset.annotations import load_publisher_types
from tfhub_dataset.build import load_pins
from tfhub_dataset.history.series import build_history
from tfhub_dataset.hubs import PYTORCH_HUB

pytestmark = needs_clone


@pytest.fixture(scope="module")
def history():
    from tfhub_dataset.hubs.pytorch_hub.wiring import HISTORY
    from tfhub_dataset.sources.git import GitConfig, GitSource

    pin = max((p for p in load_pins() if p.hub == "pytorch-hub"), key=lambda p: p.as_of)
    h = PYTORCH_HUB
    config = GitConfig(
        path=CLONE, data_path=h.is_data_path, repository=h.repository, pathspec=h.git_pathspec
    )
    types = load_publisher_types(h.annotations)
    with GitSource(config) as source:
        return build_history(source, pin.commit, pin.as_of, types, rules=HISTORY)


@pytest.fixture(scope="module")
def walked(pytorch_hub_walk):
    """Per first-parent commit, oldest first: (sha, {model page: publisher}, tables)."""
    return [
        (ref.sha, {r["handle"]: r["publisher"] for r in t["models"]}, t)
        for ref, _, t in pytorch_hub_walk
    ]


def test_model_and_publisher_dates_match_a_walk_of_every_commit(history, walked):
    first: dict[str, str] = {}
    removed: dict[str, str] = {}
    publisher: dict[str, str | None] = {}
    before: set[str] = set()
    for sha, pages, _ in walked:
        came, gone = pages.keys() - before, before - pages.keys()
        for new in sorted(came):  # a page renamed to another case only is one page that moved
            old = [h for h in gone if h.casefold() == new.casefold()]
            if len(old) == 1 and new not in first:
                first[new] = first.pop(old[0])
                publisher.pop(old[0], None)
                gone.discard(old[0])
        for handle in came:
            first.setdefault(handle, sha)
            removed.pop(handle, None)
        for handle in gone:
            removed[handle] = sha
        publisher.update(pages)
        before = set(pages)
    models = {r["handle"]: r for r in history.tables["model_history"]}
    assert sorted(models) == sorted(first)
    for handle, row in models.items():
        assert row["first_seen_commit"] == first[handle], handle
        assert row["removed_commit"] == removed.get(handle), handle
        assert row["present"] == (handle in before), handle
        assert row["publisher"] == publisher[handle], handle
    pubs = {r["handle"]: r for r in history.tables["publisher_history"]}
    assert sorted(pubs) == sorted({p for p in publisher.values() if p})
    for handle, row in pubs.items():
        own = [m for m, p in publisher.items() if p == handle]
        assert row["first_seen_commit"] == min((first[m] for m in own), key=_position(walked))
        assert row["models_seen"] == len(own)


def _position(walked):
    order = {sha: i for i, (sha, _, _) in enumerate(walked)}
    return lambda sha: order[sha]


def test_monthly_snapshots_count_what_the_walk_counts(history, walked):
    at = {sha: t for sha, _, t in walked}
    snaps = history.tables["snapshots"]
    assert snaps[0]["month"] == "2019-04" and snaps[-1]["month"] == "2024-04"
    for s in snaps:
        t = at[s["commit"]]
        assert (s["models"], s["publishers"], s["calls"]) == (
            len(t["models"]),
            len(t["publishers"]),
            len(t["entrypoints"]),
        ), s["month"]
    # The one anomaly: example.md ('ELFtest', May 2019), a placeholder page set aside.
    assert [(a["kind"], a["path"]) for a in history.tables["history_anomalies"]] == [
        ("placeholder-page", "example.md")
    ]
