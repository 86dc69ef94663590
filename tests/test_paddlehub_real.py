"""The real PaddleHub clone: the pins, and the modules and publishers at both pinned commits
checked against an independent reading with plain git and ast (tests/paddlehub_git.py)."""

from collections import Counter

import pytest

from tests.paddlehub_git import (
    AS_OF,
    CLONE,
    PIN_2022,
    PIN_LAST,
    credited,
    declared,
    first_parent,
    in_force,
    needs_clone,
    shadow,
)
from tfhub_dataset.hubs.paddlehub import GIT_PATHSPEC, REPOSITORY, is_data_path
from tfhub_dataset.hubs.paddlehub.annotations import load_curation, load_types
from tfhub_dataset.hubs.paddlehub.catalog import build_catalog
from tfhub_dataset.hubs.paddlehub.tables import build_tables

pytestmark = needs_clone


@pytest.fixture(scope="session")
def paddle_view(tmp_path_factory):
    """A working git view of the read-only clone (which lacks refs/)."""
    return shadow(CLONE, tmp_path_factory.mktemp("paddlehub") / "view.git")


@pytest.fixture(scope="session")
def paddle_catalogs(paddle_view):
    """The project's catalogs at both pins, read through its own git source: {sha: catalog}."""
    from tfhub_dataset.sources.git import GitConfig, GitSource

    config = GitConfig(
        path=paddle_view, data_path=is_data_path, repository=REPOSITORY, pathspec=GIT_PATHSPEC
    )
    cache: dict = {}
    with GitSource(config) as source:
        return {sha: build_catalog(source.snapshot(sha), cache) for sha in (PIN_2022, PIN_LAST)}


@pytest.fixture(scope="session")
def paddle_tables(paddle_catalogs):
    """The project's tables at both pins: {sha: tables}."""
    types, curation = load_types(), load_curation()
    return {sha: build_tables(cat, types, curation) for sha, cat in paddle_catalogs.items()}


def test_the_history_view_equals_the_tables_at_both_pins(paddle_catalogs, paddle_tables):
    """What the history keeps of each pin, made without the tables' rows, with one memo of
    module summaries for both (the second pin reuses the modules the first left unchanged)."""
    from tests.synthetic_paddlehub import tables_view
    from tfhub_dataset.hubs.paddlehub.tables import history_view

    types, curation, memo = load_types(), load_curation(), {}
    for sha, cat in paddle_catalogs.items():
        assert history_view(cat, types, curation, memo) == tables_view(paddle_tables[sha])
    assert len(memo) < sum(len(cat.modules) for cat in paddle_catalogs.values())


def test_the_pins_are_the_commit_in_force_on_the_day_and_the_last_commit(paddle_view):
    line = first_parent(paddle_view)
    assert len(line) == 1088
    assert in_force(paddle_view, AS_OF) == PIN_2022
    assert line[0][0] == PIN_LAST


@pytest.mark.parametrize("sha", [PIN_2022, PIN_LAST])
def test_modules_and_publishers_match_an_independent_reading(paddle_view, paddle_tables, sha):
    t = paddle_tables[sha]
    authors = declared(paddle_view, sha)
    assert {r["handle"] for r in t["models"]} == set(authors)
    assert {r["handle"]: r["author"] for r in t["models"]} == {
        m: (a or "").strip() or None for m, a in authors.items()
    }
    expected = credited(authors)
    assert {r["handle"]: r["model_count"] for r in t["publishers"]} == {
        h: len(mods) for h, mods in expected.items()
    }
    assert not [r for r in t["anomalies"] if r["kind"].startswith("unannotated")]


def test_the_headline_figures(paddle_tables):
    """What the releases' READMEs will quote, so that a change to them is seen."""
    for sha, models in ((PIN_2022, 398), (PIN_LAST, 437)):
        t = paddle_tables[sha]
        types = Counter(r["type"] for r in t["publishers"])
        assert len(t["models"]) == models
        assert (types["individual"], types["organization"]) == (10, 10)
        orgs = {r["organization"] for r in t["publishers"] if r["organization"]}
        assert orgs == {"Baidu", "WeNet", "Harbin Institute of Technology"}
        assert {r["id"] for r in t["domains"]} == {"image", "text", "audio", "video", "demo"}
        assert sum(1 for r in t["anomalies"] if r["kind"] == "readme-without-module") >= 40
