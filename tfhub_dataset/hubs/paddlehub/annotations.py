"""PaddleHub's curated judgements under build/annotations/paddlehub/, one line of evidence each:

- ``authors.csv`` (author,publishers,evidence): which publishers an author string
  credits, in order (``;``-separated handles; empty when it names no one, like ``anonymous``):
  the strings mapped to one handle are one publisher;
- ``publisher_types.csv`` (handle,type,evidence): individual or organization, in the
  shape every hub's type annotation has (annotations.load_publisher_types reads it);
- ``organizations.csv`` (handle,organization,evidence): the organisation behind a
  publisher (the company or lab an organisation account belongs to, or a person's employer
  where the repository says it).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tfhub_dataset.annotations import PublisherType, load_publisher_types
from tfhub_dataset.hubs.paddlehub import HUB
from tfhub_dataset.hubs.paddlehub.authors import normalize

ANNOTATIONS = HUB.annotations_dir
AUTHORS_PATH = ANNOTATIONS / "authors.csv"
TYPES_PATH = HUB.annotations
ORGANIZATIONS_PATH = ANNOTATIONS / "organizations.csv"


@dataclass(frozen=True)
class AuthorMapping:
    author: str  # normalised (authors.normalize)
    publishers: tuple[str, ...]
    evidence: str


@dataclass(frozen=True)
class Organization:
    handle: str
    organization: str
    evidence: str


@dataclass(frozen=True)
class Curation:
    """The judgements the tables need beyond the publisher types."""

    authors: dict[str, AuthorMapping] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)


def _rows(text: str, origin: str, header: list[str]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != header:
        raise ValueError(f"{origin}: header must be {','.join(header)}")
    return [(n, {k: (row.get(k) or "") for k in header}) for n, row in enumerate(reader, start=2)]


def parse_authors(text: str, origin: str = "authors.csv") -> dict[str, AuthorMapping]:
    """author,publishers,evidence -> mappings keyed by the normalised author string. Raises
    ValueError on a malformed line."""
    out: dict[str, AuthorMapping] = {}
    for n, row in _rows(text, origin, ["author", "publishers", "evidence"]):
        author = normalize(row["author"])
        handles = tuple(h.strip() for h in row["publishers"].split(";") if h.strip())
        if not author or not row["evidence"].strip():
            raise ValueError(f"{origin}:{n}: an author string and one line of evidence required")
        if author in out:
            raise ValueError(f"{origin}:{n}: {author!r} mapped twice")
        if len(set(handles)) != len(handles):
            raise ValueError(f"{origin}:{n}: a publisher is credited twice")
        out[author] = AuthorMapping(author, handles, row["evidence"].strip())
    return out


def parse_organizations(text: str, origin: str = "organizations.csv") -> dict[str, Organization]:
    """handle,organization,evidence -> by handle. Raises ValueError on a malformed line."""
    out: dict[str, Organization] = {}
    for n, row in _rows(text, origin, ["handle", "organization", "evidence"]):
        handle, org, evidence = (row[k].strip() for k in ("handle", "organization", "evidence"))
        if not handle or not org or not evidence:
            raise ValueError(f"{origin}:{n}: handle, organization and evidence required")
        if handle in out:
            raise ValueError(f"{origin}:{n}: {handle!r} given twice")
        out[handle] = Organization(handle, org, evidence)
    return out


def load_curation(folder: Path = ANNOTATIONS) -> Curation:
    """The author mapping and the organisations (ValueError on a malformed line)."""
    authors = folder / AUTHORS_PATH.name
    orgs = folder / ORGANIZATIONS_PATH.name
    return Curation(
        parse_authors(authors.read_text(encoding="utf-8"), str(authors)),
        parse_organizations(orgs.read_text(encoding="utf-8"), str(orgs)),
    )


def load_types(folder: Path = ANNOTATIONS) -> dict[str, PublisherType]:
    return load_publisher_types(folder / TYPES_PATH.name)


@cache
def default_curation() -> Curation:
    """The committed judgements, read once per process."""
    return load_curation()
