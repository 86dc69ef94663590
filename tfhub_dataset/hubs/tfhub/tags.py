"""Controlled vocabularies from ``tags/*.yaml``, and resolution of doc values against them.

Until mid-2021 datasets and architectures were free-text display names ("MobileNet V2",
"Wikipedia, BooksCorpus"); later they are ids, one per repeated line. Both resolve to ids here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from tfhub_dataset.hubs.tfhub.anomaly import Anomaly
from tfhub_dataset.hubs.tfhub.text import decode_text

# vocabulary name -> file under tags/. Formats have no yaml: TF Hub fixed them in its validator.
TAG_FILES = {
    "tasks": "tags/task.yaml",
    "datasets": "tags/dataset.yaml",
    "architectures": "tags/network_architecture.yaml",
    "languages": "tags/language.yaml",
    "licenses": "tags/license.yaml",
}
# Metadata key -> vocabulary.
KEY_VOCABULARY = {
    "task": "tasks",
    "dataset": "datasets",
    "network-architecture": "architectures",
    "language": "languages",
    "license": "licenses",
    "format": "formats",
}
FORMATS = {
    "saved_model_2": "SavedModel (TF2)",
    "hub": "TF1 Hub format",
    "lite": "TF Lite",
    "tfjs": "TF.js",
    "coral": "Coral Edge TPU",
}
DOMAINS = ("image", "text", "audio", "video")


@dataclass(frozen=True)
class Term:
    id: str
    display_name: str | None
    url: str | None = None
    domains: tuple[str, ...] = ()


@dataclass
class Vocabularies:
    """Declared terms per vocabulary, in file order, plus what reading them met."""

    terms: dict[str, dict[str, Term]] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)  # vocabularies whose yaml exists
    anomalies: list[Anomaly] = field(default_factory=list)
    _index: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    def lookup(self, vocabulary: str, text: str) -> str | None:
        """The declared id whose id or display name matches ``text`` loosely, if any."""
        index = self._index.get(vocabulary)
        if index is None:
            index = {}
            for term in self.terms.get(vocabulary, {}).values():
                for name in (term.id, term.display_name):
                    if name:
                        index.setdefault(loose(name), term.id)
            self._index[vocabulary] = index
        return index.get(loose(text))


def loose(text: str) -> str:
    """Case, punctuation and white space folded away: 'MobileNet V2' ~ 'mobilenet-v2'."""
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


def slug(text: str) -> str:
    """An id for a free-text value that no vocabulary declares: lower case, '-' between words."""
    return re.sub(r"[^0-9a-z]+", "-", text.casefold()).strip("-") or "unnamed"


def parse_vocabularies(files: Mapping[str, bytes]) -> Vocabularies:
    """Read every vocabulary present in a snapshot. Never raises."""
    vocab = Vocabularies()
    vocab.terms["formats"] = {k: Term(k, v) for k, v in FORMATS.items()}
    vocab.present.add("formats")
    for name, path in TAG_FILES.items():
        vocab.terms[name] = {}
        if path not in files:
            continue
        vocab.present.add(name)
        text, repairs = decode_text(path, files[path])
        vocab.anomalies.extend(repairs)
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            vocab.anomalies.append(Anomaly(path, None, "tag-file-invalid", str(exc).split("\n")[0]))
            continue
        values = data.get("values") if isinstance(data, dict) else None
        if not isinstance(values, list):
            vocab.anomalies.append(Anomaly(path, None, "tag-file-invalid", "no 'values' list"))
            continue
        for n, entry in enumerate(values, start=1):
            raw_id = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(raw_id, str | int | float) or not str(raw_id).strip():
                vocab.anomalies.append(
                    Anomaly(
                        path, None, "tag-entry-invalid", f"entry {n} has no id: {str(entry)[:80]}"
                    )
                )
                continue
            tid = str(raw_id).strip()
            if tid != str(raw_id):
                vocab.anomalies.append(
                    Anomaly(
                        path, None, "tag-id-whitespace", f"id {str(raw_id)!r} stripped to {tid!r}"
                    )
                )
            if tid in vocab.terms[name]:
                vocab.anomalies.append(Anomaly(path, None, "duplicate-tag-id", f"id {tid!r} again"))
                continue
            display = entry.get("display_name")
            domains = entry.get("domains") or ()
            if not isinstance(domains, list):
                domains = [domains]
            vocab.terms[name][tid] = Term(
                id=tid,
                display_name=str(display).strip() if display is not None else None,
                url=str(entry["url"]).strip() if entry.get("url") else None,
                domains=tuple(str(d).strip() for d in domains if str(d).strip()),
            )
    return vocab


@dataclass(frozen=True)
class Resolved:
    """One tag value of a doc, resolved to a vocabulary id."""

    id: str
    raw: str  # the text as written in the doc (one part of it when a list was split)
    declared: bool
    how: str  # 'id', 'display-name' (free text matched), 'slug' (undeclared)


def split_list(value: str) -> list[str]:
    """Split '"A", "B"' or 'A, B (x, y), C' into parts; commas inside parentheses do not split."""
    parts, depth, cur = [], 0, []
    for ch in value:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip().strip("\"'").strip() for p in parts if p.strip().strip("\"'").strip()]


def resolve(vocab: Vocabularies, vocabulary: str, value: str) -> tuple[list[Resolved], list[str]]:
    """Resolve one metadata value. Returns the ids and the anomaly kinds met (free text, split)."""
    value = value.strip()
    terms = vocab.terms.get(vocabulary, {})
    if value in terms:
        return [Resolved(value, value, True, "id")], []
    unquoted = value.strip("\"'").strip()
    hit = vocab.lookup(vocabulary, unquoted)
    if hit is not None:
        return [Resolved(hit, value, True, "display-name")], ["free-text-tag"]
    kinds: list[str] = []
    parts = split_list(value) if vocabulary in ("datasets", "architectures") else [unquoted]
    if len(parts) > 1:
        kinds.append("split-tag-list")
    out = []
    for part in parts:
        if part in terms:
            out.append(Resolved(part, part, True, "id"))
            continue
        hit = vocab.lookup(vocabulary, part)
        if hit is not None:
            out.append(Resolved(hit, part, True, "display-name"))
            if "free-text-tag" not in kinds:
                kinds.append("free-text-tag")
        else:
            # Format ids are written with underscores (saved_model_2): keep an undeclared one as
            # written rather than slugging it to another spelling.
            tid = part.strip() if vocabulary == "formats" else slug(part)
            out.append(Resolved(tid, part, False, "slug"))
            if "undeclared-tag" not in kinds:
                kinds.append("undeclared-tag")
    return out, kinds
