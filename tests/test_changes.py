"""CHANGES.md between consecutive releases, the version step it asks for, where the previous
release is read from; SHA256SUMS; the diagram of the keys in the data dictionary."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess

import pytest

from tests.synthetic import SHA
from tfhub_dataset.build import Pin, previous_release
from tfhub_dataset.package.sums import sha256sums
from tfhub_dataset.report.changes import (
    compare,
    read_side,
    render_changes,
    step_is_enough,
    summary,
    version_step,
)
from tfhub_dataset.report.erdiagram import er_diagram

PUBLISHERS = {
    "fields": [
        {"name": "handle", "type": "string", "constraints": {"required": True}},
        {"name": "model_count", "type": "integer"},
        {"name": "description", "type": "string"},
    ],
    "primaryKey": ["handle"],
}
MODELS = {
    "fields": [
        {"name": "handle", "type": "string", "constraints": {"required": True}},
        {"name": "publisher", "type": "string", "constraints": {"required": True}},
        {"name": "license", "type": "string"},
    ],
    "primaryKey": ["handle"],
    "foreignKeys": [
        {"fields": ["publisher"], "reference": {"resource": "publishers", "fields": ["handle"]}}
    ],
}


def release(version: str, publishers: str, models: str, schemas=None) -> dict[str, bytes]:
    schemas = schemas or {"publishers": PUBLISHERS, "models": MODELS}
    desc = {
        "version": version,
        "release": {"id": f"r{version}"},
        "sources": [{"version": SHA}],
        "resources": [],
    }
    files = {"datapackage.json": json.dumps(desc).encode()}
    for name, text in (("publishers", publishers), ("models", models)):
        files[f"data/{name}.csv"] = text.replace("\n", "\r\n").encode()
        files[f"schemas/{name}.json"] = json.dumps(schemas[name]).encode()
    return files


OLD = release(
    "1.0.0",
    "handle,model_count,description\nacme,2,Acme\nzed,1,Zed\n",
    "handle,publisher,license\nacme/a,acme,mit\nacme/b,acme,\nzed/z,zed,mit\n",
)
NEW = release(
    "1.1.0",
    "handle,model_count,description\nacme,2,Acme Inc.\nbee,1,Bee\nzed,1,Zed\n",
    "handle,publisher,license\nacme/a,acme,apache-2.0\nacme/b,acme,\nbee/b,bee,\nzed/z,zed,mit\n",
)


def test_rows_added_removed_and_changed_by_primary_key():
    changes = compare(read_side(OLD), read_side(NEW))
    pubs, models = changes.rows
    assert (pubs.added, pubs.removed) == ([("bee",)], [])
    assert pubs.changed == {("acme",): {"description": ("Acme", "Acme Inc.")}}
    assert models.added == [("bee/b",)]
    assert models.changed == {("acme/a",): {"license": ("mit", "apache-2.0")}}
    assert changes.counts == [("bee", {"model_count": (0, 1)})]
    assert changes.schema == []
    assert changes.level == "minor" and step_is_enough(changes)
    text = render_changes(changes, "r1.1.0", "1.1.0")
    assert "Compared with release `r1.0.0` (version 1.0.0" in text
    assert "| `acme/a` | mit | apache-2.0 |" in text
    assert "| `bee` | 0 → 1 (+1) |" in text
    assert "1.0.0 → 1.1.0 (minor step)" in text and "which this version's step covers" in text
    assert hashlib.sha256(OLD["datapackage.json"]).hexdigest() in text
    assert summary(changes)[0] == "- **publishers**: 2 → 3: 1 added, 0 removed, 1 changed."


def test_removed_referenced_rows_and_schema_changes_ask_for_a_major_step():
    dropped = release(
        "1.1.0",
        "handle,model_count,description\nacme,2,Acme\n",
        "handle,publisher,license\nacme/a,acme,mit\nacme/b,acme,\n",
    )
    changes = compare(read_side(OLD), read_side(dropped))
    assert changes.level == "major" and not step_is_enough(changes)
    assert "`publishers` (1)" in "; ".join(changes.reasons)
    assert "needs a larger step" in render_changes(changes, "x", "1.1.0")

    wider = json.loads(json.dumps(MODELS))
    wider["fields"].append({"name": "stars", "type": "integer"})
    wider["fields"][2]["type"] = "list"
    schemas = {"publishers": PUBLISHERS, "models": wider}
    new = release(
        "2.0.0",
        "handle,model_count,description\nacme,2,Acme\nzed,1,Zed\n",
        "handle,publisher,license,stars\nacme/a,acme,mit,\nacme/b,acme,,\nzed/z,zed,mit,\n",
        schemas,
    )
    changes = compare(read_side(OLD), read_side(new))
    assert changes.schema == ["`models.stars` added", "`models.license`: type `string` → `list`"]
    assert changes.level == "major" and step_is_enough(changes)


def test_version_steps():
    assert version_step("1.0.0", "1.1.0") == "minor"
    assert version_step("1.1.0", "2.0.0") == "major"
    assert version_step("1.1.0", "1.1.1") == "patch"
    assert version_step("1.1.0", "1.1.0") == "none"
    assert version_step("1.1.0", "1.0.9") == "backwards"
    assert version_step("1.1.0", "0.0.0+abc") == "backwards"


def test_the_first_release_says_so():
    text = render_changes(None, "2022-04-05", "1.0.0")
    assert "This is the first pinned release" in text


def test_previous_release_is_read_beside_it_else_from_the_committed_folder(tmp_path):
    pins = [
        Pin("2022-04-05", "2022-04-05", "a" * 40, "2022-04-04T00:00:00Z"),
        Pin("2024-03-18", "2024-03-18", "b" * 40, "2024-03-18T00:00:00Z"),
    ]
    assert previous_release(pins[0], tmp_path, pins) is None  # the first release
    beside = tmp_path / "2022-04-05"
    (beside / "data").mkdir(parents=True)
    (beside / "datapackage.json").write_bytes(b"{}")
    (beside / "data" / "models.csv").write_bytes(b"handle\r\n")
    (beside / "README.md").write_bytes(b"not read")
    (beside / "data" / "models.parquet").write_bytes(b"not read")
    folder, files = previous_release(pins[1], tmp_path, pins)
    assert folder == beside and sorted(files) == ["data/models.csv", "datapackage.json"]
    # Absent beside it: the committed release under releases/, when there is one.
    found = previous_release(pins[1], tmp_path / "elsewhere", pins)
    from tfhub_dataset.build import RELEASES_DIR

    committed = RELEASES_DIR / "2022-04-05"
    if (committed / "datapackage.json").is_file():
        assert found is not None and found[0] == committed
    else:
        assert found is None


def test_sha256sums_is_what_sha256sum_checks(tmp_path):
    files = {"a.txt": b"one\n", "data/b.csv": b"x\r\n", "SHA256SUMS": b"old"}
    sums = sha256sums(files)
    digests = [hashlib.sha256(files[p]).hexdigest() for p in ("a.txt", "data/b.csv")]
    assert sums == f"{digests[0]}  a.txt\n{digests[1]}  data/b.csv\n".encode()
    if shutil.which("sha256sum") is None:
        pytest.skip("no sha256sum on this machine")
    (tmp_path / "data").mkdir()
    for path, data in {**files, "SHA256SUMS": sums}.items():
        (tmp_path / path).write_bytes(data)
    subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=tmp_path, check=True)
    (tmp_path / "a.txt").write_bytes(b"two\n")
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True)
    assert done.returncode == 1 and b"a.txt: FAILED" in done.stdout


def test_er_diagram_has_every_table_key_and_relationship():
    from tfhub_dataset import ROOT
    from tfhub_dataset.report.dictionary import load_schemas

    schemas = load_schemas(ROOT / "schemas" / "tfhub")
    lines = er_diagram(schemas)
    assert lines[:2] == ["```mermaid", "erDiagram"] and lines[-1] == "```"
    text = "\n".join(lines)
    for name, schema in schemas.items():
        assert f"    {name} {{" in text
        for fk in schema.get("foreignKeys", []):
            col = fk["fields"][0]
            required = (
                next(f for f in schema["fields"] if f["name"] == col)
                .get("constraints", {})
                .get("required")
            )
            one = "||" if required else "|o"
            assert f'    {fk["reference"]["resource"]} {one}--o{{ {name} : "{col}"' in text
    assert "        string handle PK" in text
    assert "        string publisher FK" in text
    assert "        string collection PK, FK" in text
    # A table without keys lists all its fields.
    for f in schemas["anomalies"]["fields"]:
        assert f"        {f['type']} {f['name']}\n" in text + "\n"
