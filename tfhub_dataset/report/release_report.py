"""What every hub's release report shares: which files the report makes, the files read back
into figures, the README's skeleton (front matter, contents, sections), and the sections whose
wording does not depend on the hub (provenance, files, anomalies, data dictionary, citation).

Each hub's report module (``hubs/<hub>/report...``) supplies its own figures, charts and
sections and calls :func:`report_files`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from tfhub_dataset.hubs import DEFAULT_HUB, hub
from tfhub_dataset.package.sums import SUMS_NAME
from tfhub_dataset.package.write import ReleaseInfo, repository_name
from tfhub_dataset.publish import PUBLISH_FILES
from tfhub_dataset.report.changes import CHANGES_NAME, compare, read_side, render_changes
from tfhub_dataset.report.citation import release_bibtex, release_url
from tfhub_dataset.report.community import community_notes
from tfhub_dataset.report.dictionary import render_dictionary
from tfhub_dataset.report.history_facts import HistoryFacts
from tfhub_dataset.report.markdown import code, day, md_escape, n, ranked, table
from tfhub_dataset.report.release import Release, Row, read_release
from tfhub_dataset.study import study_bibtex, study_reference

REPORT_FILES = ("README.md", "DATA_DICTIONARY.md", CHANGES_NAME, "CITATION.cff", "LICENSE")
FIGURES_DIR = "figures"


def is_report_file(path: str) -> bool:
    """Files that a report (or the build after it: the SQLite database, SHA256SUMS) makes, and
    so are not inputs to it."""
    return (
        path in REPORT_FILES
        or path in PUBLISH_FILES
        or path == SUMS_NAME
        or ("/" not in path and path.endswith(".sqlite"))
        or path.startswith(f"{FIGURES_DIR}/")
    )


def info_from_files(files: Mapping[str, bytes]) -> ReleaseInfo:
    """The ReleaseInfo a release's datapackage.json records (for re-rendering a written release)."""
    desc = json.loads(files["datapackage.json"].decode("utf-8"))
    source = desc["sources"][0]
    release = desc["release"]
    return ReleaseInfo(
        release_id=release["id"],
        as_of=release["asOf"],
        commit=source["version"],
        commit_date=desc["created"],
        repository_url=source["path"],
        version=desc["version"],
        released=release["released"],
        hub=release.get("hub", DEFAULT_HUB),
        source_license=release.get("sourceLicense"),
    )


def report_files(
    files: Mapping[str, bytes],
    info: ReleaseInfo,
    previous: Mapping[str, bytes] | None,
    facts_of: Callable[[Release], Any],
    figures_of: Callable[[Any, ReleaseInfo], dict[str, bytes]],
    readme_of: Callable[..., str],
    citation: bytes,
    license_file: bytes,
) -> dict[str, bytes]:
    """Every generated file of a release, the same way for each hub: its files read back
    (``facts_of`` the hub's figures over them), charts, data dictionary, CHANGES.md against
    ``previous``, the given CITATION.cff and LICENSE, and the README (``readme_of``)."""
    inputs = {p: b for p, b in files.items() if not is_report_file(p)}
    release = read_release(inputs)
    facts = facts_of(release)
    figures = figures_of(facts, info)
    vectors = {
        f"{p.removesuffix('.png')}.svg": chart.svg
        for p, chart in figures.items()
        if p.endswith(".png") and getattr(chart, "svg", None)
    }
    dictionary = render_dictionary(
        release.schemas,
        title=f"Data dictionary: release {info.release_id}",
        row_counts=facts.row_counts(),
    )
    changes = compare(read_side(previous), read_side(inputs)) if previous is not None else None
    out: dict[str, bytes] = {**{p: bytes(c) for p, c in figures.items()}, **vectors}
    out["DATA_DICTIONARY.md"] = dictionary.encode("utf-8")
    notes = community_notes(release, hub(info.hub))
    out[CHANGES_NAME] = render_changes(changes, info.release_id, info.version, notes).encode()
    out["CITATION.cff"] = citation
    out["LICENSE"] = license_file
    out["README.md"] = readme_of(facts, inputs, info, list(figures), changes).encode("utf-8")
    return dict(sorted(out.items()))


def assemble(
    files: Mapping[str, bytes],
    info: ReleaseInfo,
    generated: str,
    intro: list[str],
    sections: list[tuple[str, list[str]]],
) -> str:
    """A release README: front matter, title, the generated-file comment, the intro, a table of
    contents and the sections."""
    title = f"{hub(info.hub).title} model-publisher community, as of {info.as_of}"
    lines = [*front_matter(files, info), ""]
    lines += [f"# {title}", "", generated, ""]
    lines += intro
    lines += ["", "## Contents", ""]
    lines += [f"- [{title}](#{_anchor(title)})" for title, _ in sections]
    for title, body in sections:
        lines += ["", f"## {title}", ""]
        lines += body
    return "\n".join(lines).rstrip("\n") + "\n"


def _anchor(title: str) -> str:
    keep = "".join(c for c in title.lower() if c.isalnum() or c in " -")
    return keep.replace(" ", "-")


def provenance_table(info: ReleaseInfo, source: str) -> list[str]:
    """The Provenance table; ``source`` follows the repository's name (its license)."""
    repo = repository_name(info.repository_url)
    return table(
        ["", ""],
        [
            ["Source repository", f"[{repo}]({info.repository_url}){source}"],
            ["Commit", f"[`{info.commit}`]({info.repository_url}/tree/{info.commit})"],
            ["Commit date", info.commit_date],
            ["As of", f"{info.as_of} (the last commit at or before the end of that day, UTC)"],
            ["Release", f"`{info.release_id}`"],
            ["Version", f"{info.version} (released {info.released})"],
            [
                "Package",
                "`datapackage.json` (Frictionless Data Package v2, validated at build "
                "time, foreign keys included)",
            ],
        ],
    )


def rebuild_lines(info: ReleaseInfo) -> list[str]:
    """How to rebuild the release: from the hub's git repository (fetched into the checkout's
    build/cache/git/ when its pinned commit is missing) or a clone on disk, in a checkout or
    with an installed copy."""
    h = hub(info.hub)
    rid = info.release_id
    return [
        f"Rebuild this release from its git source, {h.repository}: in a checkout of the "
        "project the first command fetches it (a bare partial clone under `build/cache/git/`, "
        "only when the pinned commit is missing); the second reads a clone on disk and needs "
        "no network; an installed copy (`pip install`) builds it anywhere with `--out`:",
        "",
        "```sh",
        f"python -m tfhub_dataset build --release {rid}",
        f"python -m tfhub_dataset build --release {rid} --git PATH/TO/{h.clone_name}",
        f"python -m tfhub_dataset build --release {rid} --git PATH/TO/{h.clone_name} --out DIR",
        "```",
        "",
        "Each build checks the pinned commit's objects against their ids; `python -m "
        "tfhub_dataset verify` rebuilds every committed release and compares every file byte "
        "for byte.",
    ]


def empty_tables_note(files: Mapping[str, bytes]) -> list[str]:
    """How to load the tables without rows with Hugging Face datasets (none: no line)."""
    empty = sorted(
        p[len("data/") : -len(".csv")]
        for p, data in files.items()
        if p.startswith("data/") and p.endswith(".csv") and data.count(b"\n") <= 1
    )
    if not empty:
        return []
    names = ", ".join(f"`{t}`" for t in empty)
    return [
        "",
        f"A table without rows in this release ({names}) loads with `streaming=True` "
        f'(`load_dataset(os.getcwd(), "{empty[0]}", split="train", streaming=True)`, its '
        "columns and no row): `datasets` 5.2 makes no split of 0 rows, so without streaming it "
        "stops with \"Instruction 'train' corresponds to no data\".",
    ]


def history_change_tables(h: HistoryFacts, unit: str, per_year_title: str) -> list[str]:
    """Two tables of a hub's History section: what each year added and removed, under
    ``per_year_title``, and when each publisher joined; ``unit`` names the hub's models
    ("Models", "Modules")."""
    last = h.snapshots[-1]
    per_year = [
        [y.year if y.end["month"].endswith("-12") else f"{y.year} (to {last['month']})",
         n(y.models_added), n(y.models_removed), n(y.end["models"]), n(y.publishers_added),
         n(y.publishers_removed), n(y.end["publishers"])]
        for y in h.per_year
    ]  # fmt: skip
    lines = ["", per_year_title, ""]
    lines += table(
        ["Year", f"{unit} added", f"{unit} removed", f"{unit} at year end", "Publishers added",
         "Publishers removed", "Publishers at year end"],
        per_year,
        "lrrrrrr",
    )  # fmt: skip
    joins = [
        [code(p["handle"]), p["type"], day(p["first_seen"]),
         code(p["first_model"]) if p["first_model"] else "(none)", n(p["models_seen"]),
         day(p["removed"])]
        for p in h.publishers_by_join
    ]  # fmt: skip
    lines += ["", "**When each publisher joined** (`publisher_history`, by `first_seen`):", ""]
    lines += table(
        ["Publisher", "Type", "First seen", f"First {unit[:-1].lower()}", f"{unit} ever",
         "Removed"],
        joins,
        "llllrl",
    )  # fmt: skip
    return lines


def provenance_lines(info: ReleaseInfo, where: str = "") -> list[str]:
    """The Provenance section of a hub's README: the source table (``where`` follows the
    repository's name, e.g. its branch), the source's license, versions and how to rebuild."""
    licence = (
        "no license at this commit; see `LICENSE`"
        if info.source_license is None
        else f"its LICENSE at this commit is git blob `{info.source_license}`"
    )
    return [
        *provenance_table(info, f"{where}: {licence}"),
        "",
        "Versions follow the [Data Package Version recipe]"
        "(https://datapackage.org/recipes/data-package-version/), counted per hub: this hub's "
        "first pinned release is 1.0.0, and each later one is the next version of the one before "
        f"it. [{CHANGES_NAME}]({CHANGES_NAME}) names the step this release takes and why.",
        "",
        *rebuild_lines(info),
    ]


def loading_lines(
    sqlite_name: str,
    files: Mapping[str, bytes],
    pandas: str,
    duckdb: str,
    sqlite_query: str,
    *,
    field_tools_last: bool = False,
) -> list[str]:
    """A README's "How to load" for a hub that shows pandas, DuckDB and SQLite (each hub's own
    examples), then Hugging Face ``datasets``, validation and the field's tools (after the
    SQLite shell, or at the end with ``field_tools_last``)."""
    head = [
        "Run these from this folder. Every table is in `data/` twice, as CSV and as Parquet, "
        "with the same columns; `datapackage.json` describes both (types, keys, foreign keys), "
        f"and `{sqlite_name}` holds them all in one SQLite database.",
        "",
        "pandas:",
        "",
        "```python",
        pandas,
        "```",
        "",
        "DuckDB (reads CSV or Parquet in place):",
        "",
        "```python",
        duckdb,
        "```",
        "",
        "SQLite (the tables `_tables` and `_columns` hold the descriptions of the Table Schemas, "
        "`_release` the release, version and source commit):",
        "",
        "```sh",
        f'sqlite3 {sqlite_name} "{sqlite_query}"',
        "```",
    ]
    tail = [
        "Hugging Face `datasets`: the front matter of this README names one config per table, "
        '`load_dataset(os.getcwd(), "models", split="train")`. Validate the whole package, '
        "foreign keys included: `frictionless validate datapackage.json`; check every file: "
        f"`sha256sum -c {SUMS_NAME}`.",
        *empty_tables_note(files),
    ]
    field = field_loading_lines(sqlite_name)
    if field_tools_last:
        return [*head, "", *tail, "", *field]
    return [*head, "", *field, "", *tail]


def field_loading_lines(sqlite_name: str) -> list[str]:
    """How to open the release with the field's tools: Datasette with its metadata, Croissant."""
    return [
        f"With [Datasette](https://datasette.io/) (`pip install datasette`), `datasette "
        f"{sqlite_name} --metadata metadata.json` serves it on http://127.0.0.1:8001/ with "
        "every table's and column's description, labelled facets and canned queries.",
        "",
        "With [Croissant](https://mlcommons.org/croissant/) (`pip install mlcroissant`): "
        "`mlcroissant validate --jsonld croissant.json`, and one table's records:",
        "",
        "```python",
        "import mlcroissant as mlc",
        "",
        'records = mlc.Dataset(jsonld="croissant.json").records(record_set="models")',
        "print(next(iter(records)))",
        "```",
        "",
        "[DATASHEET.md](DATASHEET.md) answers a datasheet's questions (what the release is, how "
        "it was collected, its intended uses, the personal data it holds, its maintenance).",
    ]


def front_matter(files: Mapping[str, bytes], info: ReleaseInfo) -> list[str]:
    """YAML front matter for the Hugging Face Hub: one config per table, its Parquet file as
    the data (so `datasets.load_dataset(folder, "models")` loads one table, not all in one)."""
    h = hub(info.hub)
    tables = sorted(
        p[len("data/") : -len(".parquet")]
        for p in files
        if p.startswith("data/") and p.endswith(".parquet")
    )
    lines = [
        "---",
        "license: apache-2.0",
        f'pretty_name: "{h.title} model-publisher community, as of {info.as_of}"',
        "tags:",
        *(f"- {k}" for k in h.keywords),
        "configs:",
    ]
    for name in tables:
        lines += [f"- config_name: {name}", f"  data_files: data/{name}.parquet"]
    lines.append("---")
    return lines


def files_table(files: Mapping[str, bytes], sqlite_name: str, charts: str = "below") -> list[str]:
    """The Files section: what each file of the release holds."""
    tables = sum(1 for p in files if p.startswith("data/") and p.endswith(".csv"))
    rows = [
        [
            "`datapackage.json`",
            "Frictionless Data Package v2 descriptor: resources, schemas, "
            "source commit, version, hashes",
        ],
        ["`data/*.csv`, `data/*.parquet`", f"the {tables} tables, each as CSV and as Parquet"],
        ["`schemas/*.json`", "one Table Schema per table (types, keys, descriptions)"],
        [
            f"`{sqlite_name}`",
            "every table in one SQLite database, with keys, indexes and descriptions",
        ],
        ["`DATA_DICTIONARY.md`", "every table and field, and a diagram of the keys"],
        [f"`{CHANGES_NAME}`", "what changed since the pinned release before this one"],
        ["`figures/`", f"the charts {charts}, each as PNG and as SVG (for print)"],
        ["`CITATION.cff`, `LICENSE`", "how to cite this release, and its license"],
        [
            "`DATASHEET.md`",
            "the datasheet: motivation, composition, collection, uses, "
            "distribution, maintenance and the personal data it holds",
        ],
        [
            "`croissant.json`",
            "Croissant 1.1 metadata with the Responsible-AI fields "
            "(`mlcroissant validate --jsonld croissant.json`)",
        ],
        [
            "`metadata.json`",
            f"Datasette's metadata for `{sqlite_name}`: descriptions, labels, "
            "facets and canned queries",
        ],
        [
            "`zenodo.json`",
            "the deposit metadata of this release's zip archive (see "
            "*How to deposit* in the project's README)",
        ],
        [f"`{SUMS_NAME}`", "SHA-256 of every other file: `sha256sum -c SHA256SUMS` in this folder"],
    ]
    return table(["File", "What it holds"], rows)


def anomaly_kinds_table(anomalies: list[Row], meanings: Mapping[str, str]) -> list[str]:
    """Anomalies by kind: how many, in how many files, what the kind means."""
    kinds = Counter(a["kind"] for a in anomalies)
    files = {k: len({a["source_path"] for a in anomalies if a["kind"] == k}) for k in kinds}
    rows = [[code(k), n(c), n(files[k]), md_escape(meanings.get(k, ""))] for k, c in ranked(kinds)]
    if not rows:
        return ["No anomalies were recorded."]
    return table(["Kind", "Anomalies", "Files", "Meaning"], rows, "lrrl")


def anomaly_kinds_details(
    anomalies: list[Row], meanings: Mapping[str, str], who: str = "build"
) -> list[str]:
    """Every kind the ``who`` may record, folded (<details>), with its count in the release."""
    kinds = Counter(a["kind"] for a in anomalies)
    lines = [f"<details><summary>Every anomaly kind the {who} may record</summary>", ""]
    lines += table(
        ["Kind", "Meaning", "In this release"],
        [[f"`{k}`", md_escape(v), n(kinds.get(k, 0))] for k, v in meanings.items()],
        "llr",
    )
    return [*lines, "", "</details>"]


def dictionary_pointer(facts: Any) -> list[str]:
    """Resources with their rows, fields and titles (``facts.r``: the release read back)."""
    rows = []
    for name in sorted(facts.r.schemas):
        s = facts.r.schemas[name]
        rows.append(
            [f"`{name}`", n(len(facts.r[name])), len(s["fields"]), md_escape(s.get("title", name))]
        )
    lines = [
        "Every resource and field, with type, constraints and description, is in "
        "[DATA_DICTIONARY.md](DATA_DICTIONARY.md), generated from `schemas/`.",
        "",
    ]
    lines += table(["Resource", "Rows", "Fields", "Title"], rows, "lrrl")
    return lines


def citation_lines(info: ReleaseInfo, title: str, note: str = "") -> list[str]:
    """How to cite a release of the dataset titled ``title``: a reference and a BibTeX entry, and
    the study the dataset builds on, with its BibTeX entry."""
    year = info.released[:4]
    repo = repository_name(info.repository_url)
    return [
        "Cite the dataset with this release and its version; `CITATION.cff` in this folder holds "
        f"the machine-readable citation{note}.",
        "",
        f"> tfhub-dataset contributors ({year}). *{title}*, release {info.release_id}, "
        f"version {info.version} (released {info.released}; as of {info.as_of}). Data set "
        f"derived from {repo} at commit {info.commit}. {release_url(info)}",
        "",
        "```bibtex",
        *release_bibtex(info, title),
        "```",
        "",
        "The published study this dataset builds on (it began as its reproduction):",
        "",
        f"> {study_reference()}",
        "",
        "```bibtex",
        *study_bibtex(),
        "```",
    ]
