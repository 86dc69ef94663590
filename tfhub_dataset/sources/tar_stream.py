"""The members of a tar stream, read header by header with bounded work per header.

The standard library's ``tarfile`` builds a full ``TarInfo`` per member (every field decoded, two
checksums summed in Python): reading a hub's month-end tarballs took 38 % of a REST build's
time in it. A snapshot needs little of a header: its name, type, size, mtime and
link target. This reads exactly those from ustar headers, with what ``git archive`` writes
(pax extended and global headers) and GNU long names, and refuses anything it cannot read in
one line (``CorruptArchiveError``) or that is unbounded (``UnsafeArchiveError``): a header whose
checksum fails, a number that is not one, a truncated member, a pax header over ``MAX_META``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

BLOCK = 512
ZERO_BLOCK = bytes(BLOCK)
# Bound on one pax or GNU long-name header: a path of a few KiB is already absurd.
MAX_META = 1 << 20
SKIP_CHUNK = 1 << 20

REGULAR = (b"0", b"\0", b"7")  # 7: contiguous file, read as a regular one (as tarfile does)
DIRECTORY = b"5"
HARD_LINK, SYMLINK = b"1", b"2"
DEVICES = (b"3", b"4")
FIFO = b"6"


class TarFormatError(ValueError):
    """The stream is not a tar archive this reader can read, or ends before it should."""


class TarBoundError(ValueError):
    """A header of the stream asks for more than the reader's bounds."""


@dataclass(frozen=True)
class Member:
    name: bytes  # as stored: the path's bytes (pax paths are UTF-8, or raw with hdrcharset)
    type: bytes  # the ustar type flag, one byte
    size: int
    mtime: float
    linkname: bytes

    def isfile(self) -> bool:
        return self.type in REGULAR and not self.name.endswith(b"/")

    def isdir(self) -> bool:
        # An old-style (V7) directory is a regular file whose name ends with '/'.
        return self.type == DIRECTORY or (self.type in REGULAR and self.name.endswith(b"/"))


def _text(field: bytes) -> bytes:
    return field.split(b"\0", 1)[0]


def _number(field: bytes, what: str) -> int:
    """A numeric header field: octal digits (NUL or space padded) or GNU base-256."""
    if field[:1] in (b"\x80", b"\xff"):  # base-256, the first byte's high bit set
        value = int.from_bytes(field[1:], "big")
        if field[0] == 0xFF:
            value -= 256 ** (len(field) - 1)
        return value
    digits = _text(field).strip(b" ")
    if not digits:
        return 0
    if digits.translate(None, b"01234567"):  # a byte left that is no octal digit
        raise TarFormatError(f"the {what} field of a tar header is not a number: {field!r}")
    return int(digits, 8)


def _pax_records(data: bytes) -> dict[bytes, bytes]:
    """``<length> <keyword>=<value>\\n`` records, each length counting the whole record."""
    out: dict[bytes, bytes] = {}
    pos = 0
    while pos < len(data):
        space = data.find(b" ", pos, pos + 20)
        if space < 0 or not data[pos:space].isdigit():
            raise TarFormatError("a pax header record has no length")
        end = pos + int(data[pos:space])
        record = data[space + 1 : end]
        if end > len(data) or end <= space or not record.endswith(b"\n") or b"=" not in record:
            raise TarFormatError("a pax header record is malformed")
        keyword, _, value = record[:-1].partition(b"=")
        out[keyword] = value
        pos = end
    return out


class TarStream:
    """The members of a tar stream in order: :meth:`next` gives the next file, folder, link or
    device header (the meta headers applied), :meth:`read` the data of the member just given;
    data not read is skipped. ``globals`` holds the pax global header's records (``git
    archive`` writes the commit's SHA there as ``comment``)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._pending = 0  # bytes of the current member's data and padding not yet read
        self._padding = 0
        self.globals: dict[bytes, bytes] = {}

    def _read(self, n: int) -> bytes:
        data = self._stream.read(n)
        if len(data) != n:
            raise TarFormatError("the tar stream ends inside a member")
        return data

    def _skip(self) -> None:
        while self._pending:
            chunk = self._stream.read(min(self._pending, SKIP_CHUNK))
            if not chunk:
                raise TarFormatError("the tar stream ends inside a member")
            self._pending -= len(chunk)

    def _meta(self, size: int) -> bytes:
        if size > MAX_META:
            raise TarBoundError(f"a tar meta header of {size:,} bytes (over {MAX_META:,})")
        data = self._read(size)
        self._read(-size % BLOCK)
        return data

    def next(self) -> Member | None:
        """The next member, or None at the end of the archive."""
        self._skip()
        pax: dict[bytes, bytes] = {}
        long_name = long_link = None
        while True:
            header = self._stream.read(BLOCK)
            if not header or header == ZERO_BLOCK:
                return None
            if len(header) != BLOCK:
                raise TarFormatError("the tar stream ends inside a header")
            stored = _number(header[148:156], "checksum")
            unsigned = sum(header) - sum(header[148:156]) + 8 * 32
            if stored != unsigned and stored != unsigned - 256 * sum(
                b > 127 for b in header[:148] + header[156:]
            ):
                raise TarFormatError("a tar header's checksum does not match (damaged data)")
            kind = header[156:157]
            size = _number(header[124:136], "size")
            if size < 0:
                raise TarFormatError("a tar header gives a negative size")
            if kind == b"x":
                pax.update(_pax_records(self._meta(size)))
                continue
            if kind == b"g":
                self.globals.update(_pax_records(self._meta(size)))
                continue
            if kind in (b"L", b"K"):  # GNU long name or long link target, NUL-terminated
                value = _text(self._meta(size))
                long_name, long_link = (value, long_link) if kind == b"L" else (long_name, value)
                continue
            name = _text(header[0:100])
            if header[257:262] == b"ustar":
                prefix = _text(header[345:500])
                if prefix:
                    name = prefix + b"/" + name
            linkname = _text(header[157:257])
            mtime: float = _number(header[136:148], "mtime")
            name = pax.get(b"path", long_name or name)
            linkname = pax.get(b"linkpath", long_link or linkname)
            try:
                if b"size" in pax:
                    size = int(pax[b"size"])
                if b"mtime" in pax:
                    mtime = float(pax[b"mtime"])
            except ValueError:
                raise TarFormatError("a pax header's size or mtime is not a number") from None
            if size < 0 or mtime != mtime:  # NaN is no time
                raise TarFormatError("a pax header gives a negative size or no time")
            member = Member(name, kind, size, mtime, linkname)
            # Only regular files carry data (a link's or folder's size field is ignored).
            data = size if kind in REGULAR else 0
            self._padding = -data % BLOCK
            self._pending = data + self._padding
            return member

    def read(self, member: Member) -> bytes:
        """The data of ``member``, the member :meth:`next` gave last."""
        if self._pending != member.size + self._padding:
            raise ValueError("read() is for the member next() gave last, once")
        data = self._read(member.size)
        self._pending = self._padding
        return data
