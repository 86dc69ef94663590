"""PaddleHub (github.com/PaddlePaddle/PaddleHub, branch develop): modules, each a folder whose
``module.py`` carries ``@moduleinfo(...)``, with a README.md. Pure functions over a snapshot's
bytes, like the other hubs' folders. ``HUB`` is its record in the hub registry (hubs/__init__.py);
``wiring.py`` wires it through the pipeline.

Where the catalogue lived (the repository's first-parent line, read with git):

- before 2020-04-26 the repository held the framework only: modules were published to the hub's
  server, not kept here (``demo/`` held samples, which are not catalogue modules);
- 2020-04-26 ``hubmodule/modules/<domain>/<task>/<name>/``, renamed the same day to
  ``hub_module/modules/...``;
- 2021-06-01 (the merge of release/v2.1) ``modules/<domain>/<task>/<name>/``, with the community's
  modules under ``modules/thirdparty/<domain>/<task>/<name>/`` until 2021-09-24, when they joined
  the others; some modules sit one folder deeper (``modules/audio/audio_classification/PANNs/
  cnn14/``), and a sample lives at ``<root>/demo/<name>/``.

``<domain>`` is the catalogue's folder (image, text, audio, video; demo for the sample).
"""

from __future__ import annotations

from functools import lru_cache

from tfhub_dataset.plugin import Hub

NAME = "paddlehub"
REPOSITORY = "PaddlePaddle/PaddleHub"
# The folders that held the catalogue over the years, newest first (see the docstring).
CATALOGUE_ROOTS = ("modules/", "hub_module/modules/", "hubmodule/modules/")
THIRDPARTY = "thirdparty"  # modules/thirdparty/<domain>/...: community modules, 2021-06 to -09
DEMO = "demo"  # <root>/demo/<name>/: the sample module of the contribution guide
MODULE_FILE = "module.py"
# A module's READMEs, Chinese and English: file names compared lower-cased (a few folders hold
# readme.md or Readme.md, which the site showed as their README).
README = "readme.md"
README_EN = "readme_en.md"
CATALOGUE_FILES = (MODULE_FILE, README, README_EN)
# The repository's own license file: the release's LICENSE says what it holds.
LICENSE_FILE = "LICENSE"
# git pathspecs holding every data path: `git log` detects renames among these files only (a
# partial clone lacks the large blobs elsewhere, which rename detection would ask for).
GIT_PATHSPEC = (
    *(f":(glob){root}**/{MODULE_FILE}" for root in CATALOGUE_ROOTS),
    *(f":(glob,icase){root}**/{name}" for root in CATALOGUE_ROOTS for name in (README, README_EN)),
    LICENSE_FILE,
)


def catalogue_parts(path: str) -> tuple[str, list[str]] | None:
    """(root, the path's segments below it) for a path under a catalogue root, the
    ``thirdparty/`` segment kept; None for any other path."""
    for root in CATALOGUE_ROOTS:
        if path.startswith(root):
            return root, path[len(root) :].split("/")
    return None


@lru_cache(maxsize=1 << 16)  # asked of each data path, in every snapshot of the history
def is_catalogue_file(path: str) -> bool:
    """A module.py, README.md or README_en.md under a catalogue root, below a domain folder."""
    found = catalogue_parts(path)
    if found is None:
        return False
    _, parts = found
    if parts[0] == THIRDPARTY:
        parts = parts[1:]
    return len(parts) >= 3 and file_role(parts[-1]) is not None and all(parts)


def file_role(name: str) -> str | None:
    """MODULE_FILE, README or README_EN for a catalogue file's name; None for any other."""
    if name == MODULE_FILE:
        return MODULE_FILE
    lower = name.lower()
    return lower if lower in (README, README_EN) else None


def is_data_path(path: str) -> bool:
    """The paths a PaddleHub release is derived from (what history replays)."""
    return path == LICENSE_FILE or is_catalogue_file(path)


HUB = Hub(
    name=NAME,
    title="PaddleHub",
    site="paddlepaddle.org.cn/hub",
    repository=REPOSITORY,
    git_url="https://github.com/PaddlePaddle/PaddleHub.git",
    git_url_env="TFHUB_DATASET_PADDLEHUB_GIT_URL",
    clone_name="paddlehub.git",
    folder="paddlehub",
    package_name="tfhub-dataset-paddlehub",
    sqlite_name="paddlehub.sqlite",
    keywords=(
        "paddlehub",
        "paddlepaddle",
        "model-hub",
        "pre-trained-models",
        "model-publishers",
        "mining-software-repositories",
    ),
    rights_holder="the PaddlePaddle Authors",
    is_data_path=is_data_path,
    wiring="tfhub_dataset.hubs.paddlehub.wiring",
    contents="Modules, their versions, publishers, README links, papers and taxonomy",
    release_prefix="paddlehub-",
    git_pathspec=GIT_PATHSPEC,
    checkout_marker="paddlehub",
)
