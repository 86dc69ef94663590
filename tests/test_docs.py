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


@pytest.mark.parametrize("command", ["build", "verify", "archive"])
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
    # TF Hub's table counts versioned docs and collections, PyTorch Hub's torch.hub.load calls,
    # PaddleHub's module versions over the history.
    counted = {"tfhub": ("versions", "collections"), "paddlehub": ("module_versions",)}.get(
        pin.hub, ("entrypoints",)
    )
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


def test_the_architecture_section_names_every_folder_and_module_as_it_is():
    """The README's picture must stay true: each folder and module it names exists, and every
    folder and module of the package is named there."""
    section = README.split("## How it is built\n", 1)[1].split("\n## ", 1)[0]
    package = ROOT / "tfhub_dataset"
    hubs = sorted(p.name for p in (package / "hubs").iterdir() if (p / "__init__.py").exists())
    named = set(re.findall(r"`([\w/<>]+(?:\.py|/))`", section))
    modules = {p.name for p in package.rglob("*.py")}
    ours = {d.name for d in package.rglob("*") if d.is_dir()} | {"hubs"}
    # folders of the source repositories (`assets/`) or of the project (`build/cache/git/`)
    named = {n for n in named if n.endswith(".py") or n.split("/")[0] in ours}
    for name in sorted(named):
        for path in [name.replace("<hub>", h) for h in hubs] if "<hub>" in name else [name]:
            if "/" in path.rstrip("/") and path.split("/")[0] not in ours | {"tfhub_dataset"}:
                assert (ROOT / path).exists(), path  # a file of the project (benchmarks/...)
            elif path.endswith("/"):
                assert any(d.is_dir() for d in package.rglob(path.rstrip("/"))), path
            else:
                assert path.rsplit("/", 1)[-1] in modules, path
    unnamed = sorted(
        p.relative_to(package).as_posix()
        for p in package.rglob("*.py")
        if p.name not in {"__init__.py", "__main__.py"}
        and p.name not in section
    )
    assert unnamed == [], "modules the README's architecture section does not name"
    folders = sorted(
        d.relative_to(package).as_posix() + "/"
        for d in package.rglob("*")
        if d.is_dir() and (d / "__init__.py").exists()
    )
    missing = [f for f in folders if f.rsplit("/", 2)[-2] + "/" not in section]
    assert missing == [], "folders the README's architecture section does not name"
