"""Commit listings are untrusted input: GitHub's JSON from the API host, or a mirror folder's copy
of it on disk. One not in GitHub's shape (a wrong type, a missing key, a SHA that is not one)
ends in one line and exit status 2, never a traceback, and a SHA never becomes a path outside
the mirror folder."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from tfhub_dataset.cli import main
from tfhub_dataset.sources.api.fake_server import Fault, FixtureCommit, build_fixture
from tfhub_dataset.sources.commits import CommitRef, MalformedListing
from tfhub_dataset.sources.local import LocalMirror

GOOD = {
    "sha": "a" * 40,
    "commit": {"message": "m", "committer": {"date": "2021-01-01T00:00:00Z"}},
    "parents": [{"sha": "b" * 40}],
}


@pytest.mark.parametrize(
    "item",
    [
        {},
        [],
        {**GOOD, "sha": "../../etc/passwd"},
        {**GOOD, "sha": 7},
        {**GOOD, "parents": [{"sha": "x"}]},
        {**GOOD, "parents": "b" * 40},
        {**GOOD, "commit": {"committer": {"date": "yesterday"}}},
        {**GOOD, "commit": {"message": 5, "committer": {"date": "2021-01-01T00:00:00Z"}}},
        {**GOOD, "commit": None},
    ],
)
def test_a_commit_entry_not_in_githubs_shape_is_one_line(item):
    with pytest.raises(MalformedListing) as err:
        CommitRef.from_api(item, "commits.json")
    assert str(err.value).startswith("commits.json: ") and "\n" not in str(err.value)


def test_a_good_entry_still_reads():
    assert CommitRef.from_api(GOOD).parents == ("b" * 40,)


TREE = {
    "README.md": "# tfhub.dev\n",
    "assets/docs/acme/acme.md": "# Publisher acme\nACME\n\nWe build models.\n",
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A mirror folder of two commits in two months, each with its tarball."""
    root = tmp_path_factory.mktemp("listing") / "mirror"
    shas = build_fixture(root, [
        FixtureCommit("2021-01-01T10:00:00Z", "Import", TREE),
        FixtureCommit("2021-02-01T10:00:00Z", "More", {**TREE, "LICENSE": "x\n"}),
    ])  # fmt: skip
    return root, shas[-1]


@pytest.fixture
def mirror(pristine, tmp_path):
    root = tmp_path / "mirror"
    shutil.copytree(pristine[0], root)
    return root


def build(mirror, tmp_path, capsys) -> str:
    argv = ["build", "--snapshot", str(mirror), "--as-of", "2021-02-01", "--no-validate",
            "--quiet", "--out", str(tmp_path / "out"),
            "--cache", str(tmp_path / "c" / "h")]  # fmt: skip
    assert main(argv) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    return lines[0]


@pytest.mark.parametrize(
    ("listing", "message"),
    [
        (b"not json", "cannot be read as JSON"),
        (b'{"sha": 1}', "holds a JSON dict, not a list"),
        (b"[1, 2]", "is not a GitHub commit"),
        (json.dumps([{**GOOD, "sha": "../" * 13 + "x"}]).encode(), "is not a full commit SHA"),
    ],
)
def test_a_hostile_commits_json_is_refused_in_one_line(
    mirror, tmp_path, capsys, listing, message
):
    (mirror / "commits.json").write_bytes(listing)
    line = build(mirror, tmp_path, capsys)
    assert message in line and "commits.json" in line


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"files": 5}, "`files` is not a list"),
        ({"files": [1]}, "lists a changed file not in GitHub's shape"),
        ({"files": [{"filename": ["a"], "status": "added"}]}, "not in GitHub's shape"),
        ([], "holds a JSON list, not a dict"),
    ],
)
def test_a_hostile_commit_page_is_refused_in_one_line(
    pristine, mirror, tmp_path, capsys, files, message
):
    (mirror / "commits" / f"{pristine[1]}.json").write_text(json.dumps(files))
    assert message in build(mirror, tmp_path, capsys)


def test_a_sha_is_never_a_path(mirror):
    source = LocalMirror(mirror)
    for sha in ("../commits", "/etc/passwd", "a" * 39):
        with pytest.raises(MalformedListing):
            source.commit_files(sha)
        with pytest.raises(MalformedListing):
            source.snapshot(sha)


LIST = r"^/repos/tensorflow/tfhub\.dev/commits\?"
COMMIT = r"^/repos/tensorflow/tfhub\.dev/commits/[0-9a-f]{40}$"


@pytest.mark.parametrize(
    ("pattern", "body", "message"),
    [
        (LIST, b"[{}]", "is not a GitHub commit"),
        (LIST, json.dumps([{**GOOD, "sha": "zz"}]).encode(), "is not a full commit SHA"),
        (COMMIT, b'{"sha": "x", "files": {"a": 1}}', "`files` is not a list"),
        (COMMIT, b'{"files": [{"status": "added"}]}', "not in GitHub's shape"),
    ],
)
def test_a_hostile_api_answer_is_refused_in_one_line(
    synthetic, synthetic_mirror, make_source, pattern, body, message
):
    synthetic_mirror.script(pattern, Fault(body=body))
    source = make_source(synthetic_mirror)
    with pytest.raises(MalformedListing, match=message) as err:
        if pattern == LIST:
            source.resolve_as_of(dt.date(2021, 3, 31))
        else:
            source.commit_changes(synthetic.head)
    assert "\n" not in str(err.value)


def test_the_untouched_copy_builds(mirror, tmp_path):
    """The control: the refusals above come from the damage, not from the copy."""
    argv = ["build", "--snapshot", str(mirror), "--as-of", "2021-02-01", "--no-validate",
            "--quiet", "--out", str(tmp_path / "out"),
            "--cache", str(tmp_path / "c" / "h")]  # fmt: skip
    assert main(argv) == 0
    assert (tmp_path / "out" / "2021-02-01" / "data" / "commits.csv").is_file()
