"""The README's History section: read from the written history tables, counts checked here.

Builds the latest pinned release with its history in memory from the git clone of
tensorflow/tfhub.dev (env TFHUB_GIT, else ../shared/tfhub.dev.git beside the checkout) and skips
when it is absent. Every figure checked is computed here from the CSV files with the csv module,
not with the report's code.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import pytest

from tests.synthetic import history_readme_section as readme_section
from tfhub_dataset.annotations import load_publisher_types
from tfhub_dataset.build import load_pins, release_tables
from tfhub_dataset.history.series import History, add_history
from tfhub_dataset.hubs.tfhub.report.facts import Facts
from tfhub_dataset.hubs.tfhub.report.readme import _snapshot_series, render_report
from tfhub_dataset.package.write import ReleaseInfo, render_release
from tfhub_dataset.report.release import read_release

RELEASE = "2024-03-18"
FIRST_IMPORT, SECOND_IMPORT = "e6bdf737", "ef73bcb4"

Files = dict[str, bytes]


@pytest.fixture(scope="module")
def built(real_git, real_histories) -> tuple[Files, ReleaseInfo, Files, History]:
    """The release with its history: (files, info, report files, the history in memory)."""
    pin = {p.id: p for p in load_pins()}[RELEASE]
    types = load_publisher_types()
    snapshot = real_git.snapshot(pin.commit)
    tables = release_tables(snapshot, types)
    history = real_histories[RELEASE]
    add_history(tables, history)
    info = ReleaseInfo(pin.id, pin.as_of, snapshot.commit, snapshot.commit_date)
    files = render_release(tables, info)
    return files, info, render_report(files, info), history


@pytest.fixture(scope="module")
def section(built) -> str:
    readme = built[2]["README.md"].decode("utf-8")
    assert "\n## History\n" in readme
    return readme.split("\n## History\n", 1)[1].split("\n## ", 1)[0]


def _rows(files: Files, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[f"data/{name}.csv"].decode("utf-8"), newline="")))


def _change(first: int, last: int) -> str:
    return f"{last - first:+,}" if last != first else "0"


def test_section_listed_and_deterministic(built):
    files, info, report, _ = built
    readme = report["README.md"].decode("utf-8")
    assert "- [History](#history)" in readme
    assert readme.index("## Data quality") < readme.index("## History") < readme.index("## Charts")
    assert render_report(dict(files), info) == report  # every byte, the growth chart included


def test_first_and_last_month_rows(built, section):
    files = built[0]
    snaps = sorted(_rows(files, "snapshots"), key=lambda r: r["month"])
    first, last = snaps[0], snaps[-1]
    assert (first["month"], last["month"]) == ("2020-08", RELEASE[:7])
    assert f"| First month: {first['month']} | Last month: {last['month']} | Change |" in section
    commits = (
        f"| Month-end commit | `{first['commit'][:8]}` ({first['commit_date'][:10]}) | "
        f"`{last['commit'][:8]}` ({last['commit_date'][:10]}) |  |"
    )
    assert commits in section
    for column, label in (
        ("publishers", "Publishers"),
        ("publishers_individual", "Publishers: individual"),
        ("models", "Models"),
        ("versions", "Versioned docs"),
        ("collections", "Collections"),
    ):
        a, b = int(first[column]), int(last[column])
        assert f"| {label} | {a:,} | {b:,} | {_change(a, b)} |" in section, label
    # the last month is the release itself
    assert int(last["models"]) == len(_rows(files, "models"))
    assert int(last["versions"]) == len(_rows(files, "versions"))
    assert int(last["publishers"]) == len(_rows(files, "publishers"))


def test_growth_by_year_end(built, section):
    snaps = sorted(_rows(built[0], "snapshots"), key=lambda r: r["month"])
    decembers = [s for s in snaps[1:-1] if s["month"].endswith("-12")]
    assert [s["month"] for s in decembers] == ["2020-12", "2021-12", "2022-12", "2023-12"]
    expected = [("first month", snaps[0])]
    expected += [(f"end of {s['month'][:4]}", s) for s in decembers]
    expected += [("this release", snaps[-1])]
    for label, s in expected:
        counts = " | ".join(
            f"{int(s[c]):,}" for c in ("publishers", "models", "versions", "collections")
        )
        assert f"| {label} | {s['month']} | `{s['commit'][:8]}` | {counts} |" in section, label


def test_models_added_and_removed_per_year(built, section):
    files = built[0]
    models = _rows(files, "model_history")
    pubs = _rows(files, "publisher_history")
    snaps = sorted(_rows(files, "snapshots"), key=lambda r: r["month"])
    years = sorted({s["month"][:4] for s in snaps})
    added = Counter(m["first_seen"][:4] for m in models)
    imported = Counter(m["first_seen"][:4] for m in models if m["first_seen_imported"] == "true")
    removed = Counter(m["removed"][:4] for m in models if m["removed"])
    pubs_added = Counter(p["first_seen"][:4] for p in pubs)
    assert sum(added[y] for y in years) == len(models)
    for y in years:
        end = [s for s in snaps if s["month"].startswith(y)][-1]
        label = y if end["month"].endswith("-12") else f"{y} (to {snaps[-1]['month']})"
        row = (
            f"| {label} | {added[y]:,} | {imported[y]:,} | {removed[y]:,} | "
            f"{int(end['models']):,} | {pubs_added[y]:,} |"
        )
        assert row in section, y
    # no model was ever removed in this history, so the year-end counts add up
    running = 0
    for y in years:
        running += added[y] - removed[y]
        end = [s for s in snaps if s["month"].startswith(y)][-1]
        assert running == int(end["models"]), y


def test_when_each_publisher_joined(built, section):
    files = built[0]
    imported = {
        m["handle"]: m["first_seen_imported"] == "true" for m in _rows(files, "model_history")
    }
    pubs = sorted(_rows(files, "publisher_history"), key=lambda p: (p["first_seen"], p["handle"]))
    positions = []
    for p in pubs:
        joined = p["first_seen"][:10] + (" (import)" if p["first_seen_imported"] == "true" else "")
        model = f"`{p['first_model']}`" if p["first_model"] else "(none)"
        model_date = p["first_model_date"][:10]
        if p["first_model"] and imported[p["first_model"]]:
            model_date += " (import)"
        row = f"| `{p['handle']}` | {p['type']} | {joined} | {model} | {model_date} |"
        assert row in section, p["handle"]
        positions.append(section.index(row))
    assert positions == sorted(positions)  # by first_seen, then handle
    # a publisher of the second import whose first model came later is flagged on the first date
    # only: rishit-dagli
    assert "| `rishit-dagli` | individual | 2020-10-07 (import) | " in section
    assert re.search(r"\| `rishit-dagli` \|[^\n]*\| 2021-01-15 \| ", section)


def test_import_date_caveat(built, section):
    files = built[0]
    docs = _rows(files, "doc_history")
    models = _rows(files, "model_history")
    pubs = _rows(files, "publisher_history")

    def imported(rows: list[dict[str, str]]) -> int:
        return sum(r["first_seen_imported"] == "true" for r in rows)

    assert (
        f"**Import dates are not publication dates**: {imported(docs):,} docs, "
        f"{imported(models):,} models and {imported(pubs):,} publishers were first seen in the "
        "initial imports" in section
    )
    assert f"{FIRST_IMPORT}, 2020-08-26: initial import" in section
    assert f"{SECOND_IMPORT}, 2020-10-07" in section
    assert "not their original publication date on tfhub.dev" in section
    by_commit = Counter(
        d["first_seen_commit"][:8] for d in docs if d["first_seen_imported"] == "true"
    )
    assert f"{by_commit[FIRST_IMPORT]:,} docs, " in section
    assert f"{by_commit[SECOND_IMPORT]:,} docs, " in section
    early = [d for d in docs if d["first_seen"][:7] <= "2020-09"]
    early_imported = imported(early)
    assert (
        f"of the {len(early):,} docs first seen by the end of 2020-09, {early_imported:,} "
        f"({100 * early_imported / len(early):.1f} %) carry the date of the import of 2020-08-26"
        in section
    )
    assert "shaded months (2020-08, 2020-10) are imports, not growth" in section
    # the other caveats of the history
    assert (
        "Months without commits repeat the previous commit: 2023-05, 2023-12, 2024-02." in section
    )
    assert "so a side branch counts from the month of its merge" in section
    assert "The last month (2024-03) ends at the as-of day" in section
    assert "first_parent` false" not in section
    kaggle = Counter(m["kaggle_status"] for m in models)
    assert (
        f"the final README lists {kaggle['unmigrated']:,} models among the unmigrated assets "
        f"it deleted and does not list {kaggle['not-listed']:,}" in section
    )


def test_history_anomalies_counted_with_a_pointer(built, section):
    anomalies = _rows(built[0], "history_anomalies")
    assert f"**History anomalies:** {len(anomalies):,}" in section
    assert "`history_anomalies` (`data/history_anomalies.csv`)" in section


def test_section_equals_the_in_memory_one(built, section):
    """The History section of rows in memory says what the README (CSV files) says."""
    history = built[3]
    assert readme_section(history.tables) == "## History\n" + section.rstrip("\n") + "\n"


def test_growth_chart_x_axis_is_the_month(built):
    files, _, report, _ = built
    months = sorted(r["month"] for r in _rows(files, "snapshots"))
    dates, series = _snapshot_series(Facts(read_release(files)))
    assert dates == months  # not commit_date: repeated months share theirs
    assert len(set(dates)) == len(dates)
    assert [label for label, _ in series] == [
        "models",
        "versioned docs",
        "publishers",
        "collections",
    ]
    assert report["figures/growth.png"].startswith(b"\x89PNG")
    assert b"tIME" not in report["figures/growth.png"]


def test_section_absent_for_a_single_snapshot_release(real_git):
    pin = {p.id: p for p in load_pins()}[RELEASE]
    snapshot = real_git.snapshot(pin.commit)
    tables = release_tables(snapshot, load_publisher_types())
    info = ReleaseInfo(pin.id, pin.as_of, snapshot.commit, snapshot.commit_date)
    files = render_release(tables, info)
    assert not any(p.startswith("data/snapshots") for p in files)
    report = render_report(files, info)
    readme = report["README.md"].decode("utf-8")
    assert "## History" not in readme
    assert "(#history)" not in readme
    assert "Import dates are not publication dates" not in readme
    assert "figures/growth.png" not in report
    assert readme_section(tables) == ""
