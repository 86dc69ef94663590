"""TF Hub's community rules for the shared history code: its channels (channels.py) and the
facts whose first commit is attributed (each publisher link, each model)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tfhub_dataset.history.contributions import CommitFacts, CommunitySpec, DocFacts
from tfhub_dataset.hubs.tfhub.channels import RULES
from tfhub_dataset.hubs.tfhub.docs import parse_doc

__all__ = ["COMMUNITY", "FACTS", "RULES"]


def publisher_links(path: str, handle: str, data: bytes) -> Iterable[tuple[str, str]]:
    """The (publisher, url) of every link one version of a publisher doc holds, as the release's
    ``publisher_links`` rows name them (the parser of releases, on that version's bytes)."""
    doc = parse_doc(path, data)
    if doc.kind != "Publisher" or not doc.handle:
        return ()
    return [(doc.handle, link.url) for link in doc.links]


def _publisher(row: dict[str, Any], _tables: Any) -> str | None:
    return row.get("publisher")


FACTS = (
    DocFacts("publisher_links", ("publisher", "url"), "Publisher", publisher_links, _publisher),
    CommitFacts("models", "first_seen_commit", _publisher),
)
COMMUNITY = CommunitySpec(RULES, FACTS)
