"""Tables -> the bytes of a release: CSV and Parquet per table, schemas, datapackage.json."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

from tfhub_dataset import PROJECT_URL
from tfhub_dataset.hubs import DEFAULT_HUB, hub

PACKAGE_NAME = "tfhub-dataset"  # the project's: every release id is tfhub-dataset/<release>


@dataclass(frozen=True)
class ReleaseInfo:
    """What a release says about itself (datapackage.json)."""

    release_id: str
    as_of: str  # YYYY-MM-DD
    commit: str
    commit_date: str  # ISO 8601, UTC, trailing Z
    repository_url: str = ""  # default: the hub's (hubs.HUBS)
    # The release's own Data Package version (pinned in build/releases.toml) and the day it was
    # published; an unpinned build is 0.0.0+<commit> and dated by its commit's day.
    version: str = ""
    released: str = ""
    hub: str = DEFAULT_HUB  # the hub the release is of (hubs.HUBS)
    # The git blob id of the source's root LICENSE at the commit, None when it has none.
    source_license: str | None = None

    def __post_init__(self) -> None:
        if not self.repository_url:
            object.__setattr__(self, "repository_url", hub(self.hub).repository_url)
        if not self.version:
            object.__setattr__(self, "version", f"0.0.0+{self.commit[:12]}")
        if not self.released:
            object.__setattr__(self, "released", self.commit_date[:10])


def load_schema(name: str, schema_dir: Path) -> dict[str, Any]:
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


def _cells(values: list[Any], type_: str) -> list[str]:
    """``_cell`` of each value of one column (a str is its own cell: no call for most cells)."""
    if type_ == "boolean":
        return ["" if v is None else "true" if v else "false" for v in values]
    return [v if type(v) is str else _cell(v, type_) for v in values]


def csv_bytes(rows: list[dict[str, Any]], schema: dict[str, Any]) -> bytes:
    """RFC 4180 CSV: UTF-8, CRLF line ends, header row, minimal quoting, empty cell for null."""
    columns = [[row[f["name"]] for row in rows] for f in schema["fields"]]
    return csv_bytes_of_columns(columns, schema)


def csv_bytes_of_columns(columns: list[list[Any]], schema: dict[str, Any]) -> bytes:
    """``csv_bytes`` of a table given column by column, in the schema's field order."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    fields = schema["fields"]
    writer.writerow([f["name"] for f in fields])
    cells = [_cells(column, f["type"]) for column, f in zip(columns, fields, strict=True)]
    writer.writerows(zip(*cells, strict=True))
    return buf.getvalue().encode("utf-8")


def arrow_types() -> dict[str, pa.DataType]:
    """Table Schema type -> Arrow type."""
    import pyarrow as pa  # imported where Parquet is written, not by every command

    return {
        "string": pa.string(),
        "integer": pa.int64(),
        "boolean": pa.bool_(),
        "number": pa.float64(),
        "date": pa.date32(),
        "datetime": pa.timestamp("s", tz="UTC"),
        # v2 types Arrow has no twin for, written as the same text as the CSV cell: a `list` stays
        # its delimited text (frictionless reads Parquet through pandas and rejects a list column,
        # and the CSV/Parquet comparison stays byte for byte), a `yearmonth` stays YYYY-MM.
        "list": pa.string(),
        "yearmonth": pa.string(),
    }


def arrow_table(rows: list[dict[str, Any]], schema: dict[str, Any]) -> pa.Table:
    import pyarrow as pa

    types = arrow_types()
    columns, arrow_fields = [], []
    for f in schema["fields"]:
        type_ = types[f["type"]]
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
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    table = arrow_table(rows, schema)
    options = {
        "compression": "zstd",
        "compression_level": 9,
        "write_statistics": True,
        "use_dictionary": True,
        "data_page_version": "2.0",
    }
    if table.num_rows:
        pq.write_table(table, sink, **options)
    else:
        # An empty table has no row group (not one of 0 rows): readers that size their batches
        # by the first row group (Hugging Face datasets) would ask for batches of 0 rows.
        pq.ParquetWriter(sink, table.schema, **options).close()
    return sink.getvalue().to_pybytes()


def repository_name(url: str) -> str:
    """owner/name of a GitHub URL (the URL itself for another host)."""
    return url.removeprefix("https://github.com/")


CREATOR = {"title": "tfhub-dataset contributors", "path": PROJECT_URL, "roles": ["creator"]}


def descriptor(info: ReleaseInfo, resources: list[dict[str, Any]]) -> dict[str, Any]:
    """datapackage.json (Data Package v2) of a release, from its hub's record. The source commit
    lives in ``sources[0].version`` and its date in ``created``: one place each;
    ``release.sourceLicense`` is the blob id of the source's LICENSE (null when it has none)."""
    h = hub(info.hub)
    repo = repository_name(info.repository_url)
    if info.source_license is None:
        terms = f"{repo} declares no license at this commit"
    else:
        terms = f"{repo}'s own LICENSE applies to its pages"
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": h.package_name,
        "id": f"{PACKAGE_NAME}/{info.release_id}",
        "title": f"{h.title} model-publisher community, as of {info.as_of}",
        "description": (
            f"{h.contents} of {h.title} ({h.site}), derived from {info.repository_url} at "
            f"commit {info.commit} ({info.commit_date}), the commit in force on {info.as_of}."
        ),
        "version": info.version,
        "created": info.commit_date,
        "homepage": PROJECT_URL,
        "keywords": list(h.keywords),
        "contributors": [
            CREATOR,
            {
                "title": h.rights_holder[:1].upper() + h.rights_holder[1:],
                "path": info.repository_url,
                "roles": ["rightsHolder"],
            },
        ],
        "licenses": [
            {
                "name": "Apache-2.0",
                "path": "https://www.apache.org/licenses/LICENSE-2.0",
                "title": (
                    "Apache License 2.0: the tables, schemas and report, by the tfhub-dataset "
                    f"contributors; {terms} (see LICENSE)"
                ),
            }
        ],
        "sources": [
            {
                "title": f"{repo} at commit {info.commit}",
                "path": info.repository_url,
                "version": info.commit,
            }
        ],
        "release": {
            "id": info.release_id,
            "asOf": info.as_of,
            "released": info.released,
            "hub": info.hub,
            "sourceLicense": info.source_license,
        },
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
    entry["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    if fmt == "csv":
        # frictionless 5.21 measures only what it reads through its byte loader (CSV): it never
        # measures a Parquet file, so a declared Parquet ``bytes`` always fails with "actual is
        # None", and its Parquet ``hash`` is skipped; validate.py checks that hash itself.
        entry["bytes"] = len(data)
        entry["encoding"] = "utf-8"
        entry["dialect"] = {"delimiter": ",", "lineTerminator": "\r\n", "header": True}
    return entry


def render_release(
    tables: dict[str, list[dict[str, Any]]],
    info: ReleaseInfo,
    schema_dir: Path | None = None,
    parquet: Callable[[list[dict[str, Any]], dict[str, Any]], bytes] | None = None,
) -> dict[str, bytes]:
    """Every file of a release (relative path -> bytes), except the README and figures.

    ``schema_dir`` holds one JSON Table Schema per table (default: the release's hub's);
    ``parquet`` makes a table's Parquet bytes (default :func:`parquet_bytes`; the build passes
    a memo of it, package/memo.py).
    """
    files, resources = render_tables(tables, schema_dir or hub(info.hub).schema_dir, parquet)
    files["datapackage.json"] = dumps_json(descriptor(info, resources)).encode()
    return files


def render_tables(
    tables: dict[str, list[dict[str, Any]]],
    schema_dir: Path,
    parquet: Callable[[list[dict[str, Any]], dict[str, Any]], bytes] | None = None,
) -> tuple[dict[str, bytes], list[dict[str, Any]]]:
    """Each table as CSV and Parquet with its schema (``schema_dir/<name>.json``), and the
    package resources describing them (the CSV ones first, then the Parquet ones); ``parquet``
    as for :func:`render_release`."""
    parquet = parquet or parquet_bytes
    files: dict[str, bytes] = {}
    resources: list[dict[str, Any]] = []
    parquet_resources: list[dict[str, Any]] = []
    for name in sorted(tables):
        schema = _within(load_schema(name, schema_dir), tables)
        rows = tables[name]
        check_rows(name, rows, schema)
        schema_path = f"schemas/{name}.json"
        files[schema_path] = dumps_json(schema).encode("utf-8")
        csv_data = csv_bytes(rows, schema)
        pq_data = parquet(rows, schema)
        files[f"data/{name}.csv"] = csv_data
        files[f"data/{name}.parquet"] = pq_data
        resources.append(
            resource_entry(name, f"data/{name}.csv", csv_data, schema, schema_path, "csv")
        )
        parquet_resources.append(
            resource_entry(name, f"data/{name}.parquet", pq_data, schema, schema_path, "parquet")
        )
    return files, resources + parquet_resources


def _within(schema: dict[str, Any], tables: Mapping[str, Any]) -> dict[str, Any]:
    """The schema without its foreign keys to tables the release does not hold (one built from
    a single snapshot has no history tables, so nothing there to refer to)."""
    keys = schema.get("foreignKeys")
    if not keys:
        return schema
    kept = [k for k in keys if k["reference"].get("resource", "") in ("", *tables)]
    return schema if len(kept) == len(keys) else {**schema, "foreignKeys": kept}


def iter_files(folder: Path) -> Iterable[tuple[str, bytes]]:
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            yield p.relative_to(folder).as_posix(), p.read_bytes()
