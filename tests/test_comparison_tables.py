"""The comparison of N hubs on synthetic views (no release, no registry): its tables, the
package they make (validated) and the README written from that package alone."""

from __future__ import annotations

from collections import Counter

import pytest

from tfhub_dataset.comparison.package import package_files
from tfhub_dataset.comparison.read import units
from tfhub_dataset.comparison.readme import render_readme
from tfhub_dataset.comparison.tables import Column, comparison_tables, gini
from tfhub_dataset.comparison.view import HubView, Month, Publisher, Subject
from tfhub_dataset.package.stage import write_release
from tfhub_dataset.report.release import read_release

SETS = ("same day, 2022-04-05", "last commit")


def _view(pubs, own, loadable, links=None) -> HubView:
    return HubView(
        own=units("page", own),
        loadable=units("call", loadable),
        publishers=tuple(Publisher(h, h.title(), t, o, f"evidence for {h}") for h, t, o in pubs),
        link_publishers={k: frozenset(v) for k, v in (links or {}).items()},
        subjects=(Subject("tag", "model_tags.tag", Counter({"vision": len(own)})),),
        growth=(Month("2022-03", len(own) - 1, len(pubs), None), Month("2022-04", len(own), 3, 2)),
        texts={"publishers": "an account", "units": "pages", "links": "its pages' links"},
    )


def _desc(release: str) -> dict:
    return {
        "version": "1.0.0",
        "created": "2022-04-04T00:00:00Z",
        "sources": [{"version": "a" * 40}],
        "release": {"id": release, "asOf": "2022-04-05"},
    }


def views() -> dict[str, HubView]:
    # hub "a": two publishers of Acme share the loadable unit x (one Acme unit, not two)
    a = _view(
        [("acme-lab", "organization", "Acme"), ("acme-team", "organization", "Acme"),
         ("solo", "individual", None)],
        [("p1", "acme-lab"), ("p2", "acme-team"), ("p3", "solo"), ("p4", None)],
        [("x", "acme-lab"), ("x", "acme-team"), ("y", "acme-team"), ("z", "solo")],
        {"github": {"acme-lab", "solo"}},
    )  # fmt: skip
    b = _view(
        [("acme", "organization", "Acme"), ("bee", "individual", None)],
        [("q1", "acme"), ("q2", "acme"), ("q3", "bee")],
        [("u", "acme"), ("v", "acme"), ("w", "bee")],
    )
    c = _view(
        [("acme-c", "organization", "Acme"), ("other", "organization", "Other")],
        [("r1", "acme-c"), ("r2", "other")],
        [("s", "acme-c"), ("t", "other")],
    )
    return {"a": a, "b": b, "c": c}


def columns() -> list[Column]:
    out = []
    for label in SETS:
        for hub, view in views().items():
            release = f"{hub}-{label[:4]}"
            out.append(Column(hub, f"Hub {hub.upper()}", label, release, _desc(release),
                              "0" * 64, view))  # fmt: skip
    return out


ORGS = [
    {"organization": "Acme", "evidence": "A company."},
    {"organization": "Other", "evidence": "Another."},
]


@pytest.fixture(scope="module")
def tables():
    return comparison_tables(columns(), ORGS)


def fig(tables, column, figure, unit="none", grouping="none"):
    (row,) = [
        r
        for r in tables["figures"]
        if (r["column"], r["figure"], r["unit"], r["grouping"]) == (column, figure, unit, grouping)
    ]
    return row


def test_units_and_groupings(tables):
    col = "a/last-commit"
    assert fig(tables, col, "units", "own")["value"] == 4
    assert fig(tables, col, "units_without_publisher", "own")["value"] == 1
    assert fig(tables, col, "units", "loadable")["value"] == 3
    # by publisher: acme-lab 1 call, acme-team 2, solo 1; by organisation: Acme 2 (x once), solo 1
    assert fig(tables, col, "holders", "loadable", "publisher")["value"] == 3
    top = fig(tables, col, "top1_share", "loadable", "organization")
    assert (top["value"], top["detail"]) == (pytest.approx(2 / 3, abs=1e-6), "Acme")
    assert fig(tables, col, "gini", "loadable", "organization")["value"] == pytest.approx(
        gini([2, 1]), abs=1e-6
    )
    assert fig(tables, col, "share_by_organization_type", "own")["value"] == 0.5
    ranks = [
        (h["group"], h["units"], h["publishers"])
        for h in tables["holdings"]
        if (h["column"], h["unit"], h["grouping"]) == (col, "loadable", "organization")
    ]
    assert ranks == [("Acme", 2, "acme-lab acme-team"), ("solo", 1, "solo")]


def test_an_organisation_on_every_hub(tables):  # and so on several
    present = Counter(
        r["column"].split("/")[1]
        for r in tables["organization_presence"]
        if r["organization"] == "Acme"
    )
    assert present == {"same-day-2022-04-05": 3, "last-commit": 3}
    assert {r["hub"] for r in tables["organization_publishers"]} == {"a", "b", "c"}
    assert [r["organization"] for r in tables["organizations"]] == ["Acme", "Other"]


def test_the_package_validates_and_its_readme_reads_only_it(tmp_path, tables):
    files = package_files(tables, columns())
    readme = render_readme(files)
    text = readme["README.md"].decode()
    assert text.startswith("# Comparison: Hub A, Hub B and Hub C\n")
    assert "same day, 2022-04-05: Acme (Hub A, Hub B, Hub C); last commit: Acme" in text
    assert read_release(files)["columns"][0]["column"] == "a/same-day-2022-04-05"
    write_release({**files, **readme}, tmp_path / "comparison", validate=True)
    again = package_files(comparison_tables(columns(), ORGS), columns())
    assert again == files  # deterministic
