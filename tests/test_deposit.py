"""A release's deposit: `python -m tfhub_dataset archive` writes a zip that is byte-identical on
rebuild, holds every file of the release (checked against SHA256SUMS first) and that
`frictionless validate` accepts; its zenodo.json is a dataset's deposit metadata."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.mirror import ROOT
from tfhub_dataset.build import load_pins
from tfhub_dataset.study import STUDY_DOI

PINS = [p for p in load_pins() if (ROOT / "releases" / p.id / "zenodo.json").is_file()]


def _size(pin) -> int:
    return sum(f.stat().st_size for f in (ROOT / "releases" / pin.id).rglob("*") if f.is_file())


# frictionless reads every row of every table: the smallest release keeps the test short.
SMALLEST = min(PINS, key=_size, default=None)
BIN = Path(sys.executable).parent


def _archive(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tfhub_dataset", "archive", "--quiet", *args],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def archives(tmp_path_factory) -> tuple[Path, Path]:
    """Every committed release archived twice, into two folders."""
    a, b = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    for out in (a, b):
        run = _archive("--out", str(out))
        assert run.returncode == 0, run.stderr
    return a, b


@pytest.mark.parametrize("pin", PINS, ids=lambda p: p.id)
def test_archive_is_deterministic_and_holds_the_release(archives, pin):
    a, b = archives
    name = f"tfhub-dataset-{pin.id}.zip"
    assert (a / name).read_bytes() == (b / name).read_bytes()
    folder = ROOT / "releases" / pin.id
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    when = dt.datetime.fromisoformat(pin.commit_date.replace("Z", "+00:00"))
    with zipfile.ZipFile(a / name) as zf:
        assert zf.namelist() == files  # at the root: frictionless reads its datapackage.json
        for info in zf.infolist():
            assert zf.read(info) == (folder / info.filename).read_bytes()
            # the source commit's time (a zip dates to 2 seconds)
            assert info.date_time == (*when.timetuple()[:5], when.second // 2 * 2)
            assert info.external_attr >> 16 == 0o100644
    meta = json.loads((a / f"tfhub-dataset-{pin.id}.zenodo.json").read_text(encoding="utf-8"))
    assert meta == json.loads((folder / "zenodo.json").read_text(encoding="utf-8"))
    assert meta["upload_type"] == "dataset" and meta["version"] == pin.version
    assert meta["publication_date"] == pin.released and meta["creators"]
    assert meta["license"] == "Apache-2.0" and meta["access_right"] == "open"
    related = {(r["relation"], r["identifier"]) for r in meta["related_identifiers"]}
    desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    source = desc["sources"][0]["path"]
    assert ("isDerivedFrom", f"{source}/tree/{pin.commit}") in related
    assert ("references", STUDY_DOI) in related
    assert STUDY_DOI in meta["description"] and pin.version in meta["title"]


def test_frictionless_validates_an_archive(archives):
    a, _ = archives
    run = subprocess.run(
        [str(BIN / "frictionless"), "validate", str(a / f"tfhub-dataset-{SMALLEST.id}.zip")],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:]
    assert "INVALID" not in run.stdout


def test_archive_refuses_a_release_that_does_not_match_its_sums(tmp_path):
    releases = tmp_path / "releases"
    shutil.copytree(ROOT / "releases" / SMALLEST.id, releases / SMALLEST.id)
    (releases / SMALLEST.id / "README.md").write_text("edited\n", encoding="utf-8")
    run = _archive("--releases", str(releases), "--release", SMALLEST.id, "--out",
                   str(tmp_path / "out"))  # fmt: skip
    assert run.returncode == 2 and "README.md does not match SHA256SUMS" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr
    assert not list((tmp_path / "out").glob("*.zip"))
