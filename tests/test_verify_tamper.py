"""`verify` reports every tampering (issue 22, finding 6): an edited root datapackage.json,
dot-files and a .git/ folder inside a release, an unpinned release folder, a stray file under
releases/; and for an edited table the first differing row and column, not a digest."""

from __future__ import annotations

import csv
import io

import pytest

from tfhub_dataset import verify as verify_module
from tfhub_dataset.build import Pin, build_release, root_descriptor
from tfhub_dataset.sources.git import GitConfig, GitSource
from tfhub_dataset.verify import verify


@pytest.fixture
def committed(synthetic_git, tmp_path, monkeypatch):
    """One release built from the synthetic history into tmp/releases, with the root descriptor
    beside it, as the project's releases/ and datapackage.json are."""
    pin = Pin("2021-04-30", "2021-04-30", synthetic_git.head, "2021-04-20T10:00:00Z",
              version="1.0.0", released="2021-05-01")  # fmt: skip
    releases = tmp_path / "releases"
    src = GitSource(GitConfig(path=synthetic_git.bare))
    build_release(pin, src, releases, validate=False, progress=lambda _m: None)
    (tmp_path / "datapackage.json").write_bytes(root_descriptor(releases / pin.id, tmp_path))
    monkeypatch.setattr(verify_module, "RELEASES_DIR", releases)
    monkeypatch.setattr(verify_module, "load_pins", lambda: [pin])
    yield pin, releases, src
    src.close()


def run(pin, releases, src):
    return verify(src, releases_dir=releases, pins=[pin], comparison=False)


def test_untouched_releases_verify_identical(committed):
    result = run(*committed)
    assert result.ok, result.differences
    assert result.checked == ["2021-04-30"]


def test_every_tampering_is_reported(committed):
    pin, releases, src = committed
    folder = releases / pin.id
    table = folder / "data" / "publishers.csv"
    rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8"))))
    column = rows[0].index("display_name")
    rows[1][column] = "Tampered"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    table.write_text(out.getvalue(), encoding="utf-8")
    (folder / ".hidden").write_text("x")
    (folder / ".git").mkdir()
    (folder / ".git" / "config").write_text("[core]\n")
    (releases / "2099-01-01").mkdir()
    (releases / "NOTES.md").write_text("notes\n")
    (releases / f".{pin.id}.lock").write_text("123")  # a build's lock file: expected
    root = releases.parent / "datapackage.json"
    root.write_text(root.read_text().replace('"name"', '"nom"', 1))

    found = {(d.release, d.path, d.what): d.detail for d in run(pin, releases, src).differences}
    detail = found.pop((pin.id, "data/publishers.csv", "differs"))
    assert detail.startswith("row 1, column display_name: committed 'Tampered', rebuilt ")
    assert found.pop((pin.id, ".hidden", "extra"))
    assert found.pop((pin.id, ".git/config", "extra"))
    assert found.pop(("2099-01-01", "", "extra")).startswith("a folder")
    assert found.pop(("NOTES.md", "", "extra")).startswith("a file")
    assert found.pop(("", "datapackage.json", "differs")).startswith("line ")
    assert found == {}


def test_each_rebuilt_release_is_validated_unless_told_not_to(committed, monkeypatch):
    """`verify` validates what it rebuilds as a build does; `--no-validate` compares bytes only
    (tests/test_releases.py validates every committed release on its own)."""
    pin, releases, src = committed
    asked = []
    build = verify_module.build_release

    def recording(*args, **kwargs):
        asked.append(kwargs["validate"])
        return build(*args, **kwargs)

    monkeypatch.setattr(verify_module, "build_release", recording)
    assert run(pin, releases, src).ok
    assert verify(src, releases_dir=releases, pins=[pin], comparison=False, validate=False).ok
    assert asked == [True, False]


def test_no_validate_leaves_the_comparison_unvalidated_too(monkeypatch, tmp_path):
    """`--no-validate` asks for no frictionless validation: of the comparison neither (what it
    writes is left out here: test_comparison.py validates the comparison)."""
    from tfhub_dataset import build as build_module
    from tfhub_dataset import comparison
    from tfhub_dataset.package import stage

    asked = []
    monkeypatch.setattr(comparison, "render_comparison", lambda columns: {"README.md": b"x"})
    monkeypatch.setattr(stage, "write_release", lambda files, dest, **kw: asked.append(kw))
    for validate in (True, False):
        made = build_module.build_comparison(
            tmp_path / str(validate), progress=lambda _m: None, validate=validate
        )
        assert made == tmp_path / str(validate) / "comparison"
    assert [kw["validate"] for kw in asked] == [True, False]
