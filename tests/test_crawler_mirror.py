"""The GitHub-shaped mirror server itself, and the synthetic fixture builder, over plain HTTP."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from urllib.parse import urlsplit

import pytest
import requests
from fixtures_github import SHA_1537_FILES, SHA_2022_04_05, SHA_2024_03_18

from tfhub_dataset.sources.api.fake_server import MirrorServer, make_tarball, server_error
from tfhub_dataset.sources.tarball import read_tarball

REPO = "/repos/tensorflow/tfhub.dev"


def test_commits_list_pages_with_link_headers_and_etags(real_mirror):
    url = f"{real_mirror.api_url}{REPO}/commits"
    first = requests.get(url, params={"sha": SHA_2024_03_18, "per_page": 100}, timeout=5)
    assert first.status_code == 200
    assert len(first.json()) == 100
    assert first.json()[0]["sha"] == SHA_2024_03_18
    assert set(first.links) == {"next", "last"}
    assert "page=7" in first.links["last"]["url"] and "per_page=100" in first.links["last"]["url"]
    middle = requests.get(first.links["next"]["url"], timeout=5)
    assert set(middle.links) == {"prev", "next", "last", "first"}
    last = requests.get(first.links["last"]["url"], timeout=5)
    assert len(last.json()) == 23 and set(last.links) == {"prev", "first"}
    assert last.json()[-1]["parents"] == []

    etag = first.headers["ETag"]
    again = requests.get(first.url, headers={"If-None-Match": etag}, timeout=5)
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag
    for name in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"):
        assert first.headers[name].isdigit()
    assert int(middle.headers["x-ratelimit-remaining"]) < int(
        first.headers["x-ratelimit-remaining"]
    )


def test_commits_list_filters(real_mirror):
    url = f"{real_mirror.api_url}{REPO}/commits"
    day = requests.get(
        url, params={"since": "2022-04-04T00:00:00Z", "until": "2022-04-04T23:59:59Z"}, timeout=5
    )
    dates = [c["commit"]["committer"]["date"] for c in day.json()]
    assert dates and all(d.startswith("2022-04-04") for d in dates)
    assert day.json()[0]["sha"] == SHA_2022_04_05
    older = requests.get(url, params={"sha": SHA_2022_04_05, "per_page": 1}, timeout=5)
    assert older.json()[0]["sha"] == SHA_2022_04_05
    assert requests.get(url, params={"sha": "nope"}, timeout=5).status_code == 404


def test_commit_files_are_paginated_300_at_a_time(real_mirror, real_mirror_dir):
    url = f"{real_mirror.api_url}{REPO}/commits/{SHA_1537_FILES}"
    first = requests.get(url, timeout=5)
    assert len(first.json()["files"]) == 300
    assert "page=6" in first.links["last"]["url"]
    last = requests.get(first.links["last"]["url"], timeout=5)
    assert len(last.json()["files"]) == 37
    assert last.json()["sha"] == SHA_1537_FILES and "commit" in last.json()
    small = requests.get(f"{real_mirror.api_url}{REPO}/commits/{SHA_2024_03_18}", timeout=5)
    assert "Link" not in small.headers


def test_tarball_redirects_to_codeload_on_another_port(real_mirror, real_mirror_dir):
    redirect = requests.get(
        f"{real_mirror.api_url}{REPO}/tarball/{SHA_2022_04_05}", allow_redirects=False, timeout=5
    )
    assert redirect.status_code == 302
    location = redirect.headers["Location"]
    assert urlsplit(location).netloc == urlsplit(real_mirror.codeload_url).netloc
    assert urlsplit(location).netloc != urlsplit(real_mirror.api_url).netloc
    archive = requests.get(location, timeout=5)
    expected = (real_mirror_dir / "tarballs" / f"{SHA_2022_04_05}.tar.gz").read_bytes()
    assert archive.content == expected
    assert archive.headers["Content-Length"] == str(len(expected))
    assert archive.headers["Content-Type"] == "application/x-gzip"
    # A commit the mirror holds no archive for, and unknown things: GitHub-like 404s.
    no_archive = requests.get(
        f"{real_mirror.api_url}{REPO}/tarball/{'0' * 40}", allow_redirects=False, timeout=5
    )
    assert no_archive.status_code == 404
    body = requests.get(f"{real_mirror.api_url}/repos/someone/else/commits", timeout=5)
    assert body.status_code == 404 and body.json()["message"] == "Not Found"
    assert "documentation_url" in body.json()
    assert (
        requests.get(f"{real_mirror.codeload_url}/x/y/legacy.tar.gz/abc", timeout=5).status_code
        == 404
    )


def test_request_log_and_scripted_faults(synthetic, synthetic_mirror):
    synthetic_mirror.script(r"/commits$", server_error(502), host="api")
    url = f"{synthetic_mirror.api_url}{REPO}/commits"
    assert requests.get(url, headers={"X-Test": "1"}, timeout=5).status_code == 502
    assert requests.get(url, timeout=5).status_code == 200
    logged = synthetic_mirror.requests
    assert [(r.host, r.method, r.path) for r in logged] == [("api", "GET", f"{REPO}/commits")] * 2
    assert logged[0].headers["X-Test"] == "1"
    assert synthetic_mirror.pending_faults() == 0
    synthetic_mirror.clear_log()
    assert synthetic_mirror.requests == []


def test_robots_per_host(synthetic_mirror):
    assert "Disallow: /" in requests.get(f"{synthetic_mirror.api_url}/robots.txt", timeout=5).text
    synthetic_mirror.set_robots("codeload", "User-agent: *\nDisallow: /private\n")
    assert "/private" in requests.get(f"{synthetic_mirror.codeload_url}/robots.txt", timeout=5).text
    synthetic_mirror.set_robots("codeload", None)
    assert requests.get(f"{synthetic_mirror.codeload_url}/robots.txt", timeout=5).status_code == 404


def test_make_tarball_looks_like_git_archive():
    sha = "0123456789abcdef0123456789abcdef01234567"
    files = {"README.md": "hello\n", "assets/docs/a/a.md": b"# Publisher a\n"}
    data = make_tarball(sha, "2021-05-06T07:08:09Z", files)
    assert make_tarball(sha, "2021-05-06T07:08:09Z", files) == data  # deterministic
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(data))) as tar:
        assert tar.pax_headers["comment"] == sha
        names = tar.getnames()
        assert names[0] == "tensorflow-tfhub.dev-0123456"
        assert "tensorflow-tfhub.dev-0123456/assets/docs/a/a.md" in names
    snap = read_tarball(data)
    assert (snap.commit, snap.commit_date) == (sha, "2021-05-06T07:08:09Z")
    assert dict(snap.files) == {"README.md": b"hello\n", "assets/docs/a/a.md": b"# Publisher a\n"}


def test_fixture_folder_layout(synthetic):
    listing = json.loads((synthetic.root / "commits.json").read_text())
    assert [c["sha"] for c in listing] == synthetic.shas[::-1]
    assert all((synthetic.root / "commits" / f"{s}.json").is_file() for s in synthetic.shas)
    archives = sorted(p.name for p in (synthetic.root / "tarballs").iterdir())
    assert archives == sorted(f"{synthetic.shas[i]}.tar.gz" for i in (0, 2, 6))


def test_a_folder_without_commits_json_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a mirror"):
        MirrorServer(tmp_path)
