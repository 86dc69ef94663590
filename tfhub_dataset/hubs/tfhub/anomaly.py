"""Anomalies: every quirk the parser meets, with where it met it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Anomaly:
    """One quirk in one source file; ``line`` is 1-based, or None for the whole file."""

    source_path: str
    line: int | None
    kind: str
    detail: str
    handle: str | None = None


# Every kind the build may record, with what it means. The anomalies table's schema takes its enum
# from here and the release README explains each kind from it.
ANOMALY_KINDS: dict[str, str] = {
    "bom": "the file starts with a UTF-8 byte order mark (removed before parsing)",
    "invalid-utf8": (
        "bytes that are not UTF-8 (replaced by U+FFFD; in a file name, written \\xNN)"
    ),
    "line-endings": "CR or CRLF line ends (normalised to LF)",
    "empty-file": "the file is empty",
    "long-text": (
        "a line, description or summary over 16,384 characters (the largest real paragraph holds "
        "10 kB): only its first 16,384 characters are read as Markdown"
    ),
    "unreadable-first-line": (
        "the first line is not '# <Kind> <handle>'; the doc is left out of the tables"
    ),
    "zwnj-in-handle": "the handle on the first line holds '&zwnj;' or U+200C (removed)",
    "invalid-handle": (
        "the handle has characters or a shape TF Hub handles never have; the doc is left out"
    ),
    "missing-version": (
        "a versioned doc's handle does not end in a version number; the doc is left out"
    ),
    "models-in-handle": "the handle contains a 'models/' segment (kept as written)",
    "handle-path-mismatch": (
        "the handle's publisher differs from the publisher folder the doc sits in"
    ),
    "duplicate-handle": "two docs carry the same handle; the first by path is kept",
    "legacy-key": (
        "a metadata key that was renamed later (module-type, finetunable, "
        "asset_path, interactive-model-name)"
    ),
    "unknown-key": "a metadata comment whose key TF Hub never defined",
    "duplicate-key": "a single-valued metadata key given twice with the same value",
    "contradictory-key": (
        "a single-valued metadata key given twice with different values; the first is kept"
    ),
    "empty-value": "a metadata key with no value",
    "unclosed-comment": "an HTML comment that is never closed",
    "invalid-value": (
        "a metadata value outside the values the key takes (e.g. fine-tunable not true/false)"
    ),
    "missing-metadata": "a metadata key the doc's kind requires is absent",
    "free-text-tag": (
        "a tag given as a free-text display name (pre-2021 style), matched to a vocabulary id"
    ),
    "split-tag-list": "several tags in one comma-separated or quoted value, split apart",
    "undeclared-tag": "a tag value not declared in tags/*.yaml (kept, flagged undeclared)",
    "unresolved-parent": (
        "a Lite/Tfjs/Coral doc's parent-model names no Module or Placeholder doc "
        "(versions.parent_resolution says how its model was still found, if it was)"
    ),
    "unresolved-collection-member": "a collection links a tfhub.dev handle that names no model",
    "missing-display-name": "a publisher doc has no display name line",
    "tag-file-invalid": "a tags/*.yaml file that is not valid YAML or lacks a values list",
    "tag-entry-invalid": "a tags/*.yaml entry without an id",
    "tag-id-whitespace": "a tags/*.yaml id with leading or trailing white space (stripped)",
    "duplicate-tag-id": "a tags/*.yaml id declared twice; the first is kept",
    "missing-publisher-doc": (
        "models name a publisher that has no publisher doc (a row is made, without name)"
    ),
    "unresolved-deleted-model": "the README lists a deleted model that no doc names",
    "unannotated-publisher": (
        "a publisher without a curated type annotation under build/annotations"
    ),
    "stray-file": "a file under assets/ that is not a Markdown doc",
    "file-too-large": "a doc or tag file over 1 MiB (the largest real one holds 15 kB); not parsed",
}
