"""The committed comparison of the hubs (releases/comparison/): its headline and like-with-like
figures recomputed independently from the releases' CSV files with pandas (not with
tfhub_dataset/comparison/), the folder validated as a data package, and regenerated from the
committed releases byte for byte."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from tests.mirror import ROOT
from tfhub_dataset.build import COMPARISON, comparison_inputs, release_files
from tfhub_dataset.hubs import HUBS

FOLDER = ROOT / "releases" / COMPARISON
INPUTS = comparison_inputs()
needs_comparison = pytest.mark.skipif(
    not (FOLDER / "README.md").is_file()
    or not all(
        (ROOT / "releases" / p.id / "datapackage.json").is_file()
        for _, chosen in INPUTS
        for p in chosen.values()
    ),
    reason="the comparison or its releases are not committed yet",
)
pytestmark = needs_comparison
TITLES = {h.name: h.title for h in HUBS.values()}


def headline() -> dict[str, dict[str, str]]:
    """Headline table of the README: row label -> column header -> cell."""
    text = (FOLDER / "README.md").read_text(encoding="utf-8")
    block = text.split("## Headline figures\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in block]
    header = cells[0][1:]
    return {row[0]: dict(zip(header, row[1:], strict=True)) for row in cells[2:]}


def frame(release: str, table: str) -> pd.DataFrame:
    return pd.read_csv(ROOT / "releases" / release / "data" / f"{table}.csv", keep_default_na=False)


def gini(values: list[int]) -> float:
    """Mean absolute difference over twice the mean, by the double sum."""
    n, mean = len(values), sum(values) / len(values)
    return sum(abs(a - b) for a, b in itertools.product(values, values)) / (2 * n * n * mean)


def columns():
    for label, chosen in INPUTS:
        for hub, pin in chosen.items():
            yield f"{TITLES[hub]}, {label}", hub, pin.id


@pytest.mark.parametrize(("column", "hub", "release"), list(columns()))
def test_headline_figures_recomputed_from_the_csv_files(column, hub, release):
    table = headline()
    pubs = frame(release, "publishers")
    models = frame(release, "models")
    # A module credited to several publishers counts for each (model_publishers, where a hub
    # has it); otherwise a model counts for its one publisher.
    credits = (
        frame(release, "model_publishers")
        if (ROOT / "releases" / release / "data" / "model_publishers.csv").is_file()
        else models.rename(columns={"handle": "model"})[["model", "publisher"]]
    )
    counts = credits[credits["publisher"] != ""].groupby("publisher").size()
    # The table's own count and a count of the models agree, then everything uses the counts.
    assert dict(counts) == {
        h: c for h, c in zip(pubs["handle"], pubs["model_count"], strict=True) if c > 0
    }
    values = sorted(counts.tolist(), reverse=True)
    got = {row: cells[column] for row, cells in table.items()}
    assert got["Publishers"] == f"{len(pubs):,}"
    assert got["Models"] == f"{len(models):,}"
    assert got["Publishers with at least one model"] == f"{len(values):,}"
    orgs = int((pubs["type"] == "organization").sum())
    assert got["Publishers: organization"] == f"{orgs:,} ({100 * orgs / len(pubs):.1f} %)"
    series = pd.Series(values)
    assert got["Models per publisher: mean (sd)"] == f"{series.mean():.1f} ({series.std():.1f})"
    assert got["Models per publisher: median"] == f"{series.median():.1f}"
    assert got["Models per publisher: Gini"] == f"{gini(values):.3f}"
    top = counts.sort_values(ascending=False, kind="stable")
    assert (
        got["Top 3 publishers' share of models"] == f"{100 * sum(values[:3]) / len(models):.1f} %"
    )
    assert got["Top publisher's share of models"].startswith(
        f"{100 * values[0] / len(models):.1f} % (`{top.index[0]}`, {values[0]:,})"
    )
    kind = dict(zip(pubs["handle"], pubs["type"], strict=True))
    by_orgs = sum(kind.get(p) == "organization" for p in models["publisher"])
    assert (
        got["Share of models published by organizations"] == f"{100 * by_orgs / len(models):.1f} %"
    )


def organizations_of(hub: str, release: str) -> dict[str, str]:
    """publisher -> organisation, from the release's own `publishers` table."""
    pubs = frame(release, "publishers")
    return {h: o for h, o in zip(pubs["handle"], pubs["organization"], strict=True) if o}


def publishers_with_models(release: str) -> set[str]:
    """Publishers credited on at least one model (every credit where the hub lists them)."""
    if (ROOT / "releases" / release / "data" / "model_publishers.csv").is_file():
        return set(frame(release, "model_publishers")["publisher"])
    return set(frame(release, "models")["publisher"]) - {""}


def test_organizations_on_several_hubs_from_the_releases():
    table = headline()
    presence = pd.read_csv(FOLDER / "data" / "organization_presence.csv", keep_default_na=False)
    for label, chosen in INPUTS:
        present: dict[str, list[str]] = {}
        for hub, pin in chosen.items():
            with_models = publishers_with_models(pin.id)
            orgs = {o for p, o in organizations_of(hub, pin.id).items() if p in with_models}
            for org in sorted(orgs):
                present.setdefault(org, []).append(TITLES[hub])
            column = f"{hub}/{label.replace(',', '').replace(' ', '-')}"
            assert set(presence[presence["column"] == column]["organization"]) == orgs
        several = {o: hubs for o, hubs in sorted(present.items()) if len(hubs) > 1}
        assert several, "the hubs share organisations (Intel, NVIDIA, Silero AI at least)"
        for hub in chosen:
            cell = table["Organizations with models on several hubs"][f"{TITLES[hub]}, {label}"]
            assert cell == str(len(several))
        text = (FOLDER / "README.md").read_text(encoding="utf-8")
        listed = ", ".join(f"{o} ({', '.join(h)})" for o, h in several.items())
        assert f"{label}: {listed}" in text


def figure(column: str, name: str, unit: str, grouping: str) -> tuple[float, str]:
    figs = pd.read_csv(FOLDER / "data" / "figures.csv", keep_default_na=False)
    row = figs[
        (figs["column"] == column)
        & (figs["figure"] == name)
        & (figs["unit"] == unit)
        & (figs["grouping"] == grouping)
    ]
    assert len(row) == 1, (column, name, unit, grouping)
    return float(row["value"].iloc[0]), row["detail"].iloc[0]


@pytest.mark.parametrize(("column", "hub", "release"), list(columns()))
def test_loadable_units_and_organisations_recomputed_from_the_csv_files(column, hub, release):
    """The like-with-like figures, recomputed with pandas from the release's own tables: a
    loadable unit is a TF Hub handle, a distinct repo:entrypoint:checkpoint of PyTorch Hub's
    calls, a PaddleHub module at a version (module_versions, each credited publisher holding it);
    organisations group publishers (a unit of two of its publishers counts once)."""
    label = column.split(", ", 1)[1]
    col = f"{hub}/{label.replace(',', '').replace(' ', '-')}"
    models = frame(release, "models")
    if hub == "pytorch-hub":
        calls = frame(release, "entrypoints")
        calls = calls[(calls["repository"] != "") & (calls["entrypoint"] != "")]
        owner = dict(zip(models["handle"], models["publisher"], strict=True))
        keys = calls["repository"].str.lower() + ":" + calls["entrypoint"]
        if "checkpoint" in calls.columns:  # the checkpoint a call loads makes another loadable
            keys = keys + ":" + calls["checkpoint"]
        owned = pd.DataFrame({"key": keys, "publisher": calls["model"].map(owner)})
    elif hub == "paddlehub":  # a module at a version, credited to each of its publishers
        path = ROOT / "releases" / release / "data" / "module_versions.csv"
        versions = pd.read_csv(path, dtype=str, keep_default_na=False)
        versions = versions[versions["module"].isin(set(models["handle"]))]
        credits = frame(release, "model_publishers")[["model", "publisher"]]
        keyed = versions.assign(key=versions["module"] + "==" + versions["version"])
        owned = keyed.merge(credits, left_on="module", right_on="model", how="left")
        owned = owned[["key", "publisher"]].fillna("")
    else:
        owned = pd.DataFrame({"key": models["handle"], "publisher": models["publisher"]})
    total = owned["key"].nunique()
    assert figure(col, "units", "loadable", "none")[0] == total
    orgs = organizations_of(hub, release)
    owned = owned[owned["publisher"] != ""]
    for grouping in ("publisher", "organization"):
        by_org = grouping == "organization"
        group = owned["publisher"].map(lambda p, by_org=by_org: orgs.get(p, p) if by_org else p)
        counts = owned.assign(group=group).groupby("group")["key"].nunique()
        values = sorted(counts.tolist(), reverse=True)
        assert figure(col, "holders", "loadable", grouping)[0] == len(values)
        assert figure(col, "gini", "loadable", grouping)[0] == pytest.approx(gini(values), abs=1e-6)
        share, holder = figure(col, "top1_share", "loadable", grouping)
        assert share == pytest.approx(values[0] / total, abs=1e-6)
        top = counts[counts == values[0]].index.min()
        assert holder == top


def test_the_comparison_is_a_valid_data_package():
    """frictionless on every table, foreign keys included; each Parquet file holds its CSV's
    rows (what the build checks before it writes the folder)."""
    from tfhub_dataset.package.validate import validate_package

    assert validate_package(FOLDER / "datapackage.json") == []


def test_the_comparison_is_regenerated_byte_for_byte_from_the_committed_releases():
    from tfhub_dataset.comparison import render_comparison

    read = {
        pin.id: release_files(pin.id, ROOT / "releases")[1]
        for _, chosen in INPUTS
        for pin in chosen.values()
    }
    files = render_comparison(
        [(label, {h: (p.id, read[p.id]) for h, p in c.items()}) for label, c in INPUTS]
    )
    committed = sorted(p.relative_to(FOLDER).as_posix() for p in FOLDER.rglob("*") if p.is_file())
    assert sorted(files) == committed
    for path, data in files.items():
        assert (FOLDER / path).read_bytes() == data, path


@pytest.mark.parametrize(("column", "hub", "release"), list(columns()))
def test_community_figures_recomputed_from_the_csv_files(column, hub, release):
    """The community columns of the comparison, recomputed with pandas from the release's
    `contributions`, `contributors` and link tables."""
    label = column.split(", ", 1)[1]
    col = f"{hub}/{label.replace(',', '').replace(' ', '-')}"
    community = pd.read_csv(FOLDER / "data" / "community.csv", keep_default_na=False)
    got = {
        r["figure"]: r["value"] for r in community[community["column"] == col].to_dict("records")
    }
    contributions = frame(release, "contributions")
    people = frame(release, "contributors")
    assert got["contributors"] == len(people)
    affiliation = dict(zip(people["contributor"], people["affiliation"], strict=True))
    data = contributions[contributions["data_files"] > 0]
    who = data["contributor"].map(lambda c: affiliation.get(c, "withheld"))
    team = who.isin(["staff", "maintainer", "bot"]).sum()
    assert got["data_commits"] == len(data)
    assert float(got["data_commits_team_share"]) == pytest.approx(team / len(data), abs=1e-6)
    channels = pd.read_csv(FOLDER / "data" / "channels.csv", keep_default_na=False)
    mine = channels[channels["column"] == col]
    assert dict(zip(mine["channel"], mine["commits"], strict=True)) == dict(
        contributions["channel"].value_counts()
    )
    links = frame(release, "links" if hub != "tfhub" else "publisher_links")
    hf = links[links["link_type"] == "huggingface"]
    if len(hf):
        curated = hf["added_as"].isin(["hub-staff", "campaign"]).sum() / len(hf)
        assert float(got["huggingface_curated_share"]) == pytest.approx(curated, abs=1e-6)


def test_the_growth_text_says_where_each_hub_starts_and_its_first_model():
    """Each hub's series from its first month, and, where that month held no model, the month of
    its first one (a log scale draws no 0: issue 20, finding 10), from the releases' snapshots."""
    text = (FOLDER / "README.md").read_text(encoding="utf-8")
    _, last = INPUTS[-1]  # each hub's last commit: the growth series come from its release
    for hub, pin in last.items():
        snaps = frame(pin.id, "snapshots").sort_values("month")
        first, modelled = snaps["month"].iloc[0], snaps[snaps["models"] > 0]["month"].iloc[0]
        said = f"{TITLES[hub]} from {first}"
        if modelled != first:
            said += f" (its first model in {modelled})"
        assert said in text, said
    assert "a month without models is not drawn" in text
