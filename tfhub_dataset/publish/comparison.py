"""The comparison package's croissant.json: its tables as record sets, the releases it was
computed from as what it is based on, and its own Responsible-AI answers (the people it names
are those of the releases it reads)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from tfhub_dataset import PROJECT_URL
from tfhub_dataset.package.write import dumps_json
from tfhub_dataset.publish.croissant import COLLECTION_TYPES, CROISSANT_NAME, document
from tfhub_dataset.study import STUDY_AUTHORS, STUDY_DOI, STUDY_SHORT

FOLDER_URL = f"{PROJECT_URL}/tree/main/releases"


def comparison_bibtex(desc: dict) -> list[str]:
    name = desc["release"]["id"]
    return [
        f"@misc{{tfhub_dataset_{name},",
        "  author       = {{tfhub-dataset contributors}},",
        f"  title        = {{{{{desc['title']}}}}},",
        f"  year         = {{{desc['created'][:4]}}},",
        f"  version      = {{{desc['version']}}},",
        f"  url          = {{{FOLDER_URL}/{name}}},",
        f"  note         = {{Computed from the releases it names. Builds on {STUDY_AUTHORS[0][1]} "
        f"et al., {STUDY_SHORT}, doi:{STUDY_DOI}}}",
        "}",
    ]


def _first_day(files: Mapping[str, bytes]) -> str:
    """The first month of the hubs' histories (growth), else the earliest source commit."""
    from tfhub_dataset.package.csvread import read_rows

    for table, column in (("growth", "month"), ("columns", "commit_date")):
        if f"data/{table}.csv" in files:
            header, *rows = read_rows(files[f"data/{table}.csv"])
            if column in header and rows:
                first = min(r[header.index(column)] for r in rows)
                return f"{first}-01" if len(first) == 7 else first
    return json.loads(files["datapackage.json"].decode("utf-8"))["created"]


def comparison_files(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """croissant.json of the comparison package, from its descriptor, schemas and CSV files."""
    desc = json.loads(files["datapackage.json"].decode("utf-8"))
    tables = sorted(r["name"] for r in desc["resources"] if r.get("format") == "csv")
    schemas = {t: json.loads(files[f"schemas/{t}.json"].decode("utf-8")) for t in tables}
    based_on = [
        {
            "@type": "sc:Dataset",
            "name": s["title"],
            "url": f"{FOLDER_URL}/{s['path'].split('/')[1]}",
            "version": s["version"],
        }
        for s in desc["sources"]
    ]
    named = ", ".join(s["title"] for s in desc["sources"])
    rai = {
        "rai:dataCollection": (
            f"Computed, with no new collection, from the tables of the releases it names "
            f"({named}), each derived from its hub's public git repository at a pinned commit "
            "(see each release's DATASHEET.md)."
        ),
        "rai:dataCollectionType": COLLECTION_TYPES,
        "rai:dataCollectionTimeFrame": [_first_day(files), desc["created"]],
        "rai:dataPreprocessingProtocol": [
            "Each hub's plug-in reads its release into the same view (its own unit and what a "
            "user can load, publishers and their organisations); the figures are computed from "
            "those views and validated as a data package."
        ],
        "rai:dataAnnotationProtocol": [
            "The organisation behind each publisher is a curated judgement with one line of "
            "evidence (the organizations table)."
        ],
        "rai:dataLimitations": (
            "The hubs count different things (a versioned doc, a model page, an entrypoint): "
            "every figure says which unit it counts. Only the official repositories of the "
            "hubs are read."
        ),
        "rai:dataBiases": (
            "A few large organisations hold most models on every hub, so means are skewed; "
            "the Gini coefficient and the top publishers' share are given beside them."
        ),
        "rai:personalSensitiveInformation": (
            "Publishers appear by the handle and display name their releases give; individual "
            "publishers are named as they named themselves in public pages. Nothing from the "
            "git history's authorship, nothing sensitive."
        ),
        "rai:dataUseCases": (
            "Comparing the communities of model publishers across hubs and over time. Out of "
            "scope: ranking or profiling individual people."
        ),
        "rai:dataReleaseMaintenancePlan": (
            f"Rebuilt with the releases it reads (python -m tfhub_dataset build; verify proves "
            f"it byte for byte); errors are issues at {PROJECT_URL}."
        ),
    }
    doc = document(
        files,
        desc,
        schemas,
        name=desc["name"],
        url=f"{FOLDER_URL}/{desc['release']['id']}",
        date_published=desc["created"][:10],
        cite_as="\n".join(comparison_bibtex(desc)),
        based_on=based_on,
        rai=rai,
    )
    return {CROISSANT_NAME: dumps_json(doc).encode("utf-8")}
