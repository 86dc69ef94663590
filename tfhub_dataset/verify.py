"""Rebuild every committed release from its pinned commit, and the comparison of the hubs from
the rebuilt releases, and compare them file by file with what is committed."""

from __future__ import annotations

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
)


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


def compare_folders(release: str, committed: Path, rebuilt: Path) -> tuple[int, list[Difference]]:
    """Files under both folders compared byte for byte; dot-files ignored."""

    def listing(root: Path) -> dict[str, Path]:
        return {
            p.relative_to(root).as_posix(): p
            for p in root.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
        }

    a, b = listing(committed), listing(rebuilt)
    diffs = []
    for rel in sorted(a.keys() | b.keys()):
        if rel not in b:
            diffs.append(Difference(release, rel, "extra", "committed but not rebuilt"))
        elif rel not in a:
            diffs.append(Difference(release, rel, "missing", "rebuilt but not committed"))
        else:
            x, y = a[rel].read_bytes(), b[rel].read_bytes()
            if x != y:
                diffs.append(
                    Difference(
                        release,
                        rel,
                        "differs",
                        f"committed {_digest(x)} ({len(x)} B), rebuilt {_digest(y)} ({len(y)} B)",
                    )
                )
    return len(a.keys() | b.keys()), diffs


def verify(
    source: SnapshotSource | Callable[[str], SnapshotSource | None],
    *,
    releases_dir: Path = RELEASES_DIR,
    pins: list[Pin] | None = None,
    progress: Progress = lambda _m: None,
    comparison: bool = True,
) -> VerifyResult:
    """Rebuild each pinned release that is committed under ``releases_dir`` and compare.

    ``source`` serves every release, or is a function of the release id giving its source. The
    releases are rebuilt in as-of order into one temporary folder, so each one's CHANGES.md
    compares it with the rebuilt release before it, as the build does. With ``comparison``, the
    comparison of the hubs is then made from the rebuilt releases (the committed ones for those
    not rebuilt here) and compared too."""
    result = VerifyResult()
    source_of = source if callable(source) and not hasattr(source, "snapshot") else None
    with tempfile.TemporaryDirectory(prefix="tfhub-dataset-verify-") as tmp:
        for pin in sorted(pins if pins is not None else load_pins(), key=lambda p: p.as_of):
            committed = releases_dir / pin.id
            if not committed.is_dir():
                result.differences.append(
                    Difference(pin.id, "", "missing", f"{committed} does not exist")
                )
                continue
            src = source_of(pin.id) if source_of is not None else source
            if src is None:
                raise ValueError(f"no source for release {pin.id}")
            rebuilt = build_release(pin, src, Path(tmp), progress=progress)  # type: ignore[arg-type]
            count, diffs = compare_folders(pin.id, committed, rebuilt)
            result.checked.append(pin.id)
            result.files += count
            result.differences.extend(diffs)
        if comparison and (releases_dir / COMPARISON).is_dir():
            made = build_comparison(Path(tmp), committed=releases_dir, progress=progress)
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
