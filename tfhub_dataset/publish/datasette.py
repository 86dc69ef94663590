"""metadata.json: what Datasette shows of a release's SQLite database (``datasette DB --metadata
metadata.json``): titles, descriptions, license and source, every column's description, the
label of each table that foreign keys point to (so a facet reads "image 904", not "1 904"),
facets, and canned queries.

Canned queries: the ones every release can answer (the tables they read exist), then the hub's,
from an optional ``datasette_queries(facts) -> dict[name, {title, description, sql}]`` in its
wiring (the first hub's reproduce the published study's tables). Nothing here names a hub.
"""

from __future__ import annotations

from typing import Any

from tfhub_dataset.package.write import dumps_json, repository_name
from tfhub_dataset.publish.facts import FieldFacts
from tfhub_dataset.report.citation import release_url

METADATA_NAME = "metadata.json"
LABEL_COLUMNS = ("display_name", "name", "title")
MAX_FACETS = 4
# The SQLite file's own metadata tables (package/sqlite.py).
META_TABLES = {
    "_release": "This release: its id, version, as-of day and source commit (one row).",
    "_tables": "One row per table of the release: its title, description and row count.",
    "_columns": "One row per column of each table: type, constraints and description.",
}


def _keys(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value]


def database_name(sqlite_name: str) -> str:
    """Datasette names a database after its file, without the extension."""
    return sqlite_name.rsplit(".", 1)[0]


def _labels(facts: FieldFacts) -> dict[str, str]:
    """The label column of every table a single-field foreign key refers to: a name column
    when it has one, else the referenced key itself."""
    out: dict[str, str] = {}
    for name in facts.tables:
        for fk in facts.release.schemas[name].get("foreignKeys", []):
            target = fk["reference"].get("resource") or name
            refs = _keys(fk["reference"]["fields"])
            if len(refs) != 1 or target not in facts.release.schemas:
                continue
            fields = [f["name"] for f in facts.release.schemas[target]["fields"]]
            out.setdefault(target, next((c for c in LABEL_COLUMNS if c in fields), refs[0]))
    return out


def _facets(schema: dict[str, Any]) -> list[str]:
    """Columns worth faceting by: those with a fixed set of values, then single-field foreign
    keys (a vocabulary, a publisher), at most MAX_FACETS."""
    pk = set(_keys(schema.get("primaryKey", [])))
    enums = [f["name"] for f in schema["fields"] if "enum" in f.get("constraints", {})]
    single = [_keys(k["fields"]) for k in schema.get("foreignKeys", [])]
    fks = [cols[0] for cols in single if len(cols) == 1]
    chosen = [c for c in dict.fromkeys(enums + fks) if c not in pk]
    return chosen[:MAX_FACETS]


def common_queries(facts: FieldFacts) -> dict[str, dict[str, str]]:
    """Queries every release whose tables they read can answer."""
    out: dict[str, dict[str, str]] = {}
    schemas = facts.release.schemas
    pub = {f["name"] for f in schemas.get("publishers", {}).get("fields", [])}
    if {"type", "handle"} <= pub:
        out["publishers_by_type"] = {
            "title": "Publishers by type",
            "description": "How many publishers are individuals and how many organizations "
            "(the curated type, with evidence in publishers.type_evidence).",
            "sql": "SELECT type, count(*) AS publishers FROM publishers GROUP BY type "
            "ORDER BY publishers DESC, type",
        }
    if {"display_name", "type", "model_count"} <= pub and "models" in schemas:
        out["top_publishers"] = {
            "title": "Top publishers by models",
            "description": "The ten publishers with the most models, and their share of all "
            "models (per cent).",
            "sql": "SELECT handle, display_name, type, model_count AS models, "
            "round(100.0 * model_count / (SELECT count(*) FROM models), 1) AS share "
            "FROM publishers ORDER BY models DESC, handle LIMIT 10",
        }
    snap = {f["name"] for f in schemas.get("snapshots", {}).get("fields", [])}
    if {"month", "publishers", "models"} <= snap:
        out["growth"] = {
            "title": "Growth by month",
            "description": "Publishers and models at each month's last commit (the snapshots "
            "table, one row per month).",
            "sql": "SELECT month, publishers, models FROM snapshots ORDER BY month",
        }
    return out


def metadata(facts: FieldFacts) -> dict[str, Any]:
    """Datasette's metadata of a release (a JSON object, keys in a fixed order)."""
    info, h, desc = facts.info, facts.hub, facts.descriptor
    labels = _labels(facts)
    tables: dict[str, Any] = {}
    for name in facts.tables:
        schema = facts.release.schemas[name]
        entry: dict[str, Any] = {
            "title": schema.get("title", name),
            "description": schema.get("description", ""),
            "columns": {f["name"]: f.get("description", "") for f in schema["fields"]},
        }
        if name in labels:
            entry["label_column"] = labels[name]
        facets = _facets(schema)
        if facets:
            entry["facets"] = facets
        tables[name] = entry
    for name, text in META_TABLES.items():
        tables[name] = {"title": name, "description": text}
    queries = common_queries(facts)
    extra = getattr(h.module(), "datasette_queries", None)
    if extra is not None:
        queries.update(extra(facts))
    source = f"{repository_name(info.repository_url)} at commit {info.commit[:12]}"
    return {
        "title": desc["title"],
        "description": (
            f"{desc['description']} Release {info.release_id}, version {info.version}: "
            f"{release_url(info)} (README.md, DATA_DICTIONARY.md and DATASHEET.md beside this "
            "database describe it)."
        ),
        "license": "Apache-2.0",
        "license_url": "https://www.apache.org/licenses/LICENSE-2.0",
        "source": source,
        "source_url": f"{info.repository_url}/tree/{info.commit}",
        "about": "tfhub-dataset",
        "about_url": release_url(info),
        "databases": {
            database_name(h.sqlite_name): {
                "title": desc["title"],
                "description": desc["description"],
                "tables": tables,
                "queries": queries,
            }
        },
    }


def metadata_bytes(facts: FieldFacts) -> bytes:
    return dumps_json(metadata(facts)).encode("utf-8")
