"""A release's own CITATION.cff and LICENSE, so that a folder taken away alone still says how to
cite it and under which terms. Both are pure functions of the release's ReleaseInfo (and, for the
license text, of the repository's LICENSE)."""

from __future__ import annotations

import textwrap
from typing import Any

from tfhub_dataset import PROJECT_URL, ROOT
from tfhub_dataset.package.write import KEYWORDS, ReleaseInfo, repository_name
from tfhub_dataset.report import published as P

DATASET_TITLE = "tfhub-dataset: the TensorFlow Hub model-publisher community"
LICENSE_PATH = ROOT / "LICENSE"
# The repository's LICENSE: the Apache License 2.0 text, then this separator, then what it covers.
SEPARATOR = "-" * 80


def study_cff() -> dict[str, Any]:
    """The study as a CFF reference."""
    return {
        "type": "conference-paper",
        "title": P.STUDY_TITLE,
        "authors": [{"given-names": g, "family-names": f} for g, f in P.STUDY_AUTHORS],
        "year": P.STUDY_YEAR,
        "doi": P.STUDY_DOI,
        "url": f"https://doi.org/{P.STUDY_DOI}",
        "collection-title": P.STUDY_CONFERENCE,
        "conference": {
            "name": P.STUDY_CONFERENCE,
            "location": P.STUDY_LOCATION,
            "date-start": P.STUDY_DATES[0],
            "date-end": P.STUDY_DATES[1],
        },
        "publisher": {"name": P.STUDY_PUBLISHER},
        "pages": P.STUDY_PAGES,
        "notes": (
            "The published study whose figures the 2022-04-05 release reproduces; it crawled "
            f"tfhub.dev on {P.CRAWLED}."
        ),
    }


def citation_cff(info: ReleaseInfo) -> bytes:
    """CITATION.cff (CFF 1.2.0) of one release: its version, release date and source commit."""
    import yaml

    repo = repository_name(info.repository_url)
    cff = {
        "cff-version": "1.2.0",
        "message": "If you use this release of the dataset, please cite it as below.",
        "type": "dataset",
        "title": f"{DATASET_TITLE}, release {info.release_id}",
        "version": info.version,
        "date-released": info.released,
        "authors": [{"name": "tfhub-dataset contributors"}],
        "repository-code": PROJECT_URL,
        "license": "Apache-2.0",
        "identifiers": [
            {
                "type": "url",
                "value": f"{info.repository_url}/tree/{info.commit}",
                "description": f"The source: {repo} at commit {info.commit} ({info.commit_date}).",
            }
        ],
        "abstract": (
            "Publishers, models, versioned docs, collections, publisher links and taxonomy of "
            f"TensorFlow Hub (tfhub.dev) as of {info.as_of}, derived from {repo} "
            f"({info.repository_url}) at commit {info.commit} ({info.commit_date}), as a validated "
            "Frictionless data package (CSV and Parquet), a SQLite database and a README with "
            "the release's statistics. The data is derived from tensorflow/tfhub.dev, Copyright "
            "The TensorFlow Hub Authors, Apache License 2.0."
        ),
        "keywords": KEYWORDS,
        "references": [
            {
                "type": "data",
                "title": repo,
                "authors": [{"name": "The TensorFlow Hub Authors"}],
                "repository": info.repository_url,
                "url": f"{info.repository_url}/tree/{info.commit}",
                "commit": info.commit,
                "license": "Apache-2.0",
                "notes": "The source repository this release is derived from.",
            },
            study_cff(),
        ],
    }
    text = yaml.safe_dump(cff, sort_keys=False, allow_unicode=True, width=100)
    return text.encode("utf-8")


def license_text(info: ReleaseInfo) -> bytes:
    """The Apache License 2.0 text (from the repository's LICENSE) and what it covers here."""
    full = LICENSE_PATH.read_text(encoding="utf-8")
    if SEPARATOR not in full:
        raise ValueError(f"{LICENSE_PATH}: no separator line after the license text")
    apache = full.split(SEPARATOR, 1)[0].rstrip() + "\n"
    repo = repository_name(info.repository_url)
    heading = f"tfhub-dataset release {info.release_id}: what the license above covers"
    paragraphs = [
        f"Every file in this folder is part of release {info.release_id} (version "
        f"{info.version}) of tfhub-dataset ({PROJECT_URL}).",
        "The data (data/, the SQLite database, datapackage.json) is derived from the public "
        f"GitHub repository {repo} ({info.repository_url}) at commit {info.commit} "
        f"({info.commit_date}): the Markdown docs under assets/ and the tag vocabularies under "
        "tags/.",
        None,  # the notice, indented
        "It is distributed under the same license, the Apache License, Version 2.0 (text "
        "above). When you redistribute it or a work based on it, keep this attribution: "
        f'"Derived from {repo} ({info.repository_url}), Copyright The TensorFlow Hub Authors, '
        'licensed under the Apache License 2.0", and name the release and the source commit.',
        "The README, the data dictionary, CHANGES.md, the charts, the Table Schemas and the "
        "publisher types are Copyright the tfhub-dataset contributors, licensed under the "
        "Apache License, Version 2.0 as well.",
    ]
    notice = (
        "    Copyright The TensorFlow Hub Authors.\n"
        "    Licensed under the Apache License, Version 2.0."
    )
    body = "\n\n".join(
        notice if p is None else textwrap.fill(p, width=80, break_on_hyphens=False)
        for p in paragraphs
    )
    covers = f"\n{SEPARATOR}\n\n{heading}\n{'=' * len(heading)}\n\n{body}\n"
    return (apache + covers).encode("utf-8")
