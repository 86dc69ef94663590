"""Curated judgements kept under build/annotations/: the organisations behind publishers (shared
by every hub, build/annotations/organizations.csv), publisher types with the organisation behind
each publisher (one folder per hub), one line of evidence each."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tfhub_dataset.hubs import DEFAULT_HUB
from tfhub_dataset.hubs import HUBS as HUB_REGISTRY
from tfhub_dataset.plugin import ANNOTATIONS

PUBLISHER_TYPES = ("individual", "organization")
DEFAULT_PATH = HUB_REGISTRY[DEFAULT_HUB].annotations  # the default hub's publisher types
ORGANIZATIONS_PATH = ANNOTATIONS / "organizations.csv"
PUBLISHER_TYPES_HEADER = ["handle", "type", "organization", "evidence"]


@dataclass(frozen=True)
class Organization:
    """A canonical organisation name, the same on every hub, and what it is."""

    name: str
    evidence: str


def parse_organizations(text: str, origin: str = "organizations.csv") -> dict[str, Organization]:
    """The shared list of organisations (organization,evidence). Raises ValueError on a
    malformed line."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != ["organization", "evidence"]:
        raise ValueError(f"{origin}: header must be organization,evidence")
    out: dict[str, Organization] = {}
    for n, row in enumerate(reader, start=2):
        name, evidence = ((row.get(k) or "").strip() for k in ("organization", "evidence"))
        if not name or not evidence:
            raise ValueError(f"{origin}:{n}: an organization and one line of evidence required")
        if name in out:
            raise ValueError(f"{origin}:{n}: {name!r} listed twice")
        out[name] = Organization(name, evidence)
    return out


def load_organizations(path: Path = ORGANIZATIONS_PATH) -> dict[str, Organization]:
    """The organisations every hub's annotation may name (ValueError on a malformed line)."""
    return parse_organizations(path.read_text(encoding="utf-8"), str(path))


@dataclass(frozen=True)
class PublisherType:
    handle: str
    type: str  # individual or organization: the publisher (for an account-based hub, the account)
    evidence: str
    # The canonical organisation behind the publisher (organizations.csv); None for a person
    # publishing on their own.
    organization: str | None = None


def load_publisher_types(
    path: Path | None = None, organizations: Path = ORGANIZATIONS_PATH
) -> dict[str, PublisherType]:
    """Read a hub's annotation CSV (handle,type,organization,evidence), each organisation checked
    against ``organizations``. Raises ValueError on a malformed line."""
    text = (path or DEFAULT_PATH).read_text(encoding="utf-8")
    return parse_publisher_types(text, str(path or DEFAULT_PATH), load_organizations(organizations))


def parse_publisher_types(
    text: str,
    origin: str = "publisher_types.csv",
    organizations: dict[str, Organization] | None = None,
) -> dict[str, PublisherType]:
    """Parse a hub's annotation CSV; an organisation must be one of ``organizations`` (default:
    build/annotations/organizations.csv)."""
    known = load_organizations() if organizations is None else organizations
    out: dict[str, PublisherType] = {}
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != PUBLISHER_TYPES_HEADER:
        raise ValueError(f"{origin}: header must be {','.join(PUBLISHER_TYPES_HEADER)}")
    for n, row in enumerate(reader, start=2):
        handle, kind, org, evidence = (row.get(k) or "" for k in PUBLISHER_TYPES_HEADER)
        if kind not in PUBLISHER_TYPES:
            raise ValueError(f"{origin}:{n}: type {kind!r} is not one of {PUBLISHER_TYPES}")
        if not handle or not evidence.strip():
            raise ValueError(f"{origin}:{n}: a handle and one line of evidence are required")
        if handle in out:
            raise ValueError(f"{origin}:{n}: {handle!r} annotated twice")
        org = org.strip()
        if org and org not in known:
            raise ValueError(f"{origin}:{n}: organization {org!r} is not in organizations.csv")
        if kind == "organization" and not org:
            raise ValueError(f"{origin}:{n}: an organization publisher names its organization")
        out[handle] = PublisherType(handle, kind, evidence.strip(), org or None)
    return out


# --------------------------------------------------------------------------------------------
# Contributors: aliases and opt-outs of one hub, by commit (never by e-mail address or name).
# Each hub keeps them in its annotations folder (build/annotations/<folder>/).

CONTRIBUTOR_ALIASES = "contributor_aliases.csv"
CONTRIBUTOR_OPT_OUTS = "contributor_opt_outs.csv"
ROLES = ("author", "committer")
_SHA = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class CommitIdentity:
    """The author or committer of one commit: how the annotations name a person."""

    commit: str
    role: str


@dataclass(frozen=True)
class ContributorAlias:
    """Two commits' identities that are one person, with one line of evidence."""

    identity: CommitIdentity
    same_as: CommitIdentity
    evidence: str


@dataclass(frozen=True)
class OptOut:
    """A person who asked to be left out of the contributors tables, named by one commit."""

    identity: CommitIdentity
    requested: str  # YYYY-MM-DD


def _identity(commit: str, role: str, origin: str) -> CommitIdentity:
    if not _SHA.fullmatch(commit):
        raise ValueError(f"{origin}: {commit[:50]!r} is not a full commit SHA")
    if role not in ROLES:
        raise ValueError(f"{origin}: role {role[:20]!r} is not one of {ROLES}")
    return CommitIdentity(commit, role)


def _rows(text: str, origin: str, header: list[str]) -> Iterator[tuple[str, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != header:
        raise ValueError(f"{origin}: header must be {','.join(header)}")
    for n, row in enumerate(reader, start=2):
        yield f"{origin}:{n}", {k: (row.get(k) or "").strip() for k in header}


def parse_contributor_aliases(
    text: str, origin: str = CONTRIBUTOR_ALIASES
) -> list[ContributorAlias]:
    """commit,role,same_as_commit,same_as_role,evidence; ValueError on a malformed line, and on
    evidence that holds an e-mail address (people are named by commits only)."""
    header = ["commit", "role", "same_as_commit", "same_as_role", "evidence"]
    out = []
    for where, v in _rows(text, origin, header):
        if not v["evidence"] or "@" in v["evidence"]:
            raise ValueError(f"{where}: one line of evidence, naming no e-mail address")
        out.append(
            ContributorAlias(
                _identity(v["commit"], v["role"], where),
                _identity(v["same_as_commit"], v["same_as_role"], where),
                v["evidence"],
            )
        )
    return out


def parse_opt_outs(text: str, origin: str = CONTRIBUTOR_OPT_OUTS) -> list[OptOut]:
    """commit,role,requested; ValueError on a malformed line."""
    out = []
    for where, v in _rows(text, origin, ["commit", "role", "requested"]):
        try:
            dt.date.fromisoformat(v["requested"])
        except ValueError:
            raise ValueError(f"{where}: requested must be a YYYY-MM-DD date") from None
        out.append(OptOut(_identity(v["commit"], v["role"], where), v["requested"]))
    return out


def load_contributor_aliases(folder: Path) -> list[ContributorAlias]:
    """A hub's curated aliases (none when its folder has no such file)."""
    path = folder / CONTRIBUTOR_ALIASES
    if not path.is_file():
        return []
    return parse_contributor_aliases(path.read_text(encoding="utf-8"), str(path))


def load_opt_outs(folder: Path) -> list[OptOut]:
    """A hub's opt-outs (none when its folder has no such file)."""
    path = folder / CONTRIBUTOR_OPT_OUTS
    return parse_opt_outs(path.read_text(encoding="utf-8"), str(path)) if path.is_file() else []
