"""The crawler's commits: listing (pagination), resolving an as-of date, commit details."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fixtures_github import SHA_1537_FILES, SHA_2022_04_05, SHA_2024_03_18

from tfhub_dataset.sources.api.fake_server import FixtureCommit, MirrorServer, build_fixture
from tfhub_dataset.sources.api.github import CommitRef, NotFound


def test_list_commits_follows_link_pages(synthetic, synthetic_mirror, make_source):
    source = make_source(synthetic_mirror, per_page=3)
    refs = source.list_commits(synthetic.head)
    assert [r.sha for r in refs] == synthetic.shas[::-1]
    assert refs[0].message == "Update README"
    assert refs[-1].parents == ()
    assert refs[0].parents == (synthetic.shas[-2],)
    seen = synthetic_mirror.requests_to("api", r"/commits\?")
    assert [r.query for r in seen] == [
        {"sha": synthetic.head, "per_page": "3", "page": str(page)} for page in (1, 2, 3)
    ]
    assert source.report.requests == {"commits-list": 3}


def test_list_commits_from_an_older_sha_and_within_dates(synthetic, synthetic_mirror, make_source):
    source = make_source(synthetic_mirror, per_page=2)
    refs = source.list_commits(synthetic.shas[3])
    assert [r.sha for r in refs] == synthetic.shas[3::-1]
    window = source.list_commits(
        synthetic.head, since="2021-01-02T00:00:00Z", until="2021-01-04T00:00:00Z"
    )
    assert [r.sha for r in window] == synthetic.shas[3:0:-1]


def test_list_commits_of_the_real_mirror_spans_seven_pages(
    real_mirror, real_mirror_dir, make_source
):
    source = make_source(real_mirror)
    refs = source.list_commits(SHA_2024_03_18)
    expected = json.loads((real_mirror_dir / "commits.json").read_text())
    assert len(refs) == 623
    assert [r.sha for r in refs] == [c["sha"] for c in expected]
    assert source.report.requests["commits-list"] == 7
    assert [r.query["page"] for r in real_mirror.requests] == [str(p) for p in range(1, 8)]
    # Addressed by a SHA: asking again costs nothing.
    assert source.list_commits(SHA_2024_03_18) == refs
    assert len(real_mirror.requests) == 7
    assert source.report.cache_hits["commits-list"] == 7


@pytest.mark.parametrize(
    ("day", "sha"),
    [
        (dt.date(2022, 4, 5), SHA_2022_04_05),
        (dt.date(2024, 3, 18), SHA_2024_03_18),
        (dt.date(2030, 1, 1), SHA_2024_03_18),
    ],
)
def test_resolve_as_of_on_the_real_mirror(real_mirror, make_source, day, sha):
    source = make_source(real_mirror)
    ref = source.resolve_as_of(day)
    assert ref.sha == sha
    assert ref.date <= f"{day}T23:59:59Z"
    # the default branch, every page (its first-parent line picks the commit in force)
    pages = [r.query for r in real_mirror.requests]
    assert pages == [{"per_page": "100", "page": str(i)} for i in range(1, len(pages) + 1)]
    assert len(pages) == 7


def test_resolve_as_of_matches_a_scan_of_every_day(real_mirror, real_mirror_dir, make_source):
    commits = json.loads((real_mirror_dir / "commits.json").read_text())
    source = make_source(real_mirror)
    for day in (dt.date(2020, 8, 25), dt.date(2021, 6, 30), dt.date(2023, 1, 1)):
        cutoff = f"{day}T23:59:59Z"
        expected = next(c for c in commits if c["commit"]["committer"]["date"] <= cutoff)
        assert source.resolve_as_of(day).sha == expected["sha"]


def test_resolve_as_of_day_boundaries(synthetic, synthetic_mirror, make_source):
    source = make_source(synthetic_mirror)
    assert source.resolve_as_of(dt.date(2021, 1, 2)).sha == synthetic.shas[1]
    ref = source.resolve_as_of(dt.date(2021, 1, 3))  # committed at 23:59:59 that day
    assert ref == CommitRef(
        synthetic.shas[2], "2021-01-03T23:59:59Z", "Update foo", (synthetic.shas[1],)
    )
    assert source.resolve_as_of(dt.date(2021, 1, 4)).sha == synthetic.shas[3]  # at 00:00:00


def test_resolve_as_of_before_the_first_commit(synthetic_mirror, make_source):
    source = make_source(synthetic_mirror)
    with pytest.raises(NotFound, match="no commit at or before 2020-12-31T23:59:59Z"):
        source.resolve_as_of(dt.date(2020, 12, 31))
    with pytest.raises(TypeError):
        source.resolve_as_of(dt.datetime(2021, 1, 1))  # type: ignore[arg-type]


def test_commit_files_of_a_1537_file_commit_take_six_pages(
    real_mirror, real_mirror_dir, make_source
):
    source = make_source(real_mirror)
    files = source.commit_files(SHA_1537_FILES)
    expected = json.loads((real_mirror_dir / "commits" / f"{SHA_1537_FILES}.json").read_text())
    assert files == expected["files"]
    assert len(files) == 1537
    pages = real_mirror.requests_to("api", f"/commits/{SHA_1537_FILES}")
    assert [r.query.get("page") for r in pages] == [None, "2", "3", "4", "5", "6"]
    assert source.report.requests == {"commit": 6}


def test_commit_details_merge_file_pages(synthetic, synthetic_mirror, make_source):
    source = make_source(synthetic_mirror)
    detail = source.commit(synthetic.shas[4])
    assert detail["sha"] == synthetic.shas[4]
    assert detail["commit"]["message"] == "Bulk import of 650 models"
    assert len(detail["files"]) == 650
    assert {f["status"] for f in detail["files"]} == {"added"}
    assert source.report.requests["commit"] == 3
    removed = source.commit_files(synthetic.shas[5])
    assert removed == [{"filename": "assets/docs/google/models/bar/1.md", "status": "removed"}]


def test_unknown_commit_is_not_found_in_one_line(synthetic_mirror, make_source):
    source = make_source(synthetic_mirror)
    with pytest.raises(NotFound) as err:
        source.commit_files("0" * 40)
    assert "\n" not in str(err.value)
    assert f"/commits/{'0' * 40}" in str(err.value)
    assert len(synthetic_mirror.requests) == 1  # a 404 is not retried


@pytest.mark.parametrize("ref", ["master", "18822130", "X" * 40, SHA_2022_04_05.upper()])
def test_only_full_shas_are_accepted(synthetic_mirror, make_source, ref):
    source = make_source(synthetic_mirror)
    for call in (source.list_commits, source.commit_files, source.snapshot):
        with pytest.raises(ValueError, match="not a full commit SHA"):
            call(ref)
    assert synthetic_mirror.requests == []


def test_commit_ref_from_api_normalises_date_and_message():
    item = {
        "sha": "a" * 40,
        "commit": {
            "committer": {"date": "2021-01-01T10:00:00+02:00"},
            "message": "Title line\n\nBody",
        },
        "parents": [{"sha": "b" * 40}],
    }
    assert CommitRef.from_api(item) == CommitRef(
        "a" * 40, "2021-01-01T08:00:00Z", "Title line", ("b" * 40,)
    )


def test_another_repository_name(tmp_path, make_source):
    shas = build_fixture(
        tmp_path / "acme",
        [FixtureCommit("2022-02-02T02:02:02Z", "One", {"README.md": "acme\n"})],
        repository="acme/hub",
    )
    with MirrorServer(tmp_path / "acme", repository="acme/hub") as server:
        source = make_source(server, repository="acme/hub")
        assert source.resolve_as_of(dt.date(2022, 2, 2)).sha == shas[0]
        snap = source.snapshot(shas[0])
        assert (snap.repository, snap.files["README.md"]) == ("acme/hub", b"acme\n")
        assert all(r.path.startswith("/repos/acme/hub/") for r in server.requests_to("api"))
