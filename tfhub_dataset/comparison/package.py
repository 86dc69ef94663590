"""The comparison's tables as a Data Package: CSV and Parquet per table, the schemas of
``schemas/comparison/``, and a descriptor whose sources are the releases it read (each with its
commit and the SHA-256 of its ``datapackage.json``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tfhub_dataset import PROJECT_URL
from tfhub_dataset.comparison.tables import Column
from tfhub_dataset.package.write import PACKAGE_NAME, dumps_json, render_tables
from tfhub_dataset.plugin import SCHEMAS

NAME = "comparison"
# The comparison package's own version (Data Package Version recipe): 1.0.0 is its first as a
# package; a change of its schemas moves it as the recipe says. 1.0.1: its README says why a
# month without models is not drawn on the growth chart (a patch: no data changed).
VERSION = "1.0.1"


def descriptor(columns: Sequence[Column], resources: list[dict[str, Any]]) -> dict[str, Any]:
    hubs = list(dict.fromkeys(c.hub for c in columns))
    titles = list(dict.fromkeys(c.hub_title for c in columns))
    releases = list(dict.fromkeys((c.release, c.descriptor_sha256) for c in columns))
    by_release = {c.release: c for c in columns}
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": f"{PACKAGE_NAME}-{NAME}",
        "id": f"{PACKAGE_NAME}/{NAME}",
        "title": f"Comparison of model hubs: {', '.join(titles)}",
        "description": (
            f"The model-publisher communities of {len(hubs)} hubs ({', '.join(titles)}) side "
            "by side, on the same day and at each hub's last commit: figures per hub on the "
            "hub's own unit and on what a user can load, by publisher and by organisation; link "
            "types; vocabularies; the organisations behind publishers across hubs, with their "
            "evidence; monthly growth. Computed from the tables of the releases named in "
            "`sources`."
        ),
        "version": VERSION,
        "created": max(c.descriptor["created"] for c in columns),
        "homepage": PROJECT_URL,
        "keywords": ["model-hub", "model-publishers", "comparison", *hubs],
        "contributors": [
            {"title": "tfhub-dataset contributors", "path": PROJECT_URL, "roles": ["creator"]}
        ],
        "licenses": [
            {
                "name": "Apache-2.0",
                "path": "https://www.apache.org/licenses/LICENSE-2.0",
                "title": (
                    "Apache License 2.0: the tables, schemas and report, by the tfhub-dataset "
                    "contributors; each release read keeps its own terms (see its LICENSE)"
                ),
            }
        ],
        "sources": [
            {
                "title": f"release {rid} of tfhub-dataset ({by_release[rid].hub_title})",
                "path": f"../{rid}/datapackage.json",
                "version": by_release[rid].descriptor["version"],
                "hash": f"sha256:{sha}",
            }
            for rid, sha in releases
        ],
        "release": {"id": NAME, "hubs": hubs},
        "resources": resources,
    }


def package_files(
    tables: dict[str, list[dict[str, Any]]], columns: Sequence[Column]
) -> dict[str, bytes]:
    files, resources = render_tables(tables, SCHEMAS / NAME)
    files["datapackage.json"] = dumps_json(descriptor(columns, resources)).encode("utf-8")
    return files
