"""Tables -> release folder: CSV and Parquet, schemas, datapackage.json; validated in staging.

A release is written to a staging folder next to its destination and moved into place only after
frictionless has validated it (foreign keys included), so a failed or killed build never leaves a
half-written release behind.
"""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import hashlib
import io
import json
import multiprocessing
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tfhub_dataset import REPOSITORY_URL, __version__

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"
ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "boolean": pa.bool_(),
    "number": pa.float64(),
    "date": pa.date32(),
    "datetime": pa.timestamp("s", tz="UTC"),
}
PACKAGE_NAME = "tfhub-dataset"


class ReleaseInvalid(RuntimeError):
    """The staged release failed validation; nothing was moved into place."""


@dataclass(frozen=True)
class ReleaseInfo:
    """What a release says about itself (datapackage.json)."""

    release_id: str
    as_of: str  # YYYY-MM-DD
    commit: str
    commit_date: str  # ISO 8601, UTC, trailing Z
    repository_url: str = REPOSITORY_URL


def load_schema(name: str, schema_dir: Path = SCHEMA_DIR) -> dict[str, Any]:
    return json.loads((schema_dir / f"{name}.json").read_text(encoding="utf-8"))


def dumps_json(obj: Any) -> str:
    """Stable JSON: keys in insertion order (field order matters), indented, final newline."""
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def _cell(value: Any, type_: str) -> str:
    if value is None:
        return ""
    if type_ == "boolean":
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def check_rows(name: str, rows: list[dict[str, Any]], schema: dict[str, Any]) -> None:
    """Every row holds exactly the schema's fields (a mismatch is a bug, caught before writing)."""
    names = [f["name"] for f in schema["fields"]]
    for row in rows:
        if list(row) != names and set(row) != set(names):
            raise ValueError(f"{name}: row fields {sorted(row)} differ from schema {sorted(names)}")


def csv_bytes(rows: list[dict[str, Any]], schema: dict[str, Any]) -> bytes:
    """RFC 4180 CSV: UTF-8, CRLF line ends, header row, minimal quoting, empty cell for null."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    fields = schema["fields"]
    writer.writerow([f["name"] for f in fields])
    for row in rows:
        writer.writerow([_cell(row[f["name"]], f["type"]) for f in fields])
    return buf.getvalue().encode("utf-8")


def arrow_table(rows: list[dict[str, Any]], schema: dict[str, Any]) -> pa.Table:
    columns, arrow_fields = [], []
    for f in schema["fields"]:
        type_ = ARROW_TYPES[f["type"]]
        values = [row[f["name"]] for row in rows]
        if f["type"] == "date":
            values = [dt.date.fromisoformat(v) if isinstance(v, str) else v for v in values]
        elif f["type"] == "datetime":
            values = [
                dt.datetime.fromisoformat(v.replace("Z", "+00:00")) if isinstance(v, str) else v
                for v in values
            ]
        columns.append(pa.array(values, type=type_))
        required = f.get("constraints", {}).get("required", False)
        arrow_fields.append(pa.field(f["name"], type_, nullable=not required))
    return pa.Table.from_arrays(columns, schema=pa.schema(arrow_fields))


def parquet_bytes(rows: list[dict[str, Any]], schema: dict[str, Any]) -> bytes:
    """Parquet written by Arrow directly: no pandas index metadata, no wall-clock anywhere."""
    sink = pa.BufferOutputStream()
    pq.write_table(
        arrow_table(rows, schema),
        sink,
        compression="zstd",
        compression_level=9,
        write_statistics=True,
        use_dictionary=True,
        data_page_version="2.0",
    )
    return sink.getvalue().to_pybytes()


def descriptor(info: ReleaseInfo, resources: list[dict[str, Any]]) -> dict[str, Any]:
    commit_url = f"{info.repository_url}/tree/{info.commit}"
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": PACKAGE_NAME,
        "id": f"{PACKAGE_NAME}/{info.release_id}",
        "title": f"TensorFlow Hub model-publisher community, as of {info.as_of}",
        "description": (
            "Publishers, models, versioned docs, collections, links and taxonomy of TensorFlow Hub "
            f"(tfhub.dev), derived from {info.repository_url} at commit {info.commit} "
            f"({info.commit_date}), the commit in force on {info.as_of}."
        ),
        "version": __version__,
        "created": info.commit_date,
        "homepage": "https://github.com/tfhub-dataset/tfhub-dataset",
        "keywords": [
            "tensorflow-hub",
            "model-hub",
            "pre-trained-models",
            "mining-software-repositories",
        ],
        "licenses": [
            {
                "name": "Apache-2.0",
                "path": "https://www.apache.org/licenses/LICENSE-2.0",
                "title": "Apache License 2.0 (the source repository's license; see LICENSE)",
            }
        ],
        "sources": [
            {
                "title": f"tensorflow/tfhub.dev at {info.commit}",
                "path": commit_url,
                "repository": info.repository_url,
                "commit": info.commit,
                "commitDate": info.commit_date,
                "snapshot": f"https://api.github.com/repos/tensorflow/tfhub.dev/tarball/{info.commit}",
            }
        ],
        "release": {"id": info.release_id, "asOf": info.as_of},
        "resources": resources,
    }


def resource_entry(
    name: str, path: str, data: bytes, schema: dict[str, Any], schema_path: str, fmt: str
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": name if fmt == "csv" else f"{name}-parquet",
        "type": "table",
        "path": path,
        "format": fmt,
        "mediatype": "text/csv" if fmt == "csv" else "application/vnd.apache.parquet",
        "title": schema.get("title", name) + ("" if fmt == "csv" else " (Parquet)"),
        "schema": schema_path,
    }
    if fmt == "csv":
        # frictionless checks bytes and hash on text sources only; Parquet's are in the README.
        entry["bytes"] = len(data)
        entry["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
        entry["encoding"] = "utf-8"
        entry["dialect"] = {"delimiter": ",", "lineTerminator": "\r\n", "header": True}
    return entry


def render_release(tables: dict[str, list[dict[str, Any]]], info: ReleaseInfo) -> dict[str, bytes]:
    """Every file of a release (relative path -> bytes), except the README and figures."""
    files: dict[str, bytes] = {}
    resources: list[dict[str, Any]] = []
    parquet_resources: list[dict[str, Any]] = []
    for name in sorted(tables):
        schema = load_schema(name)
        rows = tables[name]
        check_rows(name, rows, schema)
        schema_path = f"schemas/{name}.json"
        files[schema_path] = dumps_json(schema).encode("utf-8")
        csv_data = csv_bytes(rows, schema)
        pq_data = parquet_bytes(rows, schema)
        files[f"data/{name}.csv"] = csv_data
        files[f"data/{name}.parquet"] = pq_data
        resources.append(
            resource_entry(name, f"data/{name}.csv", csv_data, schema, schema_path, "csv")
        )
        parquet_resources.append(
            resource_entry(name, f"data/{name}.parquet", pq_data, schema, schema_path, "parquet")
        )
    files["datapackage.json"] = dumps_json(descriptor(info, resources + parquet_resources)).encode()
    return files


def validate_package(path: Path, *, parquet: str = "compare") -> list[str]:
    """Validate a data package; returns error lines (empty when valid).

    CSV resources are always validated by frictionless (types, constraints, primary and foreign
    keys). Parquet resources are, with ``parquet="frictionless"``, validated the same way (what a
    user's ``frictionless validate`` does: frictionless reads Parquet row by row through pandas,
    about 2 s a release), or, with ``parquet="compare"`` (the build's default), proven to hold the
    same rows: each Parquet table rendered back to CSV must equal the CSV file byte for byte, so
    every check passed by the CSV holds for it too. ``parquet="skip"`` checks the CSVs only
    (the build compares the Parquet files in the other process meanwhile).
    """
    from frictionless import Package

    if parquet not in ("compare", "frictionless", "skip"):
        raise ValueError(f"parquet must be 'compare', 'frictionless' or 'skip', not {parquet!r}")
    desc = json.loads(path.read_text(encoding="utf-8"))
    if parquet != "frictionless":
        desc = {**desc, "resources": [r for r in desc["resources"] if r.get("format") == "csv"]}
    report = Package(desc, basepath=str(path.parent)).validate()
    errors = []
    for task in report.tasks:
        for err in task.errors:
            errors.append(f"{task.name}: {err.type}: {err.message}")
    errors.extend(f"package: {e.type}: {e.message}" for e in report.errors)
    if parquet == "compare":
        errors.extend(compare_parquet(path))
    return errors


def compare_parquet(path: Path) -> list[str]:
    """Each Parquet resource rendered back to CSV must equal its CSV twin byte for byte."""
    desc = json.loads(path.read_text(encoding="utf-8"))
    base = path.parent
    by_name = {r["name"]: r for r in desc["resources"]}
    errors = []
    for res in desc["resources"]:
        if res.get("format") != "parquet":
            continue
        twin = by_name.get(res["name"].removesuffix("-parquet"))
        if twin is None:
            errors.append(f"{res['name']}: no CSV resource to compare with")
            continue
        schema = json.loads((base / res["schema"]).read_text(encoding="utf-8"))
        table = pq.read_table(base / res["path"])
        names = [f["name"] for f in schema["fields"]]
        if table.column_names != names:
            errors.append(f"{res['name']}: columns {table.column_names} differ from schema {names}")
            continue
        if csv_bytes(table.to_pylist(), schema) != (base / twin["path"]).read_bytes():
            errors.append(f"{res['name']}: rows differ from {twin['path']}")
    return errors


def _write(folder: Path, files: dict[str, bytes]) -> None:
    for rel, data in sorted(files.items()):
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _validate_meanwhile(
    path: Path, meanwhile: Callable[[], dict[str, bytes]] | None
) -> tuple[list[str], dict[str, bytes]]:
    """Validate ``path`` while ``meanwhile`` runs. Validation is pure-Python and CPU-bound, so on
    a POSIX machine it runs in a forked child and the other core renders the report."""
    if meanwhile is None:
        return validate_package(path), {}
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: one after the other
        return validate_package(path), meanwhile()
    # A child that dies (killed, out of memory) breaks the pool: result() raises, never hangs.
    # The child checks the CSVs with frictionless; this process renders ``meanwhile`` and then
    # compares the Parquet files with their CSVs, so both cores are busy for about as long.
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        pending = pool.submit(validate_package, path, parquet="skip")
        extra = meanwhile()
        parquet_errors = compare_parquet(path)
        try:
            return pending.result() + parquet_errors, extra
        except BrokenProcessPool as exc:
            raise ReleaseInvalid(f"the validating process died before it finished: {exc}") from exc


def write_release(
    files: dict[str, bytes],
    dest: Path,
    *,
    validate: bool = True,
    progress: Callable[[str], None] | None = None,
    derived_files: Callable[[], dict[str, bytes]] | None = None,
) -> None:
    """Write ``files`` to a staging folder beside ``dest``, validate, then swap it into place.

    ``derived_files`` renders files that are not resources (README, figures) from ``files``; it
    runs while the package is validated. The previous release at ``dest`` stays untouched until
    the new one has passed validation; the swap itself is two renames on the same file system.
    """
    dest = dest.resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    with _locked(dest):
        recover(dest)
        _stage_and_swap(files, dest, validate, progress, derived_files)


@contextmanager
def _locked(dest: Path) -> Iterator[None]:
    """One build of a release at a time: a second one waits for the first."""
    lock = dest.parent / f".{dest.name}.lock"
    with lock.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            lock.unlink(missing_ok=True)


def _stage_and_swap(
    files: dict[str, bytes],
    dest: Path,
    validate: bool,
    progress: Callable[[str], None] | None,
    derived_files: Callable[[], dict[str, bytes]] | None,
) -> None:
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{dest.name}-", dir=dest.parent))
    try:
        _write(staging, files)
        if not validate:
            _write(staging, derived_files() if derived_files else {})
        else:
            if progress:
                progress(f"validating {dest.name} with frictionless (foreign keys included)")
            errors, extra = _validate_meanwhile(staging / "datapackage.json", derived_files)
            _write(staging, extra)
            if errors:
                shown = "\n  ".join(errors[:20])
                raise ReleaseInvalid(
                    f"release {dest.name} failed validation ({len(errors)} errors); "
                    f"nothing was changed at {dest}:\n  {shown}"
                )
        old = None
        if dest.exists():
            old = dest.with_name(f".old-{dest.name}-{os.getpid()}")
            dest.rename(old)
        staging.rename(dest)
        if old is not None:
            shutil.rmtree(old)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def recover(dest: Path) -> None:
    """Clean up after a build that was killed: restore the previous release if it was killed
    between the two renames of the swap, and remove its staging and old folders."""
    name = re.escape(dest.name)
    # Exact shapes (mkdtemp's 8-character suffix, a pid), so that release "2024-03" never
    # touches the folders of release "2024-03-18".
    old_re, staging_re = re.compile(rf"\.old-{name}-\d+"), re.compile(rf"\.staging-{name}-\w{{8}}")
    olds = sorted(p for p in dest.parent.iterdir() if old_re.fullmatch(p.name))
    if not dest.exists() and olds:
        olds.pop().rename(dest)
    stagings = [p for p in dest.parent.iterdir() if staging_re.fullmatch(p.name)]
    for leftover in [*olds, *stagings]:
        shutil.rmtree(leftover, ignore_errors=True)


def iter_files(folder: Path) -> Iterable[tuple[str, bytes]]:
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            yield p.relative_to(folder).as_posix(), p.read_bytes()
