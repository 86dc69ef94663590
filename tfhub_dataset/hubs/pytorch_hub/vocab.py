"""The vocabularies a snapshot declares, from the hub's own checks and template.

- tags: ``valid_tags = [...]`` in scripts/tags.py (from June 2019), before that the list
  assigned to ``self.valid_tags`` in scripts/sanity_check.py;
- categories: ``self.valid_categories = [...]`` in scripts/sanity_check.py;
- accelerators: the quoted values on the ``accelerator:`` line of docs/template.md
  ("Current supported values: "cuda", "cuda-optional"").

Python files are read with ``ast`` (never imported or run); only list literals of strings count.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from tfhub_dataset.hubs.pytorch_hub.anomaly import Anomaly
from tfhub_dataset.hubs.tfhub.text import decode_text

VOCABULARIES = ("tags", "categories", "accelerators")
SOURCES = {  # vocabulary -> (file, assigned name) in the order they are tried
    "tags": (("scripts/tags.py", "valid_tags"), ("scripts/sanity_check.py", "valid_tags")),
    "categories": (("scripts/sanity_check.py", "valid_categories"),),
}
TEMPLATE = "docs/template.md"
ACCELERATOR_LINE = re.compile(r"^accelerator\s*:(.*)$", re.M)
MAX_SOURCE = 1_000_000  # characters of a file read with ast


@dataclass
class Vocabularies:
    # vocabulary -> declared id -> the file that declares it; a vocabulary absent from the
    # snapshot is absent from the mapping.
    declared: dict[str, dict[str, str]] = field(default_factory=dict)
    anomalies: list[Anomaly] = field(default_factory=list)


def parse_vocabularies(files: Mapping[str, bytes]) -> Vocabularies:
    vocab = Vocabularies()
    trees: dict[str, ast.Module | None] = {}
    for name, sources in SOURCES.items():
        for path, target in sources:
            if path not in files:
                continue
            if path not in trees:
                trees[path] = _module(path, files[path], vocab.anomalies)
            values = _assigned_list(trees[path], target)
            if values is not None:
                vocab.declared[name] = dict.fromkeys(values, path)
                break
    if TEMPLATE in files:
        text, _ = decode_text(TEMPLATE, files[TEMPLATE])
        m = ACCELERATOR_LINE.search(text)
        if m:
            values = re.findall(r"\"([^\"\n]{1,40})\"", m.group(1))
            if values:
                vocab.declared["accelerators"] = dict.fromkeys(values, TEMPLATE)
    return vocab


def _module(path: str, data: bytes, anomalies: list[Anomaly]) -> ast.Module | None:
    text, _ = decode_text(path, data)
    if len(text) > MAX_SOURCE:
        anomalies.append(
            Anomaly(path, None, "vocabulary-file-invalid", f"{len(text)} characters; not read")
        )
        return None
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        line = getattr(exc, "lineno", None)
        anomalies.append(
            Anomaly(path, line, "vocabulary-file-invalid", f"not Python: {type(exc).__name__}")
        )
        return None


def _assigned_list(tree: ast.Module | None, target: str) -> list[str] | None:
    """The first list of strings assigned to ``target`` or ``<anything>.target``."""
    if tree is None:
        return None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.List):
            continue
        names = [
            t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else None
            for t in node.targets
        ]
        items = node.value.elts
        if target in names and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in items
        ):
            return [e.value.strip() for e in items if isinstance(e, ast.Constant)]
    return None
