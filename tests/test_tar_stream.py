"""The tar stream reader (sources/tar_stream.py) against the standard library's tarfile: the same
members from any archive tarfile writes, and one clear refusal for a damaged or unbounded one."""

from __future__ import annotations

import io
import tarfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tfhub_dataset.sources.tar_stream import MAX_META, TarBoundError, TarFormatError, TarStream

SHA = "0123456789abcdef0123456789abcdef01234567"


def _write(members, fmt=tarfile.PAX_FORMAT, globals_=None) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt, pax_headers=globals_ or {}) as tar:
        for name, kind, data, mtime in members:
            info = tarfile.TarInfo(name)
            info.type, info.mtime = kind, mtime
            if kind == tarfile.SYMTYPE:
                info.linkname = "../elsewhere"
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def _ours(raw: bytes) -> tuple[dict, list]:
    tar, out = TarStream(io.BytesIO(raw)), []
    while (m := tar.next()) is not None:
        data = tar.read(m) if m.isfile() else None
        kind = "dir" if m.isdir() else m.type.decode()
        out.append((m.name.decode("utf-8", "surrogateescape"), kind, data, m.mtime, m.linkname))
    return tar.globals, out


def _theirs(raw: bytes) -> tuple[dict, list]:
    out = []
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r|") as tar:
        for m in tar:
            data = tar.extractfile(m).read() if m.isfile() else None
            kind = "dir" if m.isdir() else m.type.decode()
            link = m.linkname.encode("utf-8", "surrogateescape")
            name = m.name + ("/" if m.isdir() and not m.name.endswith("/") else "")
            out.append((name, kind, data, m.mtime, link))
        globals_ = {k.encode(): v.encode() for k, v in tar.pax_headers.items()}
    return globals_, out


def _same(raw: bytes) -> None:
    g1, ours = _ours(raw)
    g2, theirs = _theirs(raw)
    assert g1 == g2
    # tarfile drops a folder's trailing '/'; the reader keeps names as stored
    assert [(n.rstrip("/"), *rest) for n, *rest in ours] == [
        (n.rstrip("/"), *rest) for n, *rest in theirs
    ]


NAMES = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\0/"), min_size=1, max_size=40
)
MEMBERS = st.lists(
    st.tuples(
        st.lists(NAMES, min_size=1, max_size=6).map("/".join),  # up to 246 characters: pax paths
        st.sampled_from([tarfile.REGTYPE, tarfile.DIRTYPE, tarfile.SYMTYPE]),
        st.binary(max_size=1500),
        st.one_of(st.integers(0, 2**33), st.floats(0, 2**33, allow_nan=False)),
    ),
    min_size=1,  # tarfile cannot read an archive of a global header alone
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(MEMBERS, st.sampled_from([tarfile.PAX_FORMAT, tarfile.GNU_FORMAT]))
def test_the_same_members_as_tarfile_from_any_archive_tarfile_writes(members, fmt):
    rows = [
        (name, kind, data if kind == tarfile.REGTYPE else None, mtime)
        for name, kind, data, mtime in members
    ]
    if fmt == tarfile.GNU_FORMAT:  # GNU headers hold whole seconds
        rows = [(n, k, d, int(t)) for n, k, d, t in rows]
    _same(_write(rows, fmt, {"comment": SHA} if fmt == tarfile.PAX_FORMAT else None))


def test_a_real_git_archive_reads_as_tarfile_reads_it(tmp_path):
    import subprocess

    repo = tmp_path / "r"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "assets" / "docs" / ("x" * 120)).mkdir(parents=True)  # a path over 100 bytes
    (repo / "assets" / "docs" / ("x" * 120) / "doc.md").write_text("# Module x\n")
    (repo / "README.md").write_text("hello\n")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "c"], check=True)
    raw = subprocess.run([*git, "archive", "--prefix=top/", "HEAD"], check=True,
                         capture_output=True).stdout  # fmt: skip
    _same(raw)
    assert len(_ours(raw)[0][b"comment"]) == 40


def test_a_damaged_header_is_refused():
    raw = bytearray(_write([("a.md", tarfile.REGTYPE, b"x", 0)]))
    raw[10] ^= 0x20  # a byte of the first header's name
    with pytest.raises(TarFormatError, match="checksum"):
        _ours(bytes(raw))


def test_a_number_that_is_not_one_is_refused():
    raw = bytearray(_write([("a.md", tarfile.REGTYPE, b"x", 0)], tarfile.USTAR_FORMAT))
    raw[124:136] = b"99999999999\0"  # 9 is no octal digit; fix the checksum after it
    raw[148:156] = b"        "
    raw[148:156] = f"{sum(raw[:512]):06o}\0 ".encode()
    with pytest.raises(TarFormatError, match="size field"):
        _ours(bytes(raw))


def test_an_archive_cut_inside_a_member_or_a_header_is_refused():
    raw = _write([("a.md", tarfile.REGTYPE, b"y" * 5000, 0)], tarfile.USTAR_FORMAT)
    for cut in (700, 300):
        with pytest.raises(TarFormatError, match="ends inside"):
            _ours(raw[:cut])


def test_a_pax_header_over_the_bound_is_refused_unread():
    raw = _write([("a" * 50, tarfile.REGTYPE, b"", 0)], globals_={"comment": "c" * (MAX_META + 1)})
    with pytest.raises(TarBoundError, match="meta header"):
        _ours(raw)


def test_base_256_sizes_and_gnu_long_names_are_read():
    name = "d/" + "n" * 200
    raw = _write([(name, tarfile.REGTYPE, b"data", -5)], tarfile.GNU_FORMAT)  # a negative mtime
    _, members = _ours(raw)
    assert members == [(name, "0", b"data", -5, b"")]
    _same(raw)
