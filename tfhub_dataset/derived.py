"""A cache of what the history derives from each snapshot, keyed by commit and code.

The HTTP cache makes a warm rebuild send no request, but the history still has to read and parse
every month-end tarball (about 20 s for the final release). What it keeps of each snapshot is
small (paths, doc handles, counts), so it is stored here as JSON. The key holds the commit SHA,
the publisher annotations and a fingerprint of the code, schemas and parsing libraries that
produced it: any change to them makes every entry a miss, so the cache never serves stale
results. A derived history is keyed by, and records, the history it was derived from (the
digest of its commits and their parents, sources/commits.py): the same commit reached through a
cut or rewritten history is never served another history's entry. It lives under build/cache/
(git-ignored); deleting it only costs time.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import sys
import tempfile
import zlib
from functools import cache
from pathlib import Path
from typing import Any

from tfhub_dataset import PACKAGE_DIR
from tfhub_dataset.plugin import ANNOTATIONS, SCHEMAS

# Libraries whose behaviour shapes what is derived from a snapshot.
LIBRARIES = ("PyYAML",)


@cache
def code_fingerprint(root: Path | None = None) -> str:
    """SHA-256 over the package's source, the schemas, the curated annotations and the parsing
    libraries' versions (``root``: a folder holding ``tfhub_dataset/``, ``schemas/`` and
    ``build/annotations/``; default, those in use, of a checkout or an installed wheel alike).
    The annotations count because a hub's parse may read them (which publishers an author string
    credits) beyond the publisher types the keys hold."""
    from importlib import metadata

    package, schemas, annotations = PACKAGE_DIR, SCHEMAS, ANNOTATIONS
    if root is not None:
        package, schemas = root / PACKAGE_DIR.name, root / "schemas"
        annotations = root / "build" / "annotations"
    h = hashlib.sha256()
    files = [(package, p) for p in sorted(package.rglob("*.py"))]
    files += [(schemas, p) for p in sorted(schemas.rglob("*.json"))]  # every hub's schemas
    files += [(annotations, p) for p in sorted(annotations.rglob("*.csv"))]  # every judgement
    for top, path in files:
        name = f"{top.name}/{path.relative_to(top).as_posix()}"
        h.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    for lib in LIBRARIES:
        h.update(f"{lib}=={metadata.version(lib)}\0".encode())
    # str.casefold and the regex classes follow the interpreter's Unicode tables.
    h.update(f"python {sys.version_info[0]}.{sys.version_info[1]}\0".encode())
    return h.hexdigest()


class DerivedCache:
    """JSON values by key in one folder per code fingerprint; other fingerprints are pruned."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / code_fingerprint()[:16]
        self.hits = 0
        self.misses = 0

    def key(self, *parts: str) -> str:
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]

    def load(self, key: str) -> Any | None:
        path = self.folder / f"{key}.json.gz"
        try:
            value = json.loads(gzip.decompress(path.read_bytes()))
        except (OSError, EOFError, zlib.error, ValueError):  # absent, truncated or damaged
            self.misses += 1
            return None
        self.hits += 1
        return value

    def save(self, key: str, value: Any) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._prune()
        # Level 1: a tenth of level 9's time (0.24 s against 2.42 s for the 264 entries of a
        # build with one history of 262 snapshots) for entries a quarter larger (6.4 MB, 5.0 MB).
        data = gzip.compress(json.dumps(value).encode(), compresslevel=1, mtime=0)
        # Written aside and renamed, so a reader never sees half an entry; not synced to disk
        # (8 ms an entry, 4 s of a run that saves 500): an entry a crash leaves empty or
        # truncated fails to decompress, and load() counts it a miss.
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, self.folder / f"{key}.json.gz")

    def _prune(self) -> None:
        """Entries of other code versions can never hit again: remove them (best effort: another
        checkout may be using its own folder at the same time)."""
        for other in self.root.iterdir():
            if other.is_dir() and other != self.folder and len(other.name) == 16:
                shutil.rmtree(other, ignore_errors=True)
