"""Formatting for the generated Markdown: fixed, locale-free numbers, tables and lists, and the
escaping of every source-derived string (``md_escape`` for text, ``code`` for code spans)."""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping
from typing import Any


def n(value: int) -> str:
    """An integer with thousands separators: 1,195."""
    return f"{value:,}"


def pct(part: float, whole: float) -> str:
    """A share in per cent with one decimal: 49.8 %."""
    return "n/a" if whole == 0 else f"{100 * part / whole:.1f} %"


def dec(value: float, places: int = 1) -> str:
    return f"{value:.{places}f}"


def signed(value: int) -> str:
    """A change with its sign and thousands separators (+1,234, -5), and 0 for none."""
    return f"{value:+,}" if value else "0"


def day(value: str | None) -> str:
    """The date of an ISO date-time, or empty."""
    return value[:10] if value else ""


def mean_sd(values: list[int]) -> tuple[float, float]:
    """Mean and sample standard deviation (n - 1), 0 for fewer than two values."""
    if not values:
        return 0.0, 0.0
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return statistics.fmean(values), sd


def ranked(counts: Mapping[Any, int]) -> list[tuple[Any, int]]:
    """Items by count, descending, ties by key (as text) ascending."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))


# Characters that mean something in GitHub-flavoured Markdown wherever they stand in a line:
# escapes, code spans, emphasis, links and images, raw HTML and entities, table cells,
# strikethrough, math and headings. CommonMark lets any ASCII punctuation be backslash-escaped.
_INLINE = re.compile(r"([\\`*_\[\]<>&|~$#])")
# What may start a block when it opens a line (list items, block quotes, setext underlines).
_BLOCK_START = re.compile(r"^(\s*)([-+=>]|\d+(?=[.)]))")
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")
# GitHub autolinks bare URLs (scheme://, www.) and e-mail addresses (cmark-gfm's extension,
# checked with cmarkgfm): an escaped ':' before '//' and '.' after 'www' keep a URL text; an
# address is joined again before cmark-gfm looks for one (escapes and entities do not split it),
# so an empty HTML comment, which renders as nothing, stands before its '@'.
_URL_SCHEME = re.compile(r":(?=//)")
_WWW = re.compile(r"(?<![A-Za-z0-9])(www)\.", re.I)
_ADDRESS_AT = re.compile(r"(?<=[A-Za-z0-9._+-])@(?=[A-Za-z0-9_-])")


def md_escape(text: object) -> str:
    """Source-derived text, rendered literally by GitHub-flavoured Markdown in a table cell or
    anywhere in a line: line breaks become spaces and every character with a meaning is
    backslash-escaped, so no HTML, link, emphasis or extra table cell can come from the data
    (nor an autolink: URLs and e-mail addresses are kept from GitHub's autolinking)."""
    flat = _LINE_BREAKS.sub(" ", str(text))
    escaped = _INLINE.sub(r"\\\1", flat)
    escaped = _URL_SCHEME.sub(r"\\:", escaped)
    escaped = _WWW.sub(r"\1\\.", escaped)
    escaped = _ADDRESS_AT.sub("<!-- -->@", escaped)
    return _BLOCK_START.sub(
        lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2).isdigit() else "\\" + m.group(2)),
        escaped,
        count=1,
    )


def code(text: object, *, in_table: bool = False) -> str:
    """Source-derived text as a code span (its content is never parsed). In a table cell a '|' is
    written '\\|' (GFM removes the backslash before it parses the cell); elsewhere, and for what a
    single code span cannot hold literally (a backtick, a line break, surrounding spaces), the
    value is written as escaped text instead."""
    value = str(text)
    if (
        not value
        or "`" in value
        or ("|" in value and not in_table)
        or _LINE_BREAKS.search(value)
        or value.strip() != value
    ):
        return md_escape(value)
    return "`" + value.replace("|", "\\|") + "`"


def table(headers: list[str], rows: list[list[Any]], align: str | None = None) -> list[str]:
    """A Markdown table; ``align`` holds one of 'l', 'r' per column (default: all left)."""
    align = align or "l" * len(headers)
    marks = {"l": "---", "r": "---:", "c": ":---:"}
    out = ["| " + " | ".join(headers) + " |", "| " + " | ".join(marks[a] for a in align) + " |"]
    for row in rows:
        out.append("| " + " | ".join(str(c) for c in row) + " |")
    return out


def names(items: Iterable[str], limit: int | None = None) -> str:
    """``a``, ``b`` and ``c`` (code-formatted), shortened with a count past ``limit``."""
    items = list(items)
    shown = items if limit is None or len(items) <= limit else items[:limit]
    parts = [code(i) for i in shown]
    if len(shown) < len(items):
        parts.append(f"{len(items) - len(shown)} more")
    if not parts:
        return "none"
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]
