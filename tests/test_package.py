"""Tables -> release folder: CSV/Parquet bytes, same rows in both, staging and validation."""

import csv
import hashlib
import io
import json
import subprocess

import pyarrow.parquet as pq
import pytest

from tests.synthetic import SHA, snapshot
from tests.test_tables import BASE, TYPES
from tfhub_dataset.hubs import TFHUB
from tfhub_dataset.hubs.tfhub.catalog import build_catalog
from tfhub_dataset.hubs.tfhub.tables import build_tables
from tfhub_dataset.package.stage import ReleaseInvalid, write_release
from tfhub_dataset.package.validate import validate_package
from tfhub_dataset.package.write import ReleaseInfo, csv_bytes, load_schema, render_release

INFO = ReleaseInfo("test", "2022-04-05", SHA, "2022-04-04T14:10:29Z")


@pytest.fixture(scope="module")
def files():
    return render_release(build_tables(build_catalog(snapshot(BASE)), TYPES), INFO)


def test_csv_is_rfc4180_utf8_crlf():
    schema = {
        "fields": [
            {"name": "a", "type": "string"},
            {"name": "b", "type": "boolean"},
            {"name": "n", "type": "integer"},
        ]
    }
    data = csv_bytes(
        [{"a": 'x, "y"\nz', "b": True, "n": 3}, {"a": None, "b": None, "n": 0}], schema
    )
    assert data == b'a,b,n\r\n"x, ""y""\nz",true,3\r\n,,0\r\n'


def test_release_layout_and_descriptor(files):
    assert "datapackage.json" in files
    desc = json.loads(files["datapackage.json"])
    assert desc["created"] == "2022-04-04T14:10:29Z"
    # Data Package v2: sources with title, path and version; one place for the commit.
    assert desc["sources"] == [
        {
            "title": f"tensorflow/tfhub.dev at commit {SHA}",
            "path": "https://github.com/tensorflow/tfhub.dev",
            "version": SHA,
        }
    ]
    assert SHA not in json.dumps(
        {k: v for k, v in desc.items() if k not in ("sources", "description")}
    )
    assert desc["version"] == f"0.0.0+{SHA[:12]}"  # an unpinned build
    assert desc["release"] == {
        "id": "test",
        "asOf": "2022-04-05",
        "released": "2022-04-04",
        "hub": "tfhub",
        "sourceLicense": None,  # the synthetic snapshot has no LICENSE
    }
    assert {r for c in desc["contributors"] for r in c["roles"]} == {"creator", "rightsHolder"}
    assert "tensorflow-hub" in desc["keywords"]
    names = {r["name"] for r in desc["resources"]}
    assert {"models", "models-parquet", "anomalies", "anomalies-parquet"} <= names
    for res in desc["resources"]:
        assert res["path"] in files and res["schema"] in files
        assert res["hash"] == "sha256:" + hashlib.sha256(files[res["path"]]).hexdigest()
        # frictionless 5.21 never measures a Parquet file: a declared size would always fail.
        assert ("bytes" in res) == (res["format"] == "csv")


def test_schemas_use_v2_forms():
    models, commits, snapshots = (
        load_schema(n, TFHUB.schema_dir) for n in ("models", "commits", "snapshots")
    )
    domains = next(f for f in models["fields"] if f["name"] == "domains")
    parents = next(f for f in commits["fields"] if f["name"] == "parents")
    month = next(f for f in snapshots["fields"] if f["name"] == "month")
    assert (domains["type"], domains["delimiter"]) == ("list", ";")
    assert (parents["type"], parents["delimiter"]) == ("list", " ")
    assert month["type"] == "yearmonth"
    from tfhub_dataset.report.dictionary import load_schemas

    for name, schema in load_schemas(TFHUB.schema_dir).items():
        for fk in schema.get("foreignKeys", []):
            assert isinstance(fk["fields"], list), name
            assert isinstance(fk["reference"]["fields"], list), name


def test_csv_and_parquet_hold_the_same_rows(files):
    for path in files:
        if not path.endswith(".csv"):
            continue
        name = path[len("data/") : -len(".csv")]
        schema = load_schema(name, TFHUB.schema_dir)
        table = pq.read_table(io.BytesIO(files[f"data/{name}.parquet"]))
        assert table.column_names == [f["name"] for f in schema["fields"]]
        rows = list(csv.reader(io.StringIO(files[path].decode("utf-8"), newline="")))[1:]
        as_csv = [
            [
                "" if v is None else ("true" if v is True else "false" if v is False else str(v))
                for v in row.values()
            ]
            for row in table.to_pylist()
        ]
        assert as_csv == rows, name


def test_render_is_deterministic(files):
    again = render_release(build_tables(build_catalog(snapshot(BASE)), TYPES), INFO)
    assert again == files


def test_parquet_has_no_pandas_metadata(files):
    meta = pq.read_metadata(io.BytesIO(files["data/models.parquet"])).metadata or {}
    assert b"pandas" not in meta


def test_write_release_validates_then_moves(tmp_path, files):
    dest = tmp_path / "test"
    write_release(files, dest)
    assert validate_package(dest / "datapackage.json") == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [".test.lock", "test"]


def test_invalid_release_leaves_previous_one_untouched(tmp_path, files):
    dest = tmp_path / "test"
    write_release(files, dest)
    before = {p: p.read_bytes() for p in dest.rglob("*") if p.is_file()}
    broken = dict(files)
    broken["data/models.csv"] = files["data/models.csv"].replace(
        b"acme/text/embed", b"acme/text/EMBED!"
    )
    with pytest.raises(ReleaseInvalid, match="failed validation"):
        write_release(broken, dest)
    assert {p: p.read_bytes() for p in dest.rglob("*") if p.is_file()} == before
    # no staging left behind; the lock file stays (a build may be waiting on it)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".test.lock", "test"]


def test_parquet_whose_hash_differs_fails_validation(tmp_path, files):
    desc = json.loads(files["datapackage.json"])
    for res in desc["resources"]:
        if res["name"] == "tasks-parquet":
            res["hash"] = "sha256:" + "0" * 64
    broken = {**files, "datapackage.json": json.dumps(desc).encode()}
    with pytest.raises(ReleaseInvalid, match="tasks-parquet: hash-count"):
        write_release(broken, tmp_path / "test")


def test_parquet_that_differs_from_its_csv_fails_validation(tmp_path, files):
    table = pq.read_table(io.BytesIO(files["data/models.parquet"])).slice(1)
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    broken = dict(files)
    broken["data/models.parquet"] = sink.getvalue().to_pybytes()
    desc = json.loads(files["datapackage.json"])  # the hash matches: the rows must be compared
    for res in desc["resources"]:
        if res["name"] == "models-parquet":
            res["hash"] = "sha256:" + hashlib.sha256(broken["data/models.parquet"]).hexdigest()
    broken["datapackage.json"] = json.dumps(desc).encode()
    with pytest.raises(ReleaseInvalid, match="models-parquet: rows differ"):
        write_release(broken, tmp_path / "test")


def test_frictionless_validates_parquet_resources_too(tmp_path, files):
    write_release(files, tmp_path / "test")
    assert validate_package(tmp_path / "test" / "datapackage.json", parquet="frictionless") == []


def test_recover_touches_only_its_own_release(tmp_path):
    from tfhub_dataset.package.stage import recover

    gone = subprocess.Popen(["true"])
    gone.wait()
    (tmp_path / f".old-2024-03-18-{gone.pid}").mkdir()
    (tmp_path / f".staging-2024-03-18-{gone.pid}-abcdef01").mkdir()
    recover(tmp_path / "2024-03")  # another release whose id is a prefix
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f".old-2024-03-18-{gone.pid}",
        f".staging-2024-03-18-{gone.pid}-abcdef01",
    ]
    recover(tmp_path / "2024-03-18")  # killed between the two renames: the old one comes back
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-03-18"]
