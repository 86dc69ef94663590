"""What cffconvert makes of the citations (BibTeX, APA, Zenodo: what GitHub's "Cite this
repository" and Zenodo's deposit read): the dataset's own URL and version, and the study with its
DOI, never the source repository's tree. cffconvert 2.0 pins jsonschema 3, so it lives in a venv
of its own (build/cffvenv, made by ./dev.sh test before the tests run)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.mirror import ROOT, needs_release
from tfhub_dataset import PROJECT_URL
from tfhub_dataset.build import load_pins, root_citation
from tfhub_dataset.hubs import HUBS, hub
from tfhub_dataset.package.write import iter_files
from tfhub_dataset.report.citation import release_url
from tfhub_dataset.report.release_report import info_from_files
from tfhub_dataset.study import STUDY_DOI

CFFCONVERT = ROOT / "build" / "cffvenv" / "bin" / "cffconvert"
pytestmark = pytest.mark.skipif(
    not CFFCONVERT.is_file(), reason=f"{CFFCONVERT} is absent: ./dev.sh test makes it"
)
LATEST = {n: max((p for p in load_pins() if p.hub == n), key=lambda p: p.as_of) for n in HUBS}


@pytest.fixture(scope="module")
def citations(tmp_path_factory) -> dict[str, tuple[Path, object]]:
    """Each hub's latest release's CITATION.cff as the build renders it now from the committed
    files, and the root CITATION.cff made from those: {name: (path, ReleaseInfo)}."""
    tmp = tmp_path_factory.mktemp("cff")
    out = {}
    releases = tmp / "releases"
    for name, pin in LATEST.items():
        files = dict(iter_files(ROOT / "releases" / pin.id))
        info = info_from_files(files)
        cff = hub(name).module().render_report(files, info, None)["CITATION.cff"]
        folder = releases / pin.id
        folder.mkdir(parents=True)
        (folder / "CITATION.cff").write_bytes(cff)
        (folder / "datapackage.json").write_bytes(files["datapackage.json"])
        out[pin.id] = (folder / "CITATION.cff", info)
    first = out[LATEST[next(iter(HUBS))].id][1]
    (tmp / "CITATION.cff").write_bytes(root_citation(load_pins(), releases, tmp))
    out["root"] = (tmp / "CITATION.cff", first)
    return out


def _convert(path: Path, fmt: str) -> str:
    run = subprocess.run(
        [str(CFFCONVERT), "-f", fmt, "-i", str(path)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


@needs_release(LATEST[next(iter(HUBS))].id)
@pytest.mark.parametrize("fmt", ["bibtex", "apalike", "zenodo"])
def test_converted_citations_name_the_dataset_its_version_and_the_study(citations, fmt):
    for name, (path, info) in citations.items():
        text = _convert(path, fmt)
        if fmt == "zenodo":
            record = json.loads(text)
            assert record["version"] == info.version, name
            text = record["title"] + "\n" + record["description"]
        assert release_url(info) in text and text.count(PROJECT_URL) >= 1, (name, text)
        assert f"version {info.version}" in text, (name, text)
        assert STUDY_DOI in text, (name, text)
        assert f"{info.repository_url}/tree" not in text, (name, text)  # not the source's tree
