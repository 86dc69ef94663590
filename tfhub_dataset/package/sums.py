"""SHA256SUMS: the SHA-256 of every other file of a release, as ``sha256sum -c`` reads it."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

SUMS_NAME = "SHA256SUMS"


def sha256sums(files: Mapping[str, bytes]) -> bytes:
    """One ``<hex>  <path>`` line per file (sorted by path, itself excluded), LF line ends.

    Paths are relative to the release folder, so ``sha256sum -c SHA256SUMS`` checks the
    folder from inside it wherever it was copied."""
    lines = [
        f"{hashlib.sha256(data).hexdigest()}  {path}\n"
        for path, data in sorted(files.items())
        if path != SUMS_NAME
    ]
    return "".join(lines).encode("utf-8")
