"""The command line: help, errors in one line, and the source and target options."""

from __future__ import annotations

import pytest

from tests.mirror import GIT, MIRROR, needs_git, needs_mirror
from tfhub_dataset.cli import main, parser

TARBALL = MIRROR / "tarballs" / "ed4bcb27f8f485d40dc3582d3c95f11647e3e862.tar.gz"


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


@needs_mirror
def test_single_snapshot_commands(tmp_path, capsys):
    common = ["--snapshot", str(TARBALL), "--quiet", "--out", str(tmp_path)]
    with pytest.raises(SystemExit, match="cannot resolve --as-of"):
        main(["build", "--as-of", "2021-06-30", *common])
    with pytest.raises(SystemExit, match="which no pinned release uses"):
        main(["build", *common])
    with pytest.raises(SystemExit, match="is pinned to commit 81fdea8ffa53"):
        main(["build", "--commit", TARBALL.name[:40], "--release-id", "2024-03-18", *common])
    with pytest.raises(SystemExit, match="no pinned release nope"):
        main(["build", "--release", "nope", *common])
    assert main(["build", "--commit", TARBALL.name[:40], "--release-id", "x", *common]) == 0
    built = tmp_path / "x"
    assert (built / "datapackage.json").is_file() and (built / "README.md").is_file()
    assert not (built / "data" / "snapshots.csv").exists()  # a lone snapshot has no history


@needs_git
def test_as_of_resolves_through_a_git_clone(tmp_path):
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
    import json

    desc = json.loads((tmp_path / "2021-06-30" / "datapackage.json").read_text())
    assert desc["sources"][0]["commit"] == "ed4bcb27f8f485d40dc3582d3c95f11647e3e862"
