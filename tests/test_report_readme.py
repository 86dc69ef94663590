"""Release README: generated from the written tables, deterministic, figures right, code runs.

Builds the pinned releases in memory from the local mirror of tensorflow/tfhub.dev (env
TFHUB_MIRROR, else ../shared/tfhub.dev beside the checkout) and skips when it is absent.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import statistics
from collections import Counter
from pathlib import Path

import pytest

from tfhub_dataset import ROOT
from tfhub_dataset.annotations import load_publisher_types
from tfhub_dataset.build import load_pins, release_info, release_tables
from tfhub_dataset.hubs.tfhub.report.readme import render_report
from tfhub_dataset.package.write import ReleaseInfo, iter_files, render_release
from tfhub_dataset.report.release_report import info_from_files, is_report_file

MIRROR = Path(
    os.environ.get("TFHUB_MIRROR") or Path(__file__).resolve().parents[2] / "shared" / "tfhub.dev"
)
STUDY_RELEASE = "2022-04-05"
LATEST_RELEASE = "2024-03-18"


def _build(release_id: str) -> tuple[dict[str, bytes], ReleaseInfo]:
    if not (MIRROR / "commits.json").is_file():
        pytest.skip(f"no tfhub.dev mirror at {MIRROR} (set TFHUB_MIRROR to a GitHub-shaped mirror)")
    from tfhub_dataset.sources.local import LocalMirror

    pin = {p.id: p for p in load_pins()}[release_id]
    snapshot = LocalMirror(MIRROR).snapshot(pin.commit)
    tables = release_tables(snapshot, load_publisher_types())
    info = release_info(pin, snapshot)
    return render_release(tables, info), info


@pytest.fixture(scope="module")
def study() -> tuple[dict[str, bytes], ReleaseInfo, dict[str, bytes]]:
    files, info = _build(STUDY_RELEASE)
    return files, info, render_report(files, info)


@pytest.fixture(scope="module")
def latest() -> tuple[dict[str, bytes], ReleaseInfo, dict[str, bytes]]:
    files, info = _build(LATEST_RELEASE)
    return files, info, render_report(files, info)


def _rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[f"data/{name}.csv"].decode("utf-8"), newline="")))


def _readme(report: dict[str, bytes]) -> str:
    return report["README.md"].decode("utf-8")


def test_report_files_and_determinism(study):
    files, info, report = study
    expected = {
        "CHANGES.md",
        "CITATION.cff",
        "DATA_DICTIONARY.md",
        "LICENSE",
        "README.md",
        "figures/models_per_domain.png",
        "figures/models_per_domain.svg",
        "figures/models_per_publisher.png",
        "figures/models_per_publisher.svg",
    }
    if "data/snapshots.csv" in files:  # history tables present: the growth chart too
        expected |= {"figures/growth.png", "figures/growth.svg"}
    assert set(report) == expected
    again = render_report(dict(files), info)
    assert again == report  # every byte, PNGs included
    # Report files given back as input are ignored, not read as tables.
    assert render_report({**files, **report}, info) == report


def test_readme_points_to_sha256sums_instead_of_a_checksum_table(study):
    files, _, report = study
    readme = _readme(report)
    for path, data in files.items():
        assert hashlib.sha256(data).hexdigest() not in readme, path
    assert "`sha256sum -c SHA256SUMS`" in readme
    # Statistics come first: the totals are the first section after the contents.
    sections = re.findall(r"^## (.+)$", readme, flags=re.M)
    assert sections[:2] == ["Contents", "Totals"]


def test_readme_front_matter_names_one_config_per_table(study):
    import yaml

    files, info, report = study
    readme = _readme(report)
    assert readme.startswith("---\n")
    meta = yaml.safe_load(readme.split("---\n", 2)[1])
    tables = sorted(p[5:-8] for p in files if p.startswith("data/") and p.endswith(".parquet"))
    assert [c["config_name"] for c in meta["configs"]] == tables
    for config in meta["configs"]:
        assert config["data_files"] in files  # every path exists in the release
    assert meta["license"] == "apache-2.0"
    assert info.as_of in meta["pretty_name"]


def test_readme_provenance(study):
    files, info, report = study
    readme = _readme(report)
    assert info.commit in readme
    assert info.commit_date in readme
    assert f"python -m tfhub_dataset build --release {info.release_id}" in readme
    assert f"| Version | {info.version} (released {info.released}) |" in readme
    assert "Data Package Version recipe" in readme
    assert info_from_files(files) == info


def test_readme_figures_match_independent_counts(study):
    files, _, report = study
    readme = _readme(report)
    models = _rows(files, "models")
    publishers = _rows(files, "publishers")
    versions = _rows(files, "versions")
    anomalies = _rows(files, "anomalies")

    assert f"| Models | {len(models):,} |" in readme
    assert f"| Publishers | {len(publishers):,} |" in readme
    assert f"| Versioned docs | {len(versions):,} |" in readme
    for type_, count in Counter(p["type"] for p in publishers).items():
        assert f"| Publishers: {type_} | {count:,} |" in readme
    with_models = [int(p["model_count"]) for p in publishers if int(p["model_count"]) > 0]
    mean, sd = statistics.fmean(with_models), statistics.stdev(with_models)
    assert (
        f"| Models per publisher, publishers with models: mean (sd) | {mean:.1f} ({sd:.1f}) |"
        in readme
    )

    per_publisher = Counter(m["publisher"] for m in models)
    handle, top = per_publisher.most_common(1)[0]
    share = f"{100 * top / len(models):.1f} %"
    assert re.search(
        rf"\| 1 \| [^|]+ \| `{re.escape(handle)}` \| \w+ \| {top:,} \| {share} \|", readme
    )

    primary = Counter(m["domain"] for m in models if m["domain"])
    anywhere = Counter(d for m in models if m["domains"] for d in m["domains"].split(";"))
    for domain, count in primary.items():
        assert re.search(rf"\| {domain} \| {count:,} \| {anywhere[domain]:,} \|", readme), domain

    kinds = Counter(a["kind"] for a in anomalies)
    for kind, count in kinds.items():
        assert re.search(rf"\| `{re.escape(kind)}` \| {count:,} \| \d+ \|", readme), kind

    links = [ln for ln in _rows(files, "publisher_links") if ln["kind"] != "icon"]
    github = {ln["publisher"] for ln in links if ln["link_type"] == "github"}
    assert re.search(rf"\| `github` \| {len(github)} \|", readme)


def test_chart_captions_say_which_publishers_have_bars(study, latest):
    assert "the 32 of 36 publishers with at least one model" in _readme(study[2])
    assert "the 35 of 39 publishers with at least one model" in _readme(latest[2])


def test_reproduction_section_only_for_the_study_release(study, latest):
    assert "## Reproduction of the published figures" in _readme(study[2])
    assert "## Reproduction of the published figures" not in _readme(latest[2])


def test_reproduction_findings(study):
    files, _, report = study
    readme = _readme(report)
    section = readme.split("## Reproduction of the published figures", 1)[1].split("\n## ", 1)[0]
    models = _rows(files, "models")
    per_publisher = Counter(m["publisher"] for m in models)
    # Published figure beside this release's figure and the difference.
    assert f"| Models | 1,155 | {len(models):,} |" in section
    assert f"| Models: Google | 575 | {per_publisher['google']:,} |" in section
    assert f"| Models: TensorFlow | 216 | {per_publisher['tensorflow']:,} |" in section
    # The difference is located in the two publishers, named with their counts.
    gap_google = per_publisher["google"] - 575
    gap_tf = per_publisher["tensorflow"] - 216
    assert gap_google + gap_tf == len(models) - 1155
    assert f"Google (+{gap_google}: {per_publisher['google']} here, 575 published)" in section
    # The published share of Rishit Dagli contradicts the printed count.
    assert "21 of 1,155 is 1.8 %" in section
    # The mean over publishers with models, with the two published counts, is reproduced.
    assert "the published 36.1 and 107.2 are reproduced" in section
    # Categories: first-listed tasks reproduce 17/10/7/4 and the task that drops is named.
    assert "| first-listed value only | 17 | 10 | 7 | 4 | 38 | 38 |" in section
    assert "`audio-paralinguistics`" in section
    # Shared architectures by family name, and Thorsten.
    assert (
        "| Architectures in audio and image | MobileNet, VGG, ResNet | MobileNet, ResNet, VGG |"
        in section
    )
    assert "| Datasets in audio and text | Thorsten | Thorsten |" in section
    assert "not settled by the data" in section.lower()
    # Google's gap is named by the docs' own prose: the models that call themselves discontinued.
    said = [m for m in models if m["deprecation_statement"]]
    assert {m["publisher"] for m in said} == {"google"} and len(said) == gap_google
    assert f"selects exactly {gap_google} `google` models and no other" in section
    assert all(f"`{m['handle']}`" in section for m in said)
    # Website 26 agrees by host only because two differences cancel: the section says which.
    assert (
        "| Publishers with a website link | 26 | 26 | 26 (host) | 0 | reproduced, and by written, "
        "five types with other publishers |" in section
    )
    assert (
        "By written, five types 26: +`edrone`, +`emilutz`, −`digitalepidemiologylab`, −`silero`."
        in section
    )
    # What stays unexplained is said, with its publisher and domains.
    assert f"the remaining +{gap_tf} models lie with `tensorflow` (+{gap_tf})" in section


def test_loading_snippets_run(study, tmp_path, monkeypatch):
    import shutil
    import subprocess
    import sys

    from tfhub_dataset.build import derived_files
    from tfhub_dataset.hubs.tfhub.report.readme import DATASETTE_GET, SQLITE_QUERY, SQLITE_SHELL

    files, info, _ = study
    folder = tmp_path / info.release_id  # datasets names a dataset after its folder
    everything = {**files, **derived_files(files, info, None)}
    for path, data in everything.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    readme = everything["README.md"].decode("utf-8")
    snippets = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert len(snippets) == 5  # pandas, DuckDB, frictionless, Croissant, datasets
    monkeypatch.chdir(folder)
    for code in snippets:
        if "from datasets import" in code:
            # In a child process, with the datasets cache in tmp_path and no network.
            env = {
                **os.environ,
                "HF_HUB_OFFLINE": "1",
                "HF_DATASETS_OFFLINE": "1",
                "HF_HOME": str(tmp_path / "hf"),
            }
            out = subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            )
            models = _rows(files, "models")
            assert out.stdout.split() == [str(len(models)), models[0]["handle"]]
            continue
        exec(compile(code, "<README snippet>", "exec"), {})
    # The sqlite3 shell line, with the shell where it exists, else the same query with apsw.
    assert f"```sh\n{SQLITE_SHELL}\n```" in readme and DATASETTE_GET in readme
    per_publisher = Counter(m["publisher"] for m in _rows(files, "models"))
    top = [f"{p}|{c}" for p, c in sorted(per_publisher.items(), key=lambda kv: (-kv[1], kv[0]))]
    if shutil.which("sqlite3"):
        out = subprocess.run(SQLITE_SHELL, shell=True, capture_output=True, text=True, check=True)
        assert out.stdout.split() == top[:3]
    import apsw

    rows = apsw.Connection("tfhub-dataset.sqlite").execute(SQLITE_QUERY).fetchall()
    assert [f"{p}|{c}" for p, c in rows] == top[:3]


def test_growth_chart_when_a_snapshots_table_exists(study):
    files, info, _ = study
    schema = (
        b'{"fields": [{"name": "month", "type": "string"}, '
        b'{"name": "model_count", "type": "integer"}, '
        b'{"name": "publisher_count", "type": "integer"}]}'
    )
    data = (
        b"month,model_count,publisher_count\r\n2020-08,624,9\r\n2020-09,629,9\r\n2020-10,725,24\r\n"
    )
    report = render_report(
        {**files, "schemas/snapshots.json": schema, "data/snapshots.csv": data}, info
    )
    assert "figures/growth.png" in report
    assert report["figures/growth.png"].startswith(b"\x89PNG")
    assert "![Growth over time" in report["README.md"].decode()
    assert "| History: rows of `snapshots` | 3 |" in report["README.md"].decode()


def _committed_releases() -> list[str]:
    return [p.id for p in load_pins()]


def _rebuilt_by_verify(hub: str) -> bool:
    """Whether test_releases.py's `verify` rebuilds this hub's releases from its clone, every
    file compared (it runs when TF Hub's clone is there and every release is committed)."""
    from tests.mirror import GIT
    from tests.paddlehub_git import CLONE as PADDLEHUB_GIT
    from tests.pytorch_hub_git import CLONE as PYTORCH_HUB_GIT

    clone = {"tfhub": GIT, "pytorch-hub": PYTORCH_HUB_GIT, "paddlehub": PADDLEHUB_GIT}[hub]
    committed = all((ROOT / "releases" / p.id).is_dir() for p in load_pins())
    return committed and (GIT / "HEAD").is_file() and (clone / "HEAD").is_file()


@pytest.mark.parametrize("release_id", _committed_releases())
def test_committed_derived_files_equal_generated(release_id):
    """Every file made from the committed tables (report, CHANGES.md against the committed
    release before it, CITATION.cff, LICENSE, SQLite, SHA256SUMS) is what the build makes: the
    check of a machine without the hub's clone. With it, `verify` (test_releases.py) makes each
    of these files again from tables it rebuilt from the clone, equal to the committed ones, and
    compares every file: the same check, which this test would repeat (25 s here)."""
    from tfhub_dataset.build import derived_files, previous_release

    pin = {p.id: p for p in load_pins()}[release_id]
    if _rebuilt_by_verify(pin.hub):
        pytest.skip(f"verify rebuilds releases/{release_id}/ from its clone (test_releases.py)")
    folder = ROOT / "releases" / release_id
    if not (folder / "datapackage.json").is_file():
        pytest.skip(f"releases/{release_id}/ is not committed yet")
    committed = dict(iter_files(folder))
    inputs = {p: b for p, b in committed.items() if not is_report_file(p)}
    previous = previous_release(pin, ROOT / "releases")
    generated = derived_files(inputs, info_from_files(inputs), previous and previous[1])
    for path, data in generated.items():
        assert committed.get(path) == data, f"releases/{release_id}/{path} differs from the build"
    stale = sorted(p for p in committed if is_report_file(p) and p not in generated)
    assert not stale, f"files no longer generated: {stale}"


def test_since_the_study_summarises_changes_against_the_study_release(study, latest):
    files, info, _ = latest
    report = render_report(files, info, previous=study[0])
    readme = _readme(report)
    section = readme.split("\n## Since the study\n", 1)[1].split("\n## ", 1)[0]
    models_before, models_after = len(_rows(study[0], "models")), len(_rows(files, "models"))
    assert f"- **models**: {models_before:,} → {models_after:,}: " in section
    assert "[CHANGES.md](CHANGES.md)" in section
    changes = report["CHANGES.md"].decode("utf-8")
    before, after = study[1].version, info.version
    assert f"Compared with release `2022-04-05` (version {before}" in changes
    assert f"{before} → {after} (minor step)" in changes and "needs a larger step" not in changes
    added = {m["handle"] for m in _rows(files, "models")} - {
        m["handle"] for m in _rows(study[0], "models")
    }
    assert all(f"`{h}`" in changes for h in added)
    # The study release is the first: no such section, and CHANGES.md says so.
    assert "## Since the study" not in _readme(study[2])
    assert "This is the first pinned release" in study[2]["CHANGES.md"].decode("utf-8")
