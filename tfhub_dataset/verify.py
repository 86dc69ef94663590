"""Rebuild every committed release from its pinned commit and compare it file by file."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tfhub_dataset.build import (
    RELEASES_DIR,
    Pin,
    Progress,
    SnapshotSource,
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
    source: SnapshotSource,
    *,
    releases_dir: Path = RELEASES_DIR,
    pins: list[Pin] | None = None,
    progress: Progress = lambda _m: None,
) -> VerifyResult:
    """Rebuild each pinned release that is committed under ``releases_dir`` and compare.

    The releases are rebuilt in as-of order into one temporary folder, so each one's CHANGES.md
    compares it with the rebuilt release before it, as the build does."""
    result = VerifyResult()
    with tempfile.TemporaryDirectory(prefix="tfhub-verify-") as tmp:
        for pin in sorted(pins if pins is not None else load_pins(), key=lambda p: p.as_of):
            committed = releases_dir / pin.id
            if not committed.is_dir():
                result.differences.append(
                    Difference(pin.id, "", "missing", f"{committed} does not exist")
                )
                continue
            rebuilt = build_release(pin, source, Path(tmp), progress=progress)
            count, diffs = compare_folders(pin.id, committed, rebuilt)
            result.checked.append(pin.id)
            result.files += count
            result.differences.extend(diffs)
    return result
