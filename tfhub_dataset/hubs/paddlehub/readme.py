"""A module's README.md (Chinese) or README_en.md (English): title, information table,
description, the versions its release notes list, and its links.

The READMEs took two shapes over the years:

- 2020-21: ``## 模型概述`` (or ``## 概述``) opens with the description, then the API, the serving
  example and ``## 更新历史``, its versions as ``* 1.0.0`` items;
- from 2021 on, a table first (``|模型名称|name|``, ``|类别|图像-图像分类|``, ``|网络|...|``,
  ``|数据集|...|``, ``|是否支持Fine-tuning|否|``, ``|模型大小|...|``, ...), then numbered
  sections (``## 一、模型基本信息``) whose headings and fenced code sit inside list items
  (``- ### 模型介绍``, ``  - ```shell``), ending with ``## 五、更新历史``; the English README the
  same in English (``Module Name``, ``I.Basic Information``, ``Module Introduction``,
  ``Release Note``).

Structure is read with line rules that know both shapes (a fence or heading may follow list
markers); text is what a reader saw, rendered as CommonMark (TF Hub's ``markdown.text``). Every
rule is linear in the line: headings and fences are read with ``str`` methods, the patterns are
anchored and bounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tfhub_dataset.hubs.paddlehub.links import Link, extract_links
from tfhub_dataset.hubs.tfhub import markdown
from tfhub_dataset.hubs.tfhub.text import decode_text

MAX_SECTION_CHARS = 20_000  # of a description rendered
MAX_DESCRIPTION = 5_000  # characters kept of a description
MAX_HEADING = 300  # a longer line is no heading
MAX_CELL = 300  # characters kept of a table cell
MAX_VERSIONS = 200
MAX_MARKERS = 8  # list markers before a heading or fence ("- - ### x")

# Information table keys (normalised: lower-case, no spaces or '*') -> field.
TABLE_KEYS = {
    "模型名称": "name",
    "modulename": "name",
    "modelname": "name",
    "类别": "category",
    "category": "category",
    "网络": "network",
    "network": "network",
    "数据集": "dataset",
    "dataset": "dataset",
    "是否支持fine-tuning": "fine_tuning",
    "fine-tuningsupportedornot": "fine_tuning",
    "supportfine-tuning": "fine_tuning",
    "模型大小": "size",
    "modulesize": "size",
    "modelsize": "size",
    "最新更新日期": "updated",
    "latestupdatedate": "updated",
    "数据指标": "metrics",
    "dataindicators": "metrics",
}
FIELDS = ("name", "category", "network", "dataset", "fine_tuning", "size", "updated", "metrics")
YES = frozenset({"是", "yes", "支持", "true"})
NO = frozenset({"否", "no", "不支持", "false"})
# Headings (numbering removed, lower-cased) of the section a description is read from, by
# preference; and of the release notes.
DESCRIPTION_HEADINGS = (
    "模型介绍",
    "module introduction",
    "model introduction",
    "模型概述",
    "概述",
    "模型简介",
    "简介",
    "overview",
    "introduction",
)
HISTORY_HEADINGS = frozenset({"更新历史", "release note", "release notes", "版本更新", "更新记录"})
NUMBERING = re.compile(
    r"(?:[一二三四五六七八九十]{1,4}|\d{1,3}|[IVXivx]{1,6})\s{0,3}[、.．:：)]\s*"
)
LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])[ \t]+")
VERSION_ITEM = re.compile(r"(?:[-*+][ \t]+|#{1,6}[ \t]+)v?(\d{1,9}(?:\.\d{1,9}){1,5})(?![\w.])")
EMPTY_CELL = frozenset({"", "-", "--", "—", "/", "无", "暂无", "none", "n/a"})

Note = tuple[int | None, str, str]


@dataclass(frozen=True)
class Readme:
    title: str | None  # the first heading's text
    fields: dict[str, str]  # information table (FIELDS), non-empty cells only
    fine_tuning: bool | None  # the table's fine-tuning cell read as yes/no
    description: str | None
    history: tuple[str, ...]  # versions its release notes list, in order, once each
    links: tuple[Link, ...]
    notes: tuple[Note, ...]


def parse_readme(data: bytes) -> Readme:
    """Read one README's bytes. Never raises on any input."""
    text, repairs = decode_text("", data)
    notes: list[Note] = [(a.line, a.kind, a.detail) for a in repairs]
    if not text.strip():
        notes.append((None, "empty-file", "the README is empty"))
        return Readme(None, {}, None, None, (), (), tuple(notes))
    prose = markdown.strip_comments(blank_code(text))
    lines = prose.split("\n")
    headings = [_heading(line) for line in lines]
    sections: list[str | None] = []
    current: str | None = None
    for h in headings:
        if h is not None:
            current = h[1] or current
        sections.append(current)
    title = next((h[1] for h in headings if h is not None and h[1]), None)
    fields, fine_tuning = _table(lines, notes)
    description = _description(lines, headings)
    history = _history(lines, headings)
    links, truncated = extract_links(lines, sections)
    if truncated:
        notes.append((None, "too-many-links", f"over {len(links):,} links; the rest left out"))
    return Readme(title, fields, fine_tuning, description, history, tuple(links), tuple(notes))


def blank_code(text: str) -> str:
    """The text with fenced code blanked, line count kept. A fence is ``` or ~~~ opening a line
    after optional indentation and list markers (``  - ```shell``); it closes at the next line
    that starts, after indentation, with at least as many of the same character; an unclosed
    fence runs to the end."""
    lines = text.split("\n")
    marker = ""
    for i, line in enumerate(lines):
        body = line.lstrip(" \t>")
        if not marker:
            body = _unlisted(body)
            fence = _fence(body)
            if fence and fence[0] not in body[len(fence) :]:  # ```x``` on one line is no fence
                marker, lines[i] = fence, ""
        else:
            fence = _fence(body)
            if fence and fence[0] == marker[0] and len(fence) >= len(marker):
                marker = ""
            lines[i] = ""
    return "\n".join(lines)


def _unlisted(body: str) -> str:
    """The line without its leading list markers (at most MAX_MARKERS of them)."""
    for _ in range(MAX_MARKERS):
        m = LIST_MARKER.match(body)
        if m is None:
            break
        body = body[m.end() :].lstrip(" \t")
    return body


def _fence(body: str) -> str:
    for char in "`~":
        if body.startswith(char * 3):
            n = len(body) - len(body.lstrip(char))
            return char * n
    return ""


def _heading(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading, also after list markers (``- ### 模型介绍``); numbering
    (``一、``, ``1、``, ``II.``) is removed from the text."""
    if "#" not in line[:40] or len(line) > MAX_HEADING:
        return None
    body = _unlisted(line.strip())
    level = len(body) - len(body.lstrip("#"))
    if not 1 <= level <= 6 or (len(body) > level and body[level] not in " \t"):
        return None
    words = body[level:].strip().rstrip("#").strip().rstrip(":：").strip()
    words = markdown.plain(words) if words else ""
    m = NUMBERING.match(words)
    if m and m.end() < len(words):
        words = words[m.end() :].strip()
    return level, words


def _table(lines: list[str], notes: list[Note]) -> tuple[dict[str, str], bool | None]:
    """The information table: the first Markdown table whose rows' first cells name known keys
    (its header row is one of them: ``|模型名称|name|``)."""
    fields: dict[str, str] = {}
    seen: set[str] = set()
    for no, line in enumerate(lines, start=1):
        row = line.strip()
        if not row.startswith("|"):
            if seen:
                break
            continue
        cells = [c.strip() for c in row.strip("|").split("|", 2)[:2]]
        if len(cells) < 2:
            continue
        key = "".join(markdown.plain(cells[0][:MAX_CELL]).lower().split())
        field = TABLE_KEYS.get(key)
        if field is None:
            continue
        value = markdown.plain(cells[1][:MAX_CELL])
        if field in seen:
            notes.append((no, "duplicate-key", f"the table gives {cells[0][:40]!r} twice"))
            continue
        seen.add(field)
        if value.lower() not in EMPTY_CELL:
            fields[field] = value
    fine = fields.get("fine_tuning")
    fine_tuning = None
    if fine is not None:
        word = fine.lower().split("(")[0].split("（")[0].strip()
        fine_tuning = True if word in YES else False if word in NO else None
        if fine_tuning is None:
            notes.append((None, "invalid-value", f"fine-tuning cell {fine[:40]!r}"))
    return fields, fine_tuning


def _description(lines: list[str], headings: list[tuple[int, str] | None]) -> str | None:
    """The rendered text of the first section headed by a DESCRIPTION_HEADINGS name (the most
    preferred one present), up to the next heading of the same or a higher level."""
    found: dict[str, tuple[int, int]] = {}
    for i, h in enumerate(headings):
        if h is not None and h[1].lower() in DESCRIPTION_HEADINGS:
            found.setdefault(h[1].lower(), (i, h[0]))
    for name in DESCRIPTION_HEADINGS:
        if name in found:
            start, level = found[name]
            body: list[str] = []
            size = 0
            for line, h in zip(lines[start + 1 :], headings[start + 1 :], strict=True):
                if h is not None and h[0] <= level:
                    break
                if h is not None:
                    continue  # a sub-heading's words are no description
                body.append(line)
                size += len(line) + 1
                if size > MAX_SECTION_CHARS:
                    break
            text = markdown.text("\n".join(body)[:MAX_SECTION_CHARS])
            return text[:MAX_DESCRIPTION] or None
    return None


def _history(lines: list[str], headings: list[tuple[int, str] | None]) -> tuple[str, ...]:
    """Versions listed under the release notes heading (``* 1.1.0`` items), in order, once."""
    versions: list[str] = []
    level = None
    for line, h in zip(lines, headings, strict=True):
        if h is not None and h[1].lower() in HISTORY_HEADINGS:
            level = h[0]
            continue
        if level is None:
            continue
        if h is not None and h[0] <= level and not VERSION_ITEM.match(line.strip()):
            level = None
            continue
        m = VERSION_ITEM.match(line.strip()[:100])
        if m and m.group(1) not in versions:
            versions.append(m.group(1))
            if len(versions) >= MAX_VERSIONS:
                break
    return tuple(versions)
