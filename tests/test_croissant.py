"""Each committed release's croissant.json: `mlcroissant validate` (the pinned 1.1.1) accepts it,
every record set loads with as many records as its CSV has rows, and, since the validator skips
some of them, the required fields are checked here: the dataset's own metadata, the RAI fields,
a FileObject with the right sha256 for every CSV, a record set for every table, primary keys as
``key`` and foreign keys as ``references`` to fields that exist."""

from __future__ import annotations

import copy
import csv
import functools
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.mirror import ROOT
from tfhub_dataset import PROJECT_URL
from tfhub_dataset.build import load_pins
from tfhub_dataset.hubs import HUBS
from tfhub_dataset.study import STUDY_DOI

PINS = [p for p in load_pins() if (ROOT / "releases" / p.id / "croissant.json").is_file()]
LATEST = [max((p for p in PINS if p.hub == n), key=lambda p: p.as_of) for n in HUBS
          if any(p.hub == n for p in PINS)]  # fmt: skip
MLCROISSANT = Path(sys.executable).with_name("mlcroissant")
COMPARISON = ROOT / "releases" / "comparison"
REQUIRED = ("@context", "@type", "conformsTo", "name", "description", "url", "license", "creator",
            "version", "datePublished", "citeAs", "distribution", "recordSet")  # fmt: skip
RAI = (
    "rai:dataCollection",
    "rai:dataLimitations",
    "rai:dataBiases",
    "rai:personalSensitiveInformation",
    "rai:dataUseCases",
    "rai:dataReleaseMaintenancePlan",
)


def _keys(value):
    return value if isinstance(value, list) else [value]


def _csv(folder: Path, name: str) -> list[list[str]]:
    with (folder / "data" / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _validate(folder: Path) -> None:
    run = subprocess.run(
        [str(MLCROISSANT), "validate", "--jsonld", "croissant.json"],
        cwd=folder, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0 and "Done" in run.stderr, run.stderr[-3000:]
    assert "error" not in run.stderr.lower(), run.stderr[-3000:]


def _check_document(folder: Path) -> dict:
    """What every croissant.json of the project holds (the validator checks little of it)."""
    meta = json.loads((folder / "croissant.json").read_text(encoding="utf-8"))
    desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for key in (*REQUIRED, *RAI):
        assert meta.get(key), key
    assert meta["@type"] == "sc:Dataset"
    assert "http://mlcommons.org/croissant/1.1" in meta["conformsTo"]
    assert "http://mlcommons.org/croissant/RAI/1.0" in meta["conformsTo"]
    assert meta["version"] == desc["version"]
    assert meta["url"] == f"{PROJECT_URL}/tree/main/releases/{folder.name}"
    assert "Apache-2.0" in meta["license"]
    assert meta["creator"][0]["name"] and meta["creator"][0]["url"] == PROJECT_URL
    assert f"version      = {{{desc['version']}}}" in meta["citeAs"]
    assert any(STUDY_DOI in c for c in meta["citation"])
    # Every CSV a FileObject with its real sha256 (the validator does not check it).
    tables = sorted(r["name"] for r in desc["resources"] if r["format"] == "csv")
    files = {f["@id"]: f for f in meta["distribution"]}
    assert sorted(files) == [f"data/{t}.csv" for t in tables]
    for path, f in files.items():
        assert f["@type"] == "cr:FileObject" and f["encodingFormat"] == "text/csv"
        assert f["contentUrl"] == path
        assert f["sha256"] == hashlib.sha256((folder / path).read_bytes()).hexdigest(), path
    # Every table a record set; its fields its columns; keys and references as the schemas say.
    sets = {rs["@id"]: rs for rs in meta["recordSet"]}
    assert sorted(sets) == tables
    ids = {f["@id"] for rs in sets.values() for f in rs["field"]}
    for name, rs in sets.items():
        schema = json.loads((folder / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
        header = _csv(folder, name)[0]
        assert [f["name"] for f in rs["field"]] == header == [f["name"] for f in schema["fields"]]
        for f in rs["field"]:
            assert f["source"] == {"fileObject": {"@id": f"data/{name}.csv"},
                                   "extract": {"column": f["name"]}}  # fmt: skip
            assert f["dataType"].startswith("sc:") and f["description"], f["@id"]
        pk = [f"{name}/{k}" for k in _keys(schema.get("primaryKey", []))]
        assert [k["@id"] for k in rs.get("key", [])] == pk
        wanted = {}
        for fk in schema.get("foreignKeys", []):
            target = fk["reference"].get("resource") or name
            for c, r in zip(_keys(fk["fields"]), _keys(fk["reference"]["fields"]), strict=True):
                wanted.setdefault(f"{name}/{c}", f"{target}/{r}")
        refs = {f["@id"]: f["references"]["field"]["@id"] for f in rs["field"] if "references" in f}
        assert refs == wanted
        assert set(refs.values()) <= ids
    return meta


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("pin", PINS, ids=lambda p: p.id)
def test_mlcroissant_validates_it_and_every_required_field_is_there(pin):
    folder = ROOT / "releases" / pin.id
    _validate(folder)
    meta = _check_document(folder)
    assert meta["version"] == pin.version and meta["datePublished"] == pin.released
    assert [b["version"] for b in meta["isBasedOn"]] == [pin.commit]


@pytest.mark.skipif(not (COMPARISON / "croissant.json").is_file(), reason="no comparison yet")
def test_the_comparison_package_has_its_croissant_too():
    _validate(COMPARISON)
    meta = _check_document(COMPARISON)
    desc = json.loads((COMPARISON / "datapackage.json").read_text(encoding="utf-8"))
    assert [b["version"] for b in meta["isBasedOn"]] == [s["version"] for s in desc["sources"]]


# A record set of more rows than this is loaded from a sample of them (see _sample): mlcroissant
# casts every cell in Python, 4 to 5 s for the 17,000 events of TF Hub's latest release.
SAMPLE_OVER = 300


def _sample(rows: list[list[str]]) -> list[int]:
    """Which data rows stand for a large table: the first and last 100, and for every column the
    first row where it is empty, the first where it is not, and the row of its longest value
    (multi-line text, the widest numbers)."""
    chosen = {*range(min(100, len(rows))), *range(max(len(rows) - 100, 0), len(rows))}
    for col in range(len(rows[0]) if rows else 0):
        values = [row[col] for row in rows]
        chosen.add(max(range(len(values)), key=lambda i: len(values[i])))
        empty = next((i for i, v in enumerate(values) if v == ""), None)
        filled = next((i for i, v in enumerate(values) if v != ""), None)
        chosen.update(i for i in (empty, filled) if i is not None)
    return sorted(chosen)


@functools.cache
def _loadable(release: str, root: Path) -> tuple[Path, dict[str, int]]:
    """A copy of the release for mlcroissant to load: each CSV of more than SAMPLE_OVER rows cut
    to its _sample, its FileObject given the cut file's sha256 (mlcroissant checks it on loading;
    _check_document checks the committed ones), and the number of data rows each CSV keeps."""
    folder, copy_ = ROOT / "releases" / release, root / release
    (copy_ / "data").mkdir(parents=True)
    kept = {}
    for path in sorted((folder / "data").glob("*.csv")):
        header, *rows = _csv(folder, path.stem)
        if len(rows) > SAMPLE_OVER:
            rows = [rows[i] for i in _sample(rows)]
            with (copy_ / "data" / path.name).open("w", newline="", encoding="utf-8") as fh:
                csv.writer(fh, lineterminator="\r\n").writerows([header, *rows])
        else:
            shutil.copy2(path, copy_ / "data" / path.name)
        kept[path.stem] = len(rows)
    meta = json.loads((folder / "croissant.json").read_text(encoding="utf-8"))
    for f in meta["distribution"]:
        f["sha256"] = hashlib.sha256((copy_ / f["contentUrl"]).read_bytes()).hexdigest()
    (copy_ / "croissant.json").write_text(json.dumps(meta), encoding="utf-8")
    return copy_, kept


@functools.cache
def _unread_dataset(folder: Path):
    import mlcroissant as mlc

    return mlc.Dataset(jsonld=str(folder / "croissant.json"))


def _record_sets() -> list[tuple[str, dict]]:
    out = []
    for pin in LATEST:
        meta = json.loads((ROOT / "releases" / pin.id / "croissant.json").read_text("utf-8"))
        out += [(pin.id, rs) for rs in meta["recordSet"]]
    return out


@pytest.fixture(scope="module")
def loadable(tmp_path_factory):
    root = tmp_path_factory.mktemp("croissant-load")
    return lambda release: _loadable(release, root)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize(
    ("release", "rs"), _record_sets(), ids=lambda v: v if isinstance(v, str) else v["@id"]
)
def test_every_record_set_loads_with_mlcroissant(release, rs, loadable):
    """Every record set of each hub's latest release loads with as many records as its CSV has
    rows, typed by mlcroissant: whole when it has at most SAMPLE_OVER rows, otherwise a sample
    that holds, for every column, an empty and a filled value and its longest one. A fresh
    Dataset for each: mlcroissant 1.1.1 changes the frames it joins in place, so record sets read
    one after another from one Dataset can come back short. Fresh means a deep copy of one that
    is never read (reading the document takes 0.4 s, a copy 0.03 s)."""
    name = rs["@id"]
    folder, kept = loadable(release)
    records = list(copy.deepcopy(_unread_dataset(folder)).records(record_set=name))
    rows = _csv(folder, name)
    assert len(records) == len(rows) - 1 == kept[name], name
    if records:
        first, header = records[0], rows[0]
        key = [k["@id"].split("/", 1)[1] for k in rs.get("key", [])] or header[:1]
        for column in key:
            value = first[f"{name}/{column}"]
            value = value.decode() if isinstance(value, bytes) else str(value)
            assert value == rows[1][header.index(column)], (name, column)
