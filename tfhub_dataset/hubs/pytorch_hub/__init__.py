"""PyTorch Hub (github.com/pytorch/hub): model pages with YAML front matter and torch.hub.load
calls. Pure functions over a snapshot's bytes, like hubs/tfhub."""

from __future__ import annotations

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
