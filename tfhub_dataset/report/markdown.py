"""Formatting for the generated Markdown: fixed, locale-free numbers, tables and lists."""

from __future__ import annotations

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


def mean_sd(values: list[int]) -> tuple[float, float]:
    """Mean and sample standard deviation (n - 1), 0 for fewer than two values."""
    if not values:
        return 0.0, 0.0
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return statistics.fmean(values), sd


def ranked(counts: Mapping[Any, int]) -> list[tuple[Any, int]]:
    """Items by count, descending, ties by key (as text) ascending."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))


def md_escape(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")


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
    parts = [f"`{i}`" for i in shown]
    if len(shown) < len(items):
        parts.append(f"{len(items) - len(shown)} more")
    if not parts:
        return "none"
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]
