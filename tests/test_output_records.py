"""Output records (package/memo.py): a rebuild whose inputs did not change makes nothing again,
validates nothing again and says so, and gives the very bytes of a build without records; a
damaged record is a miss; other bytes are validated in full."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.mirror import ROOT
from tfhub_dataset.build import Pin, build_comparison, build_release
from tfhub_dataset.package.memo import OutputCache, same_files
from tfhub_dataset.sources.git import GitConfig, GitSource


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file()}  # fmt: skip


@pytest.fixture
def synthetic_pin(synthetic_git) -> Pin:
    return Pin("synthetic-records", "2021-04-20", synthetic_git.head, "2021-04-20T10:00:00Z")


def test_unchanged_inputs_reuse_every_record_and_give_the_same_bytes(
    synthetic_git, synthetic_pin, tmp_path
):
    outputs = OutputCache(tmp_path / "outputs")
    with GitSource(GitConfig(path=synthetic_git.bare)) as source:
        said: list[str] = []
        build_release(synthetic_pin, source, tmp_path / "out", progress=said.append,
                      outputs=outputs)  # fmt: skip
        assert any(m.startswith("validating ") for m in said)
        first = _files(tmp_path / "out" / synthetic_pin.id)

        said.clear()
        build_release(synthetic_pin, source, tmp_path / "out", progress=said.append,
                      outputs=outputs)  # fmt: skip
        assert not any(m.startswith("validating ") for m in said)
        assert any("not validating" in m and "passed frictionless" in m for m in said)
        assert any("is unchanged" in m for m in said)
        assert _files(tmp_path / "out" / synthetic_pin.id) == first

        # Without records: the same bytes, everything made and validated again.
        said.clear()
        build_release(synthetic_pin, source, tmp_path / "plain", progress=said.append)
        assert any(m.startswith("validating ") for m in said)
        assert _files(tmp_path / "plain" / synthetic_pin.id) == first

        # Damaged stored files are misses: made again, the same bytes.
        for blob in (outputs.folder / "blobs").rglob("*"):
            if blob.is_file():
                blob.write_bytes(b"damaged")
        build_release(synthetic_pin, source, tmp_path / "again", progress=said.append,
                      outputs=outputs)  # fmt: skip
        assert _files(tmp_path / "again" / synthetic_pin.id) == first

        # Other bytes (another version) are validated in full.
        said.clear()
        other = dataclasses.replace(synthetic_pin, version="9.9.9", released="2021-05-01")
        build_release(other, source, tmp_path / "out", progress=said.append, outputs=outputs)
        assert any(m.startswith("validating ") for m in said)
        assert _files(tmp_path / "out" / synthetic_pin.id) != first


def test_a_folder_is_the_same_only_with_exactly_the_files(tmp_path):
    folder = tmp_path / "r"
    (folder / "data").mkdir(parents=True)
    (folder / "a").write_bytes(b"1")
    (folder / "data" / "b").write_bytes(b"2")
    files = {"a": b"1", "data/b": b"2"}
    assert same_files(folder, files)
    assert not same_files(folder, {**files, "c": b""})
    assert not same_files(folder, {"a": b"1", "data/b": b"3"})
    (folder / "extra").write_bytes(b"")
    assert not same_files(folder, files)
    (folder / "extra").unlink()
    (folder / "link").symlink_to(folder / "a")
    assert not same_files(folder, {**files, "link": b"1"})


@pytest.mark.skipif(not (ROOT / "releases" / "comparison").is_dir(), reason="no comparison")
def test_the_comparison_is_made_again_only_when_an_input_changed(tmp_path):
    outputs = OutputCache(tmp_path / "outputs")
    committed = ROOT / "releases"
    said: list[str] = []
    for _ in range(2):
        made = build_comparison(tmp_path / "out", committed=committed, progress=said.append,
                                outputs=outputs)  # fmt: skip
        assert made is not None
        assert _files(made) == _files(committed / "comparison")
    assert sum("not made again" in m for m in said) == 1
    assert sum("is unchanged" in m for m in said) == 1
