"""The hub registry and PyTorch Hub's parse stage import no heavy stack (charts, Parquet,
validation, pandas): `--help` reads the registry, and a PyTorch Hub snapshot parses into tables
and a history summary without them. Each case runs in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.mirror import ROOT

HEAVY = ("matplotlib", "pyarrow", "frictionless", "pandas", "numpy")
# (build.py and cli.py themselves are checked by test_imports.py.)
CASES = {
    "hub registry and sources": """
from tfhub_dataset.hubs import HUBS
from tfhub_dataset.sources.by_hub import GitOptions, HubSources
assert set(HUBS) == {"tfhub", "pytorch-hub"}
HubSources(git=GitOptions()).close()
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
def test_no_heavy_stack_is_imported(case):
    assert heavy_modules_after(CASES[case]) == []


def test_the_check_sees_a_heavy_import():
    assert "matplotlib" in heavy_modules_after("import tfhub_dataset.report.charts")
