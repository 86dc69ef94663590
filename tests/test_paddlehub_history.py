"""PaddleHub's history on a small synthetic repository made with git: the layout moves are moves
of the same docs, versions are read commit by commit, a side branch's module counts from its
merge."""

import dataclasses

import pytest

from tests.paddlehub_repo import ACME, FLASH, POEM, SKY, make_paddlehub_repo
from tests.synthetic_paddlehub import CURATION, TYPES, tables_view
from tfhub_dataset.history.series import build_history
from tfhub_dataset.hubs.paddlehub import GIT_PATHSPEC, REPOSITORY, is_data_path
from tfhub_dataset.hubs.paddlehub.catalog import build_catalog
from tfhub_dataset.hubs.paddlehub.history import (
    doc_from_path,
    module_states,
    normalized_path,
    parse_snapshot,
)
from tfhub_dataset.hubs.paddlehub.tables import build_tables, history_view
from tfhub_dataset.hubs.paddlehub.versions import module_versions
from tfhub_dataset.hubs.paddlehub.wiring import HISTORY

# The hub's own rules, with the synthetic repository's curated judgements.
RULES = dataclasses.replace(
    HISTORY, parse=lambda snap, types, cache: parse_snapshot(snap, types, cache, CURATION)
)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("paddlehub-repo")
    bare = root / "paddlehub.git"
    return bare, make_paddlehub_repo(root / "work", bare)


@pytest.fixture(scope="module")
def source(repo):
    from tfhub_dataset.sources.git import GitConfig, GitSource

    config = GitConfig(
        path=repo[0], data_path=is_data_path, repository=REPOSITORY, pathspec=GIT_PATHSPEC
    )
    with GitSource(config) as src:
        yield src


@pytest.fixture(scope="module")
def history(repo, source):
    head = repo[1]["merge flash"]
    return build_history(source, head, "2022-02-01", TYPES, rules=RULES)


def test_the_snapshot_holds_the_catalogue_and_the_license_only(repo, source):
    snap = source.snapshot(repo[1]["move to modules"])
    assert sorted(snap.files) == sorted(
        [
            "LICENSE",
            f"modules/{ACME}/README.md",
            f"modules/{ACME}/module.py",
            "modules/demo/senta_test/module.py",
            f"modules/{POEM}/README.md",
            f"modules/{POEM}/module.py",
            f"modules/thirdparty/{SKY}/module.py",
        ]
    )


def test_every_layout_gives_the_same_modules(repo, source):
    shas = repo[1]
    for step, expected in (
        ("framework", set()),
        ("add hub modules", {"acme_net", "senta_test"}),
        ("rename", {"acme_net", "senta_test"}),
        ("move to modules", {"acme_net", "senta_test", "poem", "sky"}),
        ("remove demo", {"acme_net", "poem", "sky"}),
        ("merge flash", {"acme_net", "poem", "sky", "flash"}),
    ):
        cat = build_catalog(source.snapshot(shas[step]))
        assert set(cat.modules) == expected, step
    t = build_tables(build_catalog(source.snapshot(shas["move to modules"])), TYPES, CURATION)
    sky = next(r for r in t["models"] if r["handle"] == "sky")
    assert sky["thirdparty"] and sky["task"] == "Image_gan" and sky["group"] == "gan"


def test_moves_are_moves_of_the_same_docs(history, repo):
    shas = repo[1]
    docs = {(r["kind"], r["handle"]): r for r in history.tables["doc_history"]}
    acme = docs[("Module", "acme_net")]
    assert acme["first_seen_commit"] == shas["add hub modules"]
    assert acme["modifications"] == 1 and acme["last_changed_commit"] == shas["bump acme"]
    assert acme["present"] and acme["interruptions"] == 0
    assert docs[("Readme", "acme_net")]["first_seen_commit"] == shas["add hub modules"]
    sky = docs[("Module", "sky")]
    assert sky["last_changed_commit"] == shas["thirdparty joins"]  # moved and edited
    demo = docs[("Module", "senta_test")]
    assert demo["removed_commit"] == shas["remove demo"] and not demo["present"]
    assert docs[("Module", "flash")]["first_seen_commit"] == shas["merge flash"]
    assert not history.tables["history_anomalies"]
    models = {r["handle"]: r for r in history.tables["model_history"]}
    assert set(models) == {"acme_net", "senta_test", "poem", "sky", "flash"}
    assert models["poem"]["publisher"] == "张三"
    effects = {
        (e["path"], e["effect"])
        for e in history.tables["events"]
        if e["commit"] == shas["move to modules"]
    }
    assert (f"modules/{ACME}/module.py", "moved") in effects
    assert (f"modules/thirdparty/{SKY}/module.py", "added") in effects
    side = [e for e in history.tables["events"] if e["commit"] == shas["add flash"]]
    assert [(e["handle"], e["first_parent"]) for e in side] == [("flash", False)]


def test_snapshots_count_the_months(history):
    rows = {r["month"]: r for r in history.tables["snapshots"]}
    assert rows["2019-01"]["models"] == 0 and rows["2020-03"]["repeated"]
    assert rows["2020-04"]["models"] == 2 and rows["2021-06"]["models_thirdparty"] == 1
    assert rows["2022-02"]["models"] == 4 and rows["2022-02"]["publishers"] == 4


def test_module_versions_over_the_line(history, repo, source):
    shas = repo[1]
    line = [r for r in reversed(source.list_commits(shas["merge flash"]))]
    on_line = {r["sha"] for r in history.tables["commits"] if r["first_parent"]}
    observations = [
        (r.sha, r.date, module_states(build_catalog(source.snapshot(r.sha))))
        for r in line
        if r.sha in on_line
    ]
    rows = {(r["module"], r["version"]): r for r in module_versions(observations)}
    assert set(rows) == {
        ("acme_net", "1.0.0"),
        ("acme_net", "1.1.0"),
        ("senta_test", "1.0.0"),
        ("poem", "1.0.0"),
        ("sky", "1.0.0"),
        ("sky", "1.0.1"),
        ("flash", "1.0.0"),
    }
    old = rows[("acme_net", "1.0.0")]
    assert (old["first_seen_commit"], old["ended_commit"], old["present"]) == (
        shas["add hub modules"],
        shas["bump acme"],
        False,
    )
    assert old["source_path"].startswith("hubmodule/modules/")
    assert rows[("sky", "1.0.0")]["source_path"].startswith("modules/thirdparty/")
    assert (
        rows[("sky", "1.0.1")]["present"]
        and rows[("flash", "1.0.0")]["first_seen_commit"] == (shas["merge flash"])
    )
    assert rows[("senta_test", "1.0.0")]["ended_commit"] == shas["remove demo"]
    assert {r["handle"] for r in history.tables["model_history"]} >= {m for m, _ in rows}
    # The history's own table (HistoryRules.extra_tables) is the same, from its parsed commits.
    assert history.tables["module_versions"] == module_versions(observations)


def test_every_credited_publisher_has_a_history(history, repo):
    pubs = {r["handle"]: r for r in history.tables["publisher_history"]}
    assert pubs["李四"]["first_seen_commit"] == repo[1]["add poem"]  # credited second
    assert pubs["李四"]["first_model"] == "poem" and pubs["张三"]["models_seen"] == 1


def test_what_history_guesses_from_a_path_agrees_with_the_parser(repo, source):
    from tfhub_dataset.hubs.paddlehub.history import observed

    cat = build_catalog(source.snapshot(repo[1]["merge flash"]))
    for path, doc in observed(cat).items():
        assert doc_from_path(path) == doc, path
    assert normalized_path(f"modules/thirdparty/{SKY}/module.py") == f"{SKY}/module.py"
    assert normalized_path(f"hubmodule/modules/{FLASH}/README.md") == f"{FLASH}/README.md"


def test_history_view_equals_the_tables_at_every_commit(repo, source):
    """The history's counts and publishers, made without the tables' rows and with one memo of
    module summaries for every commit in turn (most modules unchanged from the one before),
    equal what the full tables of each commit say; so does parse_snapshot's."""
    memo: dict = {}
    cache: dict = {}
    seen = 0
    for name, sha in repo[1].items():
        snap = source.snapshot(sha)
        cat = build_catalog(snap, cache)
        expected = tables_view(build_tables(cat, TYPES, CURATION))
        assert history_view(cat, TYPES, CURATION, memo) == expected, name
        assert history_view(cat, TYPES, CURATION) == expected, name
        parsed = parse_snapshot(snap, TYPES, cache, CURATION)
        assert (parsed.counts, parsed.publishers, parsed.credits) == expected, name
        seen += bool(cat.modules)
    assert seen >= 5 and memo
