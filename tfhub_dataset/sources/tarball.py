"""Read a GitHub-style snapshot tarball into memory, refusing anything unsafe.

Members are read into memory, never extracted, so nothing can be written outside the build's own
folders; still, an archive holding absolute paths, ``..``, links, devices or more than a bounded
number of bytes is refused outright: such an archive is not a tfhub.dev snapshot.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import tarfile
import zlib

from tfhub_dataset.sources.snapshot import Snapshot, is_data_path

MAX_TOTAL_BYTES = 512 * 1024 * 1024  # uncompressed; the largest real snapshot holds about 25 MB
MAX_MEMBERS = 100_000


class UnsafeArchiveError(ValueError):
    """The archive holds a member that a snapshot never has."""


class CorruptArchiveError(ValueError):
    """The archive cannot be read to its end (truncated or damaged gzip or tar)."""


def _member_path(name: str) -> str:
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise UnsafeArchiveError(f"absolute path in archive: {name!r}")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise UnsafeArchiveError(f"'..' in archive path: {name!r}")
    return "/".join(parts)


GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 1 << 20


def _gunzip(data: bytes, limit: int) -> bytes:
    """Inflate a gzip stream, refusing more than ``limit`` bytes and a stream cut short."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    try:
        chunk = inflater.decompress(data, CHUNK)
        while True:
            out += chunk
            if len(out) > limit:
                raise UnsafeArchiveError(f"archive expands beyond {limit} bytes; refusing it")
            if inflater.eof:
                return bytes(out)
            tail = inflater.unconsumed_tail
            chunk = inflater.decompress(tail, CHUNK)
            if not chunk and not tail and not inflater.eof:
                raise CorruptArchiveError("gzip stream is truncated (no end-of-stream marker)")
    except zlib.error as exc:
        raise CorruptArchiveError(f"gzip stream is damaged: {exc}") from exc


def read_tarball(
    data: bytes,
    *,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    max_members: int = MAX_MEMBERS,
) -> Snapshot:
    """Parse a ``.tar.gz`` snapshot as GitHub's tarball endpoint returns it.

    The gzip stream is inflated in bounded chunks (a decompression bomb is refused once it passes
    the bound, not after) and must end with its trailer (a truncated download is refused).
    The commit SHA comes from the pax global header (``git archive`` writes it) and the commit
    date from the members' mtime (``git archive`` sets it to the committer date). The top folder
    (``<owner>-<repo>-<sha7>/``) is stripped.
    """
    raw = _gunzip(data, max_total_bytes + 1024 * max_members) if data[:2] == GZIP_MAGIC else data
    files: dict[str, bytes] = {}
    total = 0
    mtime: int | None = None
    commit = ""
    try:
        with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tar:
            for count, member in enumerate(tar, start=1):
                commit = commit or tar.pax_headers.get("comment", "")
                if count > max_members:
                    raise UnsafeArchiveError(f"more than {max_members} members in archive")
                path = _member_path(member.name)
                if member.issym() or member.islnk():
                    raise UnsafeArchiveError(
                        f"link in archive: {member.name!r} -> {member.linkname!r}"
                    )
                if member.isdev() or member.isfifo():
                    raise UnsafeArchiveError(f"device or fifo in archive: {member.name!r}")
                if member.isdir():
                    continue
                if not member.isfile():
                    raise UnsafeArchiveError(f"unsupported member type in archive: {member.name!r}")
                total += member.size
                if total > max_total_bytes:
                    raise UnsafeArchiveError(
                        f"archive expands beyond {max_total_bytes} bytes; refusing it"
                    )
                mtime = member.mtime if mtime is None else max(mtime, member.mtime)
                inner = path.split("/", 1)[1] if "/" in path else path
                if not is_data_path(inner):
                    continue
                fh = tar.extractfile(member)
                assert fh is not None
                content = fh.read()
                if len(content) != member.size:
                    raise CorruptArchiveError(f"member {member.name!r} is truncated")
                files[posixpath.normpath(inner)] = content
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise CorruptArchiveError(f"archive is damaged or truncated: {exc}") from exc
    if not commit:
        raise CorruptArchiveError(
            "archive has no pax comment naming its commit (not a git archive)"
        )
    if mtime is None:
        raise CorruptArchiveError("archive holds no files")
    date = dt.datetime.fromtimestamp(mtime, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Snapshot(commit=commit, commit_date=date, files=files)
