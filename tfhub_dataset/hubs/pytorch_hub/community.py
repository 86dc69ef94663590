"""PyTorch Hub's community rules for the shared history code: its channels (channels.py) and the
facts whose first commit is attributed (each link of a model page, each model)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tfhub_dataset.history.contributions import CommitFacts, CommunitySpec, DocFacts
from tfhub_dataset.hubs.pytorch_hub.catalog import PAGE_KIND
from tfhub_dataset.hubs.pytorch_hub.channels import RULES
from tfhub_dataset.hubs.pytorch_hub.page import parse_page

__all__ = ["COMMUNITY", "FACTS", "RULES"]


def page_links(path: str, handle: str, data: bytes) -> Iterable[tuple[str, str]]:
    """The (model, url) of every link one version of a model page holds, as the release's
    ``links`` rows name them (the parser of releases, on that version's bytes)."""
    page = parse_page(path, data)
    if not page.is_model:
        return ()
    return [(page.handle, link.url) for link in page.links]


def _model_publisher(row: dict[str, Any], tables: dict[str, list[dict[str, Any]]]) -> str | None:
    for model in tables.get("models", []):
        if model["handle"] == row["model"]:
            return model["publisher"]
    return None


def _publisher(row: dict[str, Any], _tables: Any) -> str | None:
    return row.get("publisher")


FACTS = (
    DocFacts("links", ("model", "url"), PAGE_KIND, page_links, _model_publisher),
    CommitFacts("models", "first_seen_commit", _publisher),
)
COMMUNITY = CommunitySpec(RULES, FACTS)
