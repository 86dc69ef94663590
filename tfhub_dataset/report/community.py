"""The community figures of a release, from its written tables only (``contributions``,
``contributors``, ``publisher_contributions``, ``channels`` and the attribution columns of its
fact tables), and the README section that shows them. Shared by every hub's report and by the
comparison of the hubs (:func:`community_figures`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from tfhub_dataset.plugin import Hub
from tfhub_dataset.report.markdown import code, md_escape, n, pct, table
from tfhub_dataset.report.release import Release

Row = dict[str, Any]
COMMUNITY_TABLES = ("channels", "contributions", "contributors", "publisher_contributions")
# The hub's team: its owner's staff, the maintainers the history shows, and its automation.
TEAM = ("staff", "maintainer", "bot")
ADDED_AS = ("publisher", "hub-staff", "campaign", "import")
CHANNELS_CHART = "figures/channels_per_year.png"
CAMPAIGNS_SHOWN = 5


def has_community(release: Release) -> bool:
    return all(release.has(t) for t in COMMUNITY_TABLES)


def _publisher_of(release: Release) -> dict[str, str]:
    return {m["handle"]: m["publisher"] for m in release.get("models") or [] if m.get("publisher")}


def _link_tables(release: Release) -> list[tuple[str, list[Row]]]:
    """The tables of links (a url and a link_type) that carry the attribution columns."""
    out = []
    for name, rows in sorted(release.tables.items()):
        fields = {f["name"] for f in release.schemas.get(name, {}).get("fields", [])}
        if {"url", "link_type", "added_as"} <= fields:
            out.append((name, rows))
    return out


def _link_publisher(row: Row, publisher_of: Mapping[str, str]) -> str | None:
    if row.get("publisher"):
        return row["publisher"]
    return publisher_of.get(row.get("model") or "")


def community_figures(release: Release) -> dict[str, Any]:
    """Every community figure of one release, as plain values (for a README or a comparison).

    Keys: ``contributors`` (people, aliases merged) and ``identities`` (their addresses);
    ``channels`` (commits per channel id) with ``channel_titles``; ``channels_per_year``;
    ``data_commits`` by affiliation (``withheld``: opted out or unnamed) and ``team_share`` of
    them; ``publishers_own`` / ``publishers_by_others`` / ``publishers_imported`` (handles, by
    how their models came in: at least one by the publisher; none by it but some by the hub's
    staff or a campaign; all by an import); ``outside_per_year`` (distinct outside contributors
    with a commit that year) and ``new_outside_per_year``; ``campaigns`` (the largest, by
    publishers touched); ``links`` (link type -> how its links were added); ``huggingface``
    (Hugging Face links: by how they were added, the publishers linking, those that added one
    themselves, and the self-added links)."""
    contributions = release["contributions"]
    people = {r["contributor"]: r for r in release["contributors"]}
    channels = {r["id"]: r for r in release["channels"]}
    per_year: dict[str, Counter[str]] = defaultdict(Counter)
    data: Counter[str] = Counter()
    active: dict[str, set[int]] = defaultdict(set)
    for r in contributions:
        year = r["date"][:4]
        per_year[year][r["channel"] or "unrecognised"] += 1
        who = people.get(r["contributor"])
        if r["data_files"]:
            data[who["affiliation"] if who else "withheld"] += 1
        if who and who["affiliation"] == "outside":
            active[year].add(who["contributor"])
    new_outside = Counter(
        p["first_date"][:4] for p in people.values() if p["affiliation"] == "outside"
    )
    years = sorted(per_year)
    team = sum(data[a] for a in TEAM)
    models_by: dict[str, Counter[str]] = defaultdict(Counter)
    for m in release.get("models") or []:
        if m.get("publisher"):  # (a model may credit no publisher)
            models_by[m["publisher"]][m.get("added_as") or "withheld"] += 1
    own = sorted(p for p, c in models_by.items() if c["publisher"])
    imported = sorted(p for p, c in models_by.items() if set(c) == {"import"})
    others = sorted(set(models_by) - set(own) - set(imported))
    campaigns = sorted(
        (r for r in contributions if r["campaign"]),
        key=lambda r: (-r["publisher_count"], r["date"], r["commit"]),
    )
    publisher_of = _publisher_of(release)
    links: dict[str, Counter[str]] = defaultdict(Counter)
    hf: list[tuple[str | None, Row]] = []
    for _, rows in _link_tables(release):
        for row in rows:
            links[row["link_type"]][row["added_as"] or "withheld"] += 1
            if row["link_type"] == "huggingface":
                hf.append((_link_publisher(row, publisher_of), row))
    return {
        "contributors": len(people),
        "identities": sum(p["addresses"] for p in people.values()),
        "affiliations": dict(sorted(Counter(p["affiliation"] for p in people.values()).items())),
        "channels": {cid: c["commits"] for cid, c in channels.items()},
        "channel_titles": {cid: c["title"] for cid, c in channels.items()},
        "channels_per_year": {y: dict(sorted(per_year[y].items())) for y in years},
        "data_commits": dict(sorted(data.items())),
        "team_share": team / sum(data.values()) if data else None,
        "publishers_own": own,
        "publishers_by_others": others,
        "publishers_imported": imported,
        "outside_per_year": {y: len(active[y]) for y in years},
        "new_outside_per_year": {y: new_outside[y] for y in years},
        "campaigns": [_campaign(r, people) for r in campaigns],
        "links": {t: dict(sorted(c.items())) for t, c in sorted(links.items())},
        "huggingface": _huggingface(hf, publisher_of),
    }


def _campaign(r: Row, people: Mapping[int, Row]) -> Row:
    keys = ("commit", "date", "pull_request", "channel", "publisher_count", "docs_added",
            "docs_modified", "contributor")  # fmt: skip
    who = people.get(r["contributor"])
    return {**{k: r[k] for k in keys}, "affiliation": who["affiliation"] if who else None}


def _huggingface(hf: list[tuple[str | None, Row]], publisher_of: Mapping[str, str]) -> Row:
    mine = [(p, r) for p, r in hf if r["added_as"] == "publisher"]
    curated = sum(1 for _, r in hf if r["added_as"] in ("campaign", "hub-staff"))
    return {
        "links": len(hf),
        "added_as": dict(sorted(Counter(r["added_as"] or "withheld" for _, r in hf).items())),
        "publishers": sorted({p for p, _ in hf if p}),
        "publishers_self_added": sorted({p for p, _ in mine if p}),
        "self_added": [
            {"publisher": p, "model": r.get("model"), "url": r["url"], "commit": r["added_commit"]}
            for p, r in mine
        ],
        "curated_share": curated / len(hf) if hf else None,
    }


def channels_chart(figures: Mapping[str, Any], title: str) -> bytes:
    """Commits per year, stacked by channel (a PNG, identical on every run)."""
    from tfhub_dataset.report.charts import stacked_years_png

    ids = [c for c in figures["channels"] if figures["channels"][c]]
    if any("unrecognised" in y for y in figures["channels_per_year"].values()):
        ids.append("unrecognised")
    titles = {**figures["channel_titles"], "unrecognised": "Not recognised (anomaly)"}
    years = list(figures["channels_per_year"])
    series = [
        (titles[c], [figures["channels_per_year"][y].get(c, 0) for y in years]) for c in ids
    ]
    return stacked_years_png(years, series, title, "first-parent commits")


def _names(handles: Iterable[str]) -> str:
    items = list(handles)
    return ", ".join(code(h, in_table=True) for h in items) if items else "none"


def community_figure(release: Release, release_id: str) -> dict[str, bytes]:
    """The Community section's chart (:data:`CHANNELS_CHART`), for a release that has the
    community tables."""
    if not has_community(release):
        return {}
    title = f"Commits of the published branch per year, by channel (release {release_id})"
    return {CHANNELS_CHART: channels_chart(community_figures(release), title)}


CHART_TITLE = "Commits of the published branch per year, by channel (from `contributions`)"


def withheld(release: Release) -> int:
    """Commits of the published branch that carry no contributor (opted out, or unnamed)."""
    return sum(1 for r in release["contributions"] if r["contributor"] is None)


def community_notes(release: Release, h: Hub) -> list[str]:
    """What CHANGES.md says of the community tables of this release: the opt-outs applied."""
    if not has_community(release) or not withheld(release):
        return []
    return [
        f"{n(withheld(release))} commits of the published branch carry no contributor in "
        "`contributions`: the people concerned asked to be left out "
        f"(`build/annotations/{h.folder}/contributor_opt_outs.csv`; or the source named no "
        "one). They have no row in `contributors` and no id anywhere; no other id moved."
    ]


def community_section(release: Release, h: Hub) -> list[str]:
    """The body of the README's Community section (empty for a release without the community
    tables); its chart is :data:`CHANNELS_CHART`."""
    if not has_community(release):
        return []
    f = community_figures(release)
    total = sum(f["channels"].values())
    folder = f"build/annotations/{h.folder}"
    lines = [
        f"Who brought the models to {md_escape(h.title)}, and how. Every commit of the "
        f"published branch up to this release's commit ({n(total)}) is a row of "
        "`contributions`, with the channel it came through (`channels` says how each is "
        "recognised from the commit; a commit no rule recognises is an anomaly, not a guess), "
        f"and its contributor: {n(f['contributors'])} people in `contributors` "
        f"({n(f['identities'])} e-mail addresses merged into them: the same address, a GitHub "
        "noreply address whose login a commit names, and the curated "
        f"`{folder}/contributor_aliases.csv`). A contributor is a number, never a name "
        "or an address (see *Contributor ids and the opt-out* below).",
        "",
    ]
    rows = [
        [md_escape(f["channel_titles"][c]), code(c, in_table=True), n(k), pct(k, total)]
        for c, k in f["channels"].items()
    ]
    lines += table(["Channel", "id", "Commits", "Share"], rows, "llrr")
    lines += ["", f"![{CHART_TITLE}]({CHANNELS_CHART})", ""]
    data = f["data_commits"]
    all_data = sum(data.values())
    team = sum(data.get(a, 0) for a in TEAM)
    lines += [
        f"**Staff and outside contributors.** Of the {n(all_data)} commits that changed data "
        f"files, {n(team)} ({pct(team, all_data)}) came from the hub's team and "
        f"{n(data.get('outside', 0))} ({pct(data.get('outside', 0), all_data)}) from outside "
        "contributors. The team: the hub owner's staff (an address at its domain: "
        f"{n(data.get('staff', 0))}), maintainers the history shows with write access (they "
        f"pushed to the branch or pressed its merge button: {n(data.get('maintainer', 0))}) and "
        f"bots ({n(data.get('bot', 0))})"
        + (f"; {n(data['withheld'])} carry no contributor (opted out)" if data.get("withheld")
           else "")
        + ".",
        "",
    ]  # fmt: skip
    years = list(f["outside_per_year"])
    lines += table(
        ["Year", *years],
        [
            ["Outside contributors with a commit", *(n(f["outside_per_year"][y]) for y in years)],
            ["of whom new that year", *(n(f["new_outside_per_year"][y]) for y in years)],
        ],
        "l" + "r" * len(years),
    )
    own, others, imported = f["publishers_own"], f["publishers_by_others"], f["publishers_imported"]
    lines += [
        "",
        f"**Who publishes whose docs.** Each model's first commit says how it came in "
        "(`models.added_as`): `publisher` (a contribution confined to a few publishers, by an "
        "outside contributor, or by the staff for the hub owner's own publishers), `hub-staff` "
        "(the hub's team for another organisation's publisher), `campaign` (a commit touching "
        "the docs of many publishers and adding none) or `import` (the hub's initial imports, "
        f"whose origin is earlier). {n(len(own))} publishers added at least one of their models "
        "themselves; "
        f"{n(len(others))} had every model added by others ({_names(others)}); "
        f"{n(len(imported))} have only imported models"
        + (f" ({_names(imported)})" if imported and len(imported) <= 20 else "")
        + ".",
        "",
    ]  # fmt: skip
    shown = f["campaigns"][:CAMPAIGNS_SHOWN]
    if shown:
        imports = {c["sha"] for c in release.get("commits") or [] if c.get("initial_import")}
        lines += [
            "**The largest curation campaigns**: the commits touching the docs of the most "
            "publishers while adding none (`contributions.campaign`).",
            "",
        ]
        lines += table(
            ["Date", "Pull request", "Channel", "Publishers", "Docs added", "Docs modified",
             "Contributor"],
            [[r["date"][:10], f"#{r['pull_request']}" if r["pull_request"] else
              ("import" if r["commit"] in imports else ""),
              code(r["channel"] or "", in_table=True), n(r["publisher_count"]),
              n(r["docs_added"]), n(r["docs_modified"]),
              f"{r['contributor']} ({r['affiliation']})" if r["contributor"] else "withheld"]
             for r in shown],
            "llcrrrl",
        )  # fmt: skip
        lines.append("")
    hf = f["huggingface"]
    if hf["links"]:
        by = hf["added_as"]
        lines += [
            f"**Hugging Face links.** {n(hf['links'])} links go to Hugging Face, of "
            f"{n(len(hf['publishers']))} publishers; {n(by.get('campaign', 0))} were added by "
            f"campaigns and {n(by.get('hub-staff', 0))} by the hub's team, "
            f"{n(by.get('publisher', 0))} by the publishers themselves "
            f"({n(len(hf['publishers_self_added']))} publishers: "
            f"{_names(hf['publishers_self_added'])}).",
            "",
        ]
    lines += [
        "### Contributor ids and the opt-out",
        "",
        "A contributor id is the person's rank by their first commit on the published branch "
        "(within one commit, whose work it carries before who merged it), counted in this "
        "release's history: it is deterministic (anyone rebuilding the release gets the same "
        "ids) and local to this hub and release. It is **not anonymous**: the public history "
        "re-identifies it (the commit of `contributors.first_commit` names the person). It is "
        "**not a join key**: the same person has other ids in other hubs and may have another "
        "in another release. No release file holds a commit author's or committer's name or "
        "e-mail address, or any hash of either.",
        "",
        "To be left out, open an issue naming one commit of yours (never your address); the "
        f"commit goes into `{folder}/contributor_opt_outs.csv`, and the next build drops "
        "your row from `contributors` and your id from every other table (your commits stay in "
        "`commits` and `contributions`, without a contributor); no one else's id moves. The "
        "release's `CHANGES.md` notes it.",
    ]
    return lines
