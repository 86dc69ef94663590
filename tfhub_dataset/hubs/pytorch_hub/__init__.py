"""PyTorch Hub (github.com/pytorch/hub): model pages with YAML front matter and torch.hub.load
calls. Pure functions over a snapshot's bytes, like hubs/tfhub.

``HUB`` is its record in the hub registry (hubs/__init__.py); ``wiring.py`` wires it through the
pipeline."""

from __future__ import annotations

from tfhub_dataset.plugin import Hub

NAME = "pytorch-hub"
REPOSITORY = "pytorch/hub"
# The files that declare the hub's vocabularies (tags, categories, accelerators) over its history.
VOCABULARY_FILES = ("scripts/tags.py", "scripts/sanity_check.py", "docs/template.md")
# The repository's own license file, if it ever has one at the root: the release's LICENSE says
# what it holds (pytorch/hub's published branch never had one up to 2024-04-15).
LICENSE_FILE = "LICENSE"


def is_page_path(path: str) -> bool:
    """A Markdown file at the repository root: a model page when its front matter says so."""
    return "/" not in path and path.endswith(".md")


def is_data_path(path: str) -> bool:
    """The paths a PyTorch Hub release is derived from (what history replays)."""
    return is_page_path(path) or path in VOCABULARY_FILES or path == LICENSE_FILE


HUB = Hub(
    name=NAME,
    title="PyTorch Hub",
    site="pytorch.org/hub",
    repository=REPOSITORY,
    git_url="https://github.com/pytorch/hub.git",
    git_url_env="TFHUB_DATASET_PYTORCH_HUB_GIT_URL",
    clone_name="pytorch-hub.git",
    folder="pytorch_hub",
    package_name="tfhub-dataset-pytorch-hub",
    sqlite_name="pytorch-hub.sqlite",
    keywords=(
        "pytorch-hub",
        "pytorch.org/hub",
        "model-hub",
        "pre-trained-models",
        "model-publishers",
        "mining-software-repositories",
    ),
    rights_holder="the authors of the pytorch/hub pages",
    is_data_path=is_data_path,
    wiring="tfhub_dataset.hubs.pytorch_hub.wiring",
    contents="Publishers, model pages, torch.hub.load entrypoints, links and taxonomy",
    release_prefix="pytorch-hub-",
    git_pathspec=(":(top,glob)*.md", *VOCABULARY_FILES, LICENSE_FILE),
)
