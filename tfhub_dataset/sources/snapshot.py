"""The Snapshot: one commit of a hub's repository as files by path; nothing after it does I/O."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

# One data file (a doc, a tag file) larger than this is not read: an anomaly records it. The
# largest real one holds 15 kB; parsing a file costs a few times its size in memory.
MAX_FILE_BYTES = 1 << 20


def path_text(raw: bytes | str) -> tuple[str, bool]:
    """A repository path as text, and whether its name had to be escaped: a name that is not
    UTF-8 (a git path may hold any byte but NUL) keeps its other characters and has each byte
    that is not written ``\\xNN``, so that it can be written into a release and named in an
    anomaly. ``raw`` is the path's bytes, or text holding them as surrogate escapes (os,
    tarfile)."""
    if isinstance(raw, str):
        try:
            raw.encode("utf-8")
            return raw, False
        except UnicodeEncodeError:
            raw = raw.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace"), True


def blob_id(data: bytes) -> str:
    """The git object id of a file's bytes (SHA-1 of ``blob <size>\\0`` and the bytes)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """The files of the source repository at one commit.

    ``commit_date`` is the committer date in UTC, ISO 8601 with a trailing ``Z``.
    ``files`` maps a repository-relative POSIX path to the file's bytes (a source may read them
    lazily, on first access); ``oversized`` maps the path of a data file left out for its size
    (over MAX_FILE_BYTES) to that size. ``blob_ids`` maps the paths of ``files`` to their git blob
    ids when the source knows them without reading the bytes (git); otherwise they are computed
    from the bytes. ``escaped`` holds the paths (of ``files`` or ``oversized``) whose names were not
    UTF-8, as :func:`path_text` wrote them: the hubs record each as an anomaly.
    """

    commit: str
    commit_date: str
    files: Mapping[str, bytes] = field(repr=False)
    repository: str = ""  # owner/name, where the source knows it
    oversized: Mapping[str, int] = field(default_factory=dict)
    blob_ids: Mapping[str, str] | None = field(default=None, repr=False, compare=False)
    escaped: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if len(self.commit) != 40 or any(c not in "0123456789abcdef" for c in self.commit):
            raise ValueError(f"not a full commit SHA: {self.commit!r}")

    def blob_id(self, path: str) -> str:
        """The git blob id of the file at ``path``: what keys its parse for the whole history."""
        if self.blob_ids is not None:
            return self.blob_ids[path]
        return blob_id(self.files[path])

    @property
    def date(self) -> str:
        """The commit's calendar day (UTC), YYYY-MM-DD."""
        return self.commit_date[:10]
