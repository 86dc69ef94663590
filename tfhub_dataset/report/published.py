"""The figures published by the study this dataset revisits, kept as data in one place.

"Exploring the Community of Model Publishers on TensorFlow Hub" (CSCW'22 Companion, 2022) crawled
tfhub.dev on 2022-04-05. Its figures are copied here exactly as printed, inconsistencies included
(the README of the 2022-04-05 release points them out); nothing here is computed.
"""

from __future__ import annotations

from dataclasses import dataclass

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


CRAWLED = "2022-04-05"  # the release whose README reproduces these figures


@dataclass(frozen=True)
class TopPublisher:
    name: str  # display name as printed (the publisher doc's display name, full stop included)
    type: str
    models: int
    share: float  # per cent of all models, as printed


PUBLISHERS = 36
PUBLISHER_TYPES = {"individual": 20, "organization": 16}
MODELS_PER_PUBLISHER_MEAN = 36.1
MODELS_PER_PUBLISHER_SD = 107.2

PUBLISHERS_WITH_LINKS = 35
# Publishers that gave at least one external URL of each type.
LINK_TYPES = {"website": 26, "github": 14, "linkedin": 9, "twitter": 6, "kaggle": 2}

TOP_PUBLISHERS = (
    TopPublisher("Google", "organization", 575, 49.8),
    TopPublisher("TensorFlow", "organization", 216, 18.7),
    TopPublisher("Sayak Paul.", "individual", 101, 8.7),
    TopPublisher("DeepMind", "organization", 86, 7.4),
    TopPublisher("Rishit Dagli.", "individual", 21, 2.8),
)

MODELS = 1155
DOMAINS = ("image", "text", "audio", "video")
# Per domain; the published "total" column follows in TOTALS.
DOMAIN_FIGURES = {
    "models": {"image": 749, "text": 344, "audio": 34, "video": 28},
    "categories": {"image": 17, "text": 10, "audio": 7, "video": 4},
    "architectures": {"image": 86, "text": 15, "audio": 12, "video": 12},
    "datasets": {"image": 39, "text": 33, "audio": 10, "video": 6},
}
TOTALS = {"models": 1155, "categories": 38, "architectures": 125, "datasets": 88}

# Shared across domains, as printed.
CROSS_DOMAIN_ARCHITECTURES = {("audio", "image"): ("MobileNet", "VGG", "ResNet")}
CROSS_DOMAIN_DATASETS = {("audio", "text"): ("Thorsten",)}
