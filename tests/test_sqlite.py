"""The release's SQLite database: what its CSV files hold, with keys, indexes and descriptions,
read back with the system's own sqlite3, and the same bytes in every process."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys

import pytest

from tests.synthetic import snapshot
from tests.test_package import INFO
from tests.test_tables import BASE, TYPES
from tfhub_dataset import ROOT
from tfhub_dataset.hubs.tfhub.catalog import build_catalog
from tfhub_dataset.hubs.tfhub.tables import build_tables
from tfhub_dataset.package.sqlite import ForeignKeyViolation, sqlite_bytes
from tfhub_dataset.package.write import render_release


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return render_release(build_tables(build_catalog(snapshot(BASE)), TYPES), INFO)


@pytest.fixture(scope="module")
def db(files, tmp_path_factory) -> sqlite3.Connection:
    path = tmp_path_factory.mktemp("db") / "release.sqlite"
    path.write_bytes(sqlite_bytes(files))
    return sqlite3.connect(path)


def _schemas(files) -> dict[str, dict]:
    return {
        p[len("schemas/") : -len(".json")]: json.loads(files[p])
        for p in files
        if p.startswith("schemas/")
    }


def test_every_table_holds_its_csv_rows(files, db):
    for name, schema in _schemas(files).items():
        rows = list(csv.reader(io.StringIO(files[f"data/{name}.csv"].decode(), newline="")))
        header, body = rows[0], rows[1:]
        cols = [r[1] for r in db.execute(f'PRAGMA table_info("{name}")')]
        assert cols == header, name
        # Back to CSV text: NULL is the empty cell, booleans 1/0 are true/false.
        types = [f["type"] for f in schema["fields"]]
        order = ", ".join(f'"{c}"' for c in header)
        back = [
            [
                "" if v is None else ("true" if v else "false") if t == "boolean" else str(v)
                for v, t in zip(row, types, strict=True)
            ]
            for row in db.execute(f'SELECT {order} FROM "{name}"')
        ]
        assert sorted(back) == sorted(body), name


def test_keys_indexes_and_constraints(files, db):
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    for name, schema in _schemas(files).items():
        info = db.execute(f'PRAGMA table_info("{name}")').fetchall()
        pk = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]
        assert pk == schema.get("primaryKey", []), name
        fks = {(r[2], r[3], r[4]) for r in db.execute(f'PRAGMA foreign_key_list("{name}")')}
        expected = {
            (fk["reference"]["resource"], fk["fields"][0], fk["reference"]["fields"][0])
            for fk in schema.get("foreignKeys", [])
        }
        assert fks == expected, name
        indexed = {
            db.execute(f'PRAGMA index_info("{r[1]}")').fetchone()[2]
            for r in db.execute(f'PRAGMA index_list("{name}")')
        }
        for _, col, _ in expected:  # every join key leads an index (or the primary key)
            assert col in indexed or pk[:1] == [col], (name, col)
    # CHECK constraints hold: a boolean is 0 or 1.
    with pytest.raises(sqlite3.IntegrityError):
        db.execute('UPDATE "models" SET "fine_tunable" = 2')


def test_descriptions_in_metadata_tables_and_create_statements(files, db):
    schemas = _schemas(files)
    described = {
        (t, c): d for t, c, d in db.execute("SELECT table_name, name, description FROM _columns")
    }
    for name, schema in schemas.items():
        for f in schema["fields"]:
            assert described[(name, f["name"])] == f.get("description"), (name, f["name"])
    (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'models'").fetchone()
    handle = next(f for f in schemas["models"]["fields"] if f["name"] == "handle")
    assert f'"handle" TEXT NOT NULL,  -- {handle["description"]}' in sql
    tables = dict(db.execute("SELECT name, rows FROM _tables"))
    assert tables["models"] == db.execute("SELECT count(*) FROM models").fetchone()[0]
    assert set(tables) == set(schemas)
    release = db.execute('SELECT id, version, "commit" FROM _release').fetchall()
    assert release == [(INFO.release_id, INFO.version, INFO.commit)]


def test_same_bytes_in_another_process_and_sqlite_version_in_the_header(files, tmp_path):
    import apsw

    data = sqlite_bytes(files)
    assert data == sqlite_bytes(files)
    # Serialised from memory, the header holds no change counter and no library version (a
    # file written through the pager would record both); the pages follow from the SQLite that
    # apsw bundles, pinned in pyproject.toml.
    assert data[:16] == b"SQLite format 3\x00"
    assert data[24:28] == bytes(4) and data[92:100] == bytes(8)
    assert apsw.sqlite_lib_version() == "3.54.1"
    for path, blob in files.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob)
    code = (
        "import sys; from pathlib import Path; from tfhub_dataset.package.write import iter_files;"
        "from tfhub_dataset.package.sqlite import sqlite_bytes;"
        "sys.stdout.buffer.write(sqlite_bytes(dict(iter_files(Path(sys.argv[1])))))"
    )
    env = {"PYTHONHASHSEED": "4242", "TZ": "Pacific/Kiritimati", "LC_ALL": "C", "PATH": ""}
    other = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, env=env, cwd=ROOT
    )
    assert other.returncode == 0, other.stderr.decode()
    assert other.stdout == data


def test_a_broken_foreign_key_is_refused(files):
    broken = dict(files)
    broken["data/models.csv"] = files["data/models.csv"].replace(b",acme,", b",nobody,", 1)
    assert broken["data/models.csv"] != files["data/models.csv"]
    with pytest.raises(ForeignKeyViolation, match="models"):
        sqlite_bytes(broken)
