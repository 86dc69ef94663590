"""PaddleHub's community rules for the shared history code: its channels (channels.py) and the
facts whose first commit is attributed (each link of a module's READMEs, each module)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tfhub_dataset.history.contributions import CommitFacts, CommunitySpec, DocFacts
from tfhub_dataset.hubs.paddlehub.authors import withhold
from tfhub_dataset.hubs.paddlehub.channels import RULES
from tfhub_dataset.hubs.paddlehub.history import KINDS
from tfhub_dataset.hubs.paddlehub.readme import parse_readme

__all__ = ["COMMUNITY", "FACTS", "RULES"]
README_KINDS = tuple(k for k in KINDS.values() if k != "Module")  # README.md, README_en.md


def readme_links(path: str, handle: str, data: bytes) -> Iterable[tuple[str, str | None]]:
    """The (module, url) of every link one version of a module's README holds, as the release's
    ``links`` rows name them (the parser of releases; e-mail links are never kept)."""
    return [
        (handle, withhold(link.url))
        for link in parse_readme(data).links
        if link.link_type != "email"
    ]


def _publisher(row: dict[str, Any], _tables: Any) -> str | None:
    return row.get("publisher")


def _model_publisher(row: dict[str, Any], tables: dict[str, list[dict[str, Any]]]) -> str | None:
    for model in tables.get("models", []):
        if model["handle"] == row["model"]:
            return model["publisher"]
    return None


FACTS = (
    DocFacts("links", ("model", "url"), README_KINDS, readme_links, _model_publisher),
    CommitFacts("models", "first_seen_commit", _publisher),
)
COMMUNITY = CommunitySpec(RULES, FACTS)
