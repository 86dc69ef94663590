"""What TF Hub's releases add to the shared texts of croissant.json, the datasheet and
Datasette's metadata (publish/texts.py, publish/datasette.py): the import dates, the move to
Kaggle Models, and canned queries that reproduce the published study's tables."""

from __future__ import annotations

from typing import Any

from tfhub_dataset.hubs.tfhub.history import IMPORT_COMMITS


def release_texts(facts: Any) -> dict[str, str]:
    """Sentences appended to the shared defaults (keys: publish.texts.ReleaseTexts fields)."""
    kaggle = {r.get("kaggle_status") for r in facts.rows("models")} - {None}
    out = {
        "collection": (
            f"The history starts with {len(IMPORT_COMMITS)} import commits that copied docs "
            "published before the repository existed: those docs carry the import's date "
            "(first_seen_imported), not their publication date."
        ),
        "motivation": (
            "The published study (Yoo et al., CSCW'22 Companion) crawled tfhub.dev on "
            "2022-04-05; the release of that day reproduces its figures and explains every "
            "difference with named models."
        ),
    }
    if kaggle:
        out["limitations"] = (
            "TF Hub moved to Kaggle Models: models.kaggle_status says whether the final "
            "README's list of unmigrated assets names a model ('unmigrated') or not "
            "('not-listed'); 'not-listed' does not say that a model is on Kaggle, only that "
            "the notices do not name it."
        )
    return out


def datasette_queries(facts: Any) -> dict[str, dict[str, str]]:
    """The published study's tables as SQL over the release's database."""
    by_domain = (
        "SELECT m.domain, count(DISTINCT m.handle) AS models, "
        "count(DISTINCT t.task) AS categories, count(DISTINCT a.architecture) AS architectures, "
        "count(DISTINCT d.dataset) AS datasets FROM models m "
        "LEFT JOIN model_tasks t ON t.model = m.handle "
        "LEFT JOIN model_architectures a ON a.model = m.handle "
        "LEFT JOIN model_datasets d ON d.model = m.handle "
        "GROUP BY m.domain ORDER BY models DESC, m.domain"
    )
    return {
        "study_models_per_publisher": {
            "title": "The study's models per publisher (mean, sd)",
            "description": "Publishers, models, and models per publisher: mean and sample "
            "standard deviation over every publisher (the study: 36 publishers, mean 36.1, sd "
            "107.2, on 2022-04-05).",
            "sql": "SELECT count(*) AS publishers, sum(model_count) AS models, "
            "round(avg(model_count), 1) AS mean, round(sqrt(sum((model_count - m) * "
            "(model_count - m)) / (count(*) - 1)), 1) AS sd FROM publishers, "
            "(SELECT avg(model_count) AS m FROM publishers)",
        },
        "study_top_publishers": {
            "title": "The study's top five publishers",
            "description": "The five publishers with the most models and their share of all "
            "models, as the study's table ranks them.",
            "sql": "SELECT display_name, type, model_count AS models, "
            "round(100.0 * model_count / (SELECT count(*) FROM models), 1) AS share "
            "FROM publishers ORDER BY models DESC, handle LIMIT 5",
        },
        "study_link_types": {
            "title": "The study's publishers by link type",
            "description": "Publishers whose doc gives at least one external URL of each type "
            "(icons, image hosts and tfhub.dev's own pages left out).",
            "sql": "SELECT link_type, count(DISTINCT publisher) AS publishers "
            "FROM publisher_links WHERE link_type NOT IN ('icon', 'image', 'tfhub') "
            "GROUP BY link_type ORDER BY publishers DESC, link_type",
        },
        "study_domains": {
            "title": "The study's models, categories, architectures and datasets per domain",
            "description": "Per primary domain: models, and the distinct tasks (the study's "
            "categories), architectures and datasets their latest versions list.",
            "sql": by_domain,
        },
    }
