"""Each committed release's DATASHEET.md answers the datasheet's seven groups of questions
(Gebru et al.) with the release's own figures, states its personal data and leaves the git
history's contributors a marked section; every README shows the study's BibTeX."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from tests.mirror import ROOT
from tfhub_dataset.build import load_pins
from tfhub_dataset.publish.datasheet import CONTRIBUTORS_HEADING
from tfhub_dataset.report.markdown import n
from tfhub_dataset.study import study_bibtex

PINS = [p for p in load_pins() if (ROOT / "releases" / p.id / "DATASHEET.md").is_file()]
GROUPS = (
    "Motivation",
    "Composition",
    "Collection process",
    "Preprocessing, cleaning and labeling",
    "Uses",
    "Distribution",
    "Maintenance",
)


def _rows(pin, table: str) -> list[dict[str, str]]:
    path = ROOT / "releases" / pin.id / "data" / f"{table}.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("pin", PINS, ids=lambda p: p.id)
def test_the_datasheet_answers_the_seven_groups_with_the_release_figures(pin):
    text = (ROOT / "releases" / pin.id / "DATASHEET.md").read_text(encoding="utf-8")
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings[: len(GROUPS)] == list(GROUPS)
    assert "Personal data" in headings and CONTRIBUTORS_HEADING in headings
    for question in ("What should it not be used for?", "What is it intended for?",
                     "Who maintains it, and how are errors corrected?",
                     "What personal data does it hold?"):  # fmt: skip
        assert f"**{question}**" in text
    publishers = _rows(pin, "publishers")
    types = Counter(p["type"] for p in publishers)
    assert f"{n(len(publishers))} publishers (" in text
    assert f"names {n(types['individual'])} individual publishers (of {n(len(publishers))})" in text
    assert f"{n(len(_rows(pin, 'anomalies')))} anomalies" in text
    assert f"`{pin.commit[:12]}`" in text and pin.version in text
    # Without the community's tables the section says what the release holds of commit authors.
    if not (ROOT / "releases" / pin.id / "data" / "contributors.csv").is_file():
        assert "<!-- contributors:" in text and "no commit author" in text
    readme = (ROOT / "releases" / pin.id / "README.md").read_text(encoding="utf-8")
    assert "[DATASHEET.md](DATASHEET.md)" in readme and "`croissant.json`" in readme


@pytest.mark.parametrize("pin", PINS, ids=lambda p: p.id)
def test_every_release_readme_shows_the_study_bibtex(pin):
    readme = (ROOT / "releases" / pin.id / "README.md").read_text(encoding="utf-8")
    assert "```bibtex\n" + "\n".join(study_bibtex()) + "\n```" in readme


def test_the_project_readme_shows_the_study_bibtex():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "```bibtex\n" + "\n".join(study_bibtex()) + "\n```" in readme
