"""One parser per model hub, and the registry that wires each hub through the same pipeline.

A :class:`Hub` says everything the build, the git source, the package writer and the report need
to know about one community: where its repository lives, which paths of it are data, its schemas
and annotations, the texts of its package descriptor, and the module holding its functions
(``wiring``: ``release_tables``, ``HISTORY`` rules, ``render_report``). That module is imported
only when a release of the hub is built, so that this registry stays light (``--help`` and
argument errors read it).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from tfhub_dataset import ROOT
from tfhub_dataset.hubs.pytorch_hub import LICENSE_FILE, VOCABULARY_FILES
from tfhub_dataset.hubs.pytorch_hub import is_data_path as pytorch_hub_data_path
from tfhub_dataset.sources.snapshot import is_data_path as tfhub_data_path

ANNOTATIONS = ROOT / "build" / "annotations"
PYTORCH_HUB_FILES = (*VOCABULARY_FILES, LICENSE_FILE)


@dataclass(frozen=True)
class Hub:
    """One model hub: its repository, its files' roles and the texts its packages carry."""

    name: str  # the hub id everywhere: pins, --hub, hub_organizations.csv
    title: str  # "TensorFlow Hub"
    site: str  # where users met it
    repository: str  # owner/name on GitHub
    git_url: str  # default remote of the git source
    git_url_env: str  # environment variable that overrides it
    clone_name: str  # folder of its clone under build/cache/git/ (and ../shared/ here)
    schema_dir: Path  # one Table Schema per table of its releases
    annotations: Path  # curated publisher types (handle,type,evidence)
    package_name: str  # datapackage.json name, shared by the hub's releases
    sqlite_name: str  # the release's SQLite database
    keywords: tuple[str, ...]
    rights_holder: str  # who holds the rights on the source repository's content
    is_data_path: Callable[[str], bool]  # the paths its releases are derived from
    wiring: str  # module with release_tables, HISTORY and render_report
    contents: str  # what its packages hold, for their descriptions
    release_prefix: str = ""  # pinned release ids start with it (the folder says the hub)
    # git pathspecs that hold every data path, for `git log` (none: the whole tree is read, as
    # TF Hub's changes need: a rename into its data paths from elsewhere is a rename)
    git_pathspec: tuple[str, ...] = ()

    @property
    def repository_url(self) -> str:
        return f"https://github.com/{self.repository}"

    def module(self) -> ModuleType:
        """The hub's functions (imported on first use)."""
        return importlib.import_module(self.wiring)


TFHUB = Hub(
    name="tfhub",
    title="TensorFlow Hub",
    site="tfhub.dev",
    repository="tensorflow/tfhub.dev",
    git_url="https://github.com/tensorflow/tfhub.dev.git",
    git_url_env="TFHUB_DATASET_GIT_URL",
    clone_name="tfhub.dev.git",
    schema_dir=ROOT / "schemas",
    annotations=ANNOTATIONS / "publisher_types.csv",
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
    is_data_path=tfhub_data_path,
    wiring="tfhub_dataset.hubs.tfhub.wiring",
    contents="Publishers, models, versioned docs, collections, links and taxonomy",
)
PYTORCH_HUB = Hub(
    name="pytorch-hub",
    title="PyTorch Hub",
    site="pytorch.org/hub",
    repository="pytorch/hub",
    git_url="https://github.com/pytorch/hub.git",
    git_url_env="TFHUB_DATASET_PYTORCH_HUB_GIT_URL",
    clone_name="pytorch-hub.git",
    schema_dir=ROOT / "schemas" / "pytorch_hub",
    annotations=ANNOTATIONS / "pytorch_hub_publisher_types.csv",
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
    is_data_path=pytorch_hub_data_path,
    wiring="tfhub_dataset.hubs.pytorch_hub.wiring",
    contents="Publishers, model pages, torch.hub.load entrypoints, links and taxonomy",
    release_prefix="pytorch-hub-",
    git_pathspec=(":(top,glob)*.md", *PYTORCH_HUB_FILES),
)
HUBS: dict[str, Hub] = {h.name: h for h in (TFHUB, PYTORCH_HUB)}
DEFAULT_HUB = TFHUB.name


def hub(name: str) -> Hub:
    """The hub named ``name``; ValueError naming the known hubs otherwise."""
    try:
        return HUBS[name]
    except KeyError:
        raise ValueError(f"no hub {name!r}: the hubs are {', '.join(HUBS)}") from None
