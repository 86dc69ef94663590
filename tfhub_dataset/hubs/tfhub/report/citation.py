"""TF Hub's release CITATION.cff and LICENSE (report/citation.py holds what every hub's share):
the study's own hub, whose source repository is Apache-2.0."""

from __future__ import annotations

from tfhub_dataset import PROJECT_URL
from tfhub_dataset.hubs.tfhub import HUB
from tfhub_dataset.package.write import ReleaseInfo, repository_name
from tfhub_dataset.report.citation import cff_bytes, license_file
from tfhub_dataset.study import study_cff

DATASET_TITLE = "tfhub-dataset: the TensorFlow Hub model-publisher community"
KEYWORDS = list(HUB.keywords)


def citation_cff(info: ReleaseInfo) -> bytes:
    """CITATION.cff (CFF 1.2.0) of one TF Hub release."""
    repo = repository_name(info.repository_url)
    return cff_bytes(
        info,
        DATASET_TITLE,
        (
            "Publishers, models, versioned docs, collections, publisher links and taxonomy of "
            f"TensorFlow Hub (tfhub.dev) as of {info.as_of}, derived from {repo} "
            f"({info.repository_url}) at commit {info.commit} ({info.commit_date}), as a validated "
            "Frictionless data package (CSV and Parquet), a SQLite database and a README with "
            "the release's statistics. The data is derived from tensorflow/tfhub.dev, Copyright "
            "The TensorFlow Hub Authors, Apache License 2.0."
        ),
        KEYWORDS,
        [
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
    )


def license_text(info: ReleaseInfo) -> bytes:
    """The Apache License 2.0 text (from the repository's LICENSE) and what it covers here."""
    repo = repository_name(info.repository_url)
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
    return license_file(info, paragraphs, notice)
