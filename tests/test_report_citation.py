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

from tfhub_dataset import __version__
from tfhub_dataset.build import ROOT
from tfhub_dataset.report.published import STUDY_TITLE
from tfhub_dataset.report.readme import DATASET_RELEASED

SCHEMA = json.loads((Path(__file__).parent / "cff-schema-1.2.0.json").read_text(encoding="utf-8"))


def _cff() -> dict:
    # CFF is YAML; dates must stay strings for the JSON Schema, so load without timestamp magic.
    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return yaml.load((ROOT / "CITATION.cff").read_text(encoding="utf-8"), Loader=Loader)


def test_citation_cff_is_valid_cff_1_2_0():
    cff = _cff()
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(cff), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_citation_cff_content():
    cff = _cff()
    assert cff["cff-version"] == "1.2.0"
    assert cff["type"] == "dataset"
    assert cff["version"] == __version__
    assert cff["date-released"] == DATASET_RELEASED == "2026-11-26"
    assert cff["license"] == "Apache-2.0"
    assert cff["repository-code"].startswith("https://github.com/")
    assert "tensorflow/tfhub.dev" in cff["abstract"]
    refs = {r["title"]: r for r in cff["references"]}
    study = refs[STUDY_TITLE]
    assert study["type"] == "conference-paper"
    assert study["year"] == 2022
    assert "CSCW'22 Companion" in study["conference"]["name"]
    assert refs["tensorflow/tfhub.dev"]["repository"] == "https://github.com/tensorflow/tfhub.dev"


def test_license_covers_code_and_data():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
    assert "APPENDIX: How to apply the Apache License to your work." in text
    assert "tensorflow/tfhub.dev (https://github.com/tensorflow/tfhub.dev)" in text
    assert "Copyright The TensorFlow Hub Authors." in text
    assert "tests/cff-schema-1.2.0.json" in text
