"""The sections of a PaddleHub release's README that read its history (module_versions,
snapshots, model_history, publisher_history), and those on loading, provenance and license."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from tfhub_dataset.package.write import ReleaseInfo, repository_name
from tfhub_dataset.report.changes import CHANGES_NAME, Changes
from tfhub_dataset.report.changes import summary as changes_summary
from tfhub_dataset.report.history_facts import HistoryFacts
from tfhub_dataset.report.markdown import code, day, n, names, ranked, signed, table
from tfhub_dataset.report.release import Release
from tfhub_dataset.report.release_report import (
    FIGURES_DIR,
    history_change_tables,
    loading_lines,
    provenance_lines,
)

SNAPSHOT_MEASURES = {
    "publishers": "Publishers",
    "publishers_individual": "Publishers: individual",
    "publishers_organization": "Publishers: organization",
    "publishers_unannotated": "Publishers: unannotated",
    "organizations": "Organisations behind them",
    "models": "Modules",
    "models_thirdparty": "Modules under modules/thirdparty/",
    "models_image": "Modules: image",
    "models_text": "Modules: text",
    "models_audio": "Modules: audio",
    "models_video": "Modules: video",
    "models_other": "Modules: other (demo)",
    "links": "Links",
    "papers": "Papers cited",
}


def versions_section(r: Release) -> list[str]:
    """module_versions: the versions every module declared over the history."""
    rows = r.get("module_versions") or []
    if not rows:
        return []
    per_module = Counter(v["module"] for v in rows)
    present = [v for v in rows if v["present"]]
    spread = Counter(min(c, 5) for c in per_module.values())
    lines = [
        f"{n(len(rows))} distinct (module, version) pairs declared on the branch develop up to "
        f"this release (`module_versions`), for {n(len(per_module))} modules: the loadable unit "
        "of the hub (`hub install <name>==<version>`). The repository keeps one module.py per "
        "module and raises its version in place, so a version's first and last commits are read "
        "from the history. Versions the hub's server published before a module reached this "
        "repository (2020-04-26 for the first ones) are not in it.",
        "",
    ]
    lines += table(
        ["Versions declared", "Modules"],
        [[f"{k}{'+' if k == 5 else ''}", n(c)] for k, c in sorted(spread.items())],
        "rr",
    )
    most = ranked(per_module)[:5]
    lines += [
        "",
        f"{n(len(present))} versions are declared at this release's commit; "
        f"{n(sum(1 for v in rows if v['spells'] > 1))} came back after another version. Most "
        "versions: " + ", ".join(f"{code(m)} ({n(c)})" for m, c in most) + ".",
    ]
    return lines


def history_section(r: Release) -> list[str]:
    h = HistoryFacts(r)
    if not h.present:
        return []
    snaps = h.snapshots
    first, last = snaps[0], snaps[-1]
    models, pubs = h.rows("model_history"), h.rows("publisher_history")
    anomalies = h.rows("history_anomalies")
    arrived = next((s for s in snaps if s["models"]), None)
    lines = [
        f"The repository's history up to this release's commit: {n(len(h.rows('commits')))} "
        f"commits, {n(len(h.rows('events')))} file events, {n(len(snaps))} monthly snapshots "
        f"({first['month']} to {last['month']}), {n(len(models))} modules ever seen "
        f"({n(sum(not m['present'] for m in models))} removed), {n(len(pubs))} publishers."
        + (
            f" The catalogue reached the repository in {arrived['month']}: earlier months hold "
            "the framework only."
            if arrived is not None and arrived is not first
            else ""
        )
        + " Tables: `snapshots`, `doc_history`, `model_history`, `publisher_history`, `events`, "
        f"`commits`, `history_anomalies` ({n(len(anomalies))} rows). The growth chart "
        f"([`{FIGURES_DIR}/growth.png`]({FIGURES_DIR}/growth.png)) draws `snapshots` by month.",
        "",
    ]
    start = arrived or first
    measures = [(c, label) for c, label in SNAPSHOT_MEASURES.items() if c in first]
    rows = [
        ["Month-end commit", f"{code(start['commit'][:8])} ({day(start['commit_date'])})",
         f"{code(last['commit'][:8])} ({day(last['commit_date'])})", ""],
        *[[label, n(start[c]), n(last[c]), signed(last[c] - start[c])] for c, label in measures],
    ]  # fmt: skip
    lines += ["**The catalogue's first month and the last** (`snapshots`):", ""]
    lines += table(
        ["", f"First month: {start['month']}", f"Last month: {last['month']}", "Change"],
        rows,
        "lrrr",
    )
    year_rows = [
        [label, s["month"], code(s["commit"][:8]), n(s["publishers"]), n(s["models"]),
         n(s.get("papers") or 0)]
        for label, s in h.year_ends
    ]  # fmt: skip
    lines += ["", "**Growth by year end** (`snapshots`: the first month, every December, this "
              "release):", ""]  # fmt: skip
    lines += table(
        ["Snapshot", "Month", "Commit", "Publishers", "Modules", "Papers"], year_rows, "lllrrr"
    )
    lines += history_change_tables(
        h,
        "Modules",
        "**Modules and publishers added and removed per year** (`model_history`, "
        "`publisher_history`):",
    )
    repeated = h.repeated_months
    lines += [
        "",
        "How to read it:",
        "",
        "- A month's row counts, with the release's own parser and conventions, the snapshot of "
        "the commit in force at the month's end: the last commit of the branch develop (the "
        "release commit's first-parent line) dated at or before it (committer date, UTC); the "
        "last row is this release's commit."
        + (
            f" Months without commits repeat the previous one: {names(repeated, 8)}."
            if repeated
            else ""
        ),
        "- A module's docs (module.py, README.md, README_en.md) are keyed by its name, whatever "
        "folder holds them: the catalogue's moves (hubmodule/ to hub_module/ in 2020-04, to "
        "modules/ in 2021-06, modules/thirdparty/ into modules/ in 2021-09) are moves, not new "
        "modules. Dates are those of the commits of develop where a file first held a module, "
        "last changed it, or removed it.",
        "",
        f"**History anomalies:** {n(len(anomalies))}"
        + (
            " ("
            + ", ".join(
                f"{n(c)} {code(k)}" for k, c in ranked(Counter(a["kind"] for a in anomalies))
            )
            + ")"
            if anomalies
            else ""
        )
        + ", listed in `history_anomalies`.",
    ]
    return lines


def since_section(changes: Changes) -> list[str]:
    p = changes.previous
    return [
        f"What changed since release `{p.id}` (the last pinned release, version {p.version}), "
        f"counted from the tables of both releases; [{CHANGES_NAME}]({CHANGES_NAME}) lists every "
        "publisher and module added, removed or changed, the counts per publisher and the schema "
        "changes.",
        "",
        *changes_summary(changes),
    ]


LOADING_PANDAS = """\
import pandas as pd

models = pd.read_csv("data/models.csv")
credits = pd.read_parquet("data/model_publishers.parquet")
print(credits.groupby("publisher").size().sort_values(ascending=False).head(5))
print(models.groupby("domain").size())"""

LOADING_DUCKDB = """\
import duckdb

duckdb.sql(
    "SELECT p.organization, count(DISTINCT c.model) AS modules "
    "FROM 'data/model_publishers.parquet' c JOIN 'data/publishers.parquet' p "
    "ON p.handle = c.publisher GROUP BY ALL ORDER BY modules DESC"
).show()"""

SQLITE_QUERY = (
    "SELECT publisher, count(*) AS modules FROM model_publishers GROUP BY publisher "
    "ORDER BY modules DESC, publisher LIMIT 3"
)


def loading_section(sqlite_name: str, files: Mapping[str, bytes]) -> list[str]:
    return loading_lines(
        sqlite_name, files, LOADING_PANDAS, LOADING_DUCKDB, SQLITE_QUERY, field_tools_last=True
    )


def provenance_section(info: ReleaseInfo) -> list[str]:
    return provenance_lines(info, " (branch develop)")


def license_section(info: ReleaseInfo) -> list[str]:
    repo = repository_name(info.repository_url)
    if info.source_license is None:
        source = f"[{repo}]({info.repository_url}) has no LICENSE file at this commit."
    else:
        source = (
            f"[{repo}]({info.repository_url}) has a LICENSE at this commit (the Apache License "
            "2.0): it governs the modules' files."
        )
    return [
        f"{source} This release holds facts about the hub and short excerpts of its files "
        "(module names, one-line summaries, author strings, README titles and descriptions), "
        "quoted to identify them; no e-mail address. The tables as a compilation, the schemas "
        "and this report are by the tfhub-dataset contributors, licensed under the Apache "
        "License 2.0; `LICENSE` in this folder holds the text and what it covers.",
    ]
