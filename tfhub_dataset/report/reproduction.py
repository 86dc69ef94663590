"""Reproduction of the published figures (release 2022-04-05 only), established from the tables.

Each published figure is set beside this release's figure under the dataset's own convention and,
where a counting convention decides the figure, under the convention that comes closest. Every
difference is explained from the data (the models and publishers involved are named); where the
tables cannot settle a difference the text says so and lists the candidates with their evidence.
The published figures live in published.py, beside this module.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from tfhub_dataset.package.write import ReleaseInfo
from tfhub_dataset.report import published as P
from tfhub_dataset.report.facts import Facts
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


@dataclass
class Line:
    """One row of the summary table."""

    figure: str
    published: str
    ours: str
    closest: str
    diff: str
    status: str


def _signed(value: float, places: int = 0) -> str:
    if places == 0:
        return f"{int(value):+,}" if value else "0"
    return f"{value:+.{places}f}" if value else dec(0, places)


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def reproduction_section(facts: Facts, info: ReleaseInfo) -> list[str]:
    """Markdown lines of the section, or [] for releases other than the study's crawl date."""
    if info.as_of != P.CRAWLED:
        return []
    r = _Reproduction(facts)
    return r.render()


class _Reproduction:
    def __init__(self, facts: Facts) -> None:
        self.f = facts
        self.summary: list[Line] = []
        self.details: list[str] = []
        self.inconsistencies: list[str] = []
        self.diff_publishers: list[str] = []  # handles whose model counts explain the difference

    # --- assembly ------------------------------------------------------------------------------

    def render(self) -> list[str]:
        for part in (
            self._publishers,
            self._mean_sd,
            self._links,
            self._top_publishers,
            self._models,
            self._domains,
            self._cross_domain,
        ):
            part()
        self._published_consistency()
        lines = [
            f"The study *{P.STUDY_TITLE}* ({P.STUDY_SHORT}) crawled tfhub.dev on {P.CRAWLED}; this "
            "release is the state of tensorflow/tfhub.dev in force that day. Below, each published "
            "figure stands beside this release's figure under the dataset's own convention and, "
            "where a counting convention decides the figure, under the convention that comes "
            "closest. Every explanation is computed from this folder's tables; where the tables "
            "cannot settle a difference, the text says so and lists the candidates.",
            "",
            "### Summary",
            "",
        ]
        lines += table(
            ["Figure", "Published", "This release", "Closest convention", "Difference", "Finding"],
            [[s.figure, s.published, s.ours, s.closest, s.diff, s.status] for s in self.summary],
            "lrrrrl",
        )
        lines += [
            "",
            "*Difference* is this release's figure (own convention) minus the published "
            "one. *Closest convention* is the figure under the counting convention, among "
            "those tried below, that comes closest to the published one.",
        ]
        lines += self.details
        lines += ["", "### Inconsistencies inside the published figures", ""]
        lines += [f"- {t}" for t in self.inconsistencies] or ["None found."]
        return lines

    def add(self, figure: str, pub: str, ours: str, closest: str, diff: str, status: str) -> None:
        self.summary.append(Line(figure, pub, ours, closest, diff, status))

    def h(self, title: str) -> None:
        self.details += ["", f"### {title}", ""]

    # --- publishers and types ------------------------------------------------------------------

    def _publishers(self) -> None:
        f = self.f
        total = len(f.publishers)
        self.add(
            "Publishers",
            n(P.PUBLISHERS),
            n(total),
            "",
            _signed(total - P.PUBLISHERS),
            "reproduced" if total == P.PUBLISHERS else "differs",
        )
        types = f.types
        m_types = Counter(p["type"] for p in f.with_models)
        for t in ("individual", "organization"):
            ours = types.get(t, 0)
            self.add(
                f"Publishers: {t}",
                n(P.PUBLISHER_TYPES[t]),
                n(ours),
                "",
                _signed(ours - P.PUBLISHER_TYPES[t]),
                "reproduced" if ours == P.PUBLISHER_TYPES[t] else "not settled by the data",
            )
        moved = P.PUBLISHER_TYPES["individual"] - types.get("individual", 0)
        self.h("Publishers and their types")
        self.details.append(
            f"This release has {n(total)} publishers, as published. Its types come from the "
            "curated annotation `build/annotations/publisher_types.csv` (one line of evidence per "
            f"publisher, in `publishers.type_evidence`): {n(types.get('individual', 0))} "
            f"individual and {n(types.get('organization', 0))} organization (among the "
            f"{n(len(f.with_models))} publishers with at least one model: "
            f"{n(m_types.get('individual', 0))} and {n(m_types.get('organization', 0))}). The "
            f"study counted {P.PUBLISHER_TYPES['individual']} and "
            f"{P.PUBLISHER_TYPES['organization']}, "
            f"so {abs(moved)} publishers that the annotation calls "
            f"{'organizations' if moved > 0 else 'individuals'} were counted the other way."
        )
        self.details += [
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
        self.details += ["<details><summary>Candidates and their evidence</summary>", ""]
        self.details += table(["Handle", "Display name", "Models", "Evidence"], rows, "llrl")
        self.details += ["", "</details>"]

    # --- models per publisher ------------------------------------------------------------------

    def _mean_sd(self) -> None:
        f = self.f
        mean_all, sd_all = f.models_per_publisher(False)
        mean_m, sd_m = f.models_per_publisher(True)
        pub_mean, pub_sd = P.MODELS_PER_PUBLISHER_MEAN, P.MODELS_PER_PUBLISHER_SD
        # The published mean divided by the published model count gives the number of publishers
        # it was taken over.
        implied = P.MODELS / pub_mean
        # Substitute the published counts of the publishers whose counts differ (see 'Models').
        adjusted = self._adjusted_counts()
        values = [adjusted[p["handle"]] for p in f.publishers if p["model_count"] > 0]
        adj_mean, adj_sd = mean_sd(values)
        replaced = self._adjusted_text()
        for label, pub_value, own, adj in (
            ("mean", pub_mean, mean_all, adj_mean),
            ("sd", pub_sd, sd_all, adj_sd),
        ):
            self.add(
                f"Models per publisher: {label}",
                dec(pub_value),
                dec(own),
                f"{dec(adj)} (publishers with models; {replaced})",
                _signed(own - pub_value, 1),
                "reproduced over publishers with models, with the published counts of " + replaced
                if dec(adj) == dec(pub_value)
                else "differs",
            )
        self.h("Models per publisher")
        self.details.append(
            f"The published mean, {dec(pub_mean)}, is {n(P.MODELS)} models divided by "
            f"{dec(implied, 2)} publishers, so it was taken over the publishers that have at least "
            f"one model, not over all {n(P.PUBLISHERS)} ({n(P.MODELS)} / {n(P.PUBLISHERS)} = "
            f"{dec(P.MODELS / P.PUBLISHERS)}). This release has exactly {n(len(f.with_models))} "
            "publishers with at least one model; those without one are "
            f"{names(sorted(p['handle'] for p in f.publishers if p['model_count'] == 0))}."
        )
        self.details += [
            "",
            f"Over all {n(len(f.publishers))} publishers this release gives mean {dec(mean_all)} "
            f"(sd {dec(sd_all)}); over the {n(len(f.with_models))} with models, {dec(mean_m)} "
            f"(sd {dec(sd_m)}). With the published counts of the publishers whose counts differ "
            f"({self._adjusted_text()}) and every other publisher's count as in this release, the "
            f"{n(len(values))} publishers with models give mean {dec(adj_mean, 2)} and sd "
            f"{dec(adj_sd, 2)}: the published {dec(pub_mean)} and {dec(pub_sd)} "
            + (
                "are reproduced."
                if dec(adj_mean) == dec(pub_mean) and dec(adj_sd) == dec(pub_sd)
                else "are not reproduced."
            )
            + " Standard deviations are sample standard deviations (n − 1).",
        ]
        self.inconsistencies.append(
            f"The study counts {n(P.PUBLISHERS)} publishers but its mean of {dec(pub_mean)} models "
            f"per publisher is {n(P.MODELS)} / {dec(implied, 2)}: it is taken over the publishers "
            f"with at least one model ({n(P.MODELS)} / {n(P.PUBLISHERS)} would be "
            f"{dec(P.MODELS / P.PUBLISHERS)})."
        )

    # --- links ---------------------------------------------------------------------------------

    def _worded(self, link: Row, word: str) -> bool:
        label = (link.get("label") or "").lower()
        text = link.get("text") or ""
        if text == link["url"] or text.lower().startswith(("http://", "https://", "www.")):
            text = ""
        return word in label or word in text.lower()

    def _link_sets(self, link_type: str) -> dict[str, set[str]]:
        links = self.f.links
        word = LINK_WORDS[link_type]
        host = {ln["publisher"] for ln in links if ln["link_type"] == link_type}
        worded = {ln["publisher"] for ln in links if self._worded(ln, word)}
        both = {
            ln["publisher"]
            for ln in links
            if ln["link_type"] == link_type and self._worded(ln, word)
        }
        return {"host": host, "wording": worded, "host and wording": both}

    def _links(self) -> None:
        f = self.f
        with_links = len(f.publishers_with_links)
        self.add(
            "Publishers with external URLs",
            n(P.PUBLISHERS_WITH_LINKS),
            n(with_links),
            "",
            _signed(with_links - P.PUBLISHERS_WITH_LINKS),
            "reproduced" if with_links == P.PUBLISHERS_WITH_LINKS else "differs",
        )
        self.h("Publisher links")
        without = sorted(
            p["handle"] for p in f.publishers if p["handle"] not in f.publishers_with_links
        )
        self.details.append(
            f"{n(with_links)} publishers give at least one external URL (without: "
            f"{names(without)}). This dataset types a link by its URL's host (*host*). "
            "Two other conventions were "
            "tried: the type named in the label written before the link or in its link text, the "
            "URL itself excluded (*wording*), and both at once (*host and wording*: a link of the "
            "type's host that the page also names so)."
        )
        self.details.append("")
        rows = []
        chosen: dict[str, str] = {}
        for t, pub_count in P.LINK_TYPES.items():
            sets = self._link_sets(t)
            own = len(sets["host"])
            order = ["host", "host and wording", "wording"]
            best = min(order, key=lambda c: (abs(len(sets[c]) - pub_count), order.index(c)))
            chosen[t] = best
            rows.append(
                [
                    t,
                    n(pub_count),
                    n(len(sets["host"])),
                    n(len(sets["wording"])),
                    n(len(sets["host and wording"])),
                    best,
                ]
            )
            status = (
                "reproduced"
                if own == pub_count
                else f"reproduced by {best}"
                if len(sets[best]) == pub_count
                else "differs"
            )
            self.add(
                f"Publishers with a {t} link",
                n(pub_count),
                n(own),
                f"{n(len(sets[best]))} ({best})",
                _signed(own - pub_count),
                status,
            )
        self.details += table(
            ["Link type", "Published", "Host (own)", "Wording", "Host and wording", "Closest"],
            rows,
            "lrrrrl",
        )
        self.details.append("")
        for t, pub_count in P.LINK_TYPES.items():
            sets = self._link_sets(t)
            host, worded, both = sets["host"], sets["wording"], sets["host and wording"]
            if len(host) == pub_count:
                continue
            parts = [f"**{t}**: by host {n(len(host))}, published {n(pub_count)}."]
            if host - both:
                parts.append(
                    f"Host but not named so on the page: {self._link_evidence(host - both, t)}."
                )
            if worded - both:
                evidence = self._link_evidence(worded - both, t, word=True)
                parts.append(f"Named so but another host: {evidence}.")
            parts.append(f"Host and wording together give {n(len(both))}.")
            self.details.append("- " + " ".join(parts))
        same = [t for t in P.LINK_TYPES if t != "website"]
        both_ok = all(len(self._link_sets(t)["host and wording"]) == P.LINK_TYPES[t] for t in same)
        if both_ok:
            self.details += [
                "",
                "One convention reproduces every published link figure: a publisher counts for "
                f"{', '.join(same)} when it gives a link of that host **and** the page names it "
                "so, and for website by host (any other host). "
                "The tables show this convention fits; "
                "they cannot show that the study used it.",
            ]
        else:
            self.details += ["", "No single convention tried reproduces every link figure."]

    def _link_evidence(self, pubs: set[str], link_type: str, word: bool = False) -> str:
        out = []
        for p in sorted(pubs):
            links = [
                ln
                for ln in self.f.links
                if ln["publisher"] == p
                and (
                    (self._worded(ln, LINK_WORDS[link_type]) and ln["link_type"] != link_type)
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

    # --- top publishers and models -------------------------------------------------------------

    def _by_name(self) -> dict[str, Row]:
        return {(p.get("display_name") or p["handle"]): p for p in self.f.publishers}

    def _implied_counts(self) -> dict[str, list[int]]:
        """For each published top publisher: the model counts whose share of the published total
        rounds to the published share."""
        out = {}
        for tp in P.TOP_PUBLISHERS:
            out[tp.name] = [k for k in range(P.MODELS + 1) if _share(k, P.MODELS) == tp.share]
        return out

    def _adjusted_counts(self) -> dict[str, int]:
        """This release's counts, with the published count for each top publisher whose published
        count agrees with its own published share (and which therefore can be trusted)."""
        counts = {p["handle"]: p["model_count"] for p in self.f.publishers}
        implied = self._implied_counts()
        by_name = self._by_name()
        for tp in P.TOP_PUBLISHERS:
            row = by_name.get(tp.name)
            if row is not None and tp.models in implied[tp.name]:
                counts[row["handle"]] = tp.models
        return counts

    def _adjusted_text(self) -> str:
        by_name = self._by_name()
        parts = []
        for tp in P.TOP_PUBLISHERS:
            row = by_name.get(tp.name)
            if (
                row is not None
                and row["model_count"] != tp.models
                and (tp.models in self._implied_counts()[tp.name])
            ):
                parts.append(f"{tp.name.rstrip('.')} {n(tp.models)}")
        return ", ".join(parts) or "none"

    def _top_publishers(self) -> None:
        f = self.f
        total = len(f.models)
        by_name = self._by_name()
        implied = self._implied_counts()
        rows = []
        self.h("Top publishers")
        notes = []
        for tp in P.TOP_PUBLISHERS:
            row = by_name.get(tp.name)
            if row is None:
                rows.append(
                    [
                        tp.name,
                        tp.type,
                        n(tp.models),
                        dec(tp.share),
                        "(no such publisher)",
                        "",
                        "",
                        "",
                        "",
                    ]
                )
                continue
            ours = row["model_count"]
            type_note = (
                tp.type if row["type"] == tp.type else f"{row['type']} (published {tp.type})"
            )
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
                    ", ".join(n(k) for k in implied[tp.name]) or "none",
                ]
            )
            status = "reproduced" if ours == tp.models else "differs: located (see Models)"
            if tp.models not in implied[tp.name]:
                status = "published count contradicts its share"
                share_of_count = _share(tp.models, P.MODELS)
                fits = " or ".join(n(k) for k in implied[tp.name]) or "no count"
                notes.append(
                    f"{tp.name.rstrip('.')} is printed with {n(tp.models)} models and "
                    f"{dec(tp.share)} %, but {n(tp.models)} of {n(P.MODELS)} is "
                    f"{dec(share_of_count)} %; the share {dec(tp.share)} % fits {fits} models, and "
                    f"this release has {n(ours)}."
                )
                self.inconsistencies.append(notes[-1])
            self.add(
                f"Models: {tp.name.rstrip('.')}",
                n(tp.models),
                n(ours),
                "",
                _signed(ours - tp.models),
                status,
            )
        self.details.append(
            "Published name, type, models and share beside this release (shares of its "
            f"{n(total)} models). *Counts fitting the published share* are the model counts whose "
            f"share of {n(P.MODELS)} rounds to the printed per cent."
        )
        self.details.append("")
        self.details += table(
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
        if notes:
            self.details += [""] + [f"- {t}" for t in notes]

    def _models(self) -> None:
        f = self.f
        total = len(f.models)
        by_name = self._by_name()
        implied = self._implied_counts()
        # Conventions for "a model", each computed from the tables.
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
        ]
        counted = [(label, sum(1 for m in f.models if keep(m))) for label, keep in conventions]
        module_docs = f.version_kinds.get("Module", 0)
        counted.append(("Module docs (every version)", module_docs))
        best = min(counted[1:], key=lambda c: abs(c[1] - P.MODELS))
        self.add(
            "Models",
            n(P.MODELS),
            n(total),
            f"{n(best[1])} ({best[0]})",
            _signed(total - P.MODELS),
            "located: Google and TensorFlow; models not named",
        )
        self.h("Models")
        rows = [[label, n(c), _signed(c - P.MODELS)] for label, c in counted]
        self.details.append(
            f"This dataset counts {n(total)} models: every handle of a Module or Placeholder doc "
            f"without its version. The study counted {n(P.MODELS)}. Conventions tried:"
        )
        self.details.append("")
        self.details += table(
            ["What counts as a model", "Models", "Difference to published"], rows, "lrr"
        )
        self.details += [
            "",
            f"None reproduces {n(P.MODELS)}; the closest is *{best[0]}* "
            f"({n(best[1])}). The published figures themselves locate the difference:",
            "",
        ]
        # Where the difference lies, from the published per-publisher figures.
        diffs = []
        fixed = 0
        for tp in P.TOP_PUBLISHERS:
            row = by_name.get(tp.name)
            if row is None:
                continue
            count = (
                tp.models
                if tp.models in implied[tp.name]
                else (row["model_count"] if row["model_count"] in implied[tp.name] else tp.models)
            )
            fixed += count
            if row["model_count"] != count:
                diffs.append((tp.name.rstrip("."), row["handle"], row["model_count"], count))
        top_handles = {by_name[tp.name]["handle"] for tp in P.TOP_PUBLISHERS if tp.name in by_name}
        rest_ours = sum(p["model_count"] for p in f.publishers if p["handle"] not in top_handles)
        rest_pub = P.MODELS - fixed
        if rest_pub == rest_ours:
            self.diff_publishers = [handle for _, handle, _, _ in diffs]
        explained = sum(o - c for _, _, o, c in diffs)
        trusted = ", ".join(f"{tp.name.rstrip('.')} {n(c)}" for tp, c in self._trusted_counts())
        self.details += [
            f"- Taking each top publisher's count that agrees with its printed share "
            f"({trusted}), "
            f"the other {n(len(f.publishers) - len(top_handles))} publishers hold "
            f"{n(P.MODELS)} − {n(fixed)} = {n(rest_pub)} models in the study and {n(rest_ours)} in "
            "this release" + (": the same." if rest_pub == rest_ours else "."),
            f"- The whole difference of {_signed(total - P.MODELS)} is then "
            + " and ".join(
                f"{name} ({_signed(o - c)}: {n(o)} here, {n(c)} published)"
                for name, _, o, c in diffs
            )
            + (
                f", which add up to {_signed(explained)}."
                if explained == total - P.MODELS
                else f", which add up to {_signed(explained)}, not {_signed(total - P.MODELS)}."
            ),
            "- With those two counts replaced, the mean and sd of models per publisher reproduce "
            "the published ones (see *Models per publisher*), which confirms it.",
        ]
        self._which_models(diffs)

    def _trusted_counts(self) -> list[tuple[P.TopPublisher, int]]:
        by_name = self._by_name()
        implied = self._implied_counts()
        out = []
        for tp in P.TOP_PUBLISHERS:
            row = by_name.get(tp.name)
            if tp.models in implied[tp.name] or row is None:
                out.append((tp, tp.models))
            else:
                out.append(
                    (
                        tp,
                        row["model_count"] if row["model_count"] in implied[tp.name] else tp.models,
                    )
                )
        return out

    def _which_models(self, diffs: list[tuple[str, str, int, int]]) -> None:
        """Try single-column conditions on models for a set matching the per-publisher gaps."""
        f = self.f
        if not diffs:
            return
        target = {handle: o - c for _, handle, o, c in diffs}
        columns = [
            "kind",
            "format",
            "has_saved_model_2",
            "has_tf1_hub",
            "has_lite",
            "has_tfjs",
            "has_coral",
            "fine_tunable",
            "license",
            "domain",
            "interactive_visualizer",
        ]
        conditions: list[tuple[str, Callable[[Row], bool]]] = []
        for col in columns:
            for value in sorted({m[col] for m in f.models}, key=lambda v: (v is None, str(v))):
                conditions.append((f"{col} = {value}", lambda m, c=col, v=value: m[c] == v))
                conditions.append((f"{col} ≠ {value}", lambda m, c=col, v=value: m[c] != v))
        for col in ("colab", "demo", "summary"):
            conditions.append((f"{col} empty", lambda m, c=col: not m[c]))
            conditions.append((f"{col} given", lambda m, c=col: bool(m[c])))
        conditions.append(("more than one version", lambda m: m["version_count"] > 1))
        conditions.append(("one version", lambda m: m["version_count"] == 1))
        conditions.append(
            ("version numbers with gaps", lambda m: m["latest_version"] != m["version_count"])
        )
        members = {r["model"] for r in self.f.r.get("collection_members") or [] if r["model"]}
        conditions.append(("in a collection", lambda m: m["handle"] in members))
        conditions.append(("in no collection", lambda m: m["handle"] not in members))
        for depth in sorted({m["handle"].count("/") for m in f.models}):
            conditions.append(
                (
                    f"handle with {depth + 1} segments",
                    lambda m, d=depth: m["handle"].count("/") == d,
                )
            )
        hits = []
        for label, keep in conditions:
            got = Counter(m["publisher"] for m in f.models if keep(m))
            if all(got[h] == k for h, k in target.items()) and sum(got.values()) == sum(
                target.values()
            ):
                hits.append(label)
        wanted = " and ".join(f"{n(k)} {code(h)}" for h, k in target.items())
        differ = {d for d, c in P.DOMAIN_FIGURES["models"].items() if f.primary[d] != c}
        pub = {
            handle: Counter(
                m["domain"] for m in f.models if m["publisher"] == handle and m["domain"] in differ
            )
            for handle in target
        }
        self.details += [
            "",
            "**Which models were not counted is not settled by the data.** "
            f"Of {n(len(conditions))} single conditions on this release's models (each value of "
            f"{', '.join(f'`{c}`' for c in columns)}, empty or given `colab`/`demo`/`summary`, "
            "version count, gaps in version numbers, collection membership, handle depth), "
            + (
                f"these select exactly {wanted} models: {', '.join(hits)}."
                if hits
                else f"none selects exactly {wanted} models and no others."
            )
            + " By domain, the difference is the one found under *Domains* below; the candidates "
            "are these publishers' models in the domains that differ ("
            + "; ".join(
                f"{code(h)}: " + ", ".join(f"{md_escape(d)} {n(c)}" for d, c in sorted(cnt.items()))
                for h, cnt in pub.items()
            )
            + ").",
        ]

    # --- domains -------------------------------------------------------------------------------

    def _domains(self) -> None:
        f = self.f
        self.h("Domains: models, categories, architectures, datasets")
        doms = list(P.DOMAINS)
        # Models.
        pm = P.DOMAIN_FIGURES["models"]
        primary = {d: f.primary[d] for d in doms}
        anywhere = {d: f.anywhere[d] for d in doms}
        rows = [
            [
                "models (primary domain, own)",
                *[n(primary[d]) for d in doms],
                n(sum(primary.values())),
            ],
            ["models (any domain)", *[n(anywhere[d]) for d in doms], n(sum(anywhere.values()))],
            ["published", *[n(pm[d]) for d in doms], n(P.TOTALS["models"])],
        ]
        for d in doms:
            self.add(
                f"Models: {d}",
                n(pm[d]),
                n(primary[d]),
                f"{n(primary[d])} (primary domain)",
                _signed(primary[d] - pm[d]),
                "reproduced" if primary[d] == pm[d] else "see Models",
            )
        self.details.append("**Models per domain.**")
        self.details.append("")
        self.details += table(["Convention", *doms, "sum"], rows, "l" + "r" * (len(doms) + 1))
        same = [d for d in doms if primary[d] == pm[d]]
        differ = [d for d in doms if primary[d] != pm[d]]
        self.details += [
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
        # Categories, architectures, datasets.
        for what, table_name, vocabulary in (
            ("categories", "model_tasks", "tasks"),
            ("architectures", "model_architectures", "architectures"),
            ("datasets", "model_datasets", "datasets"),
        ):
            self._tag_domain_figure(what, table_name, vocabulary)

    def _tag_domain_figure(self, what: str, table_name: str, vocabulary: str) -> None:
        f = self.f
        doms = list(P.DOMAINS)
        pub = P.DOMAIN_FIGURES[what]
        display = f.display(vocabulary)
        variants: list[tuple[str, dict[str, set[str]]]] = [
            ("every listed value (own)", f.tags_by_domain(table_name)),
            ("first-listed value only", f.tags_by_domain(table_name, first_only=True)),
        ]
        if "other" in display or any("other" in s for s in variants[0][1].values()):
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
        own = variants[0][1]
        if score(own) <= score(best):
            best_label, best = variants[0]
        rows = []
        for label, by in variants:
            counts = [len(by.get(d, ())) for d in doms]
            distinct = len(set().union(*[by.get(d, set()) for d in doms]))
            rows.append([label, *[n(c) for c in counts], n(sum(counts)), n(distinct)])
        rows.append(["published", *[n(pub[d]) for d in doms], n(P.TOTALS[what]), ""])
        for d in doms:
            o, b = len(own.get(d, ())), len(best.get(d, ()))
            status = (
                "reproduced"
                if o == pub[d]
                else (f"reproduced by {best_label}" if b == pub[d] else "differs")
            )
            if o != pub[d] and self._exclusive_ids(table_name, d):
                status += "; another candidate, not settled (see Domains)"
            self.add(
                f"{what.capitalize()}: {d}",
                n(pub[d]),
                n(o),
                f"{n(b)} ({best_label})" if best is not own else "",
                _signed(o - pub[d]),
                status,
            )
        o_sum = sum(len(own.get(d, ())) for d in doms)
        b_sum = sum(len(best.get(d, ())) for d in doms)
        self.add(
            f"{what.capitalize()}: total",
            n(P.TOTALS[what]),
            n(o_sum),
            f"{n(b_sum)} ({best_label})" if best is not own else "",
            _signed(o_sum - P.TOTALS[what]),
            "reproduced"
            if o_sum == P.TOTALS[what]
            else (f"reproduced by {best_label}" if b_sum == P.TOTALS[what] else "differs"),
        )
        self.details += [
            "",
            f"**{what.capitalize()} per domain** (distinct "
            f"{'task' if what == 'categories' else what[:-1]} ids listed by the models "
            "of each primary domain; *sum* adds the domains, *distinct* counts each "
            "id once):",
            "",
        ]
        self.details += table(
            ["Convention", *doms, "sum", "distinct"], rows, "l" + "r" * (len(doms) + 2)
        )
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
                    f"{self._listing(t, table_name, d)}"
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
            alternative = self._exclusive_ids(table_name, d)
            if len(o) != pub[d] and alternative:
                notes.append(
                    f"{d}, another candidate: the models the study did not count (see *Models*) "
                    f"are {' and '.join(code(h) for h in self.diff_publishers)} models, and "
                    f"{n(len(alternative))} {d} ids are listed by no other {d} model "
                    f"({names(sorted(alternative), limit=8)}); if the uncounted models include "
                    "every model listing one of them, that id drops out as well. The tables "
                    "cannot tell this apart from the convention above."
                )
        if notes:
            self.details += [""] + [f"- {t}" for t in notes]
        if best is not own and all(len(best.get(d, ())) == pub[d] for d in doms):
            self.details += [
                "",
                f"*{best_label.capitalize()}* reproduces every published "
                f"{what} figure; the tables show it fits, not that the study used "
                "it.",
            ]
        distinct_all = len(set().union(*[own.get(d, set()) for d in doms]))
        if P.TOTALS[what] == sum(pub.values()) and distinct_all != o_sum:
            self.inconsistencies.append(
                f"The published {what} total ({n(P.TOTALS[what])}) is the sum of the per-domain "
                f"counts, so an id used in two domains counts twice; in this release the "
                f"per-domain sum is {n(o_sum)} but there are {n(distinct_all)} distinct ids."
            )

    def _exclusive_ids(self, table_name: str, domain: str) -> set[str]:
        """Ids that, in ``domain``, only models of the publishers whose counts differ list."""
        if not self.diff_publishers or self.f.primary[domain] == P.DOMAIN_FIGURES["models"].get(
            domain, self.f.primary[domain]
        ):
            return set()
        column = {
            "model_tasks": "task",
            "model_architectures": "architecture",
            "model_datasets": "dataset",
        }[table_name]
        listers: dict[str, set[str]] = {}
        for r in self.f.bridge(table_name):
            m = self.f.model[r["model"]]
            if m["domain"] == domain:
                listers.setdefault(r[column], set()).add(m["publisher"])
        return {t for t, pubs in listers.items() if pubs <= set(self.diff_publishers)}

    def _listing(self, tag: str, table_name: str, domain: str) -> str:
        column = {
            "model_tasks": "task",
            "model_architectures": "architecture",
            "model_datasets": "dataset",
        }[table_name]
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

    # --- cross-domain --------------------------------------------------------------------------

    @staticmethod
    def _family(display_name: str) -> str:
        """A display name's leading word: 'MobileNet V1' -> 'MobileNet', 'VGG-style' -> 'VGG'."""
        match = re.match(r"[A-Za-z]+", display_name)
        return match.group(0) if match else display_name

    def _cross_domain(self) -> None:
        f = self.f
        self.h("Architectures and datasets shared by domains")
        for what, table_name, vocabulary, published in (
            ("architectures", "model_architectures", "architectures", P.CROSS_DOMAIN_ARCHITECTURES),
            ("datasets", "model_datasets", "datasets", P.CROSS_DOMAIN_DATASETS),
        ):
            display = f.display(vocabulary)
            domains = f.tag_domains(table_name)
            for pair, pub_names in published.items():
                shared = sorted(t for t, ds in domains.items() if set(pair) <= ds and t != "other")
                families: dict[str, list[str]] = {}
                for t in shared:
                    families.setdefault(self._family(display.get(t, t)), []).append(t)
                got = sorted(families)
                want = sorted(pub_names)
                ok = got == want
                self.add(
                    f"{what.capitalize()} in {' and '.join(pair)}",
                    ", ".join(pub_names),
                    ", ".join(map(md_escape, got)) or "none",
                    "",
                    "" if ok else "differs",
                    ("reproduced (by family name)" if what == "architectures" else "reproduced")
                    if ok
                    else "differs",
                )
                self.details.append(
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
                self.details.append(
                    "- The vocabulary entry `other` is listed in "
                    f"{', '.join(sorted(domains['other']))} models; "
                    "the study does not name it, and it is left out above."
                )

    # --- consistency of the published figures ---------------------------------------------------

    def _published_consistency(self) -> None:
        dom_sum = sum(P.DOMAIN_FIGURES["models"].values())
        if dom_sum != P.TOTALS["models"]:
            self.inconsistencies.append(
                f"The published domain model counts add up to {n(dom_sum)}, not "
                f"{n(P.TOTALS['models'])}."
            )
        type_sum = sum(P.PUBLISHER_TYPES.values())
        if type_sum != P.PUBLISHERS:
            self.inconsistencies.append(
                f"The published publisher types add up to {n(type_sum)}, not {n(P.PUBLISHERS)}."
            )
        if P.PUBLISHERS_WITH_LINKS > P.PUBLISHERS:
            self.inconsistencies.append("More publishers with links than publishers.")
