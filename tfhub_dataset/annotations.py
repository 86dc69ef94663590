"""Curated judgements kept under build/annotations/: publisher types (one folder per hub), the
hubs' organizations, one line of evidence each."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from tfhub_dataset.hubs import DEFAULT_HUB
from tfhub_dataset.hubs import HUBS as HUB_REGISTRY
from tfhub_dataset.plugin import ANNOTATIONS

PUBLISHER_TYPES = ("individual", "organization")
DEFAULT_PATH = HUB_REGISTRY[DEFAULT_HUB].annotations  # the default hub's publisher types


@dataclass(frozen=True)
class PublisherType:
    handle: str
    type: str
    evidence: str


def load_publisher_types(path: Path | None = None) -> dict[str, PublisherType]:
    """Read the annotation CSV (handle,type,evidence). Raises ValueError on a malformed line."""
    text = (path or DEFAULT_PATH).read_text(encoding="utf-8")
    return parse_publisher_types(text, str(path or DEFAULT_PATH))


def parse_publisher_types(
    text: str, origin: str = "publisher_types.csv"
) -> dict[str, PublisherType]:
    out: dict[str, PublisherType] = {}
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != ["handle", "type", "evidence"]:
        raise ValueError(f"{origin}: header must be handle,type,evidence")
    for n, row in enumerate(reader, start=2):
        handle, kind, evidence = (row.get(k) or "" for k in ("handle", "type", "evidence"))
        if kind not in PUBLISHER_TYPES:
            raise ValueError(f"{origin}:{n}: type {kind!r} is not one of {PUBLISHER_TYPES}")
        if not handle or not evidence.strip():
            raise ValueError(f"{origin}:{n}: a handle and one line of evidence are required")
        if handle in out:
            raise ValueError(f"{origin}:{n}: {handle!r} annotated twice")
        out[handle] = PublisherType(handle, kind, evidence.strip())
    return out


HUBS = tuple(HUB_REGISTRY)  # hub ids (hubs/__init__.py)
HUB_ORGANIZATIONS_PATH = ANNOTATIONS / "hub_organizations.csv"


@dataclass(frozen=True)
class HubOrganization:
    """A publisher of one hub, matched to the organization it belongs to."""

    organization: str
    hub: str
    publisher: str
    evidence: str


def parse_hub_organizations(
    text: str, origin: str = "hub_organizations.csv"
) -> dict[tuple[str, str], HubOrganization]:
    """The curated mapping (organization,hub,publisher,evidence), keyed by (hub, publisher).
    Raises ValueError on a malformed line."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != ["organization", "hub", "publisher", "evidence"]:
        raise ValueError(f"{origin}: header must be organization,hub,publisher,evidence")
    out: dict[tuple[str, str], HubOrganization] = {}
    for n, row in enumerate(reader, start=2):
        org, hub, publisher, evidence = (
            (row.get(k) or "").strip() for k in ("organization", "hub", "publisher", "evidence")
        )
        if hub not in HUBS:
            raise ValueError(f"{origin}:{n}: hub {hub!r} is not one of {HUBS}")
        if not org or not publisher or not evidence:
            raise ValueError(f"{origin}:{n}: organization, publisher and evidence required")
        if (hub, publisher) in out:
            raise ValueError(f"{origin}:{n}: {hub} publisher {publisher!r} mapped twice")
        out[(hub, publisher)] = HubOrganization(org, hub, publisher, evidence)
    return out


def load_hub_organizations(
    path: Path = HUB_ORGANIZATIONS_PATH,
) -> dict[tuple[str, str], HubOrganization]:
    """The curated mapping of hub publishers to organizations (ValueError on a malformed line)."""
    return parse_hub_organizations(path.read_text(encoding="utf-8"), str(path))
