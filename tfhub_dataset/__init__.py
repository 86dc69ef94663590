"""tfhub-dataset: model-hub publisher communities as versioned Frictionless packages.

Where its files are, in a checkout and in an installed wheel alike:

- ``DATA`` holds what every build reads: ``schemas/``, ``build/releases.toml`` (the pins),
  ``build/annotations/`` and ``LICENSE``. In a checkout it is the project folder itself (the one
  source of truth); a wheel carries those same files under ``tfhub_dataset/_data/``, mapped there
  by the build backend (pyproject.toml), so there is no copy in the source tree to keep in sync.
- ``CHECKOUT`` is the project folder when the package runs from one (None when installed): the
  committed ``releases/`` and the root ``datapackage.json`` exist only there.
- ``CACHE`` is where clones and caches go: ``build/cache/`` of a checkout, else the user's cache
  folder (``$XDG_CACHE_HOME/tfhub-dataset``, default ``~/.cache/tfhub-dataset``).
"""

import os
from pathlib import Path

__version__ = "2.0.0"

PACKAGE_DIR = Path(__file__).resolve().parent
# The folder holding the package: the project folder of a checkout, site-packages when installed.
ROOT = PACKAGE_DIR.parent
PROJECT_URL = "https://github.com/tfhub-dataset/tfhub-dataset"


def _is_checkout(folder: Path) -> bool:
    return (folder / "pyproject.toml").is_file() and (folder / "build" / "releases.toml").is_file()


CHECKOUT: Path | None = ROOT if _is_checkout(ROOT) else None
DATA = ROOT if CHECKOUT is not None else PACKAGE_DIR / "_data"
CACHE = (
    ROOT / "build" / "cache"
    if CHECKOUT is not None
    else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tfhub-dataset"
)
