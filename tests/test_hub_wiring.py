"""Every hub through the same pipeline, on small synthetic repositories made with git: a PyTorch
Hub release with its history and report, the choice of source per hub (several clones given
with --git, one skipped), and the one-line errors of the wiring."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from fixtures_git import SyntheticGit

from tests.pytorch_hub_repo import ACME, FLASH, TINY, TINY_RENAMED, make_pytorch_hub_repo
from tfhub_dataset.build import Pin, build_release, load_pins
from tfhub_dataset.cli import main
from tfhub_dataset.hubs import HUBS, PYTORCH_HUB
from tfhub_dataset.sources.by_hub import GitOptions, HubSources
from tfhub_dataset.sources.git import GitConfig, GitSource
from tfhub_dataset.verify import compare_folders

QUIET = {"progress": lambda _m: None}
LAST = "2021-04-02T10:00:00Z"


@pytest.fixture(scope="module")
def torch_repo(tmp_path_factory) -> SyntheticGit:
    root = tmp_path_factory.mktemp("pytorch-hub-git")
    bare = root / "pytorch-hub.git"
    shas = make_pytorch_hub_repo(root / "work", bare)
    return SyntheticGit(bare, "", shas)


def torch_pin(repo: SyntheticGit) -> Pin:
    return Pin(
        "pytorch-hub-2021-04-02", "2021-04-02", repo.shas["license"], LAST, hub="pytorch-hub"
    )


def torch_source(repo: SyntheticGit) -> GitSource:
    h = PYTORCH_HUB
    config = GitConfig(
        path=repo.bare, data_path=h.is_data_path, repository=h.repository, pathspec=h.git_pathspec
    )
    return GitSource(config)


@pytest.fixture(scope="module")
def torch_release(torch_repo, tmp_path_factory):
    """The synthetic PyTorch Hub release built once, validated, with its history."""
    out = tmp_path_factory.mktemp("pytorch-release")
    with torch_source(torch_repo) as src:
        return build_release(torch_pin(torch_repo), src, out, publisher_types={}, **QUIET)


def rows(folder, table: str) -> list[dict]:
    text = (folder / "data" / f"{table}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def by(rows_, key="handle"):
    return {r[key]: r for r in rows_}


def test_a_pytorch_hub_release_is_a_complete_package(torch_release, torch_repo):
    files = sorted(p.relative_to(torch_release).as_posix() for p in torch_release.rglob("*"))
    tables = sorted(p.stem for p in PYTORCH_HUB.schema_dir.glob("*.json"))
    assert len(tables) == 21
    for name in tables:
        assert {f"data/{name}.csv", f"data/{name}.parquet", f"schemas/{name}.json"} <= set(files)
    assert {
        "README.md", "DATA_DICTIONARY.md", "CHANGES.md", "CITATION.cff", "LICENSE", "SHA256SUMS",
        "pytorch-hub.sqlite", "figures/growth.png", "figures/models_per_publisher.png",
        "figures/models_per_tag.png", "datapackage.json",
    } <= set(files)  # fmt: skip
    desc = json.loads((torch_release / "datapackage.json").read_text())
    assert desc["name"] == "tfhub-dataset-pytorch-hub"
    assert desc["sources"][0]["path"] == "https://github.com/pytorch/hub"
    assert desc["release"]["hub"] == "pytorch-hub"
    # The head commit adds a LICENSE: its blob id is recorded, and LICENSE points at it.
    blob = torch_source(torch_repo).snapshot(torch_repo.shas["license"]).blob_id("LICENSE")
    assert desc["release"]["sourceLicense"] == blob
    assert f"git blob {blob}" in " ".join((torch_release / "LICENSE").read_text().split())
    db = sqlite3.connect(torch_release / "pytorch-hub.sqlite")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = '_release'").fetchone()
    assert "state of pytorch/hub" in sql
    readme = (torch_release / "README.md").read_text()
    assert readme.startswith("---\nlicense: apache-2.0\n")
    assert "# PyTorch Hub model-publisher community, as of 2021-04-02" in readme
    assert "## History" in readme and "figures/growth.png" in readme


def test_history_of_a_pytorch_hub_release(torch_release, torch_repo):
    shas = torch_repo.shas
    commits = rows(torch_release, "commits")
    assert len(commits) == len(shas) and "initial_import" not in commits[0]
    models = by(rows(torch_release, "model_history"))
    stem = {name: name.removesuffix(".md") for name in (ACME, TINY, TINY_RENAMED, FLASH)}
    assert sorted(models) == sorted(stem.values())
    acme = models[stem[ACME]]
    assert (acme["first_seen"], acme["last_changed"]) == (
        "2021-01-05T10:00:00Z",
        "2021-02-10T10:00:00Z",
    )
    # A rename gives a page another handle (its file name): one page removed, one added.
    assert models[stem[TINY]]["removed_commit"] == shas["rename tiny"]
    assert models[stem[TINY_RENAMED]]["first_seen_commit"] == shas["rename tiny"]
    # A page that lived between two month ends is read by the parser (every commit is parsed):
    # its publisher comes from its github-id, as for any page.
    flash = models[stem[FLASH]]
    assert (flash["publisher"], flash["removed_commit"]) == ("zed", shas["remove flash"])
    docs = by(rows(torch_release, "doc_history"))
    assert {d["kind"] for d in docs.values()} == {"Page"}
    assert {d["handle_source"] for d in docs.values()} == {"snapshot"}
    pubs = by(rows(torch_release, "publisher_history"))
    assert sorted(pubs) == ["acme-lab", "jdoe", "zed"]
    assert (pubs["zed"]["present"], pubs["jdoe"]["models_seen"]) == ("false", "2")
    snaps = rows(torch_release, "snapshots")
    assert [(s["month"], s["models"], s["publishers"]) for s in snaps] == [
        ("2021-01", "2", "2"), ("2021-02", "2", "2"), ("2021-03", "2", "2"), ("2021-04", "2", "2"),
    ]  # fmt: skip
    events = rows(torch_release, "events")
    assert not any(e["path"].startswith("images/") for e in events)
    pages = {e["kind"] for e in events if e["path"] in stem}
    others = {e["kind"] for e in events if e["path"] in ("README.md", "docs/template.md")}
    assert (pages, others) == ({"Page"}, {""})
    assert all(m["first_seen"] for m in rows(torch_release, "models"))


def test_a_rebuild_gives_the_same_bytes(torch_release, torch_repo, tmp_path):
    with torch_source(torch_repo) as src:
        again = build_release(torch_pin(torch_repo), src, tmp_path, publisher_types={}, **QUIET)
    count, diffs = compare_folders("pytorch-hub", torch_release, again)
    assert diffs == [] and count > 50


def test_each_pin_is_read_from_the_clone_that_holds_its_commit(synthetic_git, torch_repo):
    tf = Pin("2021-04-30", "2021-04-30", synthetic_git.head, "2021-04-20T10:00:00Z")
    pt = torch_pin(torch_repo)
    elsewhere = Pin("pytorch-hub-x", "2021-04-02", "0" * 40, LAST, hub="pytorch-hub")
    options = GitOptions(paths=[synthetic_git.bare, torch_repo.bare])
    with HubSources(git=options) as sources:
        tf_src, pt_src = sources.for_pin(tf), sources.for_pin(pt)
        assert tf_src.where == synthetic_git.bare and pt_src.where == torch_repo.bare
        assert pt_src.config.data_path is PYTORCH_HUB.is_data_path
        assert pt_src.snapshot(pt.commit).repository == "pytorch/hub"
        assert sources.for_pin(elsewhere) is None
        assert "https://github.com/pytorch/hub" in sources.missing_hint("pytorch-hub")
        # With one clone, a hub's unpinned build reads it; with several, the one holding a pin.
        assert sources.for_hub("tfhub", [tf]).where == synthetic_git.bare
    with HubSources(git=GitOptions(paths=[torch_repo.bare])) as sources:
        assert sources.for_hub("pytorch-hub", []).where == torch_repo.bare


def test_as_of_builds_a_release_of_the_hub_asked_for(torch_repo, tmp_path, capsys):
    argv = ["build", "--hub", "pytorch-hub", "--as-of", "2021-03-31", "--git", str(torch_repo.bare),
            "--quiet", "--no-validate", "--cache", str(tmp_path / "c" / "http.sqlite"),
            "--out", str(tmp_path / "out")]  # fmt: skip
    assert main(argv) == 0, capsys.readouterr().err
    desc = json.loads(
        (tmp_path / "out" / "pytorch-hub-2021-03-31" / "datapackage.json").read_text()
    )
    assert desc["sources"][0]["version"] == torch_repo.shas["remove flash"]
    assert desc["release"]["sourceLicense"] is None  # no LICENSE yet at that commit
    assert (
        "has no LICENSE file"
        in (tmp_path / "out" / "pytorch-hub-2021-03-31" / "LICENSE").read_text()
    )
    assert not (tmp_path / "out" / "comparison").exists()  # an unpinned build makes no comparison


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_clones_that_hold_no_pinned_commit_are_one_line(torch_repo, tmp_path, capsys):
    common = ["--git", str(torch_repo.bare), "--quiet", "--out", str(tmp_path / "out"),
              "--cache", str(tmp_path / "c" / "http.sqlite")]  # fmt: skip
    assert main(["build", *common]) == 2
    line = one_error_line(capsys)
    ids = ", ".join(p.id for p in load_pins())
    assert line.startswith(f"error: no source given holds release {ids}: ")
    assert "add --git PATH, a clone of https://github.com/tensorflow/tfhub.dev" in line
    assert main(["verify", "--hub", "pytorch-hub", *common[:3]]) == 2
    assert "a clone of https://github.com/pytorch/hub" in one_error_line(capsys)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--git-url", "http://127.0.0.1:9/x.git"], "--git-url names one repository: give --hub"),
        (["--hub", "tfhub", "--hub", "pytorch-hub", "--as-of", "2021-01-01"], "give --hub once"),
        (["--hub", "pytorch-hub", "--release", "2022-04-05"], "another hub than --hub"),
        (["--snapshot", "/nonexistent", "--hub", "pytorch-hub", "--as-of", "2021-01-01"],
         "PyTorch Hub releases are built from git only"),
        (["--git", "/nonexistent"], "/nonexistent is not a git repository"),
        (["--hub", "nohub"], "invalid choice: 'nohub'"),
    ],
)  # fmt: skip
def test_wiring_errors_are_one_line(argv, message, tmp_path, capsys):
    common = ["--quiet", "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "c" / "x")]
    assert main(["build", *argv, *common]) == 2
    assert message in one_error_line(capsys)


def test_an_unreachable_remote_names_the_way_to_build_from_disk(
    tmp_path, capsys, monkeypatch, quick_retries
):
    monkeypatch.setenv(PYTORCH_HUB.git_url_env, "http://127.0.0.1:9/hub.git")
    argv = ["build", "--hub", "pytorch-hub", "--quiet", "--out", str(tmp_path / "out"),
            "--cache", str(tmp_path / "c" / "http.sqlite")]  # fmt: skip
    assert main(argv) == 2
    line = one_error_line(capsys)
    assert (
        line.startswith("error: cannot reach http://127.0.0.1:9/hub.git") and "--git PATH" in line
    )


def test_every_hub_has_its_pins_and_schemas():
    pins = load_pins()
    assert {p.hub for p in pins} == set(HUBS)
    for p in pins:
        assert p.id.startswith(HUBS[p.hub].release_prefix)
    for h in HUBS.values():
        names = {s.stem for s in h.schema_dir.glob("*.json")}
        assert {"publishers", "models", "anomalies", "snapshots", "model_history"} <= names
