"""The scale benchmark's generator (benchmarks/scale.py): at 1x the synthetic repository's last
tree holds the real last commit's data files; at Kx every doc is there K times, copy k under its
renamed publisher, with one commit per real first-parent commit and copy."""

from __future__ import annotations

import importlib.util
import subprocess

import pytest

from tests.mirror import GIT, ROOT, needs_git

pytestmark = needs_git


def _scale():
    spec = importlib.util.spec_from_file_location("scale", ROOT / "benchmarks" / "scale.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.heavy
def test_the_generator_replays_the_real_line_k_times(tmp_path):
    scale = _scale()
    # One repository, at 2x: copy 0 of it is what 1x makes (the same stream, the same commit
    # times), so its files being the real data tree is the 1x check (generate makes it at 1x).
    two = scale.generate(GIT, 2, tmp_path / "two.git")
    real = scale.data_tree(GIT, "HEAD")
    made = scale.data_tree(tmp_path / "two.git", two)
    real_docs = {p for p, _ in real if p.startswith("assets/docs/") and p.endswith(".md")}
    copies = {p for p, _ in made if "-x1/" in p}
    assert {(p, oid) for p, oid in made if p not in copies} == real
    assert len(copies) == len(real_docs)
    assert {scale.renamed(p, 1) for p in real_docs} == copies
    line = subprocess.run(["git", "-C", str(GIT), "rev-list", "--first-parent", "--count", "HEAD"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    count = subprocess.run(["git", "-C", str(tmp_path / "two.git"), "rev-list", "--count", two],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert int(count) == 2 * int(line)
    doc = next(p for p in sorted(copies) if "/models/" in p)
    text = subprocess.run(["git", "-C", str(tmp_path / "two.git"), "show", f"{two}:{doc}"],
                          capture_output=True, check=True).stdout  # fmt: skip
    publisher = doc.split("/")[2]
    assert text.lstrip().split(b"\n", 1)[0].split()[2].startswith(publisher.encode() + b"/")
