"""Hubs are plug-ins: the shared layers (sources, history, package, report, build and the modules
beside them) import no hub's module and name no hub; each hub is a folder, its schemas, its
annotations and its pins."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tfhub_dataset import ROOT
from tfhub_dataset.build import load_pins
from tfhub_dataset.hubs import HUBS
from tfhub_dataset.plugin import Hub

PACKAGE = ROOT / "tfhub_dataset"
HUB_FOLDER = PACKAGE / "hubs"
# The study this dataset revisits is a paper whose title names the hub it studied: a citation,
# not a rule about a hub (study.py says so).
NOT_SHARED = {PACKAGE / "study.py"}
# Still naming hubs, until the comparison of N hubs (issue 19) replaces it: strict, so this list
# must shrink when it does.
PENDING: set[str] = set()


def shared_modules() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if HUB_FOLDER not in p.parents and p != HUB_FOLDER / "__init__.py" and p not in NOT_SHARED
    )


def hub_words(h: Hub) -> list[str]:
    """What names a hub in code or prose: its id, title, site, repository and folder."""
    owner, name = h.repository.split("/")
    words = {h.name, h.title, h.site, h.repository, h.folder, h.clone_name, owner, name}
    return sorted(w for w in words if len(w) > 3)


def _pattern(words: list[str]) -> re.Pattern[str]:
    alts = []
    for w in words:
        # the project's own name (tfhub-dataset, tfhub_dataset, TFHUB_DATASET_*) is not a hub's
        tail = r"(?![-_]dataset)" if w.lower() == "tfhub" else ""
        alts.append(rf"(?<![\w/-]){re.escape(w)}(?![\w])" + tail)
    # the frameworks and their short names, however written
    alts += [r"tensorflow", r"pytorch", r"paddle", r"\bTF Hub\b"]
    return re.compile("|".join(alts), re.IGNORECASE)


NAMES = _pattern([w for h in HUBS.values() for w in hub_words(h)])


def hub_mentions(text: str) -> list[str]:
    return [f"line {text.count(chr(10), 0, m.start()) + 1}: {m[0]!r}" for m in NAMES.finditer(text)]


@pytest.mark.parametrize("path", shared_modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_a_shared_module_imports_no_hub_module(path: Path) -> None:
    """The registry (``tfhub_dataset.hubs``: HUBS, hub(), the Hub type) is how they meet."""
    folders = {d.name for d in HUB_FOLDER.iterdir() if (d / "__init__.py").is_file()}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.append(node.module)
            if node.module == "tfhub_dataset.hubs":  # `from tfhub_dataset.hubs import tfhub`
                imported += [f"{node.module}.{a.name}" for a in node.names if a.name in folders]
        elif isinstance(node, ast.Import):
            imported += [a.name for a in node.names]
    hubs = [m for m in imported if m.startswith("tfhub_dataset.hubs.")]
    assert hubs == [], f"{path.name} imports a hub's module (use the registry and Hub record)"


def _names_no_hub_cases() -> list:
    out = []
    for p in shared_modules():
        rel = p.relative_to(PACKAGE).as_posix()
        pending = pytest.mark.xfail(strict=True, reason="pending: issue 19")
        marks = [pending] if rel in PENDING else []
        out.append(pytest.param(p, id=rel, marks=marks))
    return out


@pytest.mark.parametrize("path", _names_no_hub_cases())
def test_a_shared_module_names_no_hub(path: Path) -> None:
    """Code, strings, comments and docstrings alike: a hub's id, title, site or repository, or a
    framework's name, belongs to the hub's folder."""
    assert hub_mentions(path.read_text(encoding="utf-8")) == []


def test_the_check_catches_a_hub_named_in_a_shared_module() -> None:
    """Controls: the patterns see each hub by its names, and spare the project's own name."""
    for h in HUBS.values():
        for word in hub_words(h):
            assert hub_mentions(f"x = {word!r}  # {word}"), word
    assert hub_mentions('URL = "https://github.com/tensorflow/tfhub.dev"')
    assert hub_mentions("# TF Hub's rules") and hub_mentions("read tfhub.dev docs")
    spared = "tfhub-dataset tfhub_dataset TFHUB_DATASET_API_URL tfhub-dataset.sqlite"
    assert hub_mentions(spared) == []


def test_each_hub_is_a_folder_with_its_schemas_annotations_and_pins() -> None:
    pinned = {p.hub for p in load_pins()}
    for h in HUBS.values():
        assert (HUB_FOLDER / h.folder / "__init__.py").is_file(), h.name
        assert h.wiring == f"tfhub_dataset.hubs.{h.folder}.wiring"
        assert sorted(h.schema_dir.glob("*.json")), f"no schemas under {h.schema_dir}"
        assert h.annotations.is_file(), h.annotations
        assert h.name in pinned, f"no pinned release of {h.name}"
        wiring = h.module()
        for name in ("release_tables", "HISTORY", "render_report", "comparison_view"):
            assert hasattr(wiring, name), f"{h.wiring} lacks {name}"
        assert wiring.HISTORY.hub == h.name and wiring.HISTORY.schema_dir == h.schema_dir
