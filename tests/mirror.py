"""Where the real source mirror is, for tests that need it (they skip with a reason without it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

MIRROR = Path(
    os.environ.get("TFHUB_MIRROR") or Path(__file__).resolve().parents[2] / "shared" / "tfhub.dev"
)
ROOT = Path(__file__).resolve().parents[1]
# The git clone of tensorflow/tfhub.dev beside the checkout (bare, partial), or TFHUB_GIT.
GIT = Path(
    os.environ.get("TFHUB_GIT") or Path(__file__).resolve().parents[2] / "shared" / "tfhub.dev.git"
)

needs_mirror = pytest.mark.skipif(
    not (MIRROR / "commits.json").is_file(),
    reason=f"the tensorflow/tfhub.dev mirror is absent at {MIRROR} (set TFHUB_MIRROR to its path)",
)


needs_git = pytest.mark.skipif(
    not (GIT / "HEAD").is_file(),
    reason=f"the tensorflow/tfhub.dev git clone is absent at {GIT} (set TFHUB_GIT to its path)",
)


def needs_release(release_id: str) -> pytest.MarkDecorator:
    folder = ROOT / "releases" / release_id
    return pytest.mark.skipif(
        not (folder / "datapackage.json").is_file(), reason=f"{folder} is not committed yet"
    )
