"""The models the study left uncounted, under the conventions a crawler of the rendered site
(tfhub.dev, April 2022) would meet: the part of the reproduction (reproduction.py) that tries
them, from the release's tables.

A crawler counts what the site shows, not what the repository holds. The conventions tried, each
a set of models the crawler would leave out:

- a model *page with no asset of its own* (a Placeholder: its files are its Lite, TF.js or Coral
  variants) may not count as a model;
- a model's *latest version without an asset-path*, or one the site cannot serve from a browser
  (a gs:// URL), renders without a download;
- a model a collection lists only in an HTML comment or fenced code is not on the collection's
  rendered page; a crawler that reached models through collections misses those it reached only
  so, and one that read publisher listings may skip models that collections show;
- a handle *nested under another model's handle* (tensorflow/ssd_mobilenet_v2/fpnlite_320x320
  below tensorflow/ssd_mobilenet_v2) reads, in a list of URLs, as a page of the shorter model;
- a model whose *name is another publisher's model's too* (tensorflow/efficientnet/b0/... and
  google/efficientnet/b0/...) collapses into one when models are told apart by name.

A convention *settles* the gap when the models it leaves out, beyond those already named, are
exactly the unnamed publishers' extra models: as many, in the same domains, and no other
publisher's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from tfhub_dataset.report.markdown import code, md_escape, n, table
from tfhub_dataset.report.release import Row


@dataclass(frozen=True)
class Convention:
    label: str
    leaves_out: Callable[[Row], bool]


def conventions(models: list[Row], versions: list[Row], members: list[Row]) -> list[Convention]:
    """The crawler conventions tried, over one release's models."""
    handles = {m["handle"] for m in models}
    shown: dict[str, set[str]] = {}
    for r in members:
        if r["model"]:
            shown.setdefault(r["model"], set()).add(r["listed_in"])
    latest: dict[str, Row] = {}
    for v in versions:
        if v["kind"] in ("Module", "Placeholder") and v["model"]:
            seen = latest.get(v["model"])
            if seen is None or v["version"] > seen["version"]:
                latest[v["model"]] = v
    names = Counter(m["name"] for m in models)

    def asset(m: Row) -> str:
        return (latest.get(m["handle"]) or {}).get("asset_path") or ""

    def nested(m: Row) -> bool:
        parts = m["handle"].split("/")
        return any("/".join(parts[:i]) in handles for i in range(2, len(parts)))

    return [
        Convention("a Placeholder (no asset of its own; its files are variants)",
                   lambda m: m["kind"] == "Placeholder"),
        Convention("latest version without an asset-path", lambda m: not asset(m)),
        Convention("latest version's asset-path not servable from a browser (gs://)",
                   lambda m: asset(m).startswith("gs://")),
        Convention("listed by collections only in a comment or code (not on their pages)",
                   lambda m: bool(shown.get(m["handle"])) and "text" not in shown[m["handle"]]),
        Convention("shown on a collection's page", lambda m: "text" in shown.get(m["handle"], ())),
        Convention("in no collection", lambda m: m["handle"] not in shown),
        Convention("handle nested under another model's handle", nested),
        Convention("name shared with another publisher's model", lambda m: names[m["name"]] > 1),
    ]  # fmt: skip


def crawler_lines(
    models: list[Row],
    versions: list[Row],
    members: list[Row],
    named: set[str],
    gap: dict[str, int],
    gap_domains: dict[str, int],
) -> list[str]:
    """Markdown: each crawler convention beside the gap left by the named models (``gap``:
    publisher -> extra models not yet named; ``gap_domains``: domain -> extra models), and the
    candidates by handle when none settles it."""
    if not gap:
        return []
    rest = [m for m in models if m["handle"] not in named]
    doms = [d for d, k in gap_domains.items() if k]
    rows, settled, picks = [], [], {}
    for c in conventions(models, versions, members):
        out = [m for m in rest if c.leaves_out(m)]
        picks[c.label] = {m["handle"] for m in out}
        mine = [m for m in out if m["publisher"] in gap]
        others = len(out) - len(mine)
        split = Counter(m["domain"] for m in mine)
        fits = (
            others == 0
            and all(sum(1 for m in mine if m["publisher"] == h) == k for h, k in gap.items())
            and all(split.get(d, 0) == k for d, k in gap_domains.items())
        )
        if fits:
            settled.append(c.label)
        rows.append(
            [md_escape(c.label), n(len(out)),
             ", ".join(f"{d} {n(split.get(d, 0))}" for d in doms), n(others),
             "yes" if fits else "no"]
        )  # fmt: skip
    who = " and ".join(code(h) for h in gap)
    want = ", ".join(f"{d} {n(k)}" for d, k in gap_domains.items() if k)
    lines = [
        "",
        f"**What a crawler of the rendered site would meet.** The site showed what the docs "
        f"rendered, not what the repository held; each convention below is a set of models a "
        f"crawler of tfhub.dev would leave out. One settles the gap when, beyond the models "
        f"already named, it leaves out exactly {who}'s extra models ({want}) and no other "
        "publisher's:",
        "",
    ]
    lines += table(
        ["A crawler leaves out", "Models", f"Of {who}, by domain", "Of other publishers",
         "Settles it"],
        rows,
        "lrlrl",
    )  # fmt: skip
    candidates = sorted(
        (m for m in rest if m["publisher"] in gap and m["domain"] in doms),
        key=lambda m: (m["domain"], m["handle"]),
    )
    if settled:
        lines += ["", f"*{settled[0]}* settles it."]
        return lines
    lines += [
        "",
        f"None settles it: every convention leaves out none of {who}'s models, or others' too, or "
        f"not in the published domains. The candidates remain {who}'s {n(len(candidates))} "
        "models of those domains, listed by handle with the conventions that would leave each "
        "out:",
        "",
        f"<details><summary>The {n(len(candidates))} candidates</summary>",
        "",
    ]
    short = {label: f"({i})" for i, label in enumerate(picks, start=1)}
    cand_rows = [
        [code(m["handle"]), md_escape(m["domain"] or ""), md_escape(m["kind"]),
         " ".join(short[label] for label, hs in picks.items() if m["handle"] in hs)]
        for m in candidates
    ]  # fmt: skip
    lines += table(["Model", "Domain", "Kind", "Left out by"], cand_rows, "llll")
    lines += ["", "; ".join(f"{short[label]} {md_escape(label)}" for label in picks) + ".", ""]
    lines += ["</details>"]
    return lines
