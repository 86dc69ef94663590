"""What PyTorch Hub's releases add to the shared texts of croissant.json, the datasheet and
Datasette's metadata (publish/texts.py, publish/datasette.py)."""

from __future__ import annotations

from typing import Any


def release_texts(facts: Any) -> dict[str, str]:
    """Sentences appended to the shared defaults (keys: publish.texts.ReleaseTexts fields)."""
    out = {
        "collection": (
            "A model page's publisher is the lower-cased GitHub owner of the repository it "
            "loads from; torch.hub.load calls are read from the pages' fenced code, never run."
        ),
    }
    if facts.info.source_license is None:
        out["limitations"] = (
            "pytorch/hub declares no license: the release holds facts and short excerpts "
            "quoted to identify the pages, which remain their authors' (see LICENSE)."
        )
    return out


def datasette_queries(facts: Any) -> dict[str, dict[str, str]]:
    return {
        "models_per_tag": {
            "title": "Models per tag",
            "description": "Models by the tag they list first, and by any tag they list.",
            "sql": "SELECT tag, sum(position = 1) AS first_tag, count(*) AS any_tag "
            "FROM model_tags GROUP BY tag ORDER BY first_tag DESC, any_tag DESC, tag",
        },
        "repositories_loaded": {
            "title": "Repositories loaded most",
            "description": "torch.hub.load calls and distinct entrypoints per repository.",
            "sql": "SELECT lower(repository) AS repository, count(*) AS calls, "
            "count(DISTINCT entrypoint) AS entrypoints FROM entrypoints "
            "WHERE repository IS NOT NULL GROUP BY lower(repository) "
            "ORDER BY calls DESC, repository LIMIT 10",
        },
    }
