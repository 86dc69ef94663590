"""The figures published by the study this dataset revisits, kept as data in one place.

"Exploring the Community of Model Publishers on TensorFlow Hub" (CSCW'22 Companion, 2022) crawled
tfhub.dev on 2022-04-05. Its figures are copied here exactly as printed, inconsistencies included
(the README of the 2022-04-05 release points them out); nothing here is computed.
"""

from __future__ import annotations

from dataclasses import dataclass

from tfhub_dataset.study import (  # noqa: F401 (the study's own data, named here as printed)
    STUDY_AUTHORS,
    STUDY_CONFERENCE,
    STUDY_DATES,
    STUDY_DOI,
    STUDY_LOCATION,
    STUDY_PAGES,
    STUDY_PUBLISHER,
    STUDY_SHORT,
    STUDY_TITLE,
    STUDY_VENUE,
    STUDY_YEAR,
    study_reference,
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
