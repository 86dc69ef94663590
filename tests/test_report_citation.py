"""CITATION.cff is valid CFF 1.2.0 and names what it must; LICENSE covers code and data.

The schema is tests/cff-schema-1.2.0.json: the JSON Schema of the Citation File Format 1.2.0
(Copyright Stephan Druskat, Jurriaan H. Spaaks and the CFF contributors, CC BY 4.0), copied
unchanged from the cffconvert 2.0.0 package (cffconvert/schemas/1.2.0/schema.json). CI also runs
`cffconvert --validate` in a separate virtual environment (cffconvert pins jsonschema 3.x).
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from tfhub_dataset import PROJECT_URL, ROOT
from tfhub_dataset.build import load_pins
from tfhub_dataset.hubs.tfhub.report.published import STUDY_TITLE
from tfhub_dataset.study import study_cff

SCHEMA = json.loads((Path(__file__).parent / "cff-schema-1.2.0.json").read_text(encoding="utf-8"))


def _load(text: str) -> dict:
    # CFF is YAML; dates must stay strings for the JSON Schema, so load without timestamp magic.
    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return yaml.load(text, Loader=Loader)


def _cff() -> dict:
    return _load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_citation_cff_is_valid_cff_1_2_0():
    cff = _cff()
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(cff), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_citation_cff_content():
    """The root CITATION.cff follows the latest release: its version, date and title; the
    dataset's repository, never the source's tree; the study and every hub's source cited."""
    from tfhub_dataset.build import root_citation

    cff = _cff()
    assert (ROOT / "CITATION.cff").read_bytes() == root_citation(
        load_pins(), ROOT / "releases", ROOT
    ), "the root CITATION.cff is not the latest release's: rebuild the releases"
    assert cff["cff-version"] == "1.2.0"
    assert cff["type"] == "dataset"
    latest = max((p for p in load_pins() if p.hub == "tfhub"), key=lambda p: p.as_of)
    assert cff["version"] == latest.version
    assert f"release {latest.id}, version {latest.version}" in cff["title"]
    assert cff["date-released"] == latest.released
    assert cff["license"] == "Apache-2.0"
    assert cff["repository-code"] == cff["url"] == PROJECT_URL
    here = f"{PROJECT_URL}/tree/main/releases/{latest.id}"
    assert [i["value"] for i in cff["identifiers"]] == [here]
    assert "tensorflow/tfhub.dev" in cff["abstract"] and "PyTorch Hub" in cff["abstract"]
    assert {r["title"] for r in cff["references"]} >= {"tensorflow/tfhub.dev", "pytorch/hub"}
    refs = {r["title"]: r for r in cff["references"]}
    study = refs[STUDY_TITLE]
    assert study["type"] == "conference-paper"
    assert study["year"] == 2022
    assert "CSCW'22 Companion" in study["conference"]["name"]
    assert study["doi"] == "10.1145/3500868.3559477"
    assert [a["family-names"] for a in study["authors"]] == ["Yoo", "Chun", "Bae", "Kwon", "Jung"]
    # The root file and every release's CITATION.cff cite the study the same way.
    assert study == study_cff()
    assert refs["tensorflow/tfhub.dev"]["repository"] == "https://github.com/tensorflow/tfhub.dev"


def test_license_covers_code_and_data():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
    assert "APPENDIX: How to apply the Apache License to your work." in text
    assert "tensorflow/tfhub.dev (https://github.com/tensorflow/tfhub.dev)" in text
    assert "Copyright The TensorFlow Hub Authors." in text
    assert "tests/cff-schema-1.2.0.json" in text


def test_release_citation_cff_is_valid_and_names_the_release():
    from tfhub_dataset.hubs.tfhub.report.citation import citation_cff
    from tfhub_dataset.package.write import ReleaseInfo

    sha = "81fdea8ffa53b5acbd66a012d17fb8f9602c714b"
    info = ReleaseInfo(
        "2024-03-18",
        "2024-03-18",
        sha,
        "2024-03-18T19:10:19Z",
        version="1.1.0",
        released="2026-11-26",
    )
    cff = _load(citation_cff(info).decode("utf-8"))
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(cff), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    assert (cff["version"], cff["date-released"]) == ("1.1.0", "2026-11-26")
    assert "release 2024-03-18, version 1.1.0" in cff["title"]
    assert cff["identifiers"][0]["value"] == f"{PROJECT_URL}/tree/main/releases/2024-03-18"
    assert sha in cff["abstract"] and "10.1145/3500868.3559477" in cff["abstract"]
    refs = {r["type"]: r for r in cff["references"]}
    assert refs["data"]["commit"] == sha
    assert refs["conference-paper"] == study_cff()
    assert citation_cff(info) == citation_cff(info)


def test_release_license_is_apache_with_the_release_attribution():
    from tfhub_dataset.hubs.tfhub.report.citation import license_text
    from tfhub_dataset.package.write import ReleaseInfo

    sha = "18822130e009e5efccd02bdeeeafcd0338cc50b3"
    text = license_text(ReleaseInfo("2022-04-05", "2022-04-05", sha, "2022-04-04T14:10:29Z"))
    text = text.decode("utf-8")
    root = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith(root.split("-" * 80)[0].rstrip())  # the Apache License 2.0 text
    assert "END OF TERMS AND CONDITIONS" in text
    assert "release 2022-04-05" in text and sha in text
    assert "Copyright The TensorFlow Hub Authors." in text
    assert "tests/cff-schema" not in text  # the repository's own third-party notes stay there
    assert max(len(line) for line in text.splitlines()) <= 80
