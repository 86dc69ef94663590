"""Curated display names of PyTorch Hub's publishers (GitHub accounts), one line of evidence each:
build/annotations/pytorch_hub/publisher_names.csv (handle,display_name,evidence).

A publisher's pages each give an author string of their own ('Facebook AI', 'FAIR HDGAN', ...);
naming the account after the most frequent one labels every page with what only some say, so the
name is curated, from the pages' own data (author strings, links), and the author strings stay per
page (models.author)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache

from tfhub_dataset.hubs.pytorch_hub import HUB

NAMES_FILE = "publisher_names.csv"
NAMES_PATH = f"build/annotations/{HUB.folder}/{NAMES_FILE}"  # as recorded in anomalies
HEADER = ["handle", "display_name", "evidence"]


@dataclass(frozen=True)
class PublisherName:
    handle: str
    display_name: str
    evidence: str


def parse_publisher_names(text: str, origin: str = NAMES_FILE) -> dict[str, PublisherName]:
    """handle -> its curated name. Raises ValueError on a malformed line."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != HEADER:
        raise ValueError(f"{origin}: header must be {','.join(HEADER)}")
    out: dict[str, PublisherName] = {}
    for n, row in enumerate(reader, start=2):
        handle, name, evidence = ((row.get(k) or "").strip() for k in HEADER)
        if not handle or not name or not evidence:
            raise ValueError(f"{origin}:{n}: a handle, a name and one line of evidence required")
        if handle in out:
            raise ValueError(f"{origin}:{n}: {handle!r} named twice")
        out[handle] = PublisherName(handle, name, evidence)
    return out


@cache
def curated_names() -> dict[str, PublisherName]:
    """The names in the project's annotations folder (read once per process)."""
    path = HUB.annotations_dir / NAMES_FILE
    return parse_publisher_names(path.read_text(encoding="utf-8"), str(path))
