"""The community engine (history/contributions.py) on a small repository made with git: ids,
aliases, the opt-out, affiliations and domain classes, publisher x contributor x channel, the
attribution of facts, and that no name or address of the history reaches a table."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.community_repo import (
    OWNER_PUBLISHERS,
    PAT,
    PEOPLE,
    RULES,
    STEPS,
    make_community_repo,
)
from tfhub_dataset.annotations import (
    CommitIdentity,
    ContributorAlias,
    OptOut,
    parse_contributor_aliases,
    parse_opt_outs,
)
from tfhub_dataset.build import release_tables
from tfhub_dataset.history.contributions import (
    DocFacts,
    attribute,
    build_community,
    first_commits,
)
from tfhub_dataset.history.series import add_history, build_history
from tfhub_dataset.hubs.tfhub.community import FACTS
from tfhub_dataset.hubs.tfhub.history import HISTORY as TFHUB_RULES
from tfhub_dataset.sources.commits import Person
from tfhub_dataset.sources.git import GitConfig, GitSource


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    return make_community_repo(tmp_path_factory.mktemp("community"))


def run(repo: tuple[Path, dict[str, str]], aliases=(), opt_outs=()):
    bare, shas = repo
    head = shas[STEPS[-1].name]
    with GitSource(GitConfig(path=bare)) as src:
        snap = src.snapshot(head)
        docs: dict = {}
        tables = release_tables(snap, {}, docs, "tfhub")
        hist = build_history(
            src, head, "2021-05-31", {}, known=snap, doc_cache=docs, rules=TFHUB_RULES
        )
        add_history(tables, hist)
        refs = src.list_commits(head)
        community = build_community(
            refs, head, hist.tables, RULES, aliases=aliases, opt_outs=opt_outs
        )
        changes = {r.sha: src.commit_changes(r.sha) for r in refs}
        line = list(community.contributions)
        firsts = {
            f.table: first_commits(tables, f, line, changes=changes, read_blob=src.read_blob,
                                   events=hist.tables["events"])
            for f in FACTS if isinstance(f, DocFacts)
        }  # fmt: skip
        found = attribute(tables, community, FACTS, OWNER_PUBLISHERS, firsts)
    return community, tables, found


def alias(shas: dict[str, str]) -> ContributorAlias:
    return ContributorAlias(
        CommitIdentity(shas["alias"], "author"),
        CommitIdentity(shas["import"], "author"),
        "same full name; both commits change only publisher pat's docs",
    )


def by(rows: list[dict], key: str) -> dict:
    return {r[key]: r for r in rows}


def test_channels_pull_requests_and_roles(repo):
    community, _, _ = run(repo)
    _, shas = repo
    rows = by(community.tables["contributions"], "commit")
    got = {step.name: rows[shas[step.name]] for step in STEPS}
    assert {n: r["channel"] for n, r in got.items()} == {
        "initial": "direct-push", "export": "copybara-export", "import": "copybara-import",
        "squash": "squash-merge", "merge": "fork-merge", "web": "web-edit",
        "campaign": "squash-merge", "alias": "squash-merge", "optout": "squash-merge",
        "pushed": None,
    }  # fmt: skip
    assert {n: r["pull_request"] for n, r in got.items() if r["pull_request"]} == {
        "import": "7", "squash": "8", "merge": "9", "campaign": "10", "alias": "11",
        "optout": "12",
    }  # fmt: skip (an unrecognised commit's number is not read: no guess)
    assert {n: r["committer_role"] for n, r in got.items()} == {
        "initial": "author", "export": "bot", "import": "bot", "squash": "github",
        "merge": "github", "web": "github", "campaign": "github", "alias": "github",
        "optout": "github", "pushed": "author",
    }  # fmt: skip
    # A person-committed commit naming a pull request fits none of TF Hub's rules: an anomaly.
    assert community.anomalies == [
        {"commit": shas["pushed"], "path": None, "kind": "channel-unrecognised",
         "detail": "no channel rule fits (1 parent(s), committed by a person)"}
    ]  # fmt: skip
    assert got["campaign"]["campaign"] and got["campaign"]["publishers"] == "acme pat quinn"
    assert not got["squash"]["campaign"] and got["squash"]["docs_added"] == 1
    assert got["squash"]["docs_modified"] == 1 and got["squash"]["data_files"] == 2
    # The merge carries the fork's work; who pressed the button is merged_by.
    assert got["merge"]["contributor"] == "c0004" and got["merge"]["merged_by"] == "c0001"
    channels = by(community.tables["channels"], "id")
    assert channels["squash-merge"]["commits"] == 4 and channels["org-branch-merge"]["commits"] == 0


def test_ids_aliases_affiliations_and_classes(repo):
    _, shas = repo
    plain, _, _ = run(repo)
    # Without the curated alias, the noreply address joins the free-mail one by the login the
    # Copybara import names; the other address stays another contributor.
    ids = {r["commit"]: r["contributor"] for r in plain.tables["contributions"]}
    assert ids[shas["squash"]] == ids[shas["import"]] == "c0003"
    assert ids[shas["alias"]] == "c0007" and ids[shas["optout"]] == "c0008"
    community, _, _ = run(repo, aliases=[alias(shas)])
    rows = by(community.tables["contributors"], "contributor")
    assert sorted(rows) == [f"c000{n}" for n in range(1, 9)]
    pat = rows["c0003"]
    assert pat["addresses"] == 3 and pat["aliases_by"] == "curated login"
    assert pat["domain_class"] == "free-mail" and pat["affiliation"] == "outside"
    assert pat["channels"] == "copybara-import squash-merge" and pat["commits"] == 3
    assert pat["first_commit"] == shas["import"] and pat["publishers"] == 1
    assert {c[-1]: (r["affiliation"], r["domain_class"]) for c, r in rows.items()} == {
        "1": ("staff", "hub-owner"), "2": ("staff", "bot"), "3": ("outside", "free-mail"),
        "4": ("outside", "organization"), "5": ("maintainer", "free-mail"),
        "6": ("outside", "organization"), "7": ("outside", "organization"),
        "8": ("outside", "organization"),
    }  # fmt: skip
    assert rows["c0001"]["merges"] == 1 and rows["c0001"]["commits"] == 1
    pc = {(r["publisher"], r["contributor"], r["channel"]): r
          for r in community.tables["publisher_contributions"]}  # fmt: skip
    assert pc[("pat", "c0003", "squash-merge")]["commits"] == 2
    assert pc[("pat", "c0003", "copybara-import")]["docs_added"] == 2
    assert pc[("quinn", "c0004", "fork-merge")]["docs_added"] == 2


def test_opt_out_removes_the_person_and_moves_no_other_id(repo):
    _, shas = repo
    before, _, _ = run(repo, aliases=[alias(shas)])
    opted = OptOut(CommitIdentity(shas["optout"], "author"), "2026-01-01")
    after, tables, _ = run(repo, aliases=[alias(shas)], opt_outs=[opted])
    gone = by(before.tables["contributions"], "commit")[shas["optout"]]["contributor"]
    assert gone == "c0007"
    assert [r for r in after.tables["contributors"] if r["contributor"] == gone] == []
    assert by(after.tables["contributions"], "commit")[shas["optout"]]["contributor"] is None
    assert all(r["contributor"] != gone for r in after.tables["publisher_contributions"])
    keep = [r for r in before.tables["contributors"] if r["contributor"] != gone]
    assert after.tables["contributors"] == keep  # every other id and row unchanged
    zed = [r for r in tables["models"] if r["publisher"] == "zed"]
    assert zed and all(r["added_by"] is None and r["added_as"] is None for r in zed)
    assert all(r["added_channel"] == "squash-merge" for r in zed)


def test_ids_are_stable_across_rebuilds(repo, tmp_path):
    _, shas = repo
    first, t1, _ = run(repo, aliases=[alias(shas)])
    again, t2, _ = run(repo, aliases=[alias(shas)])
    assert first.tables == again.tables and t1 == t2
    # The same history written again elsewhere gives the same commits, hence the same tables.
    other = make_community_repo(tmp_path)
    assert other[1] == shas
    third, t3, _ = run(other, aliases=[alias(shas)])
    assert third.tables == first.tables and t3 == t1


def test_attribution_of_links_and_models(repo):
    _, shas = repo
    _, tables, found = run(repo, aliases=[alias(shas)])
    assert found == []
    links = {(r["publisher"], r["url"]): r for r in tables["publisher_links"]}
    cols = ("added_commit", "added_by", "added_channel", "added_as")

    def got(key):
        return tuple(links[key][c] for c in cols)

    pat = "https://pat.example/"
    assert got(("pat", pat)) == (shas["import"], "c0003", "copybara-import",
                                  "publisher")  # fmt: skip
    assert got(("pat", pat + "blog")) == (shas["squash"], "c0003", "squash-merge",
                                         "publisher")  # fmt: skip
    assert got(("pat", "https://demo.example/pat")) == (shas["campaign"], "c0006", "squash-merge",
                                                        "campaign")  # fmt: skip
    assert got(("quinn", "https://quinn.example/")) == (shas["merge"], "c0004", "fork-merge",
                                                        "publisher")  # fmt: skip
    assert got(("acme", "https://acme.example/")) == (shas["initial"], "c0001", "direct-push",
                                                      "publisher")  # fmt: skip
    models = by(tables["models"], "handle")
    assert (models["acme/a"]["added_by"], models["acme/a"]["added_as"]) == ("c0002", "publisher")
    assert models["quinn/q"]["added_channel"] == "fork-merge"
    # The unrecognised commit's model: its contributor is known, its channel is not.
    assert (models["acme/b"]["added_channel"], models["acme/b"]["added_by"]) == (None, "c0008")


def test_no_name_address_or_hash_of_either_reaches_a_table(repo):
    _, shas = repo
    community, tables, found = run(repo, aliases=[alias(shas)])
    text = json.dumps([community.tables, tables, found, community.anomalies]).lower()
    secrets = {s for person in PEOPLE for s in person} - {"GitHub"}
    for s in secrets:
        for variant in (s, s.lower()):
            assert variant.lower() not in text, "an identity reached a table"
            for algo in ("md5", "sha1", "sha256"):
                assert hashlib.new(algo, variant.encode()).hexdigest() not in text
    # The control: the same check sees an address planted in a table.
    planted = json.dumps([community.tables, {"x": PAT[1]}]).lower()
    assert PAT[1] in planted


def test_people_are_never_shown():
    person = Person("Pat Outside", "pat.outside@gmail.com")
    assert "pat" not in repr(person).lower()
    from tfhub_dataset.sources.commits import CommitRef

    ref = CommitRef("a" * 40, "2021-01-01T00:00:00Z", "x", (), person, person, "x\n\nbody")
    assert "pat" not in repr(ref).lower() and "body" not in repr(ref)


def test_annotations_name_people_by_commits_only():
    sha = "a" * 40
    good = (
        "commit,role,same_as_commit,same_as_role,evidence\n"
        f"{sha},author,{sha},committer,same name\n"
    )
    assert parse_contributor_aliases(good)[0].same_as.role == "committer"
    for bad in (
        good.replace("same name", "same address a@b.example"),  # never by e-mail
        good.replace(f"{sha},author", "abc,author", 1),
        good.replace(",committer,", ",reviewer,"),
        good.replace("evidence", "why"),
    ):
        with pytest.raises(ValueError):
            parse_contributor_aliases(bad)
    assert parse_opt_outs(f"commit,role,requested\n{sha},author,2026-01-02\n")
    with pytest.raises(ValueError):
        parse_opt_outs(f"commit,role,requested\n{sha},author,soon\n")


def test_a_whole_build_writes_no_identity_in_its_release_cache_or_log(repo, tmp_path):
    """The release of the fixture through build_release, with a derived cache and its progress
    lines collected: no name or address of the history in any of them (the privacy scan of the
    committed releases, test_privacy.py, covers the real histories)."""
    import gzip

    from tests.privacy_scan import file_texts
    from tfhub_dataset.build import Pin, build_release
    from tfhub_dataset.derived import DerivedCache

    bare, shas = repo
    head = shas[STEPS[-1].name]
    lines: list[str] = []
    pin = Pin("2021-05-31", "2021-05-31", head, STEPS[-1].date)
    built = []
    for _ in range(2):  # cold, then warm from the derived cache: the same bytes
        with GitSource(GitConfig(path=bare)) as src:
            out = build_release(
                pin, src, tmp_path / "out", publisher_types={}, progress=lines.append,
                derived=DerivedCache(tmp_path / "derived"),
            )  # fmt: skip
        built.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert built[0] == built[1]
    texts = file_texts(out)
    assert "data/contributors.csv" in texts and texts["data/contributions.csv"].count("\n") == 11
    entries = (tmp_path / "derived").rglob("*.gz")
    cached = [gzip.decompress(p.read_bytes()).decode() for p in entries]
    assert cached, "the derived cache was used"
    written = "\n".join([*texts.values(), *cached, *map(str, lines)]).lower()
    for s in {s for person in PEOPLE for s in person} - {"GitHub"}:
        assert s.lower() not in written
