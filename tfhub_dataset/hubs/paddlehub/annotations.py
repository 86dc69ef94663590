"""PaddleHub's curated judgements under build/annotations/paddlehub/, one line of evidence each:

- ``authors.csv`` (author,publishers,evidence): which publishers an author string
  credits, in order (``;``-separated handles; empty when it names no one, like ``anonymous``):
  the strings mapped to one handle are one publisher;
- ``publisher_types.csv`` (handle,type,organization,evidence): individual or organization and
  the organisation behind the publisher (the company or lab an organisation account belongs
  to, or a person's institution where the repository says it; one of the shared
  build/annotations/organizations.csv), in the shape every hub's annotation has
  (annotations.load_publisher_types reads it).
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


@dataclass(frozen=True)
class AuthorMapping:
    author: str  # normalised (authors.normalize)
    publishers: tuple[str, ...]
    evidence: str


@dataclass(frozen=True)
class Curation:
    """The judgements the tables need beyond the publisher types."""

    authors: dict[str, AuthorMapping] = field(default_factory=dict)


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


def load_curation(folder: Path = ANNOTATIONS) -> Curation:
    """The author mapping (ValueError on a malformed line)."""
    authors = folder / AUTHORS_PATH.name
    return Curation(parse_authors(authors.read_text(encoding="utf-8"), str(authors)))


def load_types(folder: Path = ANNOTATIONS) -> dict[str, PublisherType]:
    return load_publisher_types(folder / TYPES_PATH.name)


@cache
def default_curation() -> Curation:
    """The committed judgements, read once per process."""
    return load_curation()
