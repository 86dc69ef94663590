"""Controlled vocabularies from ``tags/*.yaml``, and resolution of doc values against them.

Until mid-2021 datasets and architectures were free-text display names ("MobileNet V2",
"Wikipedia, BooksCorpus"); later they are ids, one per repeated line. Both resolve to ids here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import yaml

from tfhub_dataset.hubs.tfhub.anomaly import Anomaly
from tfhub_dataset.hubs.tfhub.text import decode_text
from tfhub_dataset.sources.snapshot import MAX_FILE_BYTES

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

# Bounds on a tags/*.yaml file beyond MAX_FILE_BYTES (the real ones are under 8 kB, a few hundred
# nodes, no aliases): past them the file is not read and an anomaly says why. Aliases are bounded
# by the size of the document they expand to, which is what an alias bomb inflates.
MAX_YAML_DEPTH = 32
MAX_YAML_NODES = 100_000  # nodes, every alias counted as the whole node it names


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses deep nesting while composing (its composer recurses) and,
    before anything is constructed, a document that aliases would expand past MAX_YAML_NODES or
    that refers to itself."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"nesting deeper than {MAX_YAML_DEPTH} levels",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> yaml.Node:
        node = super().compose_document()
        _expanded_size(node, {}, set())
        return node


def _expanded_size(node: yaml.Node, sizes: dict[int, int], open_: set[int]) -> int:
    """Nodes in ``node`` once every alias is expanded (shared nodes counted once per use)."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_:
        raise yaml.composer.ComposerError(None, None, "an alias refers to itself", node.start_mark)
    open_.add(key)
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, sizes, open_) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            size += _expanded_size(k, sizes, open_) + _expanded_size(v, sizes, open_)
    open_.discard(key)
    if size > MAX_YAML_NODES:
        raise yaml.composer.ComposerError(
            None, None, f"aliases expand it past {MAX_YAML_NODES:,} nodes", node.start_mark
        )
    sizes[key] = size
    return size


def load_yaml(text: str) -> object:
    """``yaml.safe_load`` within the bounds above; raises yaml.YAMLError past them."""
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


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
        if len(files[path]) > MAX_FILE_BYTES:
            vocab.anomalies.append(
                Anomaly(path, None, "file-too-large", f"{len(files[path]):,} bytes; not read")
            )
            continue
        text, repairs = decode_text(path, files[path])
        vocab.anomalies.extend(repairs)
        try:
            data = load_yaml(text)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            # ValueError: a scalar PyYAML cannot construct, such as the date 2020-13-45.
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
            vocab.anomalies.append(Anomaly(path, line, "tag-file-invalid", problem[:200]))
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


class Resolved(NamedTuple):
    """One tag value of a doc, resolved to a vocabulary id (a named tuple: a snapshot makes some
    9,000, and a frozen dataclass is several times slower to make)."""

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
