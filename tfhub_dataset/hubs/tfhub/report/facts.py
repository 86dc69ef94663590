"""Figures about one release, computed from its tables: shared by the README and its reproduction.

Counting conventions used by the report (on top of those in tables.py):
- a model's tags (tasks, architectures, datasets) count toward its *primary domain*
  (models.domain), so a model adds to one domain only, as it does in the domain model counts;
- per-domain counts of tags are counts of distinct ids; a total over domains is the number of
  distinct ids overall (an id used in two domains counts once there);
- history: see report/history_facts.py.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import cached_property

from tfhub_dataset.report.history_facts import HistoryFacts
from tfhub_dataset.report.markdown import mean_sd
from tfhub_dataset.report.release import Release, Row

BRIDGE_COLUMNS = {
    "model_tasks": "task",
    "model_architectures": "architecture",
    "model_datasets": "dataset",
    "model_languages": "language",
}
VARIANT_KINDS = (
    ("Lite", "lite", "has_lite", "Lite"),
    ("Tfjs", "tfjs", "has_tfjs", "TF.js"),
    ("Coral", "coral", "has_coral", "Coral"),
)


class Facts:
    """Lazily computed figures of one release."""

    def __init__(self, release: Release) -> None:
        self.r = release

    # --- basic views ---------------------------------------------------------------------------

    @cached_property
    def models(self) -> list[Row]:
        return self.r["models"]

    @cached_property
    def publishers(self) -> list[Row]:
        return self.r["publishers"]

    @cached_property
    def publisher(self) -> dict[str, Row]:
        return {p["handle"]: p for p in self.publishers}

    def publisher_name(self, handle: str) -> str:
        row = self.publisher.get(handle)
        return (row or {}).get("display_name") or handle

    @cached_property
    def model(self) -> dict[str, Row]:
        return {m["handle"]: m for m in self.models}

    @cached_property
    def versions(self) -> list[Row]:
        return self.r["versions"]

    @cached_property
    def types(self) -> Counter:
        return Counter(p["type"] for p in self.publishers)

    @cached_property
    def with_models(self) -> list[Row]:
        return [p for p in self.publishers if p["model_count"] > 0]

    def models_per_publisher(self, only_with_models: bool) -> tuple[float, float]:
        rows = self.with_models if only_with_models else self.publishers
        return mean_sd([p["model_count"] for p in rows])

    @cached_property
    def top_publishers(self) -> list[Row]:
        return sorted(self.publishers, key=lambda p: (-p["model_count"], p["handle"]))

    # --- domains -------------------------------------------------------------------------------

    @staticmethod
    def domains_of(model: Row) -> list[str]:
        return model["domains"].split(";") if model.get("domains") else []

    @cached_property
    def primary(self) -> Counter:
        return Counter(m["domain"] for m in self.models if m["domain"])

    @cached_property
    def anywhere(self) -> Counter:
        return Counter(d for m in self.models for d in self.domains_of(m))

    @cached_property
    def no_domain(self) -> int:
        return sum(1 for m in self.models if not m["domain"])

    @cached_property
    def domain_order(self) -> list[str]:
        ids = {d["id"] for d in self.r.get("domains") or []} | set(self.anywhere)
        return sorted(ids, key=lambda d: (-self.primary[d], -self.anywhere[d], d))

    def bridge(self, table: str) -> list[Row]:
        return self.r.get(table) or []

    def tags_by_domain(
        self, table: str, *, first_only: bool = False, exclude: frozenset[str] = frozenset()
    ) -> dict[str, set[str]]:
        """Distinct tag ids per primary domain of the models that list them."""
        column = BRIDGE_COLUMNS[table]
        out: dict[str, set[str]] = defaultdict(set)
        for row in self.bridge(table):
            if first_only and row["position"] != 1:
                continue
            if row[column] in exclude:
                continue
            domain = self.model[row["model"]]["domain"]
            if domain:
                out[domain].add(row[column])
        return out

    def tag_models(self, table: str) -> dict[str, set[str]]:
        """Tag id -> models listing it."""
        column = BRIDGE_COLUMNS[table]
        out: dict[str, set[str]] = defaultdict(set)
        for row in self.bridge(table):
            out[row[column]].add(row["model"])
        return out

    def tag_domains(self, table: str) -> dict[str, set[str]]:
        """Tag id -> primary domains of the models listing it."""
        out: dict[str, set[str]] = defaultdict(set)
        for tag, models in self.tag_models(table).items():
            for m in models:
                if self.model[m]["domain"]:
                    out[tag].add(self.model[m]["domain"])
        return out

    def display(self, vocabulary: str) -> dict[str, str]:
        return {r["id"]: (r.get("display_name") or r["id"]) for r in self.r.get(vocabulary) or []}

    # --- links ---------------------------------------------------------------------------------

    @cached_property
    def links(self) -> list[Row]:
        return [ln for ln in self.r.get("publisher_links") or [] if ln["kind"] != "icon"]

    @cached_property
    def publishers_with_links(self) -> set[str]:
        return {ln["publisher"] for ln in self.links}

    def link_publishers(self, link_type: str) -> set[str]:
        return {ln["publisher"] for ln in self.links if ln["link_type"] == link_type}

    # --- versions and formats ------------------------------------------------------------------

    @cached_property
    def version_kinds(self) -> Counter:
        return Counter(v["kind"] for v in self.versions)

    def variant_models(self, flag: str) -> int:
        return sum(1 for m in self.models if m[flag])

    @cached_property
    def unresolved_variants(self) -> int:
        return sum(
            1 for v in self.versions if v["kind"] in ("Lite", "Tfjs", "Coral") and not v["model"]
        )

    # --- misc ----------------------------------------------------------------------------------

    @cached_property
    def collections(self) -> list[Row]:
        return self.r.get("collections") or []

    @cached_property
    def anomalies(self) -> list[Row]:
        return self.r.get("anomalies") or []

    def row_counts(self) -> dict[str, int]:
        return self.r.row_counts()

    @cached_property
    def history(self) -> HistoryFacts:
        return HistoryFacts(self.r)
