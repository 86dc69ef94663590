"""Read a release's written tables back from its files, typed by its own schemas.

The report works from these and from nothing else, so what the README says is what the files hold.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tfhub_dataset.package.csvread import read_rows

Row = dict[str, Any]


def _value(text: str, type_: str) -> Any:
    if text == "":
        return None
    if type_ == "integer":
        return int(text)
    if type_ == "number":
        return float(text)
    if type_ == "boolean":
        if text not in ("true", "false"):
            raise ValueError(f"not a boolean: {text!r}")
        return text == "true"
    return text


@dataclass(frozen=True)
class Release:
    """A release's tables (rows typed by schema) and schemas, read from its files."""

    tables: dict[str, list[Row]]
    schemas: dict[str, dict[str, Any]]

    def __getitem__(self, name: str) -> list[Row]:
        return self.tables[name]

    def get(self, name: str) -> list[Row] | None:
        return self.tables.get(name)

    def has(self, name: str) -> bool:
        return name in self.tables


def read_release(files: Mapping[str, bytes]) -> Release:
    """Every ``data/<name>.csv`` with its ``schemas/<name>.json``, rows typed by the schema."""
    tables: dict[str, list[Row]] = {}
    schemas: dict[str, dict[str, Any]] = {}
    for path in sorted(files):
        if not (path.startswith("data/") and path.endswith(".csv")):
            continue
        name = path[len("data/") : -len(".csv")]
        schema = json.loads(files[f"schemas/{name}.json"].decode("utf-8"))
        types = {f["name"]: f["type"] for f in schema["fields"]}
        header, *rows = read_rows(files[path])
        if header != list(types):
            raise ValueError(f"{path}: header {header} differs from its schema")
        tables[name] = [
            {k: _value(v, types[k]) for k, v in zip(header, row, strict=True)} for row in rows
        ]
        schemas[name] = schema
    return Release(tables, schemas)
