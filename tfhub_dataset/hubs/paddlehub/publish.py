"""What PaddleHub's releases add to the shared texts of croissant.json, the datasheet and
Datasette's metadata (publish/texts.py, publish/datasette.py)."""

from __future__ import annotations

from typing import Any


def release_texts(facts: Any) -> dict[str, str]:
    """Sentences appended to the shared defaults (keys: publish.texts.ReleaseTexts fields)."""
    return {
        "collection": (
            "A module is a folder whose module.py carries @moduleinfo; the decorator is read "
            "with Python's parser (ast), never imported or run, within bounds of size and depth. "
            "A module's publishers are the people and teams its author string credits, mapped "
            "by the curated annotation build/annotations/paddlehub/authors.csv."
        ),
        "personal": (
            "Modules' author_email values are reduced to a class of their domain (the hub "
            "owner's, another organisation's, a free-mail provider's, none) and never kept; "
            "e-mail addresses in author strings and README text are withheld."
        ),
        "limitations": (
            "Modules whose folder holds a README but no module.py (their code was only on the "
            "hub's server) are anomalies, not modules; modules published before the catalogue "
            "entered git (2020-04-26) carry that day as first seen."
        ),
    }


def datasette_queries(facts: Any) -> dict[str, dict[str, str]]:
    return {
        "modules_per_publisher": {
            "title": "Modules per publisher",
            "description": "Modules crediting each publisher (alone or with others), with its "
            "organisation.",
            "sql": "SELECT p.handle, p.type, p.organization, count(*) AS modules "
            "FROM model_publishers c JOIN publishers p ON p.handle = c.publisher "
            "GROUP BY p.handle ORDER BY modules DESC, p.handle",
        },
        "modules_per_domain": {
            "title": "Modules per domain and task",
            "description": "Modules by the domain and task of their @moduleinfo type.",
            "sql": "SELECT type_domain, type_task, count(*) AS modules FROM models "
            "GROUP BY type_domain, type_task ORDER BY modules DESC, type_domain, type_task",
        },
    }
