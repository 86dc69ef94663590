"""Each hub's latest release served by Datasette (the pinned 0.65.5) on 127.0.0.1 with its
metadata.json: the pages show the titles, license and source, facets are labelled by the
vocabulary's id (not by its `declared` flag), every canned query runs, and the answer of one
(the study's top publishers, or the publishers by type) is what the CSV files give."""

from __future__ import annotations

import csv
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from tests.mirror import ROOT
from tfhub_dataset.build import load_pins
from tfhub_dataset.hubs import HUBS, hub
from tfhub_dataset.publish.datasette import database_name

LATEST = [
    max((p for p in load_pins() if p.hub == n), key=lambda p: p.as_of)
    for n in HUBS
    if (ROOT / "releases").is_dir()
]
LATEST = [p for p in LATEST if (ROOT / "releases" / p.id / "metadata.json").is_file()]
DATASETTE = Path(sys.executable).with_name("datasette")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.status, r.read().decode("utf-8")


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / "data" / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(params=LATEST, ids=lambda p: p.id)
def served(request):
    pin = request.param
    folder = ROOT / "releases" / pin.id
    port = _free_port()
    proc = subprocess.Popen(
        [str(DATASETTE), "serve", hub(pin.hub).sqlite_name, "--metadata", "metadata.json",
         "-h", "127.0.0.1", "-p", str(port)],
        cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"{base}/-/versions.json")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(proc.stderr.read().decode()[-2000:]) from None
                time.sleep(0.2)
        yield pin, folder, base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_datasette_serves_the_release_with_its_metadata(served):
    pin, folder, base = served
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    db = database_name(hub(pin.hub).sqlite_name)
    assert list(meta["databases"]) == [db]
    status, page = _get(f"{base}/")
    assert status == 200 and meta["title"] in page.replace("&#39;", "'")
    assert "Apache-2.0" in page and pin.commit[:12] in page  # license and source, in the footer
    status, page = _get(f"{base}/{db}/models")
    assert status == 200
    assert meta["databases"][db]["tables"]["models"]["description"][:40] in page.replace(
        "&#39;", "'"
    )
    # A facet on a foreign key is labelled by the label column of the table it points to: the
    # vocabulary's id or the publisher's name (the issue: "1 904", its `declared` flag, before).
    tables = meta["databases"][db]["tables"]
    checked = 0
    for name, entry in tables.items():
        if name.startswith("_"):
            continue
        schema = json.loads((folder / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
        fks = {
            fk["fields"][0]: fk["reference"]
            for fk in schema.get("foreignKeys", [])
            if len(fk["fields"]) == 1
        }
        for column in entry.get("facets", []):
            if column not in fks:
                continue
            target, key = fks[column]["resource"], fks[column]["fields"][0]
            label = tables[target]["label_column"]
            labels = {r[key]: r[label] for r in _rows(folder, target)}
            _, body = _get(f"{base}/{db}/{name}.json?_facet={column}&_size=0")
            for r in json.loads(body)["facet_results"][column]["results"]:
                if r["value"] is not None:
                    assert r["label"] == labels[str(r["value"])], (name, column, r)
                    checked += 1
    assert checked
    # Every canned query runs.
    for query in meta["databases"][db]["queries"]:
        status, body = _get(f"{base}/{db}/{query}.json?_shape=array")
        assert status == 200 and json.loads(body), query


def test_a_canned_query_answers_what_the_files_hold(served):
    pin, folder, base = served
    db = database_name(hub(pin.hub).sqlite_name)
    publishers, models = _rows(folder, "publishers"), _rows(folder, "models")
    _, body = _get(f"{base}/{db}/publishers_by_type.json?_shape=array")
    by_type = {r["type"]: r["publishers"] for r in json.loads(body)}
    assert by_type == dict(Counter(p["type"] for p in publishers))
    _, body = _get(f"{base}/{db}/top_publishers.json?_shape=array")
    top = json.loads(body)
    # publishers.model_count counts every credit where a hub lists several per model
    credits = (
        _rows(folder, "model_publishers")
        if (folder / "data" / "model_publishers.csv").is_file()
        else models
    )
    per = Counter(m["publisher"] for m in credits if m["publisher"])
    ranked = sorted(per.items(), key=lambda kv: (-kv[1], kv[0]))[: len(top)]
    assert [(r["handle"], r["models"]) for r in top] == ranked
    assert top[0]["share"] == round(100 * ranked[0][1] / len(models), 1)
