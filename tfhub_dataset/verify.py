"""Rebuild every committed release from its pinned commit, and the comparison of the hubs from
the rebuilt releases, and compare them file by file with what is committed."""

from __future__ import annotations

import csv
import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tfhub_dataset.build import (
    COMPARISON,
    RELEASES_DIR,
    Pin,
    Progress,
    SnapshotSource,
    build_comparison,
    build_release,
    load_pins,
    root_descriptor,
)
from tfhub_dataset.derived import DerivedCache
from tfhub_dataset.hubs import DEFAULT_HUB


@dataclass
class Difference:
    release: str
    path: str
    what: str  # 'missing', 'extra' or 'differs'
    detail: str = ""


@dataclass
class VerifyResult:
    checked: list[str] = field(default_factory=list)  # release ids
    files: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _shown(value: str, limit: int = 60) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "...")


def first_difference(name: str, committed: bytes, rebuilt: bytes) -> str:
    """Where two versions of a file part: for a table (CSV) the first row and column that
    differ, for other text the first line, otherwise the digests."""
    sizes = f"committed {_digest(committed)} ({len(committed)} B), rebuilt {_digest(rebuilt)} " \
        f"({len(rebuilt)} B)"  # fmt: skip
    try:
        a_text, b_text = committed.decode("utf-8"), rebuilt.decode("utf-8")
    except UnicodeDecodeError:
        return sizes
    if name.endswith(".csv"):
        from tfhub_dataset.package.csvread import read_rows

        try:
            a, b = read_rows(committed), read_rows(rebuilt)
        except (csv.Error, ValueError):  # a tampered file may not even be CSV
            a = b = None
        if a is not None and b is not None:
            header = b[0] if b else []
            for n, (x, y) in enumerate(zip(a, b, strict=False)):
                if x != y:
                    where = "the header" if n == 0 else f"row {n}"
                    col = next(
                        (i for i, (u, v) in enumerate(zip(x, y, strict=False)) if u != v),
                        min(len(x), len(y)),
                    )
                    column = header[col] if col < len(header) else f"#{col + 1}"
                    got = x[col] if col < len(x) else "(no such column)"
                    want = y[col] if col < len(y) else "(no such column)"
                    return (
                        f"{where}, column {column}: committed {_shown(got)}, rebuilt "
                        f"{_shown(want)} ({len(a) - 1} rows committed, {len(b) - 1} rebuilt)"
                    )
            return f"committed {len(a) - 1} rows, rebuilt {len(b) - 1} (the first rows agree)"
    a_lines, b_lines = a_text.split("\n"), b_text.split("\n")
    for n, (x, y) in enumerate(zip(a_lines, b_lines, strict=False), start=1):
        if x != y:
            return f"line {n}: committed {_shown(x)}, rebuilt {_shown(y)}"
    return f"committed {len(a_lines)} lines, rebuilt {len(b_lines)} (the first lines agree)"


def compare_folders(release: str, committed: Path, rebuilt: Path) -> tuple[int, list[Difference]]:
    """Every file under both folders compared byte for byte, dot-files and folders such as
    ``.git/`` included (nothing a build writes starts with a dot); a symbolic link is a file
    that differs from anything rebuilt."""

    def listing(root: Path) -> dict[str, Path]:
        return {
            p.relative_to(root).as_posix(): p
            for p in root.rglob("*")
            if p.is_file() or p.is_symlink()
        }

    a, b = listing(committed), listing(rebuilt)
    diffs = []
    for rel in sorted(a.keys() | b.keys()):
        if rel not in b:
            diffs.append(Difference(release, rel, "extra", "committed but not rebuilt"))
        elif rel not in a:
            diffs.append(Difference(release, rel, "missing", "rebuilt but not committed"))
        elif a[rel].is_symlink():
            diffs.append(Difference(release, rel, "differs", "a symbolic link, not a file"))
        else:
            x, y = a[rel].read_bytes(), b[rel].read_bytes()
            if x != y:
                diffs.append(Difference(release, rel, "differs", first_difference(rel, x, y)))
    return len(a.keys() | b.keys()), diffs


def unexpected(releases_dir: Path, known: set[str]) -> list[Difference]:
    """What lies under the releases folder but is no pinned release, nor the comparison, nor
    the lock file a build keeps beside one (``.<id>.lock``)."""
    allowed = known | {COMPARISON}
    out = []
    for entry in sorted(releases_dir.iterdir()):
        name = entry.name
        if name in allowed and entry.is_dir() and not entry.is_symlink():
            continue
        if name.startswith(".") and name.endswith(".lock") and name[1:-5] in allowed:
            continue
        what = "folder" if entry.is_dir() and not entry.is_symlink() else "file"
        out.append(Difference(name, "", "extra", f"a {what} that is no pinned release"))
    return out


def verify(
    source: SnapshotSource | Callable[[str], SnapshotSource | None],
    *,
    releases_dir: Path = RELEASES_DIR,
    pins: list[Pin] | None = None,
    progress: Progress = lambda _m: None,
    comparison: bool = True,
    validate: bool = True,
) -> VerifyResult:
    """Rebuild each pinned release that is committed under ``releases_dir`` and compare.

    ``source`` serves every release, or is a function of the release id giving its source. The
    releases are rebuilt in as-of order into one temporary folder, so each one's CHANGES.md
    compares it with the rebuilt release before it, as the build does. With ``comparison``, the
    comparison of the hubs is then made from the rebuilt releases (the committed ones for those
    not rebuilt here) and compared too. Each rebuilt release, and the comparison, is validated as
    a build validates it, unless ``validate`` is false. Anything else under ``releases_dir`` is
    listed as extra, and, for the project's releases/, the root datapackage.json is compared with
    the one the rebuilt latest release of the default hub gives."""
    result = VerifyResult()
    source_of = source if callable(source) and not hasattr(source, "snapshot") else None
    with (
        tempfile.TemporaryDirectory(prefix="tfhub-dataset-verify-") as tmp,
        tempfile.TemporaryDirectory(prefix="tfhub-dataset-verify-derived-") as scratch,
    ):
        # What one release's history derives from a month-end snapshot, the next release of the
        # same hub reads again: kept for this run only, so every file is still made from the
        # source here (the derived cache never changes a byte: test_build_e2e.py).
        derived = DerivedCache(Path(scratch))
        all_pins = load_pins()
        chosen = pins if pins is not None else all_pins
        result.differences.extend(unexpected(releases_dir, {p.id for p in [*all_pins, *chosen]}))
        for pin in sorted(chosen, key=lambda p: p.as_of):
            committed = releases_dir / pin.id
            if not committed.is_dir():
                result.differences.append(
                    Difference(pin.id, "", "missing", f"{committed} does not exist")
                )
                continue
            src = source_of(pin.id) if source_of is not None else source
            if src is None:
                raise ValueError(f"no source for release {pin.id}")
            rebuilt = build_release(
                pin,
                src,  # type: ignore[arg-type]
                Path(tmp),
                progress=progress,
                derived=derived,
                validate=validate,
            )
            count, diffs = compare_folders(pin.id, committed, rebuilt)
            result.checked.append(pin.id)
            result.files += count
            result.differences.extend(diffs)
        latest = max(
            (p for p in all_pins if p.hub == DEFAULT_HUB), key=lambda p: p.as_of, default=None
        )
        root = releases_dir.resolve().parent / "datapackage.json"
        if (
            latest is not None
            and latest.id in result.checked
            and releases_dir.resolve() == RELEASES_DIR.resolve()
        ):
            made = root_descriptor(Path(tmp) / latest.id, prefix=f"{releases_dir.name}/{latest.id}")
            result.files += 1
            if not root.is_file():
                result.differences.append(Difference("", root.name, "missing", "not committed"))
            elif (data := root.read_bytes()) != made:
                detail = first_difference(root.name, data, made)
                result.differences.append(Difference("", root.name, "differs", detail))
        if comparison and (releases_dir / COMPARISON).is_dir():
            made = build_comparison(
                Path(tmp), committed=releases_dir, progress=progress, validate=validate
            )
            if made is None:
                result.differences.append(
                    Difference(COMPARISON, "", "extra", "committed, but its inputs are missing")
                )
            else:
                count, diffs = compare_folders(COMPARISON, releases_dir / COMPARISON, made)
                result.checked.append(COMPARISON)
                result.files += count
                result.differences.extend(diffs)
    return result
