"""The release README's history section (Markdown), from the history tables.

The growth chart itself is drawn by the release report (``tfhub_dataset/report.py``) from the
``snapshots`` table; this section says how to read the series and the dates, in particular that
docs of the initial imports carry the import's date, not their publication date.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from tfhub_dataset.history import IMPORT_COMMITS

Tables = dict[str, list[dict[str, Any]]]


def readme_section(tables: Tables) -> str:
    """The README's 'History' section (Markdown); empty when the release has no history."""
    snaps = tables.get("snapshots") or []
    if not snaps:
        return ""
    first, last = snaps[0], snaps[-1]
    docs = tables["doc_history"]
    models = tables["model_history"]
    pubs = tables["publisher_history"]
    commits = tables["commits"]
    imported = sum(r["first_seen_imported"] for r in docs)
    imported_pubs = sum(r["first_seen_imported"] for r in pubs)
    imports = [
        f"{c['sha'][:8]}, {IMPORT_COMMITS.get(c['sha'], c['date'][:10])}"
        for c in commits
        if c["initial_import"]
    ]
    removed = sum(not r["present"] for r in docs)
    repeated = [r["month"] for r in snaps if r["repeated"]]
    side = [f"{r['month']} ({r['commit'][:8]})" for r in snaps if not r["first_parent"]]
    kaggle = Counter(r["kaggle_status"] for r in models if r["kaggle_status"])
    cols = ("month", "commit", "publishers", "models", "versions", "modules", "placeholders",
            "lite", "tfjs", "coral", "collections")  # fmt: skip
    shown = [r for r in snaps if r["month"].endswith("-01")]
    shown = [first, *[r for r in shown if r is not first and r is not last], last]
    lines = [
        "## History",
        "",
        f"The repository's history up to this release's commit: {len(commits)} commits, "
        f"{len(tables['events'])} file events, {len(snaps)} monthly snapshots "
        f"({first['month']} to {last['month']}), {len(docs)} docs ever seen ({removed} removed), "
        f"{len(models)} models, {len(pubs)} publishers. Tables: `snapshots` (one row per month), "
        "`doc_history`, `model_history`, `publisher_history` (first seen, last changed, removed, "
        "exact to the commit), `events` (every changed data file of every commit), `commits`, "
        f"`history_anomalies` ({len(tables['history_anomalies'])} rows).",
        "",
        "| " + " | ".join(cols) + " |",
        "| " + " | ".join("---" if c in ("month", "commit") else "---:" for c in cols) + " |",
        *(
            "| " + " | ".join(r[c][:8] if c == "commit" else str(r[c]) for c in cols) + " |"
            for r in shown
        ),
        "",
        "How to read it:",
        "",
        "- A month's row counts the snapshot of its last commit (committer date, UTC) with the "
        "release's own parser and conventions; the last row is this release's commit."
        + (
            f" Months without commits repeat the previous commit: {', '.join(repeated)}."
            if repeated
            else ""
        ),
        "- Dates are those of the commits of the published branch (the release commit's "
        "first-parent line) where a file first held a doc, last modified it, or removed the "
        "last file holding it; the handle on a doc's first line identifies it, so the move from "
        "`assets/g3doc/` to `assets/docs/` (2020-10-07) is not a change.",
        f"- **Import dates are not publication dates**: {imported} docs and {imported_pubs} "
        "publishers were first seen in the initial imports "
        f"({'; '.join(imports) or 'none in this history'}) and carry the import's date "
        "(`first_seen_imported`); the growth chart's jumps in those months are imports, not "
        "growth.",
    ]
    if side:
        lines.append(
            "- Month-end commits on a side branch merged later (`first_parent` false): "
            + ", ".join(side)
            + "."
        )
    if kaggle:
        lines.append(
            f"- TF Hub moved to Kaggle Models: {kaggle['migrated']} models migrated, "
            f"{kaggle['deleted']} deleted (`model_history.kaggle_status`)."
        )
    return "\n".join(lines) + "\n"
