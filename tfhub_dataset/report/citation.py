"""A release's own CITATION.cff and LICENSE, so that a folder taken away alone still says how to
cite it and under which terms. Both are pure functions of the release's ReleaseInfo (and, for the
license text, of the repository's LICENSE)."""

from __future__ import annotations

import textwrap
from typing import Any

from tfhub_dataset import DATA, PROJECT_URL
from tfhub_dataset.package.write import ReleaseInfo, repository_name
from tfhub_dataset.study import (
    STUDY_AUTHORS,
    STUDY_DOI,
    STUDY_PUBLISHER,
    STUDY_SHORT,
    STUDY_TITLE,
    STUDY_VENUE,
    STUDY_YEAR,
    study_cff,
)

LICENSE_PATH = DATA / "LICENSE"
# The repository's LICENSE: the Apache License 2.0 text, then this separator, then what it covers.
SEPARATOR = "-" * 80


def release_url(info: ReleaseInfo) -> str:
    """This release in the dataset's own repository (never the source repository's tree)."""
    return f"{PROJECT_URL}/tree/main/releases/{info.release_id}"


def study_mention() -> str:
    """The study the dataset builds on, in one phrase with its DOI (for titles and abstracts:
    cffconvert's BibTeX, APA and Zenodo outputs drop a CFF's references)."""
    return f"building on {STUDY_AUTHORS[0][1]} et al., {STUDY_SHORT}, doi:{STUDY_DOI}"


def citation_title(title: str, info: ReleaseInfo) -> str:
    """The title a release is cited by: the dataset, the release and its version (BibTeX has
    no version field), and the study."""
    return f"{title}, release {info.release_id}, version {info.version} ({study_mention()})"


def cff_bytes(
    info: ReleaseInfo, title: str, abstract: str, keywords: list[str], references: list[Any]
) -> bytes:
    """CITATION.cff (CFF 1.2.0) of one release: the dataset's repository and this release's
    folder in it, its version and release date; the source repository (with its commit) and the
    study are references, and named in the abstract too."""
    import yaml

    cff = {
        "cff-version": "1.2.0",
        "message": "If you use this release of the dataset, please cite it as below.",
        "type": "dataset",
        "title": citation_title(title, info),
        "version": info.version,
        "date-released": info.released,
        "authors": [{"name": "tfhub-dataset contributors"}],
        "repository-code": PROJECT_URL,
        "url": PROJECT_URL,
        "license": "Apache-2.0",
        "identifiers": [
            {
                "type": "url",
                "value": release_url(info),
                "description": f"Release {info.release_id} (version {info.version}) in the "
                "dataset's repository.",
            }
        ],
        "abstract": (
            f"Release {info.release_id}, version {info.version}, of tfhub-dataset ({PROJECT_URL}, "
            f"{release_url(info)}). {abstract} It builds on the study {study_reference_text()}"
        ),
        "keywords": keywords,
        "references": references,
    }
    text = yaml.safe_dump(cff, sort_keys=False, allow_unicode=True, width=100)
    return text.encode("utf-8")


def study_reference_text() -> str:
    """The study's reference in plain text (no Markdown), with its DOI."""
    names = [f"{g} {f}" for g, f in STUDY_AUTHORS]
    authors = ", ".join(names[:-1]) + " and " + names[-1]
    return (
        f"{authors} ({STUDY_YEAR}), {STUDY_TITLE}, {STUDY_VENUE}, {STUDY_PUBLISHER}, "
        f"doi:{STUDY_DOI}."
    )


def release_bibtex(info: ReleaseInfo, title: str) -> list[str]:
    """The BibTeX entry of a release (the README shows it; croissant.json's citeAs holds it)."""
    year = info.released[:4]
    repo = repository_name(info.repository_url)
    return [
        f"@misc{{tfhub_dataset_{info.release_id.replace('-', '_')},",
        "  author       = {{tfhub-dataset contributors}},",
        f"  title        = {{{{{title}}}, release {info.release_id}}},",
        f"  year         = {{{year}}},",
        f"  version      = {{{info.version}}},",
        f"  url          = {{{release_url(info)}}},",
        f"  howpublished = {{\\url{{{release_url(info)}}}}},",
        f"  note         = {{Version {info.version}, released {info.released}. Derived from "
        f"{repo} at commit {info.commit} ({info.commit_date}); as of {info.as_of}. Builds on "
        f"{STUDY_AUTHORS[0][1]} et al., {STUDY_SHORT}, doi:{STUDY_DOI}}}",
        "}",
    ]


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


ROOT_MESSAGE = (
    "If you use this dataset, please cite the release you used. This file is the citation of "
    "the latest release, {path}; every release folder under releases/ holds "
    "its own CITATION.cff."
)


def root_citation_cff(
    release_cff: bytes, release_dir: str, others: list[dict[str, str]]
) -> bytes:
    """The repository's CITATION.cff: the latest release's (``release_cff``, in ``release_dir``
    such as releases/<id>), its message saying so, and the latest release of each other hub
    (``others``: title, release, version, url, repository, authors) named in the abstract, its
    source repository among the references."""
    import yaml

    class Loader(yaml.SafeLoader):  # dates stay strings, as CFF's schema wants them
        pass

    Loader.yaml_implicit_resolvers = {
        k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    cff = yaml.load(release_cff.decode("utf-8"), Loader=Loader)
    cff["message"] = ROOT_MESSAGE.format(path=f"{release_dir}/CITATION.cff")
    for other in others:
        cff["abstract"] += (
            f" The same pipeline builds {other['title']}: its latest release is "
            f"{other['release']}, version {other['version']} ({other['url']})."
        )
        cff["references"].append(
            {
                "type": "data",
                "title": repository_name(other["repository"]),
                "authors": [{"name": other["authors"]}],
                "repository": other["repository"],
                "url": other["repository"],
                "notes": f"The source repository of the releases of {other['title']}.",
            }
        )
    return yaml.safe_dump(cff, sort_keys=False, allow_unicode=True, width=100).encode("utf-8")
