"""The committed releases: valid packages (foreign keys included, CSV and Parquet alike), the root
descriptor pointing at the latest, and `verify` rebuilding each one byte for byte."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.mirror import GIT, ROOT, needs_git, needs_release
from tfhub_dataset.build import load_pins, root_descriptor
from tfhub_dataset.package.validate import compare_parquet, validate_package

PINS = load_pins()
LATEST = max(PINS, key=lambda p: p.as_of)


@pytest.mark.parametrize("pin", PINS, ids=lambda p: p.id)
def test_committed_release_is_valid_with_frictionless(pin):
    folder = ROOT / "releases" / pin.id
    if not (folder / "datapackage.json").is_file():
        pytest.skip(f"{folder} is not committed yet")
    # Every resource through frictionless itself, Parquet included (what a user's CLI run does).
    assert validate_package(folder / "datapackage.json", parquet="frictionless") == []
    assert compare_parquet(folder / "datapackage.json") == []
    desc = json.loads((folder / "datapackage.json").read_text())
    assert desc["sources"][0]["commit"] == pin.commit
    assert desc["created"] == pin.commit_date


@needs_release(LATEST.id)
def test_root_descriptor_is_the_latest_release_and_valid():
    root = ROOT / "datapackage.json"
    assert root.read_bytes() == root_descriptor(ROOT / "releases" / LATEST.id)
    assert validate_package(root) == []


@needs_git
@pytest.mark.skipif(
    not all((ROOT / "releases" / p.id).is_dir() for p in PINS), reason="releases not committed yet"
)
def test_verify_rebuilds_every_committed_release_byte_for_byte(tmp_path):
    """`python -m tfhub_dataset verify --git ../shared/tfhub.dev.git`, as CI runs it, here from
    another working directory with another locale, time zone and hash seed: same bytes."""
    env = {
        **os.environ,
        "LC_ALL": "C",
        "LANG": "C",
        "TZ": "Pacific/Kiritimati",
        "PYTHONHASHSEED": "12345",
        "PYTHONPATH": str(ROOT),
    }
    cmd = [sys.executable, "-m", "tfhub_dataset", "verify", "--quiet", "--git", str(GIT),
           "--releases", str(ROOT / "releases"),
           "--cache", str(tmp_path / "http.sqlite")]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    ids = ", ".join(p.id for p in PINS)
    assert done.stdout.startswith(f"verify: {ids} rebuilt, ") and "identical" in done.stdout
