"""Reproduction of the published figures (release 2022-04-05 only), written as data.

``SECTIONS`` reads like the study's own tables: each section lists its published figures, one
``Figure`` entry each (the figure's name, the published value from published.py, and how this
release's figure is computed), and the function that explains them from the tables.
``reproduction_section`` renders the entries: one summary row per figure, then each section's
explanation, then the inconsistencies found inside the published figures. Adding a figure is one
entry.

Each published figure is set beside this release's figure under the dataset's own convention and,
where a counting convention decides the figure, under the convention that comes closest. Every
difference is explained from the data (the models and publishers involved are named); where the
tables cannot settle a difference the text says so and lists the candidates with their evidence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

from tfhub_dataset.hubs.tfhub.report import published as P
from tfhub_dataset.hubs.tfhub.report.crawler import crawler_lines
from tfhub_dataset.hubs.tfhub.report.facts import BRIDGE_COLUMNS, Facts
from tfhub_dataset.package.write import ReleaseInfo
from tfhub_dataset.report.markdown import code, dec, md_escape, mean_sd, n, names, pct, table
from tfhub_dataset.report.release import Row

# Link wording: a link is "worded" as a type when its label, or its text other than the URL
# itself, names the type.
LINK_WORDS = {
    "github": "github",
    "linkedin": "linkedin",
    "twitter": "twitter",
    "kaggle": "kaggle",
    "website": "website",
}
# Conventions tried for the link figures, in order of preference on ties; the first is our own.
LINK_CONVENTIONS = ("host", "host and wording", "wording", "written, five types")
LINK_HEADERS = [c.capitalize() for c in LINK_CONVENTIONS[1:]]

INTRO = (
    f"The study *{P.STUDY_TITLE}* ({P.STUDY_SHORT}) crawled tfhub.dev on {P.CRAWLED}; this "
    "release is the state of tensorflow/tfhub.dev in force that day. Below, each published "
    "figure stands beside this release's figure under the dataset's own convention and, "
    "where a counting convention decides the figure, under the convention that comes "
    "closest. Every explanation is computed from this folder's tables; where the tables "
    "cannot settle a difference, the text says so and lists the candidates."
)
SUMMARY_NOTE = (
    "*Difference* is this release's figure (own convention) minus the published "
    "one. *Closest convention* is the figure under the counting convention, among "
    "those tried below, that comes closest to the published one."
)


@dataclass(frozen=True)
class Outcome:
    """This release's side of one summary row."""

    ours: str
    diff: str
    finding: str
    closest: str = ""


@dataclass(frozen=True)
class Figure:
    """One published figure: its name, the published value, and how this release's figure is
    computed (None: the release has nothing to set beside it, and the summary leaves it out)."""

    name: str
    published: str
    compute: Callable[[Study], Outcome | None]


@dataclass(frozen=True)
class Section:
    """Published figures explained together, and the explanation (Markdown lines)."""

    title: str
    figures: tuple[Figure, ...]
    explain: Callable[[Study], list[str]]


def reproduction_section(facts: Facts, info: ReleaseInfo) -> list[str]:
    """Markdown lines of the section, or [] for releases other than the study's crawl date."""
    if info.as_of != P.CRAWLED:
        return []
    study = Study(facts)
    rows = []
    for section in SECTIONS:
        for figure in section.figures:
            out = figure.compute(study)
            if out is not None:
                rows.append(
                    [figure.name, figure.published, out.ours, out.closest, out.diff, out.finding]
                )
    lines = [INTRO, "", "### Summary", ""]
    lines += table(
        ["Figure", "Published", "This release", "Closest convention", "Difference", "Finding"],
        rows,
        "lrrrrl",
    )
    lines += ["", SUMMARY_NOTE]
    for section in SECTIONS:
        lines += ["", f"### {section.title}", "", *section.explain(study)]
    found = [text for check in INCONSISTENCIES for text in check(study)]
    lines += ["", "### Inconsistencies inside the published figures", ""]
    lines += [f"- {t}" for t in found] or ["None found."]
    return lines


# --- helpers -------------------------------------------------------------------------------------


def _signed(value: float, places: int = 0) -> str:
    if places == 0:
        return f"{int(value):+,}" if value else "0"
    return f"{value:+.{places}f}" if value else dec(0, places)


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _count(ours: int, published: int, otherwise: str, closest: str = "") -> Outcome:
    """A count beside its published value: 'reproduced' when equal, else ``otherwise``."""
    return Outcome(
        n(ours),
        _signed(ours - published),
        "reproduced" if ours == published else otherwise,
        closest,
    )


def _worded(link: Row, word: str) -> bool:
    label = (link.get("label") or "").lower()
    text = link.get("text") or ""
    if text == link["url"] or text.lower().startswith(("http://", "https://", "www.")):
        text = ""
    return word in label or word in text.lower()


def _family(display_name: str) -> str:
    """A display name's leading word: 'MobileNet V1' -> 'MobileNet', 'VGG-style' -> 'VGG'."""
    match = re.match(r"[A-Za-z]+", display_name)
    return match.group(0) if match else display_name


@dataclass(frozen=True)
class TagConventions:
    """Distinct ids per primary domain of one tag table under each convention tried."""

    variants: list[tuple[str, dict[str, set[str]]]]  # the first is the dataset's own
    best_label: str
    best: dict[str, set[str]]

    @property
    def own(self) -> dict[str, set[str]]:
        return self.variants[0][1]


class Study:
    """This release's figures under the conventions tried, computed once from its tables."""

    def __init__(self, facts: Facts) -> None:
        self.f = facts

    # --- publishers and their counts ----------------------------------------------------------

    @cached_property
    def by_name(self) -> dict[str, Row]:
        return {(p.get("display_name") or p["handle"]): p for p in self.f.publishers}

    @cached_property
    def implied(self) -> dict[str, list[int]]:
        """For each published top publisher: the model counts whose share of the published total
        rounds to the published share."""
        return {
            tp.name: [k for k in range(P.MODELS + 1) if _share(k, P.MODELS) == tp.share]
            for tp in P.TOP_PUBLISHERS
        }

    @cached_property
    def adjusted(self) -> dict[str, int]:
        """This release's counts, with the published count for each top publisher whose published
        count agrees with its own published share (and which therefore can be trusted)."""
        counts = {p["handle"]: p["model_count"] for p in self.f.publishers}
        for tp in P.TOP_PUBLISHERS:
            row = self.by_name.get(tp.name)
            if row is not None and tp.models in self.implied[tp.name]:
                counts[row["handle"]] = tp.models
        return counts

    @cached_property
    def adjusted_text(self) -> str:
        parts = []
        for tp in P.TOP_PUBLISHERS:
            row = self.by_name.get(tp.name)
            if (
                row is not None
                and row["model_count"] != tp.models
                and tp.models in self.implied[tp.name]
            ):
                parts.append(f"{tp.name.rstrip('.')} {n(tp.models)}")
        return ", ".join(parts) or "none"

    @cached_property
    def adjusted_mean_sd(self) -> tuple[float, float, int]:
        """Mean and sd over the publishers with models, with the adjusted counts; how many."""
        values = [self.adjusted[p["handle"]] for p in self.f.publishers if p["model_count"] > 0]
        mean, sd = mean_sd(values)
        return mean, sd, len(values)

    @cached_property
    def trusted_counts(self) -> list[tuple[P.TopPublisher, int]]:
        """Each top publisher's count that agrees with its printed share."""
        out = []
        for tp in P.TOP_PUBLISHERS:
            row = self.by_name.get(tp.name)
            if tp.models in self.implied[tp.name] or row is None:
                out.append((tp, tp.models))
            elif row["model_count"] in self.implied[tp.name]:
                out.append((tp, row["model_count"]))
            else:
                out.append((tp, tp.models))
        return out

    @cached_property
    def located(self) -> tuple[list[tuple[str, str, int, int]], int, int, int]:
        """(name, handle, count here, trusted count) of each top publisher whose count differs;
        the trusted counts' sum; the other publishers' models in the study and here."""
        diffs = []
        fixed = 0
        for tp, count in self.trusted_counts:
            row = self.by_name.get(tp.name)
            if row is None:
                continue
            fixed += count
            if row["model_count"] != count:
                diffs.append((tp.name.rstrip("."), row["handle"], row["model_count"], count))
        rest_ours = sum(
            p["model_count"] for p in self.f.publishers if p["handle"] not in self.top_handles
        )
        return diffs, fixed, P.MODELS - fixed, rest_ours

    @cached_property
    def top_handles(self) -> set[str]:
        return {
            self.by_name[tp.name]["handle"] for tp in P.TOP_PUBLISHERS if tp.name in self.by_name
        }

    @cached_property
    def diff_publishers(self) -> list[str]:
        """Handles whose model counts explain the whole difference in models (else empty)."""
        diffs, _, rest_pub, rest_ours = self.located
        return [handle for _, handle, _, _ in diffs] if rest_pub == rest_ours else []

    # --- links ---------------------------------------------------------------------------------

    @cached_property
    def link_sets(self) -> dict[str, dict[str, set[str]]]:
        """Link type -> convention -> publishers counted."""
        links = self.f.links

        def five_types(ln: Row) -> str | None:
            # Written as a link (no bare URL), typed into the study's five types only.
            if ln["kind"] == "bare" or ln["link_type"] == "email":
                return None
            return ln["link_type"] if ln["link_type"] in P.LINK_TYPES else "website"

        out = {}
        for link_type in P.LINK_TYPES:
            word = LINK_WORDS[link_type]
            out[link_type] = {
                "host": {ln["publisher"] for ln in links if ln["link_type"] == link_type},
                "wording": {ln["publisher"] for ln in links if _worded(ln, word)},
                "host and wording": {
                    ln["publisher"]
                    for ln in links
                    if ln["link_type"] == link_type and _worded(ln, word)
                },
                "written, five types": {
                    ln["publisher"] for ln in links if five_types(ln) == link_type
                },
            }
        return out

    def closest_link_convention(self, link_type: str) -> str:
        sets, pub = self.link_sets[link_type], P.LINK_TYPES[link_type]
        order = list(LINK_CONVENTIONS)
        return min(order, key=lambda c: (abs(len(sets[c]) - pub), order.index(c)))

    def link_evidence(self, pubs: set[str], link_type: str, word: bool = False) -> str:
        out = []
        for p in sorted(pubs):
            links = [
                ln
                for ln in self.f.links
                if ln["publisher"] == p
                and (
                    (_worded(ln, LINK_WORDS[link_type]) and ln["link_type"] != link_type)
                    if word
                    else ln["link_type"] == link_type
                )
            ]
            ln = links[0]
            how = (
                f"label '{ln['label']}'"
                if ln.get("label")
                else (
                    f"text '{ln['text']}'"
                    if ln.get("text") and ln["text"] != ln["url"]
                    else f"a {ln['kind']} URL"
                )
            )
            out.append(f"{code(p)} ({md_escape(ln['url'])}, {md_escape(how)})")
        return "; ".join(out)

    # --- models --------------------------------------------------------------------------------

    @cached_property
    def model_conventions(self) -> list[tuple[str, int]]:
        """(what counts as a model, how many); the first is the dataset's own."""
        f = self.f
        module_any = {v["model"] for v in f.versions if v["kind"] == "Module" and v["model"]}
        conventions: list[tuple[str, Callable[[Row], bool]]] = [
            ("Module and Placeholder handles (own)", lambda m: True),
            ("latest version a Module (Placeholders left out)", lambda m: m["kind"] == "Module"),
            ("at least one Module version", lambda m: m["handle"] in module_any),
            (
                "Modules, and Placeholders with a Lite/TF.js/Coral variant",
                lambda m: m["kind"] == "Module" or m["has_lite"] or m["has_tfjs"] or m["has_coral"],
            ),
            ("models with at least one task (a domain)", lambda m: bool(m["domain"])),
            (
                "models their docs do not call discontinued (`deprecation_statement` empty)",
                lambda m: not m.get("deprecation_statement"),
            ),
        ]
        counted = [(label, sum(1 for m in f.models if keep(m))) for label, keep in conventions]
        counted.append(("Module docs (every version)", f.version_kinds.get("Module", 0)))
        return counted

    @cached_property
    def closest_model_convention(self) -> tuple[str, int]:
        return min(self.model_conventions[1:], key=lambda c: abs(c[1] - P.MODELS))

    @cached_property
    def model_conditions(self) -> list[tuple[str, Callable[[Row], bool]]]:
        """Single conditions on this release's models, tried for the models the study left out."""
        f = self.f
        conditions: list[tuple[str, Callable[[Row], bool]]] = []
        for col in MODEL_CONDITION_COLUMNS:
            for value in sorted({m[col] for m in f.models}, key=lambda v: (v is None, str(v))):
                conditions.append((f"{col} = {value}", lambda m, c=col, v=value: m[c] == v))
                conditions.append((f"{col} ≠ {value}", lambda m, c=col, v=value: m[c] != v))
        for col in ("colab", "demo", "summary", "deprecation_statement"):
            conditions.append((f"{col} empty", lambda m, c=col: not m[c]))
            conditions.append((f"{col} given", lambda m, c=col: bool(m[c])))
        conditions.append(("more than one version", lambda m: m["version_count"] > 1))
        conditions.append(("one version", lambda m: m["version_count"] == 1))
        conditions.append(
            ("version numbers with gaps", lambda m: m["latest_version"] != m["version_count"])
        )
        members = {r["model"] for r in f.r.get("collection_members") or [] if r["model"]}
        conditions.append(("in a collection", lambda m: m["handle"] in members))
        conditions.append(("in no collection", lambda m: m["handle"] not in members))
        for depth in sorted({m["handle"].count("/") for m in f.models}):
            conditions.append(
                (
                    f"handle with {depth + 1} segments",
                    lambda m, d=depth: m["handle"].count("/") == d,
                )
            )
        return conditions

    @cached_property
    def gap_target(self) -> dict[str, int]:
        """Publisher -> models here beyond its trusted published count."""
        return {handle: o - c for _, handle, o, c in self.located[0]}

    @cached_property
    def named(self) -> dict[str, tuple[str, list[Row]]]:
        """Publisher -> (condition, models): the first single condition that selects exactly the
        publisher's models beyond its published count and no other model; absent when none."""
        out = {}
        for handle, k in self.gap_target.items():
            for label, keep in self.model_conditions:
                picked = [m for m in self.f.models if keep(m)]
                if len(picked) == k and all(m["publisher"] == handle for m in picked):
                    out[handle] = (label, picked)
                    break
        return out

    @cached_property
    def named_models(self) -> set[str]:
        return {m["handle"] for _, models in self.named.values() for m in models}

    def primary_without_named(self, domain: str) -> int:
        return sum(
            1
            for m in self.f.models
            if m["domain"] == domain and m["handle"] not in self.named_models
        )

    # --- tags per domain -----------------------------------------------------------------------

    @cached_property
    def tag_conventions(self) -> dict[str, TagConventions]:
        return {what: self._tag_conventions(what) for what in TAG_FIGURES}

    def _tag_conventions(self, what: str) -> TagConventions:
        table_name, vocabulary = TAG_FIGURES[what]
        f = self.f
        doms, pub = P.DOMAINS, P.DOMAIN_FIGURES[what]
        variants: list[tuple[str, dict[str, set[str]]]] = [
            ("every listed value (own)", f.tags_by_domain(table_name)),
            ("first-listed value only", f.tags_by_domain(table_name, first_only=True)),
        ]
        if "other" in f.display(vocabulary) or any("other" in s for s in variants[0][1].values()):
            variants.append(
                (
                    "every listed value except `other`",
                    f.tags_by_domain(table_name, exclude=frozenset({"other"})),
                )
            )

        def score(by: dict[str, set[str]]) -> tuple[int, int]:
            return (
                sum(abs(len(by.get(d, ())) - pub[d]) for d in doms),
                abs(sum(len(by.get(d, ())) for d in doms) - P.TOTALS[what]),
            )

        best_label, best = min(variants[1:], key=lambda v: score(v[1]))
        if score(variants[0][1]) <= score(best):
            best_label, best = variants[0]
        return TagConventions(variants, best_label, best)

    def exclusive_ids(self, table_name: str, domain: str) -> set[str]:
        """Ids that, in ``domain``, only models of the publishers whose counts differ list."""
        if not self.diff_publishers or self.f.primary[domain] == P.DOMAIN_FIGURES["models"].get(
            domain, self.f.primary[domain]
        ):
            return set()
        column = BRIDGE_COLUMNS[table_name]
        listers: dict[str, set[str]] = {}
        for r in self.f.bridge(table_name):
            m = self.f.model[r["model"]]
            if m["domain"] == domain:
                listers.setdefault(r[column], set()).add(m["publisher"])
        return {t for t, pubs in listers.items() if pubs <= set(self.diff_publishers)}

    def listing(self, tag: str, table_name: str, domain: str) -> str:
        column = BRIDGE_COLUMNS[table_name]
        rows = [
            r
            for r in self.f.bridge(table_name)
            if r[column] == tag and self.f.model[r["model"]]["domain"] == domain
        ]
        positions = sorted({r["position"] for r in rows})
        models = sorted({r["model"] for r in rows})
        where = "position" if len(positions) == 1 else "positions"
        return (
            f"{n(len(models))} {domain} models, never first ({where} "
            f"{', '.join(str(p) for p in positions)}): {names(models, limit=4)}"
        )


MODEL_CONDITION_COLUMNS = (
    "kind", "format", "has_saved_model_2", "has_tf1_hub", "has_lite", "has_tfjs", "has_coral",
    "fine_tunable", "license", "domain", "interactive_visualizer",
)  # fmt: skip
# Published tag figure -> (bridge table, vocabulary table).
TAG_FIGURES = {
    "categories": ("model_tasks", "tasks"),
    "architectures": ("model_architectures", "architectures"),
    "datasets": ("model_datasets", "datasets"),
}
# Published cross-domain figure -> (bridge table, vocabulary table, published names per pair).
CROSS_DOMAIN = {
    "architectures": ("model_architectures", "architectures", P.CROSS_DOMAIN_ARCHITECTURES),
    "datasets": ("model_datasets", "datasets", P.CROSS_DOMAIN_DATASETS),
}


# --- how each figure is computed ----------------------------------------------------------------


def _publisher_type(t: str) -> Callable[[Study], Outcome]:
    def compute(s: Study) -> Outcome:
        return _count(s.f.types.get(t, 0), P.PUBLISHER_TYPES[t], "not settled by the data")

    return compute


def _per_publisher(label: str, published: float) -> Callable[[Study], Outcome]:
    def compute(s: Study) -> Outcome:
        mean, sd = s.f.models_per_publisher(False)
        own = mean if label == "mean" else sd
        adj_mean, adj_sd, _ = s.adjusted_mean_sd
        adj = adj_mean if label == "mean" else adj_sd
        return Outcome(
            dec(own),
            _signed(own - published, 1),
            "reproduced over publishers with models, with the published counts of "
            + s.adjusted_text
            if dec(adj) == dec(published)
            else "differs",
            f"{dec(adj)} (publishers with models; {s.adjusted_text})",
        )

    return compute


def _link_type(t: str) -> Callable[[Study], Outcome]:
    def compute(s: Study) -> Outcome:
        sets, pub = s.link_sets[t], P.LINK_TYPES[t]
        best = s.closest_link_convention(t)
        own = sets["host"]
        out = _count(
            len(own),
            pub,
            f"reproduced by {best}" if len(sets[best]) == pub else "differs",
            f"{n(len(sets[best]))} ({best})",
        )
        also = [c for c in LINK_CONVENTIONS[1:] if len(sets[c]) == pub and sets[c] != own]
        if len(own) == pub and also:
            finding = f"reproduced, and by {', '.join(also)} with other publishers"
            out = replace(out, finding=finding)
        return out

    return compute


def _top_publisher(tp: P.TopPublisher) -> Callable[[Study], Outcome | None]:
    def compute(s: Study) -> Outcome | None:
        row = s.by_name.get(tp.name)
        if row is None:
            return None
        named = row["handle"] in s.named
        out = _count(
            row["model_count"],
            tp.models,
            f"differs: located{' and named' if named else ''} (see Models)",
        )
        if tp.models not in s.implied[tp.name]:
            out = replace(out, finding="published count contradicts its share")
        return out

    return compute


def _models(s: Study) -> Outcome:
    total = len(s.f.models)
    label, count = s.closest_model_convention
    diffs, _, rest_pub, rest_ours = s.located
    if rest_pub != rest_ours or not diffs:
        finding = "not located" if total != P.MODELS else "reproduced"
    else:
        located = " and ".join(name for name, _, _, _ in diffs)
        named = [
            f"{name} ({n(o - c)}, {s.named[handle][0]})"
            for name, handle, o, c in diffs
            if handle in s.named
        ]
        unnamed = [f"{name} ({n(o - c)})" for name, handle, o, c in diffs if handle not in s.named]
        finding = f"located: {located}; " + "; ".join(
            part
            for part in (
                "named for " + " and ".join(named) if named else "",
                "not named for " + " and ".join(unnamed) if unnamed else "",
            )
            if part
        )
    return Outcome(n(total), _signed(total - P.MODELS), finding, f"{n(count)} ({label})")


def _domain_models(d: str) -> Callable[[Study], Outcome]:
    def compute(s: Study) -> Outcome:
        ours, pub = s.f.primary[d], P.DOMAIN_FIGURES["models"][d]
        if not s.named_models:
            return _count(ours, pub, "see Models", f"{n(ours)} (primary domain)")
        closest = s.primary_without_named(d)
        finding = "reproduced by leaving out the named models" if closest == pub else "see Models"
        return _count(ours, pub, finding, f"{n(closest)} (named models left out)")

    return compute


def _tag_domain(what: str, d: str) -> Callable[[Study], Outcome]:
    def compute(s: Study) -> Outcome:
        c = s.tag_conventions[what]
        pub = P.DOMAIN_FIGURES[what][d]
        o, b = len(c.own.get(d, ())), len(c.best.get(d, ()))
        out = _count(
            o,
            pub,
            f"reproduced by {c.best_label}" if b == pub else "differs",
            f"{n(b)} ({c.best_label})" if c.best is not c.own else "",
        )
        if o != pub and s.exclusive_ids(TAG_FIGURES[what][0], d):
            out = replace(
                out, finding=f"{out.finding}; another candidate, not settled (see Domains)"
            )
        return out

    return compute


def _tag_total(what: str) -> Callable[[Study], Outcome]:
    def compute(s: Study) -> Outcome:
        c = s.tag_conventions[what]
        o = sum(len(c.own.get(d, ())) for d in P.DOMAINS)
        b = sum(len(c.best.get(d, ())) for d in P.DOMAINS)
        return _count(
            o,
            P.TOTALS[what],
            f"reproduced by {c.best_label}" if b == P.TOTALS[what] else "differs",
            f"{n(b)} ({c.best_label})" if c.best is not c.own else "",
        )

    return compute


def _shared_families(s: Study, what: str, pair: tuple[str, ...]) -> dict[str, list[str]]:
    """Family name -> ids used by models of both domains of ``pair`` (``other`` left out)."""
    table_name, vocabulary, _ = CROSS_DOMAIN[what]
    display = s.f.display(vocabulary)
    domains = s.f.tag_domains(table_name)
    shared = sorted(t for t, ds in domains.items() if set(pair) <= ds and t != "other")
    families: dict[str, list[str]] = {}
    for t in shared:
        families.setdefault(_family(display.get(t, t)), []).append(t)
    return families


def _cross_domain(what: str, pair: tuple[str, ...]) -> Callable[[Study], Outcome]:
    def compute(s: Study) -> Outcome:
        got = sorted(_shared_families(s, what, pair))
        ok = got == sorted(CROSS_DOMAIN[what][2][pair])
        reproduced = "reproduced (by family name)" if what == "architectures" else "reproduced"
        return Outcome(
            ", ".join(map(md_escape, got)) or "none",
            "" if ok else "differs",
            reproduced if ok else "differs",
        )

    return compute


# --- how each section explains its figures --------------------------------------------------------


def _explain_publishers(s: Study) -> list[str]:
    f = s.f
    total, types = len(f.publishers), f.types
    m_types = Counter(p["type"] for p in f.with_models)
    moved = P.PUBLISHER_TYPES["individual"] - types.get("individual", 0)
    lines = [
        f"This release has {n(total)} publishers, as published. Its types come from the "
        "curated annotation `build/annotations/tfhub/publisher_types.csv` (one line of evidence "
        f"per publisher, in `publishers.type_evidence`): {n(types.get('individual', 0))} "
        f"individual and {n(types.get('organization', 0))} organization (among the "
        f"{n(len(f.with_models))} publishers with at least one model: "
        f"{n(m_types.get('individual', 0))} and {n(m_types.get('organization', 0))}). The "
        f"study counted {P.PUBLISHER_TYPES['individual']} and "
        f"{P.PUBLISHER_TYPES['organization']}, "
        f"so {abs(moved)} publishers that the annotation calls "
        f"{'organizations' if moved > 0 else 'individuals'} were counted the other way.",
        "",
        "**Not settled by the data:** the study did not publish its per-publisher "
        "classification, and nothing in the publisher docs decides it more firmly than the "
        "evidence below. Every publisher annotated as "
        f"{'an organization' if moved > 0 else 'an individual'} is a candidate:",
        "",
    ]
    side = "organization" if moved > 0 else "individual"
    rows = [
        [
            code(p["handle"]),
            md_escape(f.publisher_name(p["handle"])),
            n(p["model_count"]),
            md_escape(p.get("type_evidence") or ""),
        ]
        for p in sorted(f.publishers, key=lambda p: p["handle"])
        if p["type"] == side
    ]
    lines += ["<details><summary>Candidates and their evidence</summary>", ""]
    lines += table(["Handle", "Display name", "Models", "Evidence"], rows, "llrl")
    return [*lines, "", "</details>"]


def _explain_per_publisher(s: Study) -> list[str]:
    f = s.f
    mean_all, sd_all = f.models_per_publisher(False)
    mean_m, sd_m = f.models_per_publisher(True)
    adj_mean, adj_sd, adjusted_n = s.adjusted_mean_sd
    pub_mean, pub_sd = P.MODELS_PER_PUBLISHER_MEAN, P.MODELS_PER_PUBLISHER_SD
    # The published mean divided by the published model count gives the number of publishers
    # it was taken over.
    implied = P.MODELS / pub_mean
    without = sorted(p["handle"] for p in f.publishers if p["model_count"] == 0)
    return [
        f"The published mean, {dec(pub_mean)}, is {n(P.MODELS)} models divided by "
        f"{dec(implied, 2)} publishers, so it was taken over the publishers that have at least "
        f"one model, not over all {n(P.PUBLISHERS)} ({n(P.MODELS)} / {n(P.PUBLISHERS)} = "
        f"{dec(P.MODELS / P.PUBLISHERS)}). This release has exactly {n(len(f.with_models))} "
        f"publishers with at least one model; those without one are {names(without)}.",
        "",
        f"Over all {n(len(f.publishers))} publishers this release gives mean {dec(mean_all)} "
        f"(sd {dec(sd_all)}); over the {n(len(f.with_models))} with models, {dec(mean_m)} "
        f"(sd {dec(sd_m)}). With the published counts of the publishers whose counts differ "
        f"({s.adjusted_text}) and every other publisher's count as in this release, the "
        f"{n(adjusted_n)} publishers with models give mean {dec(adj_mean, 2)} and sd "
        f"{dec(adj_sd, 2)}: the published {dec(pub_mean)} and {dec(pub_sd)} "
        + (
            "are reproduced."
            if dec(adj_mean) == dec(pub_mean) and dec(adj_sd) == dec(pub_sd)
            else "are not reproduced."
        )
        + " Standard deviations are sample standard deviations (n − 1).",
    ]


def _explain_links(s: Study) -> list[str]:
    f = s.f
    without = sorted(
        p["handle"] for p in f.publishers if p["handle"] not in f.publishers_with_links
    )
    lines = [
        f"{n(len(f.publishers_with_links))} publishers give at least one external URL (without: "
        f"{names(without)}). Four conventions were tried for each published link figure: "
        "*host*, this dataset's own (the type of the URL's host, where GitLab, Bitbucket, papers "
        "and e-mail are types of their own); *wording* (the type named in the label written "
        "before the link or in its link text, the URL itself excluded); *host and wording* (a "
        "link of the type's host that the page also names so); and *written, five types* (links "
        "written as links, bare URLs left out, typed by host into the study's five types only: "
        "any host but GitHub, LinkedIn, Twitter and Kaggle is a website, e-mail excepted).",
        "",
    ]
    reproducing = {
        t: [c for c in LINK_CONVENTIONS if len(s.link_sets[t][c]) == pub]
        for t, pub in P.LINK_TYPES.items()
    }
    rows = [
        [t, n(pub)]
        + [n(len(s.link_sets[t][c])) for c in LINK_CONVENTIONS]
        + [", ".join(reproducing[t]) or "none"]
        for t, pub in P.LINK_TYPES.items()
    ]
    lines += table(
        ["Link type", "Published", "Host (own)", *LINK_HEADERS, "Reproduced by"],
        rows,
        "lrrrrrl",
    )
    lines += ["", "The publishers behind each figure:", ""]
    for t, pub_count in P.LINK_TYPES.items():
        sets = s.link_sets[t]
        host = sets["host"]
        parts = [
            f"**{t}** (published {n(pub_count)}): by host {n(len(host))}, {names(sorted(host))}."
        ]
        for c in LINK_CONVENTIONS[1:]:
            other = sets[c]
            if other == host:
                parts.append(f"By {c} the same {n(len(other))}.")
                continue
            change = [f"+{code(p)}" for p in sorted(other - host)]
            change += [f"−{code(p)}" for p in sorted(host - other)]
            shown = ", ".join(change[:8]) + (
                f" and {len(change) - 8} more" if len(change) > 8 else ""
            )
            parts.append(f"By {c} {n(len(other))}: {shown}.")
        same_count = [c for c in reproducing[t] if sets[c] != sets[reproducing[t][0]]]
        if same_count:
            parts.append(
                f"*{reproducing[t][0]}* and *{', '.join(same_count)}* both give the published "
                f"{n(pub_count)} with different publishers, so the figure alone does not show "
                "which publishers the study counted."
            )
        both = sets["host and wording"]
        if len(host) != pub_count and host - both:
            parts.append(f"Host but not named so on the page: {s.link_evidence(host - both, t)}.")
        if len(host) != pub_count and sets["wording"] - both:
            evidence = s.link_evidence(sets["wording"] - both, t, word=True)
            parts.append(f"Named so but another host: {evidence}.")
        lines.append("- " + " ".join(parts))
    lines.append("")
    whole = [c for c in LINK_CONVENTIONS if all(c in r for r in reproducing.values())]
    for c in LINK_CONVENTIONS:
        fits = [t for t in P.LINK_TYPES if c in reproducing[t]]
        misses = [t for t in P.LINK_TYPES if c not in reproducing[t]]
        lines.append(
            f"- *{c}* reproduces {', '.join(fits) or 'no figure'}"
            + (f"; not {', '.join(misses)}." if misses else ": every link figure.")
        )
    if not whole and all(reproducing.values()):
        every = [t for t, r in reproducing.items() if len(r) == len(LINK_CONVENTIONS)]
        mixed = "; ".join(
            f"{t} by {' or '.join(r)}" for t, r in reproducing.items() if t not in every
        )
        lines += [
            "",
            f"No single convention reproduces every link figure; it takes a mix: {mixed}"
            + (f" ({' and '.join(every)} by any)" if every else "")
            + ". The tables show these conventions fit; they cannot show that the study used "
            "them.",
        ]
    elif not whole:
        lines += ["", "No convention tried reproduces every link figure."]
    return lines


def _explain_top_publishers(s: Study) -> list[str]:
    f = s.f
    total = len(f.models)
    rows = []
    for tp in P.TOP_PUBLISHERS:
        row = s.by_name.get(tp.name)
        if row is None:
            rows.append(
                [tp.name, tp.type, n(tp.models), dec(tp.share), "(no such publisher)"] + [""] * 4
            )
            continue
        ours = row["model_count"]
        type_note = tp.type if row["type"] == tp.type else f"{row['type']} (published {tp.type})"
        rows.append(
            [
                md_escape(tp.name),
                code(row["handle"]),
                type_note,
                n(tp.models),
                f"{dec(tp.share)} %",
                n(ours),
                pct(ours, total),
                _signed(ours - tp.models),
                ", ".join(n(k) for k in s.implied[tp.name]) or "none",
            ]
        )
    lines = [
        "Published name, type, models and share beside this release (shares of its "
        f"{n(total)} models). *Counts fitting the published share* are the model counts whose "
        f"share of {n(P.MODELS)} rounds to the printed per cent.",
        "",
    ]
    lines += table(
        [
            "Published name",
            "Handle",
            "Type",
            "Published models",
            "Published share",
            "Models here",
            "Share here",
            "Difference",
            "Counts fitting the published share",
        ],
        rows,
        "lllrrrrrl",
    )
    notes = _share_contradictions(s)
    if notes:
        lines += [""] + [f"- {t}" for t in notes]
    return lines


def _explain_models(s: Study) -> list[str]:
    f = s.f
    total = len(f.models)
    best_label, best_count = s.closest_model_convention
    rows = [[label, n(c), _signed(c - P.MODELS)] for label, c in s.model_conventions]
    lines = [
        f"This dataset counts {n(total)} models: every handle of a Module or Placeholder doc "
        f"without its version. The study counted {n(P.MODELS)}. Conventions tried:",
        "",
    ]
    lines += table(["What counts as a model", "Models", "Difference to published"], rows, "lrr")
    # Where the difference lies, from the published per-publisher figures.
    diffs, fixed, rest_pub, rest_ours = s.located
    explained = sum(o - c for _, _, o, c in diffs)
    trusted = ", ".join(f"{tp.name.rstrip('.')} {n(c)}" for tp, c in s.trusted_counts)
    lines += [
        "",
        f"None reproduces {n(P.MODELS)}; the closest is *{best_label}* "
        f"({n(best_count)}). The published figures themselves locate the difference:",
        "",
        f"- Taking each top publisher's count that agrees with its printed share "
        f"({trusted}), "
        f"the other {n(len(f.publishers) - len(s.top_handles))} publishers hold "
        f"{n(P.MODELS)} − {n(fixed)} = {n(rest_pub)} models in the study and {n(rest_ours)} in "
        "this release" + (": the same." if rest_pub == rest_ours else "."),
        f"- The whole difference of {_signed(total - P.MODELS)} is then "
        + " and ".join(
            f"{name} ({_signed(o - c)}: {n(o)} here, {n(c)} published)" for name, _, o, c in diffs
        )
        + (
            f", which add up to {_signed(explained)}."
            if explained == total - P.MODELS
            else f", which add up to {_signed(explained)}, not {_signed(total - P.MODELS)}."
        ),
        "- With those two counts replaced, the mean and sd of models per publisher reproduce "
        "the published ones (see *Models per publisher*), which confirms it.",
    ]
    return lines + _explain_which_models(s)


def _explain_which_models(s: Study) -> list[str]:
    """The single-column conditions tried for the models behind each publisher's gap."""
    f, target = s.f, s.gap_target
    if not target:
        return []
    columns = ", ".join(f"`{c}`" for c in MODEL_CONDITION_COLUMNS)
    lines = [
        "",
        f"**Which models.** {n(len(s.model_conditions))} single conditions on this release's "
        f"models were tried (each value of {columns}; empty or given `colab`, `demo`, `summary` "
        "or `deprecation_statement`; version count, gaps in version numbers, collection "
        "membership, handle depth), each for a set of exactly one publisher's extra models and "
        "no other model:",
        "",
    ]
    for handle, k in target.items():
        if handle in s.named:
            label, models = s.named[handle]
            said = sorted(
                {m["deprecation_statement"] for m in models if m.get("deprecation_statement")}
            )
            lines.append(
                f"- {code(handle)} ({_signed(k)}): *{label}* selects exactly {n(k)} "
                f"{code(handle)} models and no other"
                + (f"; their docs say “{md_escape(' / '.join(said))}”" if said else "")
                + f". Without them {code(handle)} has {n(s.adjusted[handle])} models, as published."
            )
        else:
            lines.append(f"- {code(handle)} ({_signed(k)}): no condition selects them.")
    for handle, (label, models) in s.named.items():
        rows = [
            [code(m["handle"]), md_escape(m["domain"] or ""), n(m["latest_version"])]
            for m in models
        ]
        lines += [
            "",
            f"<details><summary>The {n(len(models))} {code(handle)} models ({label})</summary>",
            "",
        ]
        lines += table(["Model", "Domain", "Latest version"], sorted(rows), "llr")
        lines += ["", "</details>"]
    unnamed = [h for h in target if h not in s.named]
    if not unnamed:
        return lines
    doms = list(P.DOMAINS)
    rest = {d: s.primary_without_named(d) - P.DOMAIN_FIGURES["models"][d] for d in doms}
    differ = [d for d in doms if rest[d]]
    pub = {
        h: Counter(m["domain"] for m in f.models if m["publisher"] == h and m["domain"] in differ)
        for h in unnamed
    }
    left = sum(target[h] for h in unnamed)
    unsettled = (
        f"**Not settled by the data:** the remaining {_signed(left)} models lie with "
        + " and ".join(f"{code(h)} ({_signed(target[h])})" for h in unnamed)
        + " by the published per-publisher counts and, by the published domain counts "
        + ("once the named models are left out" if s.named else "")
        + ", in "
        + ", ".join(f"{d} ({_signed(rest[d])})" for d in differ)
        + ". Nothing in the tables, the docs' metadata or their prose singles them out; the "
        "candidates are "
        + "; ".join(
            f"{code(h)}'s "
            + " and ".join(f"{n(c)} {md_escape(d)}" for d, c in sorted(cnt.items()))
            + " models"
            for h, cnt in pub.items()
        )
        + " (by handle below, after the conventions of a crawler of the site)."
    )
    crawler = crawler_lines(
        f.models,
        f.versions,
        f.r.get("collection_members") or [],
        s.named_models,
        {h: target[h] for h in unnamed},
        {d: rest[d] for d in differ},
    )
    return [*lines, "", unsettled, *crawler]


def _explain_domains(s: Study) -> list[str]:
    f = s.f
    doms = list(P.DOMAINS)
    pm = P.DOMAIN_FIGURES["models"]
    primary = {d: f.primary[d] for d in doms}
    anywhere = {d: f.anywhere[d] for d in doms}
    rows = [
        ["models (primary domain, own)", *[n(primary[d]) for d in doms], n(sum(primary.values()))],
        ["models (any domain)", *[n(anywhere[d]) for d in doms], n(sum(anywhere.values()))],
        ["published", *[n(pm[d]) for d in doms], n(P.TOTALS["models"])],
    ]
    lines = ["**Models per domain.**", ""]
    lines += table(["Convention", *doms, "sum"], rows, "l" + "r" * (len(doms) + 1))
    same = [d for d in doms if primary[d] == pm[d]]
    differ = [d for d in doms if primary[d] != pm[d]]
    lines += [
        "",
        f"The published domain counts add up to the published total ({n(sum(pm.values()))} = "
        f"{n(P.TOTALS['models'])}), so the study counted each model in one domain, as this "
        f"dataset's primary domain does; counting a model in every domain of its tasks gives "
        f"{n(sum(anywhere.values()))}. Under the primary domain, {names(same)} "
        f"{'agree' if len(same) != 1 else 'agrees'} exactly"
        + (
            f"; the {_signed(sum(primary[d] - pm[d] for d in differ))} models of the total's "
            "difference fall in "
            + ", ".join(f"{d} ({_signed(primary[d] - pm[d])})" for d in differ)
            if differ
            else ""
        )
        + ".",
    ]
    for what in TAG_FIGURES:
        lines += _explain_tag_figure(s, what)
    return lines


def _explain_tag_figure(s: Study, what: str) -> list[str]:
    f = s.f
    doms = list(P.DOMAINS)
    pub = P.DOMAIN_FIGURES[what]
    table_name, vocabulary = TAG_FIGURES[what]
    display = f.display(vocabulary)
    c = s.tag_conventions[what]
    own, best, best_label = c.own, c.best, c.best_label
    rows = []
    for label, by in c.variants:
        counts = [len(by.get(d, ())) for d in doms]
        distinct = len(set().union(*[by.get(d, set()) for d in doms]))
        rows.append([label, *[n(k) for k in counts], n(sum(counts)), n(distinct)])
    rows.append(["published", *[n(pub[d]) for d in doms], n(P.TOTALS[what]), ""])
    lines = [
        "",
        f"**{what.capitalize()} per domain** (distinct "
        f"{'task' if what == 'categories' else what[:-1]} ids listed by the models "
        "of each primary domain; *sum* adds the domains, *distinct* counts each "
        "id once):",
        "",
    ]
    lines += table(["Convention", *doms, "sum", "distinct"], rows, "l" + "r" * (len(doms) + 2))
    # Explain what the closest convention drops or the remaining gap.
    notes = []
    for d in doms:
        o, b = own.get(d, set()), best.get(d, set())
        if len(o) == pub[d]:
            continue
        if best is not own and len(b) == pub[d]:
            gone = sorted(o - b)
            detail = "; ".join(
                f"{code(t)} ({md_escape(display.get(t, t))}), listed by "
                f"{s.listing(t, table_name, d)}"
                for t in gone
            )
            notes.append(
                f"{d}: *{best_label}* drops {detail}."
                if gone
                else f"{d}: *{best_label}* gives {n(len(b))}."
            )
        else:
            notes.append(
                f"{d}: {n(len(o))} here, {n(pub[d])} published; not settled by the tables."
            )
        alternative = s.exclusive_ids(table_name, d)
        if alternative:
            notes.append(
                f"{d}, another candidate: the models the study did not count (see *Models*) "
                f"are {' and '.join(code(h) for h in s.diff_publishers)} models, and "
                f"{n(len(alternative))} {d} ids are listed by no other {d} model "
                f"({names(sorted(alternative), limit=8)}); if the uncounted models include "
                "every model listing one of them, that id drops out as well. The tables "
                "cannot tell this apart from the convention above."
            )
    if notes:
        lines += [""] + [f"- {t}" for t in notes]
    if best is not own and all(len(best.get(d, ())) == pub[d] for d in doms):
        lines += [
            "",
            f"*{best_label.capitalize()}* reproduces every published "
            f"{what} figure; the tables show it fits, not that the study used "
            "it.",
        ]
    return lines


def _explain_cross_domain(s: Study) -> list[str]:
    lines = []
    for what, (table_name, _, published) in CROSS_DOMAIN.items():
        domains = s.f.tag_domains(table_name)
        for pair, pub_names in published.items():
            families = _shared_families(s, what, pair)
            got, want = sorted(families), sorted(pub_names)
            ok = got == want
            lines.append(
                f"- **{what.capitalize()} used in both {' and '.join(pair)}** (primary domains "
                f"of the models listing them): published {', '.join(pub_names)}; here "
                + "; ".join(
                    f"{md_escape(fam)}: {names(ids)}" for fam, ids in sorted(families.items())
                )
                + (
                    (
                        ". Grouped by the leading name of their display names (MobileNet V1 → "
                        "MobileNet), the ids give exactly the published names."
                    )
                    if ok and what == "architectures"
                    else ". The display names give exactly the published names."
                    if ok
                    else f". The published list is {', '.join(want)}; by family name this "
                    f"release gives {', '.join(map(md_escape, got)) or 'none'}."
                )
            )
        if "other" in domains and len(domains["other"]) > 1:
            lines.append(
                "- The vocabulary entry `other` is listed in "
                f"{', '.join(sorted(domains['other']))} models; "
                "the study does not name it, and it is left out above."
            )
    return lines


# --- the published figures, section by section ---------------------------------------------------

SECTIONS: tuple[Section, ...] = (
    Section(
        "Publishers and their types",
        (
            Figure(
                "Publishers",
                n(P.PUBLISHERS),
                lambda s: _count(len(s.f.publishers), P.PUBLISHERS, "differs"),
            ),
            *(
                Figure(f"Publishers: {t}", n(P.PUBLISHER_TYPES[t]), _publisher_type(t))
                for t in ("individual", "organization")
            ),
        ),
        _explain_publishers,
    ),
    Section(
        "Models per publisher",
        (
            Figure(
                "Models per publisher: mean",
                dec(P.MODELS_PER_PUBLISHER_MEAN),
                _per_publisher("mean", P.MODELS_PER_PUBLISHER_MEAN),
            ),
            Figure(
                "Models per publisher: sd",
                dec(P.MODELS_PER_PUBLISHER_SD),
                _per_publisher("sd", P.MODELS_PER_PUBLISHER_SD),
            ),
        ),
        _explain_per_publisher,
    ),
    Section(
        "Publisher links",
        (
            Figure(
                "Publishers with external URLs",
                n(P.PUBLISHERS_WITH_LINKS),
                lambda s: _count(
                    len(s.f.publishers_with_links), P.PUBLISHERS_WITH_LINKS, "differs"
                ),
            ),
            *(
                Figure(f"Publishers with a {t} link", n(count), _link_type(t))
                for t, count in P.LINK_TYPES.items()
            ),
        ),
        _explain_links,
    ),
    Section(
        "Top publishers",
        tuple(
            Figure(f"Models: {tp.name.rstrip('.')}", n(tp.models), _top_publisher(tp))
            for tp in P.TOP_PUBLISHERS
        ),
        _explain_top_publishers,
    ),
    Section("Models", (Figure("Models", n(P.MODELS), _models),), _explain_models),
    Section(
        "Domains: models, categories, architectures, datasets",
        (
            *(
                Figure(f"Models: {d}", n(P.DOMAIN_FIGURES["models"][d]), _domain_models(d))
                for d in P.DOMAINS
            ),
            *(
                figure
                for what in TAG_FIGURES
                for figure in (
                    *(
                        Figure(
                            f"{what.capitalize()}: {d}",
                            n(P.DOMAIN_FIGURES[what][d]),
                            _tag_domain(what, d),
                        )
                        for d in P.DOMAINS
                    ),
                    Figure(f"{what.capitalize()}: total", n(P.TOTALS[what]), _tag_total(what)),
                )
            ),
        ),
        _explain_domains,
    ),
    Section(
        "Architectures and datasets shared by domains",
        tuple(
            Figure(
                f"{what.capitalize()} in {' and '.join(pair)}",
                ", ".join(pub_names),
                _cross_domain(what, pair),
            )
            for what, (_, _, published) in CROSS_DOMAIN.items()
            for pair, pub_names in published.items()
        ),
        _explain_cross_domain,
    ),
)


# --- inconsistencies inside the published figures -------------------------------------------------


def _mean_over_publishers(s: Study) -> list[str]:
    implied = P.MODELS / P.MODELS_PER_PUBLISHER_MEAN
    return [
        f"The study counts {n(P.PUBLISHERS)} publishers but its mean of "
        f"{dec(P.MODELS_PER_PUBLISHER_MEAN)} models per publisher is {n(P.MODELS)} / "
        f"{dec(implied, 2)}: it is taken over the publishers with at least one model "
        f"({n(P.MODELS)} / {n(P.PUBLISHERS)} would be {dec(P.MODELS / P.PUBLISHERS)})."
    ]


def _share_contradictions(s: Study) -> list[str]:
    """Top publishers printed with a count that their printed share contradicts."""
    out = []
    for tp in P.TOP_PUBLISHERS:
        row = s.by_name.get(tp.name)
        if row is None or tp.models in s.implied[tp.name]:
            continue
        fits = " or ".join(n(k) for k in s.implied[tp.name]) or "no count"
        out.append(
            f"{tp.name.rstrip('.')} is printed with {n(tp.models)} models and "
            f"{dec(tp.share)} %, but {n(tp.models)} of {n(P.MODELS)} is "
            f"{dec(_share(tp.models, P.MODELS))} %; the share {dec(tp.share)} % fits {fits} "
            f"models, and this release has {n(row['model_count'])}."
        )
    return out


def _totals_count_twice(s: Study) -> list[str]:
    out = []
    for what in TAG_FIGURES:
        own = s.tag_conventions[what].own
        o_sum = sum(len(own.get(d, ())) for d in P.DOMAINS)
        distinct = len(set().union(*[own.get(d, set()) for d in P.DOMAINS]))
        if P.TOTALS[what] == sum(P.DOMAIN_FIGURES[what].values()) and distinct != o_sum:
            out.append(
                f"The published {what} total ({n(P.TOTALS[what])}) is the sum of the per-domain "
                f"counts, so an id used in two domains counts twice; in this release the "
                f"per-domain sum is {n(o_sum)} but there are {n(distinct)} distinct ids."
            )
    return out


def _published_sums(s: Study) -> list[str]:
    out = []
    dom_sum = sum(P.DOMAIN_FIGURES["models"].values())
    if dom_sum != P.TOTALS["models"]:
        out.append(
            f"The published domain model counts add up to {n(dom_sum)}, not "
            f"{n(P.TOTALS['models'])}."
        )
    type_sum = sum(P.PUBLISHER_TYPES.values())
    if type_sum != P.PUBLISHERS:
        out.append(f"The published publisher types add up to {n(type_sum)}, not {n(P.PUBLISHERS)}.")
    if P.PUBLISHERS_WITH_LINKS > P.PUBLISHERS:
        out.append("More publishers with links than publishers.")
    return out


INCONSISTENCIES: tuple[Callable[[Study], list[str]], ...] = (
    _mean_over_publishers,
    _share_contradictions,
    _totals_count_twice,
    _published_sums,
)
