"""TF Hub: docs of tensorflow/tfhub.dev (first line, HTML-comment metadata, links), tags/*.yaml
vocabularies, the catalog of one snapshot and its tables. Pure functions over bytes; no I/O.

``HUB`` is its record in the hub registry (hubs/__init__.py); ``wiring.py`` wires it through the
pipeline."""

from __future__ import annotations

from tfhub_dataset.plugin import Hub

# The only parts of the repository the dataset is derived from.
DATA_PREFIXES = ("assets/", "tags/")
DATA_FILES = ("README.md", "LICENSE")


def is_data_path(path: str) -> bool:
    """True for the paths the dataset reads (docs, tag vocabularies, README, LICENSE)."""
    return path.startswith(DATA_PREFIXES) or path in DATA_FILES


HUB = Hub(
    name="tfhub",
    title="TensorFlow Hub",
    site="tfhub.dev",
    repository="tensorflow/tfhub.dev",
    git_url="https://github.com/tensorflow/tfhub.dev.git",
    git_url_env="TFHUB_DATASET_GIT_URL",
    clone_name="tfhub.dev.git",
    folder="tfhub",
    package_name="tfhub-dataset",
    sqlite_name="tfhub-dataset.sqlite",
    keywords=(
        "tensorflow-hub",
        "tfhub.dev",
        "model-hub",
        "pre-trained-models",
        "model-publishers",
        "mining-software-repositories",
    ),
    rights_holder="The TensorFlow Hub Authors",
    is_data_path=is_data_path,
    wiring="tfhub_dataset.hubs.tfhub.wiring",
    contents="Publishers, models, versioned docs, collections, links and taxonomy",
    checkout_marker="assets",
    other_sources=True,
)
