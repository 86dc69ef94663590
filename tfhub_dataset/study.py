"""The published study this dataset revisits, as data: its reference and its CFF entry.

The dataset began as its reproduction, and every release cites it; its title names the hub it
studied, which is why this module lives beside the package root rather than in a hub's folder.
"""

from __future__ import annotations

from typing import Any

STUDY_TITLE = "Exploring the Community of Model Publishers on TensorFlow Hub"
STUDY_VENUE = (
    "Companion Publication of the 2022 Conference on Computer Supported Cooperative Work and "
    "Social Computing (CSCW'22 Companion)"
)
STUDY_SHORT = "CSCW'22 Companion, 2022"
STUDY_YEAR = 2022
STUDY_AUTHORS = (  # (given names, family name), in the paper's order
    ("Taewon", "Yoo"),
    ("Minki", "Chun"),
    ("Yunjung", "Bae"),
    ("Soohyun", "Kwon"),
    ("Hyunggu", "Jung"),
)
STUDY_CONFERENCE = (
    "Companion Computer Supported Cooperative Work and Social Computing (CSCW'22 Companion)"
)
STUDY_LOCATION = "Virtual Event, Taiwan"
STUDY_DATES = ("2022-11-08", "2022-11-22")
STUDY_PUBLISHER = "ACM"
STUDY_PAGES = 5
STUDY_DOI = "10.1145/3500868.3559477"


def study_reference() -> str:
    """The study's reference in Markdown, as the ACM prints it, with a DOI link."""
    names = [f"{g} {f}" for g, f in STUDY_AUTHORS]
    authors = ", ".join(names[:-1]) + " and " + names[-1]
    return (
        f"{authors}. {STUDY_YEAR}. *{STUDY_TITLE}.* In {STUDY_CONFERENCE}, November 8–22, "
        f"{STUDY_YEAR}, {STUDY_LOCATION}. {STUDY_PUBLISHER}, {STUDY_PAGES} pages. "
        f"[doi:{STUDY_DOI}](https://doi.org/{STUDY_DOI})"
    )



STUDY_BIBTEX_KEY = "yoo2022exploring"


def study_bibtex() -> list[str]:
    """The study's BibTeX entry, as lines (every README shows it)."""
    authors = " and ".join(f"{f}, {g}" for g, f in STUDY_AUTHORS)
    return [
        f"@inproceedings{{{STUDY_BIBTEX_KEY},",
        f"  author    = {{{authors}}},",
        f"  title     = {{{{{STUDY_TITLE}}}}},",
        f"  booktitle = {{{STUDY_VENUE}}},",
        f"  year      = {{{STUDY_YEAR}}},",
        f"  publisher = {{{STUDY_PUBLISHER}}},",
        f"  address   = {{{STUDY_LOCATION}}},",
        f"  numpages  = {{{STUDY_PAGES}}},",
        f"  doi       = {{{STUDY_DOI}}},",
        f"  url       = {{https://doi.org/{STUDY_DOI}}}",
        "}",
    ]


def study_cff(crawled: str = "2022-04-05") -> dict[str, Any]:
    """The study as a CFF reference (``crawled``: the day its crawl saw, the release that
    reproduces its figures)."""
    return {
        "type": "conference-paper",
        "title": STUDY_TITLE,
        "authors": [{"given-names": g, "family-names": f} for g, f in STUDY_AUTHORS],
        "year": STUDY_YEAR,
        "doi": STUDY_DOI,
        "url": f"https://doi.org/{STUDY_DOI}",
        "collection-title": STUDY_CONFERENCE,
        "conference": {
            "name": STUDY_CONFERENCE,
            "location": STUDY_LOCATION,
            "date-start": STUDY_DATES[0],
            "date-end": STUDY_DATES[1],
        },
        "publisher": {"name": STUDY_PUBLISHER},
        "pages": STUDY_PAGES,
        "notes": (
            f"The published study whose figures the {crawled} release reproduces; it crawled "
            f"tfhub.dev on {crawled}."
        ),
    }
