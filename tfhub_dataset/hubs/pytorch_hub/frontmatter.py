"""A page's YAML front matter, read the way Jekyll finds it, safely.

Jekyll takes front matter when a file's first line is ``---`` and a later line is ``---`` (or
``...``). The YAML is read with PyYAML's pure-Python BaseLoader: every scalar stays text (no
``yes`` -> True, no dates), no Python objects, and the same error messages wherever libyaml is or
is not installed (they end up in the anomalies table). Values are built from the parser's events:
aliases, anchors, explicit tags, deep nesting, too many events and oversized front matter are
refused as they are met, and so is invalid YAML. Refused front matter is recovered line by line
(``key: value``), and each refusal is an anomaly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

OPEN = re.compile(r"^---\s*$")
CLOSE = re.compile(r"^(---|\.\.\.)\s*$")
LINE_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)\s*:(?:\s+(.*?))?\s*$")
MAX_FRONT_MATTER = 64 * 1024  # characters; real front matter is under 1 KB
MAX_EVENTS = 5_000
MAX_DEPTH = 8
MAX_VALUE = 2_000  # characters kept of one value
MAX_ITEMS = 100  # items kept of one list

Value = str | list[Any] | dict[str, Any] | None


@dataclass(frozen=True)
class Field:
    key: str
    value: Value  # text, list or mapping as written; None for an empty value
    line: int  # 1-based line of the key in the file


@dataclass
class FrontMatter:
    fields: dict[str, Field]  # by key; the last of duplicates, as Jekyll keeps
    end: int  # 1-based line of the closing delimiter
    notes: list[tuple[int | None, str, str]] = field(default_factory=list)  # line, kind, detail


class _Refused(Exception):
    def __init__(self, kind: str, line: int | None, detail: str) -> None:
        super().__init__(detail)
        self.kind, self.line, self.detail = kind, line, detail


def find(lines: list[str]) -> tuple[int, int] | str | None:
    """(first, last) 0-based indexes of the front matter's lines between the delimiters; None
    when the file has no front matter; 'unclosed' when it opens one that never closes."""
    if not lines or not OPEN.match(lines[0]):
        return None
    for i in range(1, len(lines)):
        if CLOSE.match(lines[i]):
            return 1, i
    return "unclosed"


def read(lines: list[str], span: tuple[int, int]) -> FrontMatter:
    """The fields between the delimiters at ``span`` (lines[first:last])."""
    first, last = span
    body = lines[first:last]
    fm = FrontMatter({}, last + 1)
    text = "\n".join(body)
    try:
        if len(text) > MAX_FRONT_MATTER:
            raise _Refused("unsafe-yaml", None, f"{len(text)} characters of front matter")
        pairs = _yaml_pairs(text, first)
    except _Refused as r:
        fm.notes.append((r.line, r.kind, r.detail + "; fields recovered line by line"))
        pairs = _line_pairs(body, first, fm.notes)
    for key, value, line in pairs:
        value = _bounded(key, value, line, fm.notes)
        old = fm.fields.get(key)
        if old is not None:
            same = old.value == value
            fm.notes.append(
                (
                    line,
                    "duplicate-key" if same else "contradictory-key",
                    f"'{key}' again (line {old.line}); the last is kept",
                )
            )
        fm.fields[key] = Field(key, value, line)
    return fm


class _Mapping:
    """A YAML mapping under construction: (key, value, line) pairs and the key awaiting a value."""

    def __init__(self) -> None:
        self.pairs: list[tuple[str, Value, int]] = []
        self.key: tuple[str, int] | None = None

    def add(self, value: Value, line: int) -> None:
        if self.key is None:
            if not isinstance(value, str):
                raise _Refused("invalid-yaml", line, "a key that is not text")
            self.key = (value, line)
        else:
            self.pairs.append((self.key[0], value, self.key[1]))
            self.key = None


Building = list[Value] | _Mapping


def _yaml_pairs(text: str, offset: int) -> list[tuple[str, Value, int]]:
    """(key, value, line) of a YAML mapping; raises _Refused for what is not read as YAML.

    Values are built from the parser's events (PyYAML never composes them), so aliases, anchors,
    explicit tags, depth and size are refused as they are met, in one pass.
    ``offset`` is the number of the file's lines before ``text`` (lines are 1-based)."""
    stack: list[Building] = []
    root: Building | Value = None
    documents = 0
    try:
        for count, event in enumerate(yaml.parse(text, Loader=yaml.BaseLoader), start=1):
            line = offset + event.start_mark.line + 1
            if count > MAX_EVENTS:
                raise _Refused("unsafe-yaml", line, f"more than {MAX_EVENTS} YAML events")
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise _Refused("unsafe-yaml", line, "a YAML alias or anchor")
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Refused("invalid-yaml", line, "more than one YAML document")
                continue
            if getattr(event, "tag", None):
                raise _Refused("unsafe-yaml", line, f"an explicit YAML tag {event.tag[:40]!r}")
            if isinstance(event, yaml.ScalarEvent):
                # An empty plain scalar is YAML's null; a quoted empty string stays ''.
                scalar = None if event.value == "" and event.style is None else event.value
                if stack:
                    _add(stack[-1], scalar, line)
                else:
                    root = scalar
            elif isinstance(event, yaml.CollectionStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise _Refused("unsafe-yaml", line, f"nesting deeper than {MAX_DEPTH}")
                if stack and isinstance(stack[-1], _Mapping) and stack[-1].key is None:
                    raise _Refused("invalid-yaml", line, "a key that is not text")
                stack.append([] if isinstance(event, yaml.SequenceStartEvent) else _Mapping())
            elif isinstance(event, yaml.CollectionEndEvent):
                done = stack.pop()
                if stack:
                    value = {k: v for k, v, _ in done.pairs} if isinstance(done, _Mapping) else done
                    _add(stack[-1], value, line)
                else:
                    root = done
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = offset + mark.line + 1 if mark else None
        problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise _Refused("invalid-yaml", line, problem[:200]) from None
    except yaml.YAMLError as exc:  # the reader's unacceptable characters, among others
        raise _Refused("invalid-yaml", None, " ".join(str(exc).split())[:200]) from None
    if root is None:
        return []
    if not isinstance(root, _Mapping):
        shape = "sequence" if isinstance(root, list) else "scalar"
        raise _Refused("front-matter-not-mapping", offset + 1, f"a YAML {shape}")
    return root.pairs


def _add(container: Building, value: Value, line: int) -> None:
    if isinstance(container, list):
        container.append(value)
    else:
        container.add(value, line)


def _line_pairs(
    body: list[str], offset: int, notes: list[tuple[int | None, str, str]]
) -> list[tuple[str, Value, int]]:
    """``key: value`` lines, as a reader without YAML would take them; '[a, b]' becomes a list."""
    pairs: list[tuple[str, Value, int]] = []
    for n, raw in enumerate(body, start=offset + 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        m = LINE_FIELD.match(raw[: MAX_FRONT_MATTER // 8])
        if not m:
            notes.append((n, "invalid-yaml", f"line not read: {raw[:80]!r}"))
            continue
        text = m.group(2) or ""
        value: Value
        if text.startswith("[") and text.endswith("]"):
            value = [_unquote(v) for v in text[1:-1].split(",") if v.strip()]
        else:
            value = _unquote(text) if text else None
        pairs.append((m.group(1), value, n))
    return pairs


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _bounded(key: str, value: Value, line: int, notes: list[tuple[int | None, str, str]]) -> Value:
    """Huge values truncated, long lists cut, each with a note."""
    if isinstance(value, str) and len(value) > MAX_VALUE:
        notes.append((line, "oversized-value", f"'{key}' has {len(value)} characters"))
        return value[:MAX_VALUE]
    if isinstance(value, list):
        if len(value) > MAX_ITEMS:
            notes.append((line, "oversized-value", f"'{key}' has {len(value)} items"))
        return [_bounded(key, v, line, notes) for v in value[:MAX_ITEMS]]
    return value
