"""What the comparison reads of one hub's release: a :class:`HubView`, the same shape for every
hub, built by the hub's plug-in (``comparison_view`` in its wiring module) from the release's
written tables.

A hub counts its catalogue in its own unit (a model handle, a model page, a module) and in the
unit a user can load (``loadable``): the comparison states every figure on both, so that a hub
whose pages bundle several loadable models is compared like with like. Publishers are the hub's
own (a publisher doc, a GitHub account, an author string); ``organization`` is the curated
organisation behind one (None: a person publishing on their own, or not annotated).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Units:
    """A catalogue counted in one unit: ``total`` units, and the keys of the units each
    publisher has (a unit two publishers share is in both)."""

    name: str  # what one unit is, e.g. "model handle", "repo:entrypoint:checkpoint"
    total: int
    by_publisher: Mapping[str, frozenset[object]]

    def count(self, publishers: set[str] | frozenset[str]) -> int:
        """The distinct units of a group of publishers."""
        keys: set[object] = set()
        for p in publishers:
            keys |= self.by_publisher.get(p, frozenset())
        return len(keys)


@dataclass(frozen=True)
class Publisher:
    handle: str
    display_name: str
    type: str  # individual | organization | unannotated
    organization: str | None
    evidence: str  # the curated annotation's evidence (type and organisation)


@dataclass(frozen=True)
class Subject:
    """One vocabulary of the hub (tasks' domains, tags, categories): own units per term."""

    vocabulary: str  # e.g. "domain", "tag"
    source: str  # the table and column it is read from, e.g. "models.domains"
    counts: Counter  # term -> own units listing it (a unit under each term it lists)


@dataclass(frozen=True)
class Month:
    month: str  # YYYY-MM
    models: int  # own units at the month's end
    publishers: int  # publishers the snapshot lists
    publishers_with_models: int | None  # publishers with at least one own unit (None: unknown)


@dataclass(frozen=True)
class HubView:
    """One release of one hub, as the comparison reads it."""

    own: Units  # the hub's own unit
    loadable: Units  # what a user can load
    publishers: tuple[Publisher, ...]
    link_publishers: Mapping[str, frozenset[str]]  # link type -> publishers with such a link
    subjects: tuple[Subject, ...]
    growth: tuple[Month, ...]  # the release's monthly snapshots, oldest first
    # The hub's own words for the README: what a publisher is, what its units are, whose links
    # are counted, and what to keep in mind when reading its growth.
    texts: Mapping[str, str] = field(default_factory=dict)
    # The release's community figures (report.community.community_figures: channels,
    # contributors, who publishes whose docs, how links were added); None without those tables.
    community: Mapping[str, Any] | None = None

    def publisher(self, handle: str) -> Publisher | None:
        return next((p for p in self.publishers if p.handle == handle), None)


TEXT_KEYS = ("publishers", "units", "links", "growth")
