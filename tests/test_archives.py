"""Snapshot archives: unsafe members and damaged streams are refused, never extracted."""

import gzip
import io
import tarfile

import pytest

from tfhub_dataset.sources.tarball import CorruptArchiveError, UnsafeArchiveError, read_tarball

SHA = "0123456789abcdef0123456789abcdef01234567"
TOP = "tensorflow-tfhub.dev-0123456"


def archive(members, *, pax=True, gz=True):
    buf = io.BytesIO()
    headers = {"comment": SHA} if pax else {}
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT, pax_headers=headers) as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    raw = buf.getvalue()
    return gzip.compress(raw, mtime=0) if gz else raw


def file(name, data=b"# Publisher acme\nACME\n", mtime=1649081429):
    info = tarfile.TarInfo(name)
    info.size, info.mtime = len(data), mtime
    return info, data


def special(name, type_, linkname=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = type_, linkname
    return info, None


def test_reads_commit_date_and_data_paths_only():
    snap = read_tarball(
        archive(
            [
                file(f"{TOP}/assets/docs/acme/acme.md"),
                file(f"{TOP}/tags/task.yaml", b"values: []\n", mtime=1649081000),
                file(f"{TOP}/tools/build.py", b"print()\n"),
                file(f"{TOP}/README.md", b"# readme\n"),
            ]
        )
    )
    assert snap.commit == SHA
    assert snap.commit_date == "2022-04-04T14:10:29Z"
    assert sorted(snap.files) == ["README.md", "assets/docs/acme/acme.md", "tags/task.yaml"]


@pytest.mark.parametrize(
    ("member", "message"),
    [
        (file("/etc/passwd"), "absolute path"),
        (file(f"{TOP}/../../escape.md"), "'..'"),
        (special(f"{TOP}/assets/link.md", tarfile.SYMTYPE, "/etc/passwd"), "link"),
        (special(f"{TOP}/assets/hard.md", tarfile.LNKTYPE, f"{TOP}/README.md"), "link"),
        (special(f"{TOP}/assets/dev", tarfile.CHRTYPE), "device"),
        (special(f"{TOP}/assets/fifo", tarfile.FIFOTYPE), "fifo"),
    ],
)
def test_unsafe_members_refused(member, message):
    with pytest.raises(UnsafeArchiveError, match=message):
        read_tarball(archive([file(f"{TOP}/README.md"), member]))


def test_size_and_member_bounds():
    big = archive(
        [file(f"{TOP}/assets/a.md", b"x" * 5000), file(f"{TOP}/assets/b.md", b"y" * 5000)]
    )
    with pytest.raises(UnsafeArchiveError, match="expands beyond"):
        read_tarball(big, max_total_bytes=8000)
    with pytest.raises(UnsafeArchiveError, match="more than 1 members"):
        read_tarball(big, max_members=1)


def test_truncated_and_garbage_streams():
    data = archive([file(f"{TOP}/assets/a.md", b"z" * 100_000)])
    with pytest.raises(CorruptArchiveError):
        read_tarball(data[: len(data) // 2])
    with pytest.raises(CorruptArchiveError):
        read_tarball(b"\x1f\x8b" + b"not gzip at all")
    raw = archive([file(f"{TOP}/assets/a.md", b"z" * 100_000)], gz=False)
    with pytest.raises(CorruptArchiveError):
        read_tarball(raw[:20_000])


def test_not_a_git_archive():
    with pytest.raises(CorruptArchiveError, match="pax comment"):
        read_tarball(archive([file(f"{TOP}/README.md")], pax=False))
    with pytest.raises(CorruptArchiveError):
        read_tarball(archive([]))


def test_decompression_bomb_refused_without_inflating_it():
    import tracemalloc

    member = b"\0" * (64 << 20)  # 64 MiB of zeros compresses to about 64 KiB
    bomb = archive([file(f"{TOP}/assets/bomb.md", member)])
    del member
    assert len(bomb) < 200_000
    tracemalloc.start()
    with pytest.raises(UnsafeArchiveError, match="expands beyond"):
        read_tarball(bomb, max_total_bytes=1 << 20, max_members=10)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 16 << 20


def peak_memory(call) -> int:
    import tracemalloc

    tracemalloc.start()
    try:
        call()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def test_members_are_counted_as_they_stream_past():
    """Too many (empty) members are refused without holding the archive or its member list."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT,
                      pax_headers={"comment": SHA}) as tar:  # fmt: skip
        for i in range(12_000):
            tar.addfile(tarfile.TarInfo(f"{TOP}/assets/e/{i}.md"))
    many = gzip.compress(buf.getvalue(), mtime=0)
    del buf

    def read():
        with pytest.raises(UnsafeArchiveError, match="more than 10000 members"):
            read_tarball(many, max_members=10_000)

    assert peak_memory(read) < 6 << 20  # the tar stream alone is 12 MB


def test_a_data_file_over_the_bound_is_skipped_unread_and_listed():
    from tfhub_dataset.hubs.tfhub.catalog import build_catalog

    doc = b"# Module acme/big/1\n" + b"a" * (64 << 20)
    data = archive([file(f"{TOP}/assets/docs/acme/models/big/1.md", doc), file(f"{TOP}/README.md")])
    del doc
    snap = None

    def read():
        nonlocal snap
        snap = read_tarball(data)

    assert peak_memory(read) < 16 << 20
    assert snap is not None and "assets/docs/acme/models/big/1.md" not in snap.files
    assert snap.oversized == {"assets/docs/acme/models/big/1.md": (64 << 20) + 20}
    anomalies = build_catalog(snap).all_anomalies()
    assert [(a.source_path, a.kind) for a in anomalies] == [
        ("assets/docs/acme/models/big/1.md", "file-too-large")
    ]


def test_a_source_that_keeps_a_large_doc_gets_it_refused_by_the_parser():
    from tfhub_dataset.hubs.tfhub.catalog import build_catalog
    from tfhub_dataset.sources.snapshot import MAX_FILE_BYTES, Snapshot

    path = "assets/docs/acme/models/big/1.md"
    snap = Snapshot(
        SHA, "2022-04-04T14:10:29Z", {path: b"# Module acme/big/1\n" + b"a" * MAX_FILE_BYTES}
    )
    cat = build_catalog(snap)
    assert cat.versions == {} and [a.kind for a in cat.all_anomalies()] == ["file-too-large"]
