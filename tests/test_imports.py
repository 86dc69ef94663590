"""Each command imports only what it needs: `--help` (with the hub registry), an argument error,
each hub's parse stage and verify's comparison never load the chart, Parquet, validation or
pandas stacks (together about 1 s before any work). Each case runs in a fresh interpreter and
reads its ``sys.modules``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.mirror import ROOT

HEAVY = ("matplotlib", "pyarrow", "frictionless", "pandas", "numpy")
# Also kept out: the SQLite writer and the REST crawler's HTTP stack (lighter, but no command
# checked here uses them).
HEAVY += ("apsw", "requests", "requests_cache", "urllib3")

# Each snippet runs in a child; then the child prints which HEAVY packages it imported.
CASES = {
    "--help": """
sys.argv = ["tfhub_dataset", "--help"]
try:
    runpy.run_module("tfhub_dataset", run_name="__main__")
except SystemExit as exc:
    assert exc.code == 0, exc.code
""",
    "argument error": """
sys.argv = ["tfhub_dataset", "build", "--as-of", "2022-13-01"]
try:
    runpy.run_module("tfhub_dataset", run_name="__main__")
except SystemExit as exc:
    assert exc.code == 2, exc.code
""",
    "parse stage": """
from tests.synthetic import MODULE, PUBLISHER, snapshot
from tfhub_dataset.annotations import load_publisher_types
from tfhub_dataset.build import release_tables
from tfhub_dataset.hubs.tfhub.history import parse_snapshot
snap = snapshot({
    "assets/docs/acme/acme.md": PUBLISHER,
    "assets/docs/acme/models/vision/classifier/1.md": MODULE.format(version=1),
})
tables = release_tables(snap, load_publisher_types())
assert len(tables["models"]) == 1, tables["models"]
parse_snapshot(snap, load_publisher_types())
""",
    "verify's comparison": """
import tempfile
from pathlib import Path
from tfhub_dataset.verify import compare_folders
with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
    (Path(a) / "x.csv").write_text("1")
    (Path(b) / "x.csv").write_text("2")
    count, diffs = compare_folders("r", Path(a), Path(b))
    assert (count, [d.what for d in diffs]) == (1, ["differs"])
""",
    # The hub registry (`--help` reads it) and PyTorch Hub's parse stage.
    "hub registry and sources": """
from tfhub_dataset.hubs import HUBS
from tfhub_dataset.sources.by_hub import GitOptions, HubSources
assert set(HUBS) == {"tfhub", "pytorch-hub", "paddlehub"}
HubSources(git=GitOptions()).close()
""",
    "PaddleHub parse stage": """
from tests.synthetic_paddlehub import TYPES, module_py, readme, snapshot
from tfhub_dataset.hubs import hub
wiring = hub("paddlehub").module()
snap = snapshot({"modules/image/classification/acme_net/module.py": module_py(),
                 "modules/image/classification/acme_net/README.md": readme()})
tables = wiring.release_tables(snap, TYPES)
assert len(tables["models"]) == 1 and tables["links"], tables["models"]
""",
    "PyTorch Hub parse stage": """
from tests.synthetic_pytorch_hub import page, snapshot
from tfhub_dataset.hubs import hub
wiring = hub("pytorch-hub").module()
snap = snapshot({"acme-lab_acmenet_small.md": page()})
tables = wiring.release_tables(snap, {})
assert len(tables["models"]) == 1, tables["models"]
assert wiring.parse_snapshot(snap, {}).counts["models"] == 1
""",
}
# The control: writing a release's tables does need Arrow, and the check sees it.
CONTROL = """
from tfhub_dataset.package.write import ReleaseInfo, render_release
from tfhub_dataset.build import release_tables
from tests.synthetic import MODULE, PUBLISHER, snapshot
snap = snapshot({"assets/docs/acme/acme.md": PUBLISHER})
info = ReleaseInfo("x", "2022-04-05", snap.commit, snap.commit_date)
render_release(release_tables(snap, {}), info)
"""


def heavy_modules_after(snippet: str) -> list[str]:
    code = (
        "import json, runpy, sys\n"
        + snippet
        + f"\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("case", CASES)
def test_command_imports_no_heavy_stack(case):
    assert heavy_modules_after(CASES[case]) == []


def test_the_check_sees_a_heavy_import():
    assert "pyarrow" in heavy_modules_after(CONTROL)
