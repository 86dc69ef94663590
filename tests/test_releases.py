"""The committed releases of every hub: valid packages (foreign keys included, CSV and Parquet
alike), the root descriptor pointing at TF Hub's latest, and `verify` rebuilding each one and the
comparison byte for byte."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.mirror import GIT, ROOT, needs_git, needs_release
from tests.paddlehub_git import CLONE as PADDLEHUB_GIT
from tests.paddlehub_git import shadow as paddle_shadow
from tests.pytorch_hub_git import CLONE as PYTORCH_HUB_GIT
from tfhub_dataset.build import COMPARISON, load_pins, root_descriptor
from tfhub_dataset.hubs import HUBS, hub
from tfhub_dataset.package.sums import SUMS_NAME
from tfhub_dataset.package.validate import compare_parquet, validate_package

PINS = load_pins()
LATEST_OF = {name: max((p for p in PINS if p.hub == name), key=lambda p: p.as_of) for name in HUBS}
LATEST = LATEST_OF["tfhub"]  # the root datapackage.json describes it


def _data_bytes(pin) -> int:
    data = ROOT / "releases" / pin.id / "data"
    return sum(p.stat().st_size for p in data.iterdir()) if data.is_dir() else 1 << 62


# The release frictionless's own command line validates: the smallest committed one. What the
# command line adds to the check of the others is frictionless reading each Parquet file through
# pandas (code that does not depend on the hub): 5 s for the smallest release, 27 s for TF Hub's
# latest, against 0.6 s to prove a release's Parquet files hold its CSV files' rows.
CLI_PIN = min(PINS, key=lambda p: (_data_bytes(p), p.id))


@pytest.mark.heavy
@pytest.mark.parametrize("pin", PINS, ids=lambda p: p.id)
def test_committed_release_is_valid_with_frictionless(pin, tmp_path):
    """Every committed release is valid: every CSV through frictionless (types, constraints,
    primary and foreign keys), and each Parquet file proven to hold its CSV's rows byte for
    byte. The smallest release (CLI_PIN) goes through frictionless's own command line instead,
    on a copy of the folder alone (what a user who takes it away runs), Parquet included. The
    root descriptor, which describes TF Hub's latest release, is validated below."""
    folder = ROOT / "releases" / pin.id
    if not (folder / "datapackage.json").is_file():
        pytest.skip(f"{folder} is not committed yet")
    if pin == CLI_PIN:
        copy = tmp_path / pin.id
        shutil.copytree(folder, copy)
        cli = Path(sys.executable).parent / "frictionless"
        done = subprocess.run(
            [str(cli), "validate", "--json", "datapackage.json"],
            cwd=copy, capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout[-3000:]
        report = json.loads(done.stdout)
        resources = json.loads((folder / "datapackage.json").read_text())["resources"]
        # Every resource read, the Parquet ones through pandas, each row counted.
        assert {t["name"]: t["valid"] for t in report["tasks"]} == {
            r["name"]: True for r in resources
        }
        parquet = [t for t in report["tasks"] if t["name"].endswith("-parquet")]
        assert parquet and sum(t["stats"]["rows"] for t in parquet) > 0
    else:
        assert validate_package(folder / "datapackage.json", parquet="skip") == []
    assert compare_parquet(folder / "datapackage.json") == []
    desc = json.loads((folder / "datapackage.json").read_text())
    assert desc["sources"][0]["version"] == pin.commit
    assert desc["created"] == pin.commit_date
    assert desc["version"] == pin.version


@pytest.mark.parametrize("pin", PINS, ids=lambda p: p.id)
def test_committed_release_checks_itself_when_copied_alone(pin, tmp_path):
    """What a user does with a folder taken away: check the sums and query the database (the
    frictionless command line runs on such a copy in the test above)."""
    folder = ROOT / "releases" / pin.id
    if not (folder / "datapackage.json").is_file():
        pytest.skip(f"{folder} is not committed yet")
    copy = tmp_path / pin.id
    shutil.copytree(folder, copy)
    listed = [line.split("  ", 1)[1] for line in (copy / SUMS_NAME).read_text().splitlines()]
    on_disk = sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file())
    assert listed == [p for p in on_disk if p != SUMS_NAME]  # every other file, nothing more
    if shutil.which("sha256sum"):
        subprocess.run(["sha256sum", "-c", "--quiet", SUMS_NAME], cwd=copy, check=True)
    db = sqlite3.connect(copy / hub(pin.hub).sqlite_name)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute("SELECT version FROM _release").fetchall() == [(pin.version,)]


@needs_release(LATEST.id)
def test_root_descriptor_is_the_latest_release_and_valid():
    """The root datapackage.json is the latest TF Hub release's own descriptor with its paths
    under releases/: frictionless accepts its metadata, and each path holds the bytes its hash
    and size name, which the test above validates row by row, foreign keys included, through the
    release's own descriptor (a full validation of the root again takes 6 s here)."""
    from frictionless import Package

    root = ROOT / "datapackage.json"
    assert root.read_bytes() == root_descriptor(ROOT / "releases" / LATEST.id, ROOT)
    resources = json.loads(root.read_text())["resources"]
    for r in resources:
        data = (ROOT / r["path"]).read_bytes()
        assert r["hash"] == f"sha256:{hashlib.sha256(data).hexdigest()}", r["path"]
        assert r.get("bytes", len(data)) == len(data), r["path"]  # CSV files give their size
    package = Package(str(root))  # raises on metadata frictionless does not accept
    assert [r.name for r in package.resources] == [r["name"] for r in resources]


@pytest.mark.heavy
@needs_git
@pytest.mark.skipif(
    not all((ROOT / "releases" / p.id).is_dir() for p in PINS), reason="releases not committed yet"
)
def test_verify_rebuilds_every_committed_release_byte_for_byte(tmp_path):
    """`python -m tfhub_dataset verify --git ../shared/tfhub.dev.git --git
    ../shared/pytorch-hub.git --git <PaddleHub's clone>`, as CI runs it, here from another
    working directory with another locale, time zone and hash seed: same bytes, the comparison
    included. Without a hub's clone, its releases are skipped (one line says so) and the rest is
    checked. Bytes only (`--no-validate`): the test above validates every committed release, and
    a rebuilt one identical to it is as valid."""
    env = {
        **os.environ,
        "LC_ALL": "C",
        "LANG": "C",
        "TZ": "Pacific/Kiritimati",
        "PYTHONHASHSEED": "12345",
        "PYTHONPATH": str(ROOT),
    }
    clones = {"tfhub": GIT}
    if (PYTORCH_HUB_GIT / "HEAD").is_file():
        clones["pytorch-hub"] = PYTORCH_HUB_GIT
    if (PADDLEHUB_GIT / "HEAD").is_file():  # read through a view of its own (it lacks refs/)
        clones["paddlehub"] = paddle_shadow(PADDLEHUB_GIT, tmp_path / "paddlehub-view.git")
    cmd = [sys.executable, "-m", "tfhub_dataset", "verify", "--quiet", "--no-validate",
           *(a for c in clones.values() for a in ("--git", str(c))),
           "--releases", str(ROOT / "releases"),
           "--cache", str(tmp_path / "http.sqlite")]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    checked = [p.id for p in PINS if p.hub in clones]
    if (ROOT / "releases" / COMPARISON).is_dir():
        checked.append(COMPARISON)
    assert done.stdout.startswith(f"verify: {', '.join(checked)} rebuilt, ")
    assert "identical" in done.stdout


@pytest.mark.parametrize("name", list(HUBS))
def test_pinned_versions_move_as_the_data_package_version_recipe_asks(name):
    """Each committed release's version steps up from the hub's release before by at least what
    its changes ask for (CHANGES.md names the step); each hub's first release starts at a major
    version (1.0.0 when first published, moved to the next major when a rebuild changed its
    fields)."""
    from tfhub_dataset.package.write import iter_files
    from tfhub_dataset.report.changes import compare, read_side, step_is_enough

    pins = [p for p in PINS if p.hub == name]
    assert re.fullmatch(r"[1-9]\d*\.0\.0", pins[0].version), pins[0].version
    folders = [ROOT / "releases" / p.id for p in pins]
    if not all((f / "datapackage.json").is_file() for f in folders):
        pytest.skip("releases not committed yet")
    sides = [read_side(dict(iter_files(f))) for f in folders]
    for previous, current in itertools.pairwise(sides):
        changes = compare(previous, current)
        assert step_is_enough(changes), (current.id, current.version, changes.level)


@pytest.mark.parametrize("name", list(LATEST_OF), ids=str)
def test_hugging_face_datasets_loads_every_empty_table(name, tmp_path):
    """An empty table (history_anomalies, so far) loads, streaming, as its columns and no row:
    its Parquet file has no row group, so datasets does not ask for batches of 0 rows (it did:
    ArrowInvalid). Without streaming datasets 5.2 makes no split of 0 rows; the README says so."""
    pin = LATEST_OF[name]
    folder = ROOT / "releases" / pin.id
    empty = sorted(
        p.stem for p in (folder / "data").glob("*.csv") if len(p.read_bytes().splitlines()) == 1
    )
    if not empty:
        pytest.skip(f"{pin.id} has no empty table")
    code = (
        "import sys\nfrom datasets import load_dataset\n"
        "for config in sys.argv[2:]:\n"
        "    d = load_dataset(sys.argv[1], config, split='train', streaming=True)\n"
        "    print(config, len(list(d)), ','.join(d.column_names))\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "HF_HOME": str(tmp_path / "hf")}  # fmt: skip
    run = subprocess.run([sys.executable, "-c", code, str(folder), *empty], env=env,
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    for line, table in zip(run.stdout.splitlines(), empty, strict=True):
        schema = json.loads((folder / "schemas" / f"{table}.json").read_text(encoding="utf-8"))
        assert line == f"{table} 0 " + ",".join(f["name"] for f in schema["fields"])
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "streaming=True" in readme and f"`{empty[0]}`" in readme
