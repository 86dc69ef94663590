"""Read a GitHub-style snapshot tarball into memory, refusing anything unsafe.

Members are read as they stream past, never extracted, so nothing can be written outside the
build's own folders; still, an archive holding absolute paths, ``..``, links, devices, more than a
bounded number of members or of bytes is refused outright: such an archive is not a snapshot of
a hub's repository.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import zlib
from collections.abc import Callable
from typing import Any, BinaryIO

from tfhub_dataset.hubs import default_hub
from tfhub_dataset.sources.snapshot import MAX_FILE_BYTES, Snapshot, path_text
from tfhub_dataset.sources.tar_stream import (
    DEVICES,
    FIFO,
    HARD_LINK,
    SYMLINK,
    TarBoundError,
    TarFormatError,
    TarStream,
)

# Bounds against archive bombs, far above any real hub: the largest real snapshot holds about
# 25 MB in some 12,000 members; a hub a hundred times that size passes both.
MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024  # uncompressed
MAX_MEMBERS = 2_000_000
BEYOND = "a bound against archive bombs; build a repository this large from git with --git PATH"


class UnsafeArchiveError(ValueError):
    """The archive holds a member that a snapshot never has."""


class CorruptArchiveError(ValueError):
    """The archive cannot be read to its end (truncated or damaged gzip or tar)."""


def _member_path(name: bytes) -> bytes:
    if name.startswith(b"/") or (len(name) > 1 and name[1:2] == b":"):
        raise UnsafeArchiveError(f"absolute path in archive: {_shown(name)!r}")
    parts = [p for p in name.split(b"/") if p not in (b"", b".")]
    if b".." in parts:
        raise UnsafeArchiveError(f"'..' in archive path: {_shown(name)!r}")
    return b"/".join(parts)


def _shown(name: bytes) -> str:
    return name.decode("utf-8", "backslashreplace")


GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 1 << 20


class _BoundedGunzip(io.RawIOBase):
    """A gzip stream inflated as it is read, in bounded chunks: more than ``limit`` bytes out is
    refused once it passes the bound (a decompression bomb is never inflated), and a stream that
    ends without its trailer is refused as truncated."""

    def __init__(self, source: BinaryIO, limit: int) -> None:
        self._source = source
        self._limit = limit
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._pending = memoryview(b"")
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            if self._inflater.eof:
                return 0
            data = self._inflater.unconsumed_tail or self._source.read(CHUNK)
            if not data:
                raise CorruptArchiveError("gzip stream is truncated (no end-of-stream marker)")
            try:
                chunk = self._inflater.decompress(data, CHUNK)
            except zlib.error as exc:
                raise CorruptArchiveError(f"gzip stream is damaged: {exc}") from exc
            self.total += len(chunk)
            if self.total > self._limit:
                raise UnsafeArchiveError(f"archive expands beyond {self._limit} bytes; refusing it")
            self._pending = memoryview(chunk)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def read_tarball(
    data: bytes | BinaryIO,
    *,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    max_members: int = MAX_MEMBERS,
    max_file_bytes: int = MAX_FILE_BYTES,
    data_path: Callable[[str], bool] | None = None,
) -> Snapshot:
    """Parse a ``.tar.gz`` snapshot as GitHub's tarball endpoint returns it (bytes, or a binary
    file open at its start).

    The archive is read as a stream, member by member, and never held whole: the gzip stream is
    inflated in bounded chunks (a decompression bomb is refused once it passes the bound, not
    after) and must end with its trailer (a truncated download is refused); members are counted
    and their sizes added up as they pass. A data file over ``max_file_bytes`` is skipped unread
    and listed in ``Snapshot.oversized``. The commit SHA comes from the pax global header
    (``git archive`` writes it) and the commit date from the members' mtime (``git archive`` sets
    it to the committer date). The top folder GitHub puts every member under
    (``<owner>-<repo>-<sha7>/``) is stripped; a plain ``git archive`` has none, and its paths are
    taken as they are (a member is kept when it is a data path either way, and which way holds is
    known once every member has passed: one top folder holding everything, or not). Only
    ``data_path`` files are kept (default: the registry's first hub's data paths).
    """
    is_data = data_path or default_hub().is_data_path
    source: BinaryIO = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    head = source.read(2)
    source.seek(0)
    stream: BinaryIO = source
    if head == GZIP_MAGIC:
        raw = _BoundedGunzip(source, max_total_bytes + 1024 * max_members)
        stream = io.BufferedReader(raw, CHUNK)  # type: ignore[assignment]
    files: dict[str, bytes] = {}  # by the member's whole path
    oversized: dict[str, int] = {}
    tops: set[str] = set()  # first components of every member's path
    escaped: set[str] = set()  # paths whose names were not UTF-8 (snapshot.path_text)
    top_level_file = False  # a file outside any folder: there is no top folder to strip
    total = 0
    count = 0
    mtime: float | None = None
    tar = TarStream(stream)
    try:
        while (member := tar.next()) is not None:
            count += 1
            if count > max_members:
                raise UnsafeArchiveError(f"more than {max_members} members in archive ({BEYOND})")
            shown = _shown(member.name)
            path, was_escaped = path_text(_member_path(member.name))
            if was_escaped:
                escaped.add(path)
            if member.type in (HARD_LINK, SYMLINK):
                target = _shown(member.linkname)
                raise UnsafeArchiveError(f"link in archive: {shown!r} -> {target!r}")
            if member.type in DEVICES or member.type == FIFO:
                raise UnsafeArchiveError(f"device or fifo in archive: {shown!r}")
            if path:
                tops.add(path.split("/", 1)[0])
            if member.isdir():
                continue
            if not member.isfile():
                raise UnsafeArchiveError(f"unsupported member type in archive: {shown!r}")
            total += member.size
            if total > max_total_bytes:
                raise UnsafeArchiveError(
                    f"archive expands beyond {max_total_bytes:,} bytes; refusing it ({BEYOND})"
                )
            mtime = member.mtime if mtime is None else max(mtime, member.mtime)
            top_level_file = top_level_file or "/" not in path
            inner = path.split("/", 1)[1] if "/" in path else path
            if not (is_data(inner) or is_data(path)):
                continue
            if member.size > max_file_bytes:
                oversized[path] = member.size
                continue
            files[path] = tar.read(member)
    except TarBoundError as exc:
        raise UnsafeArchiveError(f"{exc}; refusing it") from exc
    except (TarFormatError, EOFError, zlib.error, OSError) as exc:
        raise CorruptArchiveError(f"archive is damaged or truncated: {exc}") from exc
    commit = tar.globals.get(b"comment", b"").decode("utf-8", "replace")
    if not commit:
        raise CorruptArchiveError(
            "archive has no pax comment naming its commit (not a git archive)"
        )
    if mtime is None:
        raise CorruptArchiveError("archive holds no files")
    # GitHub's top folder is <owner>-<repo>-<sha7>/; a plain archive of a tree holding only
    # assets/ has one folder too, but it is data
    strip = len(tops) == 1 and not top_level_file and not is_data(f"{min(tops)}/x")

    def data(found: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for path, value in found.items():
            inner = path.split("/", 1)[1] if strip else path
            if is_data(inner):
                out[posixpath.normpath(inner)] = value
        return out

    try:
        date = dt.datetime.fromtimestamp(mtime, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        raise CorruptArchiveError(f"archive members are dated {mtime}, out of range") from None
    return Snapshot(
        commit=commit,
        commit_date=date,
        files=data(files),
        oversized=data(oversized),
        escaped=frozenset(data(dict.fromkeys(escaped))),
    )
