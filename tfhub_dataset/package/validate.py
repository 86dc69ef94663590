"""Validation of a written release: frictionless on the CSVs (foreign keys included), and each
Parquet file proven to hold the same rows as its CSV twin."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

from tfhub_dataset.package.write import csv_bytes_of_columns


def validate_package(path: Path, *, parquet: str = "compare") -> list[str]:
    """Validate a data package; returns error lines (empty when valid).

    CSV resources are always validated by frictionless (types, constraints, primary and foreign
    keys). Parquet resources are, with ``parquet="frictionless"``, validated the same way (what a
    user's ``frictionless validate`` does: frictionless reads Parquet row by row through pandas,
    about 2 s a release), or, with ``parquet="compare"`` (the build's default), proven to hold the
    same rows: each Parquet table rendered back to CSV must equal the CSV file byte for byte, so
    every check passed by the CSV holds for it too. ``parquet="skip"`` checks the CSVs only.
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
    import pyarrow.parquet as pq

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
        data = (base / res["path"]).read_bytes()
        # frictionless never measures a Parquet file (see write.resource_entry): check it here.
        if "hash" in res and res["hash"] != "sha256:" + hashlib.sha256(data).hexdigest():
            errors.append(f"{res['name']}: hash-count: {res['path']} does not match its hash")
            continue
        if "bytes" in res and res["bytes"] != len(data):
            errors.append(f"{res['name']}: byte-count: {res['path']} is {len(data)} bytes")
            continue
        schema = json.loads((base / res["schema"]).read_text(encoding="utf-8"))
        # ParquetFile reads the one file: read_table would import pyarrow.dataset, and pandas
        # with it (0.3 s), for nothing a single file needs. One thread: Arrow's pool finishes a
        # threaded read's tasks after it returns, and a task that releases the Python buffer
        # while the interpreter exits takes the GIL there and aborts the process ("terminate
        # called without an active exception", exit 134), after a build has written everything.
        table = pq.ParquetFile(io.BytesIO(data)).read(use_threads=False)
        names = [f["name"] for f in schema["fields"]]
        if table.column_names != names:
            errors.append(f"{res['name']}: columns {table.column_names} differ from schema {names}")
            continue
        columns = [_python_values(column) for column in table.columns]
        if csv_bytes_of_columns(columns, schema) != (base / twin["path"]).read_bytes():
            errors.append(f"{res['name']}: rows differ from {twin['path']}")
    return errors


def _python_values(column: Any) -> list[Any]:
    """A Parquet column as Python values. A UTC timestamp column comes as naive UTC datetimes:
    the same cells (a cell is the UTC time with a literal 'Z'), while converting aware ones
    would import pandas for its time zones (0.3 s)."""
    import pyarrow as pa

    if pa.types.is_timestamp(column.type) and column.type.tz == "UTC":
        column = column.cast(pa.timestamp(column.type.unit))
    return column.to_pylist()
