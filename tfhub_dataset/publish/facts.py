"""What a release says of itself to the field (Croissant, the datasheet, Datasette, Zenodo), from
its written files only: its descriptor, its Table Schemas and its tables read back, the same way
the README reads them (report/release.py), so that every one of those files states what the
files hold. Nothing here names a hub: a hub's own words come from its wiring
(``release_texts``), see texts.py."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from tfhub_dataset.hubs import Hub, hub
from tfhub_dataset.package.write import ReleaseInfo
from tfhub_dataset.report.release import Release, read_release

# Link types that reach a person directly (the shared link-typing rules' ids).
CONTACT_LINK_TYPES = ("email", "linkedin", "twitter")


@dataclass(frozen=True)
class FieldFacts:
    """A written release: its files, its descriptor and its tables."""

    files: Mapping[str, bytes]
    info: ReleaseInfo

    @property
    def hub(self) -> Hub:
        return hub(self.info.hub)

    @cached_property
    def descriptor(self) -> dict[str, Any]:
        return json.loads(self.files["datapackage.json"].decode("utf-8"))

    @cached_property
    def release(self) -> Release:
        inputs = {
            p: b
            for p, b in self.files.items()
            if p.startswith("schemas/") or (p.startswith("data/") and p.endswith(".csv"))
        }
        return read_release(inputs)

    @property
    def tables(self) -> list[str]:
        return sorted(self.release.schemas)

    def rows(self, name: str) -> list[dict[str, Any]]:
        return self.release.get(name) or []

    @cached_property
    def publisher_types(self) -> Counter:
        return Counter(p.get("type") or "unannotated" for p in self.rows("publishers"))

    @cached_property
    def contact_links(self) -> dict[str, set[str]]:
        """Individual publishers by contact link type (e-mail, LinkedIn, Twitter/X) in the pages
        the release reads: a link table's rows with a ``link_type``, by ``publisher`` or through
        the ``model`` they are on."""
        people = {p["handle"] for p in self.rows("publishers") if p.get("type") == "individual"}
        publisher_of = {m["handle"]: m.get("publisher") for m in self.rows("models")}
        out: dict[str, set[str]] = {t: set() for t in CONTACT_LINK_TYPES}
        for name in self.tables:
            fields = {f["name"] for f in self.release.schemas[name]["fields"]}
            if "link_type" not in fields:
                continue
            for row in self.rows(name):
                who = row.get("publisher") if "publisher" in fields else None
                if who is None and "model" in fields:
                    who = publisher_of.get(row["model"])
                if who in people and row["link_type"] in out:
                    out[row["link_type"]].add(who)
        return out

    @property
    def individuals_with_contact(self) -> int:
        return len(set().union(*self.contact_links.values()))

    @cached_property
    def months(self) -> tuple[str, str] | None:
        """The first and last month of the history (``snapshots``), None without history."""
        months = sorted(str(r["month"]) for r in self.rows("snapshots") if r.get("month"))
        return (months[0], months[-1]) if months else None

    @property
    def has_contributors(self) -> bool:
        """The release holds the git history's contributor tables (pseudonymous ids)."""
        return self.release.has("contributors")
