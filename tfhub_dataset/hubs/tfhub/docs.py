"""One Markdown doc of tfhub.dev in, one parsed record out.

A doc's first line says what it is (``# Module google/albert_base/3``); the handle on it is
authoritative, not the path. Metadata sits in HTML comments (``<!-- task: text-embedding -->``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from tfhub_dataset.hubs.tfhub import markdown
from tfhub_dataset.hubs.tfhub.anomaly import Anomaly
from tfhub_dataset.hubs.tfhub.links import Link, Target, extract_links, tfhub_targets
from tfhub_dataset.hubs.tfhub.text import decode_text

KINDS = ("Module", "Placeholder", "Lite", "Tfjs", "Coral", "Collection", "Publisher")
KIND_BY_LOWER = {k.lower(): k for k in KINDS}  # the first line's kind is read case-insensitively
MODEL_KINDS = frozenset({"Module", "Placeholder"})
VARIANT_KINDS = frozenset({"Lite", "Tfjs", "Coral"})
VERSIONED_KINDS = MODEL_KINDS | VARIANT_KINDS | {"Collection"}

# Keys renamed over the repository's history: old name -> current name.
LEGACY_KEYS = {
    "module-type": "task",
    "finetunable": "fine-tunable",
    "asset_path": "asset-path",
    "interactive-model-name": "interactive-visualizer",
}
MULTI_KEYS = frozenset({"task", "dataset", "network-architecture", "language"})
SINGLE_KEYS = frozenset(
    {
        "fine-tunable",
        "format",
        "license",
        "asset-path",
        "parent-model",
        "interactive-visualizer",
        "colab",
        "demo",
    }
)
KNOWN_KEYS = MULTI_KEYS | SINGLE_KEYS
# What each kind must state (TF Hub's own validator asked for these).
REQUIRED_KEYS = {
    "Module": ("asset-path", "task", "fine-tunable", "format"),
    "Placeholder": ("task",),
    "Lite": ("asset-path", "parent-model"),
    "Tfjs": ("asset-path", "parent-model"),
    "Coral": ("asset-path", "parent-model"),
    "Collection": (),
    "Publisher": (),
}

FIRST_LINE = re.compile(r"^#\s*(\w+)\s+(\S+)\s*$")
HANDLE = re.compile(r"^[a-z0-9][a-z0-9_.-]*(?:/[A-Za-z0-9][A-Za-z0-9_.+-]*)*$")
# The value's white space is collapsed later, so it is taken whole: a lazy group followed by
# ``\s*$`` would try its end at every character.
METADATA = re.compile(r"\s*([A-Za-z][A-Za-z0-9_-]*)\s*:(.*)", re.S)
ICON = re.compile(r"\[!\[\s*Icon URL\s*\]\]\(\s*([^)\s]+)\s*\)", re.I)
ZWNJ = ("&zwnj;", "\u200c")
# A statement, in a model doc's prose, that its modules are discontinued, deprecated or the like:
# a subject naming them, then in the same clause (no '.', ';' or ':' between) a verb and the word
# ("For TensorFlow 2, the quantops modules are discontinued."). An attribute called obsolete ("the
# now-obsolete `.vocab_file`") or a format called deprecated is no such statement. The pattern
# ``SUBJECT[^.;:]*?VERB`` tried the verb at every character after each subject (quadratic in a
# clause of many subjects): says_deprecated walks the clause's subjects, stops and verbs once.
SUBJECT = r"\b(?:modules?|models?|versions?|this|it|they)\b"
VERB = (
    r"\b(?:is|are|was|were|has been|have been|will be)\s+(?:now\s+)?"
    r"(?:discontinued|deprecated|superseded|obsolete|retired"
    r"|no longer (?:maintained|supported|available))\b"
)
DEPRECATION_PARTS = re.compile(rf"(?P<stop>[.;:])|(?P<subject>{SUBJECT})|(?P<verb>{VERB})", re.I)
# Substrings any such statement holds: a quick test before the prose is rendered.
DEPRECATION_WORDS = ("discontinu", "deprecat", "supersed", "obsolete", "retired", "no longer")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class MetaValue(NamedTuple):
    """One metadata value (immutable; a named tuple is made several times faster than a frozen
    dataclass, and a snapshot holds some 15,000)."""

    key: str  # canonical key
    value: str
    line: int
    raw_key: str


@dataclass
class Doc:
    """A parsed doc. ``kind`` is None when the first line could not be read."""

    path: str
    kind: str | None = None
    handle: str | None = None
    publisher: str | None = None
    base: str | None = None  # handle without its version (versioned kinds)
    version: int | None = None
    summary: str = ""
    deprecation: str | None = None  # Module/Placeholder: the sentence saying it is discontinued
    display_name: str | None = None  # publishers
    description: str = ""  # publishers: body text without markup
    icon_url: str | None = None
    metadata: dict[str, list[MetaValue]] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)  # publishers: external URLs
    targets: list[Target] = field(default_factory=list)  # collections: tfhub.dev handles
    anomalies: list[Anomaly] = field(default_factory=list)

    def first(self, key: str) -> str | None:
        values = self.metadata.get(key)
        return values[0].value if values else None

    def values(self, key: str) -> list[MetaValue]:
        return self.metadata.get(key, [])

    def note(self, line: int | None, kind: str, detail: str) -> None:
        self.anomalies.append(Anomaly(self.path, line, kind, detail, self.handle))


def parse_doc(path: str, data: bytes) -> Doc:
    """Parse one doc. Never raises: every problem becomes an anomaly on the returned Doc."""
    text, repairs = decode_text(path, data)
    doc = Doc(path=path, anomalies=list(repairs))
    if not text or text.isspace():  # (not text.strip(), without copying the text)
        doc.note(None, "empty-file", "no content")
        return doc
    if not _read_first_line(doc, text.partition("\n")[0]):
        return doc
    for a in doc.anomalies:  # repairs found before the handle was known get it now
        object.__setattr__(a, "handle", doc.handle)
    if len(text) > markdown.MAX_RENDER and max(map(len, text.split("\n"))) > markdown.MAX_RENDER:
        doc.note(None, "long-text", f"a line over {markdown.MAX_RENDER:,} characters")
    found, prose = markdown.comments_and_prose(text)
    _read_metadata(doc, found)
    if doc.kind == "Publisher":
        _read_publisher(doc, text, prose.split("\n"))
    else:
        doc.summary = _summary(doc, prose)
        if doc.kind in MODEL_KINDS:
            doc.deprecation = _deprecation(prose)
        if doc.kind == "Collection":
            doc.targets = tfhub_targets(text)
    for key in REQUIRED_KEYS[doc.kind]:
        if key not in doc.metadata:
            doc.note(None, "missing-metadata", f"no '{key}' comment")
    return doc


def _read_first_line(doc: Doc, first: str) -> bool:
    line = first
    if ZWNJ[0] in line or ZWNJ[1] in line:
        for z in ZWNJ:
            line = line.replace(z, "")
        doc.note(1, "zwnj-in-handle", "'&zwnj;' removed from the handle")
    m = FIRST_LINE.match(line)
    kind = KIND_BY_LOWER.get(m.group(1).lower()) if m else None
    if not m or kind is None:
        doc.note(1, "unreadable-first-line", f"first line is {first[:120]!r}")
        return False
    handle = m.group(2)
    if not HANDLE.match(handle) or "//" in handle or handle.endswith((".", "/")):
        doc.note(1, "invalid-handle", f"{handle[:120]!r} is not a TF Hub handle")
        return False
    if kind == "Publisher" and "/" in handle:
        doc.note(1, "invalid-handle", f"publisher handle {handle!r} has a '/'")
        return False
    doc.kind, doc.handle = kind, handle
    doc.publisher = handle.split("/", 1)[0]
    if kind in VERSIONED_KINDS:
        base, _, ver = handle.rpartition("/")
        if not base or not ver.isdigit():
            doc.note(1, "missing-version", f"{handle!r} does not end in /<version>")
            doc.kind = None
            return False
        doc.base, doc.version = base, int(ver)
    if "/models/" in handle + "/" and kind != "Publisher":
        doc.note(1, "models-in-handle", f"{handle!r} holds a 'models/' segment")
    parts = doc.path.split("/")
    if len(parts) > 3 and parts[0] == "assets" and parts[2] != doc.publisher:
        doc.note(
            1, "handle-path-mismatch", f"handle publisher {doc.publisher!r} in folder {parts[2]!r}"
        )
    return True


def _read_metadata(doc: Doc, found: list[markdown.Comment]) -> None:
    for c in found:
        if not c.closed:
            doc.note(c.line, "unclosed-comment", "'<!--' without '-->'")
            continue
        m = METADATA.match(c.body)
        if not m:
            continue  # a prose comment, not metadata
        raw_key, value = m.group(1), " ".join(m.group(2).split())
        key = LEGACY_KEYS.get(raw_key, raw_key)
        if raw_key in LEGACY_KEYS:
            doc.note(c.line, "legacy-key", f"'{raw_key}' (later '{key}')")
        if key not in KNOWN_KEYS:
            if raw_key.islower() and len(raw_key) <= 40:
                doc.note(c.line, "unknown-key", f"'{raw_key}: {value[:80]}'")
            continue
        if not value:
            doc.note(c.line, "empty-value", f"'{raw_key}' has no value")
            continue
        existing = doc.metadata.setdefault(key, [])
        if key in SINGLE_KEYS and existing:
            same = existing[0].value == value
            doc.note(
                c.line,
                "duplicate-key" if same else "contradictory-key",
                f"'{key}' again ({value[:80]!r}; kept {existing[0].value[:80]!r})",
            )
            continue
        existing.append(MetaValue(key, value, c.line, raw_key))
    ft = doc.first("fine-tunable")
    if ft is not None and ft.lower() not in ("true", "false"):
        doc.note(
            doc.metadata["fine-tunable"][0].line, "invalid-value", f"fine-tunable: {ft[:40]!r}"
        )


def _lines_after_first(text: str) -> Iterator[str]:
    """The lines of ``text`` after its first, one at a time (a summary needs only a few)."""
    start = text.find("\n") + 1
    if not start:
        return
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]


def _summary(doc: Doc, prose: str) -> str:
    """The opening paragraph after the first line, up to a blank line or heading."""
    para: list[str] = []
    for line in _lines_after_first(prose):
        if markdown.heading(line):
            break
        if not line.strip():
            if para:
                break
            continue
        para.append(line)
    source = "\n".join(para)
    if len(source) > markdown.MAX_RENDER:
        doc.note(None, "long-text", f"a summary of {len(source):,} characters")
    return markdown.text(source)


def _deprecation(prose: str) -> str | None:
    """The first sentence of the prose (comments and fenced code left out) that says the doc's
    modules are discontinued, deprecated, superseded or the like (says_deprecated)."""
    if not _says_deprecated(prose):  # the first line too: a superset, without a copy
        return None  # most docs: no need to render the prose
    after = prose.partition("\n")[2]  # the lines after the first
    blocks: list[list[str]] = [[]]  # runs of lines between blank lines and headings
    for line in after.split("\n"):
        if not line.strip() or markdown.heading(line):
            blocks.append([])
        else:
            blocks[-1].append(line)
    for block in blocks:
        if _says_deprecated("\n".join(block)):
            for sentence in SENTENCE_END.split(markdown.text("\n".join(block))):
                if says_deprecated(sentence):
                    return sentence
    return None


def says_deprecated(sentence: str) -> bool:
    """Whether ``sentence`` holds a subject naming the modules and, later in the same clause, a
    verb saying they are discontinued (the statement DEPRECATION_PARTS describes)."""
    subject = False
    for m in DEPRECATION_PARTS.finditer(sentence):
        if m.lastgroup == "stop":
            subject = False
        elif m.lastgroup == "subject":
            subject = True
        elif subject:
            return True
    return False


def _says_deprecated(text: str) -> bool:
    return any(map(text.lower().__contains__, DEPRECATION_WORDS))  # no generator per call


def _read_publisher(doc: Doc, text: str, body: list[str]) -> None:
    start = None
    for i, line in enumerate(body[1:], start=1):
        s = line.strip()
        if not s:
            continue
        if ICON.search(s) or markdown.heading(s):
            break
        doc.display_name, start = s, i + 1
        break
    if doc.display_name is None:
        doc.note(None, "missing-display-name", "no display name line after the first line")
        start = 1
    icon = ICON.search(text)
    doc.icon_url = icon.group(1) if icon else None
    rest = [
        line for line in body[start:] if not ICON.search(line) and not markdown.heading(line)
    ]
    source = "\n".join(rest)
    if len(source) > markdown.MAX_RENDER:
        doc.note(None, "long-text", f"a description of {len(source):,} characters")
    doc.description = markdown.text(source)
    doc.links = extract_links(text)
