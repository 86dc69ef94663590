"""zenodo.json: a release's deposit metadata for Zenodo (the metadata of its deposition API, and
of a ``.zenodo.json``): a dataset, its version and date, creators, license, keywords, and related
identifiers for the source repository at its commit, the dataset's repository and the study."""

from __future__ import annotations

from typing import Any

from tfhub_dataset import PROJECT_URL
from tfhub_dataset.package.write import dumps_json, repository_name
from tfhub_dataset.publish.facts import FieldFacts
from tfhub_dataset.report.citation import (
    citation_title,
    hub_dataset_title,
    release_url,
    study_reference_text,
)
from tfhub_dataset.study import STUDY_DOI

ZENODO_NAME = "zenodo.json"


def zenodo(facts: FieldFacts) -> dict[str, Any]:
    info, h, desc = facts.info, facts.hub, facts.descriptor
    repo = repository_name(info.repository_url)
    return {
        "upload_type": "dataset",
        "title": citation_title(hub_dataset_title(h.title), info),
        "version": info.version,
        "publication_date": info.released,
        "creators": [{"name": "tfhub-dataset contributors"}],
        "description": (
            f"{desc['description']} Release {info.release_id}, version {info.version}, of "
            f"tfhub-dataset ({release_url(info)}): every table as CSV and Parquet with its Table "
            "Schema, a SQLite database, README.md, DATASHEET.md, croissant.json and "
            f"SHA256SUMS. It builds on the study {study_reference_text()}"
        ),
        "access_right": "open",
        "license": "Apache-2.0",
        "keywords": list(h.keywords),
        "language": "eng",
        "related_identifiers": [
            {
                "identifier": f"{info.repository_url}/tree/{info.commit}",
                "relation": "isDerivedFrom",
                "scheme": "url",
                "resource_type": "software",
            },
            {
                "identifier": release_url(info),
                "relation": "isIdenticalTo",
                "scheme": "url",
                "resource_type": "dataset",
            },
            {
                "identifier": PROJECT_URL,
                "relation": "isCompiledBy",
                "scheme": "url",
                "resource_type": "software",
            },
            {
                "identifier": STUDY_DOI,
                "relation": "references",
                "scheme": "doi",
                "resource_type": "publication-conferencepaper",
            },
        ],
        "references": [study_reference_text()],
        "notes": (
            f"Derived from {repo} at commit {info.commit} ({info.commit_date}), the commit in "
            f"force on {info.as_of}. Rebuild it byte for byte with `python -m tfhub_dataset "
            f"build --release {info.release_id}` ({PROJECT_URL})."
        ),
    }


def zenodo_bytes(facts: FieldFacts) -> bytes:
    return dumps_json(zenodo(facts)).encode("utf-8")
