"""The README tells the truth: every command option, every table, and the release figures."""

from __future__ import annotations

import csv
import re

import pytest

from tests.mirror import ROOT
from tfhub_dataset.build import load_pins
from tfhub_dataset.cli import parser

README = (ROOT / "README.md").read_text(encoding="utf-8")


def options(command: str) -> set[str]:
    sub = next(a for a in parser()._actions if a.dest == "command").choices[command]
    return {o for a in sub._actions for o in a.option_strings if o.startswith("--")} - {"--help"}


@pytest.mark.parametrize("command", ["build", "verify"])
def test_every_option_is_documented(command):
    assert f"python -m tfhub_dataset {command}" in README
    missing = sorted(o for o in options(command) if f"`{o}" not in README)
    assert missing == []


def test_two_commands_and_ci_runs_the_test_one():
    assert "./dev.sh build" in README and "./dev.sh test" in README
    assert "./dev.sh test" in (ROOT / ".ci" / "run").read_text()


def test_every_table_is_documented():
    for schema in sorted((ROOT / "schemas").rglob("*.json")):  # every hub's
        assert f"`{schema.stem}`" in README, schema.stem


def rows(release: str, table: str) -> list[dict]:
    path = ROOT / "releases" / release / "data" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("pin", load_pins(), ids=lambda p: p.id)
def test_release_table_figures_match_the_data(pin):
    if not (ROOT / "releases" / pin.id / "data").is_dir():
        pytest.skip(f"releases/{pin.id} is not committed yet")
    line = next(ln for ln in README.splitlines() if ln.startswith(f"| [`{pin.id}`]"))
    pubs = rows(pin.id, "publishers")
    types = [sum(p["type"] == t for p in pubs) for t in ("individual", "organization")]
    # TF Hub's table counts versioned docs and collections, PyTorch Hub's torch.hub.load calls.
    counted = ("versions", "collections") if pin.hub == "tfhub" else ("entrypoints",)
    expected = [
        f"{len(pubs)} ({types[0]} / {types[1]})",
        f"{len(rows(pin.id, 'models')):,}",
        *(f"{len(rows(pin.id, t)):,}" for t in counted),
        f"{len(rows(pin.id, 'snapshots')):,}",
    ]
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[1] == pin.version
    assert cells[3:] == expected
    assert pin.commit[:12] in cells[2]


def test_benchmark_figures_name_their_command_machine_and_settings():
    section = README.split("## Benchmarks\n", 1)[1].split("\n## ", 1)[0]
    assert "python benchmarks/bench.py" in section
    # ratios to a reference measured in the same run, before and after, against the goals
    assert re.search(
        r"\| parse the snapshot into every table \| the floor \| [\d.]+x \| [\d.]+x \|", section
    )
    assert re.search(r"\| `python -m tfhub_dataset --help` \| .+ \| [\d.]+x \| [\d.]+x \|", section)
    assert "CPython" in section and "load average" in section  # the machine that gave the seconds
    assert "`--min-interval 0`" in section  # the setting behind the HTTP figures
