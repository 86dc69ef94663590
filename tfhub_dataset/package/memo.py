"""Output records: what the pure steps after the parse made from which inputs, so that a rebuild
whose inputs did not change does that work once.

Three kinds, each keyed by a digest of everything its result depends on:

- a *memo* of a pure function's output files (a table's Parquet bytes, the files a release's
  tables make: README, charts, SQLite, SHA256SUMS; the comparison of the hubs), keyed by the
  digest of its inputs' bytes and of :func:`output_fingerprint` (the code, the schemas, the
  curated files the report reads, the versions of every library that shapes bytes);
- a *validation record*: the digest of every file of a package and of the validator
  (:func:`validator_fingerprint`: frictionless' version, pyarrow's, the code that validates),
  recorded when that package passed validation; the same bytes under the same validator need not
  be validated again, anything else is validated in full.

Files are stored by their SHA-256 and checked against it when read: a damaged or planted entry
is a miss, never served. Everything lives under build/cache/outputs/ (git-ignored); deleting it
only costs time. Memos of other fingerprints can never hit again and are pruned.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from tfhub_dataset import DATA, PACKAGE_DIR

# Libraries whose versions shape the bytes of an output file (Parquet, PNG, SQLite, Markdown).
BYTE_LIBRARIES = ("pyarrow", "matplotlib", "numpy", "pillow", "apsw", "markdown-it-py", "PyYAML")
VALIDATOR_LIBRARIES = ("frictionless", "pyarrow")
# The code that validates a package (package/validate.py and what it compares with).
VALIDATOR_CODE = ("tfhub_dataset/package/validate.py", "tfhub_dataset/package/write.py")
# Curated files the report and the comparison read, besides the code and the schemas.
CURATED = ("LICENSE", "build/releases.toml", "build/annotations")
_HEX = re.compile(r"[0-9a-f]{64}")


def _versions(libraries: Iterable[str]) -> str:
    from importlib import metadata

    out = []
    for lib in libraries:
        try:
            out.append(f"{lib}=={metadata.version(lib)}")
        except metadata.PackageNotFoundError:
            out.append(f"{lib} absent")
    return "\0".join(out)


def _tree_digest(h: hashlib._Hash, root: Path, rels: Iterable[str]) -> None:
    for rel in rels:
        top = root / rel
        paths = sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else [top]
        for p in paths:
            data = p.read_bytes() if p.is_file() else b"(absent)"
            h.update(p.relative_to(root).as_posix().encode() + b"\0" + data + b"\0")


@cache
def output_fingerprint(data: Path = DATA) -> str:
    """SHA-256 of what shapes an output beyond its arguments: the code and schemas
    (derived.code_fingerprint), the curated files (under ``data``: the checkout, or the wheel's
    data), the byte-shaping libraries, zlib."""
    from tfhub_dataset.derived import code_fingerprint

    h = hashlib.sha256(code_fingerprint().encode() + b"\0")
    _tree_digest(h, data, CURATED)
    h.update(_versions(BYTE_LIBRARIES).encode() + b"\0")
    h.update(f"zlib {zlib.ZLIB_RUNTIME_VERSION}\0python {sys.version}\0".encode())
    return h.hexdigest()


@cache
def validator_fingerprint() -> str:
    """SHA-256 of the validator: frictionless' and pyarrow's versions and the code that runs
    them."""
    h = hashlib.sha256(_versions(VALIDATOR_LIBRARIES).encode() + b"\0")
    _tree_digest(h, PACKAGE_DIR.parent, VALIDATOR_CODE)
    h.update(f"python {sys.version_info[0]}.{sys.version_info[1]}\0".encode())
    return h.hexdigest()


def validator_name() -> str:
    """What the output says validated a package (frictionless' version)."""
    from importlib import metadata

    return f"frictionless {metadata.version('frictionless')}"


def digest(*parts: bytes | str) -> str:
    """SHA-256 of parts, each length-prefixed (no two part lists share a digest)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(f"{len(data)}:".encode() + data)
    return h.hexdigest()


def files_digest(files: Mapping[str, bytes]) -> str:
    """One digest of a set of files: their paths and SHA-256s, by path."""
    return digest(*(f"{p}\0{hashlib.sha256(files[p]).hexdigest()}" for p in sorted(files)))


class OutputCache:
    """Memos and validation records under ``root`` (build/cache/outputs/)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / output_fingerprint()[:16]
        self.hits = 0
        self.misses = 0

    # -- memos ----------------------------------------------------------------------------

    def load(self, key: str) -> dict[str, bytes] | None:
        """The files recorded under ``key``, each checked against its SHA-256; None when absent,
        damaged or incomplete."""
        record = self._read_json(self.folder / "memo" / f"{key}.json")
        files = record.get("files") if isinstance(record, dict) else None
        if not isinstance(files, dict):
            self.misses += 1
            return None
        out = {}
        for path, sha in files.items():
            data = self._blob(sha) if isinstance(path, str) and isinstance(sha, str) else None
            if data is None:
                self.misses += 1
                return None
            out[path] = data
        self.hits += 1
        return out

    def save(self, key: str, files: Mapping[str, bytes]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._prune()
        shas = {}
        for path, data in files.items():
            sha = hashlib.sha256(data).hexdigest()
            target = self.folder / "blobs" / sha[:2] / sha
            if not target.is_file():
                _atomic_write(target, data)
            shas[path] = sha
        _atomic_write(self.folder / "memo" / f"{key}.json", json.dumps({"files": shas}).encode())

    def _blob(self, sha: str) -> bytes | None:
        if not _HEX.fullmatch(sha):
            return None
        try:
            data = (self.folder / "blobs" / sha[:2] / sha).read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == sha else None

    def _prune(self) -> None:
        """Memos of other fingerprints can never hit again: remove them (best effort)."""
        if not self.root.is_dir():
            return
        for other in self.root.iterdir():
            if other.is_dir() and other != self.folder and len(other.name) == 16:
                shutil.rmtree(other, ignore_errors=True)

    # -- validation records -----------------------------------------------------------------

    def validation_key(self, files: Mapping[str, bytes], mode: str) -> str:
        return digest("validated", validator_fingerprint(), mode, files_digest(files))

    def validated(self, key: str) -> bool:
        """Whether a package of these digests passed this validator before."""
        record = self._read_json(self.root / "validated" / f"{key}.json")
        return isinstance(record, dict) and record.get("valid") is True

    def record_valid(self, key: str) -> None:
        record = {"valid": True, "validator": validator_name()}
        _atomic_write(self.root / "validated" / f"{key}.json", json.dumps(record).encode())

    @staticmethod
    def _read_json(path: Path) -> object:
        try:
            return json.loads(path.read_bytes()[: 1 << 20])
        except (OSError, ValueError):
            return None


def memoized_parquet(
    outputs: OutputCache,
) -> Callable[[list[dict[str, Any]], dict[str, Any]], bytes]:
    """write.parquet_bytes, memoized in ``outputs`` by the table's schema and values (their
    ``repr``: a str, an int, a bool and None each spell themselves apart)."""
    from tfhub_dataset.package.write import parquet_bytes

    def make(rows: list[dict[str, Any]], schema: dict[str, Any]) -> bytes:
        names = [f["name"] for f in schema["fields"]]
        values = repr([[row[n] for n in names] for row in rows])
        key = digest("parquet", json.dumps(schema, sort_keys=True), values)
        found = outputs.load(key)
        if found is not None and "parquet" in found:
            return found["parquet"]
        data = parquet_bytes(rows, schema)
        outputs.save(key, {"parquet": data})
        return data

    return make


def _atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def same_files(folder: Path, files: Mapping[str, bytes]) -> bool:
    """Whether ``folder`` holds exactly ``files``: the same paths (regular files, no links) and
    the same bytes, nothing else."""
    if not folder.is_dir() or folder.is_symlink():
        return False
    found = 0
    for p in folder.rglob("*"):
        if p.is_symlink():
            return False
        if p.is_dir():
            continue
        rel = p.relative_to(folder).as_posix()
        if rel not in files or not p.is_file():
            return False
        found += 1
        if p.stat().st_size != len(files[rel]) or p.read_bytes() != files[rel]:
            return False
    return found == len(files)
