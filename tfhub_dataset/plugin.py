"""The contract between the shared layers and a hub plug-in: the :class:`Hub` record.

A hub is a folder under ``tfhub_dataset/hubs/`` whose ``__init__.py`` defines ``HUB``, one
:class:`Hub` (light: no heavy import), and whose ``wiring`` module holds the functions the
pipeline calls for its releases (``release_tables``, ``HISTORY`` and ``render_report``; see
hubs/__init__.py). The shared layers (sources, history, package, report, build) know a hub only
through this record, so they never name one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from tfhub_dataset import DATA

SCHEMAS = DATA / "schemas"
ANNOTATIONS = DATA / "build" / "annotations"


@dataclass(frozen=True)
class Hub:
    """One model hub: its repository, its files' roles and the texts its packages carry."""

    name: str  # the hub id everywhere: pins, --hub, the comparison's columns
    title: str  # "Example Hub"
    site: str  # where users met it
    repository: str  # owner/name on GitHub
    git_url: str  # default remote of the git source
    git_url_env: str  # environment variable that overrides it
    clone_name: str  # folder of its clone under build/cache/git/ (and ../shared/ here)
    folder: str  # its folder under schemas/ and build/annotations/ (and its module under hubs/)
    package_name: str  # datapackage.json name, shared by the hub's releases
    sqlite_name: str  # the release's SQLite database
    keywords: tuple[str, ...]
    rights_holder: str  # who holds the rights on the source repository's content
    is_data_path: Callable[[str], bool]  # the paths its releases are derived from
    wiring: str  # module with release_tables, HISTORY and render_report
    contents: str  # what its packages hold, for their descriptions
    release_prefix: str = ""  # pinned release ids start with it (the folder says the hub)
    # git pathspecs that hold every data path, for `git log` (none: the whole tree is read, as a
    # hub needs whose data paths can be renamed into from elsewhere)
    git_pathspec: tuple[str, ...] = ()
    # A folder or file at the root of every checkout of the repository (finds the root of an
    # extracted archive given with --snapshot).
    checkout_marker: str = "README.md"
    # Sources other than git (the REST API, a mirror folder, a tarball) serve this hub's releases
    # (they were written for the first hub's repository, and are tested on it only).
    other_sources: bool = False

    @property
    def repository_url(self) -> str:
        return f"https://github.com/{self.repository}"

    @property
    def schema_dir(self) -> Path:
        """One JSON Table Schema per table of its releases."""
        return SCHEMAS / self.folder

    @property
    def annotations_dir(self) -> Path:
        """Its curated judgements (publisher types, ...), one line of evidence each."""
        return ANNOTATIONS / self.folder

    @property
    def annotations(self) -> Path:
        """Its curated publisher types (handle,type,evidence)."""
        return self.annotations_dir / "publisher_types.csv"

    def module(self) -> ModuleType:
        """The hub's functions (imported on first use)."""
        return importlib.import_module(self.wiring)
