"""Read a release's written tables back from its files, typed by its own schemas.

The report works from these and from nothing else, so what the README says is what the files hold.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
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


class _Tables(Mapping[str, list[Row]]):
    """A release's tables by name, each read (and typed) when first asked for: a report that
    reads a few tables never holds the rows of the others (the events of a large hub)."""

    def __init__(self, files: Mapping[str, bytes], schemas: dict[str, dict[str, Any]]) -> None:
        self._files, self._schemas = files, schemas
        self._rows: dict[str, list[Row]] = {}

    def __getitem__(self, name: str) -> list[Row]:
        rows = self._rows.get(name)
        if rows is None:
            if name not in self._schemas:
                raise KeyError(name)
            rows = self._rows[name] = _read_table(self._files, name, self._schemas[name])
        return rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._schemas)

    def __len__(self) -> int:
        return len(self._schemas)

    def count(self, name: str) -> int:
        """The number of rows of a table, without typing them."""
        if name in self._rows:
            return len(self._rows[name])
        return len(read_rows(self._files[f"data/{name}.csv"])) - 1


@dataclass(frozen=True)
class Release:
    """A release's tables (rows typed by schema, each read when first used) and schemas, read
    from its files."""

    tables: _Tables
    schemas: dict[str, dict[str, Any]]

    def __getitem__(self, name: str) -> list[Row]:
        return self.tables[name]

    def get(self, name: str) -> list[Row] | None:
        return self.tables.get(name)

    def has(self, name: str) -> bool:
        return name in self.tables

    def row_counts(self) -> dict[str, int]:
        """Rows per table."""
        return {name: self.tables.count(name) for name in self.tables}


def read_release(files: Mapping[str, bytes]) -> Release:
    """Every ``data/<name>.csv`` with its ``schemas/<name>.json``, rows typed by the schema."""
    schemas: dict[str, dict[str, Any]] = {}
    for path in sorted(files):
        if not (path.startswith("data/") and path.endswith(".csv")):
            continue
        name = path[len("data/") : -len(".csv")]
        schemas[name] = json.loads(files[f"schemas/{name}.json"].decode("utf-8"))
    return Release(_Tables(files, schemas), schemas)


def _read_table(files: Mapping[str, bytes], name: str, schema: dict[str, Any]) -> list[Row]:
    types = {f["name"]: f["type"] for f in schema["fields"]}
    header, *rows = read_rows(files[f"data/{name}.csv"])
    if header != list(types):
        raise ValueError(f"data/{name}.csv: header {header} differs from its schema")
    return [{k: _value(v, types[k]) for k, v in zip(header, row, strict=True)} for row in rows]
