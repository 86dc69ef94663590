"""Hostile sources as the whole build meets them (issue 22): malformed git objects, file names that
are not UTF-8, a page over the size bound, a plain `git archive` tarball and a source without the
hub's docs. Each ends in a release with an anomaly naming the file, or one line and exit 2."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from pathlib import Path

import pytest
from fixtures_git import _git

from tests.synthetic_pytorch_hub import VOCABULARY, page
from tfhub_dataset.cli import main
from tfhub_dataset.sources.git.repo import git_env

DATE = "2021-01-05T10:00:00Z"
MODULE = (
    "# Module acme/m/1\nA model.\n\n<!-- asset-path: https://example.org/m.tgz -->\n"
    "<!-- task: text-embedding -->\n<!-- fine-tunable: true -->\n<!-- format: saved_model_2 -->\n"
)
TFHUB_FILES: dict[bytes, bytes] = {
    b"README.md": b"# tfhub.dev (synthetic)\n",
    b"tags/task.yaml": b"values:\n  - id: text-embedding\n    domains: [text]\n",
    b"assets/docs/acme/acme.md": b"# Publisher acme\nAcme.\n",
    b"assets/docs/acme/models/m/1.md": MODULE.encode(),
}


def repo_of(tmp: Path, files: dict[bytes, bytes], name: str = "repo") -> Path:
    """A work tree with one commit of ``files`` (paths as bytes: any name git takes)."""
    work = tmp / name
    _git(tmp, "init", "--quiet", "-b", "master", str(work))
    for path, data in files.items():
        target = os.path.join(os.fsencode(work), path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(data)
    _git(work, "add", "-A")
    _git(work, "commit", "--quiet", "-m", "import", date=DATE)
    return work


def raw_object(repo: Path, kind: str, body: bytes) -> str:
    return (
        subprocess.run(
            ["git", "-C", str(repo), "hash-object", "-t", kind, "-w", "--literally", "--stdin"],
            input=body, capture_output=True, check=True, env=git_env(),
        ).stdout.decode().strip()
    )  # fmt: skip


def build(tmp: Path, *args: str) -> int:
    return main(["build", *args, "--quiet", "--out", str(tmp / "out"),
                 "--cache", str(tmp / "c" / "http.sqlite")])  # fmt: skip


def error_line(capsys) -> str:
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    return lines[0]


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def head_of_tree(
    work: Path, assets: bytes, message: str, *, extra: bytes = b"", parent: bool = False
) -> None:
    """Make master a commit of a root tree written by hand: README.md, then ``extra`` entries,
    ``assets`` (a tree id) and the work tree's tags/ (on top of HEAD with ``parent``)."""
    readme = bytes.fromhex(_git(work, "rev-parse", "HEAD:README.md"))
    tags = bytes.fromhex(_git(work, "rev-parse", "HEAD:tags"))
    tree = raw_object(work, "tree", b"100644 README.md\0" + readme + extra + b"40000 assets\0"
                      + assets + b"40000 tags\0" + tags)  # fmt: skip
    head = f"parent {_git(work, 'rev-parse', 'HEAD')}\n" if parent else ""
    commit = raw_object(work, "commit", (
        f"tree {tree}\n{head}author A <a@example.org> 1609900000 +0000\n"
        f"committer A <a@example.org> 1609900000 +0000\n\n{message}\n").encode())  # fmt: skip
    _git(work, "update-ref", "refs/heads/master", commit)


def test_a_tree_listing_a_path_twice_is_one_line(tmp_path, capsys):
    work = repo_of(tmp_path, TFHUB_FILES)
    blob = bytes.fromhex(_git(work, "rev-parse", "HEAD:README.md"))
    assets = bytes.fromhex(_git(work, "rev-parse", "HEAD:assets"))
    head_of_tree(work, assets, "twice", extra=b"100644 README.md\0" + blob, parent=True)
    assert build(tmp_path, "--git", str(work), "--as-of", "2021-01-06") == 2
    assert "lists 'README.md' twice" in error_line(capsys)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_tree_entry_whose_name_holds_a_slash_is_one_line(tmp_path, capsys):
    """An entry named 'acme/models/n/1.md' in assets/docs/ (no tree acme/models/n): git ls-tree
    -r prints it as a nested path, so only the missing folders tell it apart."""
    work = repo_of(tmp_path, TFHUB_FILES)
    blob = bytes.fromhex(_git(work, "rev-parse", "HEAD:assets/docs/acme/models/m/1.md"))
    acme = bytes.fromhex(_git(work, "rev-parse", "HEAD:assets/docs/acme"))
    docs = raw_object(work, "tree", b"40000 acme\0" + acme + b"100644 acme/models/n/1.md\0" + blob)
    assets = raw_object(work, "tree", b"40000 docs\0" + bytes.fromhex(docs))
    head_of_tree(work, bytes.fromhex(assets), "slash")
    assert build(tmp_path, "--git", str(work), "--as-of", "2021-01-06") == 2
    assert "'assets/docs/acme/models/n/1.md' (a name with '/' in it" in error_line(capsys)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_tree_entry_named_dot_dot_is_one_line(tmp_path, capsys):
    work = repo_of(tmp_path, TFHUB_FILES)
    blob = bytes.fromhex(_git(work, "rev-parse", "HEAD:README.md"))
    docs = bytes.fromhex(_git(work, "rev-parse", "HEAD:assets/docs"))
    assets = raw_object(work, "tree", b"40000 docs\0" + docs + b"100644 ..\0" + blob)
    head_of_tree(work, bytes.fromhex(assets), "dots")
    assert build(tmp_path, "--git", str(work), "--as-of", "2021-01-06") == 2
    assert "'assets/..'" in error_line(capsys)


def test_a_commit_dated_out_of_range_is_one_line(tmp_path, capsys):
    work = repo_of(tmp_path, TFHUB_FILES)
    tree = _git(work, "rev-parse", "HEAD^{tree}")
    commit = raw_object(work, "commit", (
        f"tree {tree}\nparent {_git(work, 'rev-parse', 'HEAD')}\n"
        "author A <a@example.org> 99999999999999999999 +0000\n"
        "committer A <a@example.org> 99999999999999999999 +0000\n\nfar\n").encode())  # fmt: skip
    _git(work, "update-ref", "refs/heads/master", commit)
    assert build(tmp_path, "--git", str(work), "--commit", commit, "--release-id", "x") == 2
    assert "committer date out of range ('99999999999999999999')" in error_line(capsys)


def test_a_file_name_that_is_not_utf8_is_an_anomaly_naming_it(tmp_path):
    files = {**TFHUB_FILES, b"assets/docs/acme/models/m/\xffimage.png": b"png"}
    work = repo_of(tmp_path, files)
    assert build(tmp_path, "--git", str(work), "--as-of", "2021-01-05", "--no-validate") == 0
    release = tmp_path / "out" / "2021-01-05"
    found = [r for r in rows(release / "data" / "anomalies.csv") if r["kind"] == "invalid-utf8"]
    assert [r["source_path"] for r in found] == ["assets/docs/acme/models/m/\\xffimage.png"]
    events = {r["path"] for r in rows(release / "data" / "events.csv")}
    assert "assets/docs/acme/models/m/\\xffimage.png" in events


def test_pytorch_hub_a_page_name_that_is_not_utf8_and_a_page_over_1_mib(tmp_path):
    big = page(title="Big") + "x" * (1 << 20)
    files = {
        **{p.encode(): t.encode() for p, t in VOCABULARY.items()},
        b"acme-lab_acmenet_small.md": page().encode(),
        b"acme-lab_acmenet_\xff.md": page(title="Odd").encode(),
        b"acme-lab_acmenet_big.md": big.encode(),
    }
    work = repo_of(tmp_path, files)
    assert build(tmp_path, "--git", str(work), "--hub", "pytorch-hub", "--as-of", "2021-01-05",
                 "--release-id", "p") == 0  # fmt: skip
    release = tmp_path / "out" / "p"
    anomalies = {(r["source_path"], r["kind"]) for r in rows(release / "data" / "anomalies.csv")}
    assert ("acme-lab_acmenet_big.md", "file-too-large") in anomalies
    assert ("acme-lab_acmenet_\\xff.md", "invalid-utf8") in anomalies
    models = {r["handle"] for r in rows(release / "data" / "models.csv")}
    assert models == {"acme-lab_acmenet_small", "acme-lab_acmenet_\\xff"}


def test_pytorch_hub_a_snapshot_holding_a_page_over_1_mib_records_it():
    """A source that does not leave large files out itself (a snapshot read whole)."""
    from tests.synthetic_pytorch_hub import snapshot
    from tfhub_dataset.hubs.pytorch_hub.wiring import release_tables

    snap = snapshot({"a_b_c.md": page(), "a_b_big.md": page() + "x" * (1 << 20)})
    tables = release_tables(snap, {})
    assert [r["source_path"] for r in tables["anomalies"] if r["kind"] == "file-too-large"] == [
        "a_b_big.md"
    ]


def test_a_plain_git_archive_builds_the_same_release_as_githubs_tarball(tmp_path):
    work = repo_of(tmp_path, TFHUB_FILES)
    sha = _git(work, "rev-parse", "HEAD")
    plain, github = tmp_path / "plain.tar.gz", tmp_path / "github.tar.gz"
    _git(work, "archive", "--format=tar.gz", "-o", str(plain), "HEAD")
    _git(work, "archive", "--format=tar.gz", f"--prefix=acme-repo-{sha[:7]}/", "-o", str(github),
         "HEAD")  # fmt: skip
    for tar, rid in ((plain, "plain"), (github, "github")):
        assert build(tmp_path, "--snapshot", str(tar), "--commit", sha, "--release-id", rid,
                     "--no-validate") == 0  # fmt: skip
    out = tmp_path / "out"
    assert len(rows(out / "plain" / "data" / "versions.csv")) == 1
    for table in ("versions.csv", "models.csv", "publishers.csv", "anomalies.csv"):
        assert (out / "plain" / "data" / table).read_bytes() == (
            out / "github" / "data" / table
        ).read_bytes()


def test_a_source_without_the_hubs_docs_is_refused(tmp_path, capsys):
    work = repo_of(tmp_path, {b"README.md": b"# another project\n", b"src/x.py": b"pass\n"})
    sha = _git(work, "rev-parse", "HEAD")
    tar = tmp_path / "other.tar.gz"
    _git(work, "archive", "--format=tar.gz", "-o", str(tar), "HEAD")
    assert build(tmp_path, "--snapshot", str(tar), "--commit", sha, "--release-id", "x") == 2
    assert "holds no TF Hub doc" in error_line(capsys)
    assert build(tmp_path, "--git", str(work), "--as-of", "2021-01-05") == 2
    assert "holds no TF Hub doc" in error_line(capsys)
    assert build(tmp_path, "--git", str(work), "--hub", "pytorch-hub", "--as-of",
                 "2021-01-05") == 2  # fmt: skip
    assert "holds no PyTorch Hub model page" in error_line(capsys)
    assert build(tmp_path, "--git", str(work), "--hub", "paddlehub", "--as-of",
                 "2021-01-05") == 2  # fmt: skip
    assert "holds no PaddleHub module" in error_line(capsys)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_password_in_the_git_url_is_refused_and_never_shown(tmp_path, capsys):
    url = "https://someone:s3cret-token@127.0.0.1:9/tfhub.dev.git"
    assert build(tmp_path, "--git-url", url, "--hub", "tfhub", "--as-of", "2021-01-05") == 2
    line = error_line(capsys)
    assert "holds a user name or password" in line and "***@127.0.0.1" in line
    assert "s3cret" not in line and "someone" not in line
    cached = (
        [p for p in (tmp_path / "c").rglob("*") if p.is_file()] if (tmp_path / "c").exists() else []
    )
    assert not any(b"s3cret" in p.read_bytes() for p in cached)


def test_an_html_answer_or_a_redirect_to_file_is_not_retried(synthetic_git, git_server, tmp_path):
    from test_git_source import FAST

    from tfhub_dataset.sources.errors import FetchError
    from tfhub_dataset.sources.git import GitConfig, GitSource
    from tfhub_dataset.sources.git.server import Fault

    faults = {
        "is this a git repository": Fault(status=200, headers={"Content-Type": "text/html"}),
        'Protocol "file" not supported': Fault(status=302, headers={"Location": "file:///etc/"}),
    }
    for n, (why, fault) in enumerate(faults.items()):
        git_server.script(r"/info/refs$", *[fault] * 6)
        config = GitConfig(url=synthetic_git.url, cache=tmp_path / f"c{n}.git", fetch=FAST)
        with GitSource(config) as src:
            with pytest.raises(FetchError, match=why) as err:
                src.ensure(synthetic_git.head)
            assert src.fetcher.report.retries == 0 and "not retried" in str(err.value)
        while git_server.pending_faults:
            git_server._take_fault("/info/refs")
