"""The command line: help, errors in one line, and the source and target options."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.mirror import GIT, MIRROR, ROOT, needs_git, needs_mirror
from tfhub_dataset.cli import main, parser

TARBALL = MIRROR / "tarballs" / "ed4bcb27f8f485d40dc3582d3c95f11647e3e862.tar.gz"
FINAL = "81fdea8ffa53b5acbd66a012d17fb8f9602c714b"


def test_help_explains_every_option(capsys):
    with pytest.raises(SystemExit):
        parser().parse_args(["build", "--help"])
    out = capsys.readouterr().out
    for option in (
        "--as-of",
        "--commit",
        "--snapshot",
        "--mirror",
        "--offline",
        "--out",
        "--min-interval",
        "--no-validate",
        "--no-derived-cache",
    ):
        assert option in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["build", "--as-of", "2022-13-01"], "not a YYYY-MM-DD date"),
        (["build", "--commit", "abc"], "not a full 40-hex commit SHA"),
    ],
)
def test_bad_arguments(argv, message, capsys):
    with pytest.raises(SystemExit):
        parser().parse_args(argv)
    assert message in capsys.readouterr().err


def one_error_line(capsys) -> str:
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    return lines[0]


@needs_mirror
def test_single_snapshot_commands(tmp_path, capsys):
    common = ["--snapshot", str(TARBALL), "--quiet", "--out", str(tmp_path)]
    assert main(["build", "--as-of", "2021-06-30", *common]) == 2
    assert "cannot resolve --as-of" in one_error_line(capsys)
    assert main(["build", *common]) == 2
    assert "which no pinned release uses" in one_error_line(capsys)
    assert (
        main(["build", "--commit", TARBALL.name[:40], "--release-id", "2024-03-18", *common]) == 2
    )
    assert "is pinned to commit 81fdea8ffa53" in one_error_line(capsys)
    assert main(["build", "--release", "nope", *common]) == 2
    assert "no pinned release nope" in one_error_line(capsys)
    assert main(["build", "--commit", TARBALL.name[:40], "--release-id", "x", *common]) == 0
    built = tmp_path / "x"
    assert (built / "datapackage.json").is_file() and (built / "README.md").is_file()
    assert not (built / "data" / "snapshots.csv").exists()  # a lone snapshot has no history


def unwritable(tmp_path: Path) -> Path:
    """A folder that cannot be created: root may write anywhere, but not under /proc."""
    if os.geteuid() == 0:
        return Path("/proc/tfhub-dataset-out")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    return locked / "out"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["build", "--as-of", "2021-01-01", "--commit", "0" * 40], "not allowed with"),
        (["build", "--release", "2024-03-18", "--as-of", "2021-01-01"], "not allowed with"),
        (["build", "--min-interval", "-1"], "not a number of seconds"),
        (["build", "--min-interval", "nan"], "not a number of seconds"),
        (["build", "--lock-timeout", "-5"], "not a number of seconds"),
        (["build", "--commit", "0" * 40, "--release-id", ".."], "not a safe folder name"),
        (["build", "--commit", "0" * 40, "--release-id", "../../x"], "not a safe folder name"),
        (["build", "--release", "nosuch"], "the pinned releases are 2022-04-05, pytorch-hub-2022"),
        (["verify", "--releases", "/nonexistent"], "--releases /nonexistent is not a folder"),
        # the REST crawler's options are never silently ignored by another source
        (["build", "--api-url", "http://127.0.0.1:9"], "--api-url set the REST crawler: add"),
        (["build", "--min-interval", "0"], "--min-interval set the REST crawler: add"),
        (["build", "--snapshot", "x.tar.gz", "--api-url", "http://x", "--min-interval", "1"],
         "--api-url and --min-interval set the REST crawler"),
        (["build", "--snapshot", "x.tar.gz", "--git", "y.git"], "not several"),
        (["build", "--source", "api", "--git-url", "http://x"], "choose the git source, not"),
        (["build", "--git", "y.git", "--git-url", "http://x"], "or --git-url, not both"),
    ],
)
def test_wrong_arguments_give_one_line_and_status_2(argv, message, capsys, tmp_path):
    assert main([*argv, *(["--out", str(tmp_path)] if argv[0] == "build" else [])]) == 2
    assert message in one_error_line(capsys)
    assert list(tmp_path.iterdir()) == []


def test_an_out_folder_that_cannot_be_written_gives_one_line(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    for out in (tmp_path / "file", unwritable(tmp_path)):
        assert main(["build", "--release", "2024-03-18", "--offline", "--out", str(out)]) == 2
        assert f"--out {out}" in one_error_line(capsys)
    assert (tmp_path / "file").read_text() == "x"


def test_verify_help_lists_only_what_verify_takes(capsys):
    with pytest.raises(SystemExit):
        parser().parse_args(["verify", "--help"])
    out = capsys.readouterr().out
    for option in ("--commit", "--commit-date", "--release-id", "--out", "--as-of"):
        assert option not in out
    assert "--releases" in out and "--snapshot" in out


@needs_mirror
def test_as_of_after_the_last_commit_is_refused(tmp_path, capsys):
    cache = ["--cache", str(tmp_path / "c" / "http.sqlite")]
    argv = ["build", "--snapshot", str(MIRROR), "--quiet", "--out", str(tmp_path / "out"), *cache]
    assert main([*argv, "--as-of", "2030-01-01"]) == 2
    line = one_error_line(capsys)
    assert (
        "after the source's last commit (81fdea8ffa53" in line and "2024-03-18 or earlier" in line
    )
    assert list((tmp_path / "out").iterdir()) == []


@needs_mirror
def test_a_lone_snapshot_never_replaces_a_committed_release_with_history(
    tmp_path, capsys, monkeypatch
):
    from tfhub_dataset import cli

    committed = tmp_path / "releases" / "2024-03-18"
    committed.mkdir(parents=True)
    desc = {"sources": [{"commit": FINAL}], "resources": [{"name": "snapshots"}]}
    (committed / "datapackage.json").write_text(json.dumps(desc))
    monkeypatch.setattr(cli, "RELEASES_DIR", tmp_path / "releases")
    final = MIRROR / "tarballs" / f"{FINAL}.tar.gz"
    assert main(["build", "--snapshot", str(final), "--quiet"]) == 2
    line = one_error_line(capsys)
    assert "without history" in line and "--out DIR" in line and "--replace" in line
    assert sorted(p.name for p in committed.iterdir()) == ["datapackage.json"]


@needs_git
def test_as_of_resolves_through_a_git_clone(tmp_path, monkeypatch):
    """`--as-of` on the real clone: the last first-parent commit of that day, built under the
    date's release id. The build is recorded, not run (a build with --as-of through a clone, whole,
    is test_git_shadow.py's, on the synthetic history)."""
    import tfhub_dataset.cli as cli

    built = []

    def recorded(pin, _source, out_root, **_options):
        built.append(pin)
        return out_root / pin.id

    monkeypatch.setattr(cli, "build_release", recorded)
    argv = [
        "build",
        "--git",
        str(GIT),
        "--as-of",
        "2021-06-30",
        "--quiet",
        "--no-validate",
        "--cache",
        str(tmp_path / "cache" / "http.sqlite"),
        "--out",
        str(tmp_path),
    ]
    assert main(argv) == 0
    (pin,) = built
    assert (pin.id, pin.as_of, pin.hub) == ("2021-06-30", "2021-06-30", "tfhub")
    assert pin.commit == "ed4bcb27f8f485d40dc3582d3c95f11647e3e862"


def test_the_replace_guard_reads_the_committed_releases():
    """The guard against replacing a committed release reads its commit from the descriptor as
    the build writes it today: a change of shape must not silently disable it."""
    from tfhub_dataset.build import RELEASES_DIR, load_pins
    from tfhub_dataset.guards import release_kind

    for pin in load_pins():
        assert release_kind(RELEASES_DIR / pin.id) == (pin.commit, True)


def test_every_source_with_commits_gives_a_history_and_a_lone_snapshot_none():
    """One rule (build.has_history) decides whether a build has a history, for the build and for
    the guard against replacing a committed release alike."""
    from tfhub_dataset.build import has_history
    from tfhub_dataset.sources.api.github import GitHubSource
    from tfhub_dataset.sources.git import GitSource
    from tfhub_dataset.sources.local import LocalMirror, LocalSnapshot

    assert all(has_history(cls) for cls in (GitSource, GitHubSource, LocalMirror))
    assert not has_history(LocalSnapshot)


@needs_git
@pytest.mark.skipif(
    not (ROOT / "releases" / "comparison" / "datapackage.json").is_file(), reason="no comparison"
)
def test_a_pinned_build_makes_the_comparison_beside_it(tmp_path, monkeypatch):
    """After building pinned releases, `build` makes the comparison of the hubs in the same
    --out, from them and the other committed releases. The release's own build is the committed
    one copied (its whole build from git is verify's, test_releases.py): this is the wiring."""
    import shutil

    import tfhub_dataset.cli as cli

    def copied(pin, _source, out_root, **_options):
        shutil.copytree(ROOT / "releases" / pin.id, out_root / pin.id)
        return out_root / pin.id

    monkeypatch.setattr(cli, "build_release", copied)
    out = tmp_path / "out"
    argv = ["build", "--release", "2022-04-05", "--git", str(GIT), "--quiet", "--no-validate",
            "--cache", str(tmp_path / "cache" / "http.sqlite"), "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    assert sorted(p.name for p in out.iterdir()) == [".comparison.lock", "2022-04-05", "comparison"]
    committed = ROOT / "releases" / "comparison"
    assert {p.relative_to(out / "comparison"): p.read_bytes()
            for p in (out / "comparison").rglob("*") if p.is_file()} == {
        p.relative_to(committed): p.read_bytes() for p in committed.rglob("*") if p.is_file()
    }  # fmt: skip
