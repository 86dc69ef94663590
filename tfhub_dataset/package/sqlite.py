"""The whole release as one SQLite database, with bytes that are the same on every machine.

Built from the release's own CSV files and Table Schemas (so it holds exactly what they hold):
one table per resource with its primary key, foreign keys, NOT NULL, UNIQUE and CHECK
constraints, an index on every foreign key that its primary key does not already lead with, the
descriptions as comments in the CREATE statements (``sqlite_master`` keeps them), and three
metadata tables: ``_release``, ``_tables`` and ``_columns``.

Stable bytes: the database is written in memory, vacuumed and serialised by apsw, which bundles
its own SQLite (3.54.1, pinned exactly in pyproject.toml), so the system's SQLite never writes
it. Serialised from memory, the header holds no change counter and no library version (zeros
where a file written through the pager records them); the pages follow from the bundled SQLite
and the statements, which run in a fixed order (tables by name, rows in CSV order). No clock,
path or file system enters the bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from tfhub_dataset.package.csvread import read_rows

SQL_TYPES = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}  # others: TEXT


class ForeignKeyViolation(ValueError):
    """A row of the database references a row that does not exist."""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _comment(text: str) -> str:
    """A description as a one-line SQL comment."""
    return " ".join(text.split())


def _keys(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def _column_sql(field: Mapping[str, Any], pk: list[str]) -> str:
    name, type_ = field["name"], field["type"]
    c = field.get("constraints", {})
    parts = [_q(name), SQL_TYPES.get(type_, "TEXT")]
    if c.get("required") or name in pk:
        parts.append("NOT NULL")
    if c.get("unique") and pk != [name]:
        parts.append("UNIQUE")
    if type_ == "boolean":
        parts.append(f"CHECK ({_q(name)} IN (0, 1))")
    elif "enum" in c:
        parts.append(f"CHECK ({_q(name)} IN ({', '.join(_lit(v) for v in c['enum'])}))")
    return " ".join(parts)


def create_table_sql(name: str, schema: Mapping[str, Any]) -> str:
    """CREATE TABLE with keys, constraints and every description as a comment."""
    pk = _keys(schema.get("primaryKey", []))
    items: list[tuple[str, str]] = [
        (_column_sql(f, pk), f.get("description", "")) for f in schema["fields"]
    ]
    if pk:
        items.append((f"PRIMARY KEY ({', '.join(_q(k) for k in pk)})", ""))
    for fk in schema.get("foreignKeys", []):
        ref = fk["reference"]
        target = ref.get("resource") or name
        items.append(
            (
                f"FOREIGN KEY ({', '.join(_q(k) for k in _keys(fk['fields']))}) REFERENCES "
                f"{_q(target)} ({', '.join(_q(k) for k in _keys(ref['fields']))})",
                "",
            )
        )
    head = schema.get("title", name)
    if schema.get("description"):
        head += ": " + schema["description"]
    lines = [f"CREATE TABLE {_q(name)} (  -- {_comment(head)}"]
    for i, (sql, comment) in enumerate(items):
        sep = "," if i < len(items) - 1 else ""
        lines.append(f"  {sql}{sep}" + (f"  -- {_comment(comment)}" if comment else ""))
    # A table with a primary key is stored in its key's order, without a rowid: the key is kept
    # once instead of twice (table and index), which keeps the file small.
    lines.append(") WITHOUT ROWID" if pk else ")")
    return "\n".join(lines)


def index_sql(name: str, schema: Mapping[str, Any]) -> list[str]:
    """An index on each foreign key that the primary key does not already lead with."""
    pk = _keys(schema.get("primaryKey", []))
    out, seen = [], set()
    for fk in schema.get("foreignKeys", []):
        cols = tuple(_keys(fk["fields"]))
        if list(cols) == pk[: len(cols)] or cols in seen:
            continue
        seen.add(cols)
        index = f"{name}__{'__'.join(cols)}"
        out.append(f"CREATE INDEX {_q(index)} ON {_q(name)} ({', '.join(_q(c) for c in cols)})")
    return out


def _text(cell: str) -> str | None:
    return cell or None  # an empty CSV cell is a missing value


def _integer(cell: str) -> int | None:
    return int(cell) if cell else None


def _number(cell: str) -> float | None:
    return float(cell) if cell else None


def _boolean(cell: str) -> int | None:
    return (cell == "true") if cell else None


CONVERTERS = {"integer": _integer, "number": _number, "boolean": _boolean}


def _rows(data: bytes, schema: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
    header, *reader = read_rows(data)
    if header != [f["name"] for f in schema["fields"]]:
        raise ValueError(f"CSV header {header} differs from its schema")
    converters = [CONVERTERS.get(f["type"], _text) for f in schema["fields"]]
    for row in reader:
        yield tuple(map(_call, converters, row))


def _call(convert: Any, cell: str) -> Any:
    return convert(cell)


META_SQL = [
    """CREATE TABLE "_release" (  -- This release: one row.
  "id" TEXT NOT NULL PRIMARY KEY,  -- Release id (its folder name).
  "version" TEXT NOT NULL,  -- Data Package version of the release.
  "as_of" TEXT NOT NULL,  -- The day whose state of {repository} the release holds.
  "source" TEXT NOT NULL,  -- Source repository URL.
  "commit" TEXT NOT NULL,  -- Source commit SHA.
  "commit_date" TEXT NOT NULL  -- Source commit date (UTC).
)""",
    """CREATE TABLE "_tables" (  -- One row per table of the release (metadata tables excluded).
  "name" TEXT NOT NULL PRIMARY KEY,  -- Table (resource) name.
  "title" TEXT,  -- Title from its Table Schema.
  "description" TEXT,  -- Description from its Table Schema.
  "rows" INTEGER NOT NULL,  -- Number of rows.
  "primary_key" TEXT  -- Primary key columns, comma-separated.
)""",
    """CREATE TABLE "_columns" (  -- One row per column of each table of the release.
  "table_name" TEXT NOT NULL,  -- Table (resource) name.
  "position" INTEGER NOT NULL,  -- 1-based position of the column.
  "name" TEXT NOT NULL,  -- Column (field) name.
  "type" TEXT NOT NULL,  -- Table Schema type (list and yearmonth are stored as text).
  "required" INTEGER NOT NULL CHECK ("required" IN (0, 1)),  -- 1 when the field is required.
  "description" TEXT,  -- Description from the Table Schema.
  "references" TEXT,  -- table.column this column refers to (foreign key), if any.
  PRIMARY KEY ("table_name", "position"),
  FOREIGN KEY ("table_name") REFERENCES "_tables" ("name")
)""",
]


def sqlite_bytes(files: Mapping[str, bytes]) -> bytes:
    """The database of a release from its ``data/*.csv``, ``schemas/*.json`` and
    ``datapackage.json``. Raises ForeignKeyViolation when a foreign key does not hold."""
    import apsw

    desc = json.loads(files["datapackage.json"].decode("utf-8"))
    csvs = [p for p in files if p.startswith("data/") and p.endswith(".csv")]
    names = sorted(p[len("data/") : -len(".csv")] for p in csvs)
    schemas = {n: json.loads(files[f"schemas/{n}.json"].decode("utf-8")) for n in names}
    con = apsw.Connection(":memory:")
    try:
        con.execute("PRAGMA page_size = 4096; PRAGMA journal_mode = OFF")
        with con:  # one transaction
            source = desc["sources"][0]
            repository = source["path"].removeprefix("https://github.com/")
            for sql in META_SQL:
                con.execute(sql.replace("{repository}", repository))
            con.execute(
                'INSERT INTO "_release" VALUES (?, ?, ?, ?, ?, ?)',
                (
                    desc["release"]["id"],
                    desc["version"],
                    desc["release"]["asOf"],
                    source["path"],
                    source["version"],
                    desc["created"],
                ),
            )
            for name in names:
                _load_table(con, name, schemas[name], files[f"data/{name}.csv"])
        violations = list(con.execute("PRAGMA foreign_key_check"))
        if violations:
            shown = "; ".join(f"{t} row {r} -> {p}" for t, r, p, _ in violations[:5])
            raise ForeignKeyViolation(f"{len(violations)} foreign key violations: {shown}")
        con.execute("VACUUM")
        return con.serialize("main")
    finally:
        con.close()


def _load_table(con: Any, name: str, schema: Mapping[str, Any], data: bytes) -> None:
    fields = schema["fields"]
    con.execute(create_table_sql(name, schema))
    placeholders = ", ".join("?" for _ in fields)
    con.executemany(f"INSERT INTO {_q(name)} VALUES ({placeholders})", _rows(data, schema))
    for sql in index_sql(name, schema):
        con.execute(sql)
    (count,) = next(con.execute(f"SELECT count(*) FROM {_q(name)}"))
    pk = _keys(schema.get("primaryKey", []))
    con.execute(
        'INSERT INTO "_tables" VALUES (?, ?, ?, ?, ?)',
        (name, schema.get("title"), schema.get("description"), count, ", ".join(pk) or None),
    )
    refs = {}
    for fk in schema.get("foreignKeys", []):
        target = fk["reference"].get("resource") or name
        for col, ref in zip(_keys(fk["fields"]), _keys(fk["reference"]["fields"]), strict=True):
            refs[col] = f"{target}.{ref}"
    con.executemany(
        'INSERT INTO "_columns" VALUES (?, ?, ?, ?, ?, ?, ?)',
        [
            (
                name,
                i,
                f["name"],
                f["type"],
                1 if f.get("constraints", {}).get("required") or f["name"] in pk else 0,
                f.get("description"),
                refs.get(f["name"]),
            )
            for i, f in enumerate(fields, 1)
        ],
    )
