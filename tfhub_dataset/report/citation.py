"""A release's own CITATION.cff and LICENSE, so that a folder taken away alone still says how to
cite it and under which terms. Both are pure functions of the release's ReleaseInfo (and, for the
license text, of the repository's LICENSE)."""

from __future__ import annotations

import textwrap
from typing import Any

from tfhub_dataset import PROJECT_URL, ROOT
from tfhub_dataset.package.write import ReleaseInfo, repository_name
from tfhub_dataset.study import study_cff

LICENSE_PATH = ROOT / "LICENSE"
# The repository's LICENSE: the Apache License 2.0 text, then this separator, then what it covers.
SEPARATOR = "-" * 80


def cff_bytes(
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


def license_file(info: ReleaseInfo, paragraphs: list[str | None], notice: str = "") -> bytes:
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


def hub_dataset_title(hub_title: str) -> str:
    return f"tfhub-dataset: the {hub_title} model-publisher community"


def hub_citation_cff(info: ReleaseInfo) -> bytes:
    """CITATION.cff (CFF 1.2.0) of a release of a hub (info.hub) that the study did not cover:
    its version, release date and source commit; the source repository and the study whose
    future work it takes up as references."""
    from tfhub_dataset.hubs import hub

    h = hub(info.hub)
    repo = repository_name(info.repository_url)
    study = study_cff()
    study["notes"] = (
        "The study whose future work this release takes up: comparing the community of model "
        f"publishers it studied with {h.title}'s (see releases/comparison/ in the repository)."
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
        "database and a README with the release's statistics: one of the communities of "
        "tfhub-dataset, compared with the others in releases/comparison/."
    )
    return cff_bytes(info, hub_dataset_title(h.title), abstract, list(h.keywords), [source, study])


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
    return license_file(info, paragraphs)
