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


def _cff(
    info: ReleaseInfo, title: str, abstract: str, keywords: list[str], references: list[Any]
) -> bytes:
    """CITATION.cff (CFF 1.2.0) of one release: its version, release date and source commit."""
    import yaml

    repo = repository_name(info.repository_url)
    cff = {
        "cff-version": "1.2.0",
        "message": "If you use this release of the dataset, please cite it as below.",
        "type": "dataset",
        "title": f"{title}, release {info.release_id}",
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
        "abstract": abstract,
        "keywords": keywords,
        "references": references,
    }
    text = yaml.safe_dump(cff, sort_keys=False, allow_unicode=True, width=100)
    return text.encode("utf-8")


def citation_cff(info: ReleaseInfo) -> bytes:
    """CITATION.cff (CFF 1.2.0) of one TF Hub release."""
    repo = repository_name(info.repository_url)
    return _cff(
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
    return _license_file(info, paragraphs, notice)


def _license_file(info: ReleaseInfo, paragraphs: list[str | None], notice: str = "") -> bytes:
    """The Apache License 2.0 text (from the repository's LICENSE), then a section on what it
    covers in the release: ``paragraphs`` wrapped at 80 columns (None: ``notice``, as is)."""
    full = LICENSE_PATH.read_text(encoding="utf-8")
    if SEPARATOR not in full:
        raise ValueError(f"{LICENSE_PATH}: no separator line after the license text")
    apache = full.split(SEPARATOR, 1)[0].rstrip() + "\n"
    heading = f"tfhub-dataset release {info.release_id}: what the license above covers"
    body = "\n\n".join(
        notice if p is None else textwrap.fill(p, width=80, break_on_hyphens=False)
        for p in paragraphs
    )
    covers = f"\n{SEPARATOR}\n\n{heading}\n{'=' * len(heading)}\n\n{body}\n"
    return (apache + covers).encode("utf-8")


# --- releases of another hub than TF Hub --------------------------------------------------------


def hub_dataset_title(hub_title: str) -> str:
    return f"tfhub-dataset: the {hub_title} model-publisher community"


def hub_citation_cff(info: ReleaseInfo) -> bytes:
    """CITATION.cff (CFF 1.2.0) of a release of another hub (info.hub): its version, release
    date and source commit; the source repository and the study whose future work it takes up
    as references."""
    from tfhub_dataset.hubs import hub

    h = hub(info.hub)
    repo = repository_name(info.repository_url)
    study = study_cff()
    study["notes"] = (
        f"The study whose future work this release takes up: comparing TF Hub's community of "
        f"model publishers with {h.title}'s (see releases/comparison/ in the repository)."
    )
    source: dict[str, Any] = {
        "type": "data",
        "title": repo,
        "authors": [{"name": h.rights_holder[:1].upper() + h.rights_holder[1:]}],
        "repository": info.repository_url,
        "url": f"{info.repository_url}/tree/{info.commit}",
        "commit": info.commit,
        "notes": "The source repository this release is derived from"
        + (
            "; it declares no license at this commit."
            if info.source_license is None
            else "; see its LICENSE."
        ),
    }
    abstract = (
        f"{h.contents} of {h.title} ({h.site}) as of {info.as_of}, derived from {repo} "
        f"({info.repository_url}) at commit {info.commit} ({info.commit_date}), with its "
        "history, as a validated Frictionless data package (CSV and Parquet), a SQLite "
        "database and a README with the release's statistics: the second community of "
        "tfhub-dataset, compared with TensorFlow Hub's."
    )
    return _cff(info, hub_dataset_title(h.title), abstract, list(h.keywords), [source, study])


def hub_license_text(info: ReleaseInfo, data_files: str) -> bytes:
    """The Apache License 2.0 text and what it covers in a release of another hub, saying what
    the source repository's own license is at the commit (``info.source_license``: the blob id of
    its LICENSE, None when it has none). ``data_files`` says which of its files the data comes
    from."""
    repo = repository_name(info.repository_url)
    if info.source_license is None:
        source_terms = (
            f"{repo} has no LICENSE file at that commit and states no license elsewhere in the "
            "files this release reads, so its pages carry no license grant: they remain their "
            "authors'."
        )
    else:
        source_terms = (
            f"{repo} has a LICENSE file at that commit (git blob {info.source_license}, "
            f"{info.repository_url}/blob/{info.commit}/LICENSE): its terms govern the pages."
        )
    paragraphs: list[str | None] = [
        f"Every file in this folder is part of release {info.release_id} (version "
        f"{info.version}) of tfhub-dataset ({PROJECT_URL}).",
        "The data (data/, the SQLite database, datapackage.json) is derived from the public "
        f"GitHub repository {repo} ({info.repository_url}) at commit {info.commit} "
        f"({info.commit_date}): {data_files}.",
        source_terms,
        "The tables hold facts about the hub (names, counts, dates, links) and short excerpts of "
        "its pages, quoted to identify them (titles, one-line summaries, author strings); the "
        "excerpts remain their authors'. The tables as a compilation, the README, the data "
        "dictionary, CHANGES.md, the charts, the Table Schemas and the publisher types are "
        "Copyright the tfhub-dataset contributors, licensed under the Apache License, Version "
        f"2.0 (text above). When you share them, name {repo} ({info.repository_url}), the "
        "release and the source commit.",
    ]
    return _license_file(info, paragraphs)
