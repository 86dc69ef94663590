"""The few Markdown facts the parser needs: fenced code, HTML comments, links, headings.

A full CommonMark parser is not used on purpose: metadata lives in HTML comments, which
markdown-it's default presets escape or drop, and the docs' Markdown is simple enough that line
rules are exact and much faster.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FENCE = re.compile(r"^\s{0,3}(```|~~~)")
COMMENT = re.compile(r"<!--(.*?)(-->|\Z)", re.S)
# [text](url "title") and [![alt]](url); text may hold one nested [..] level.
MD_LINK = re.compile(
    r"(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^()\s<>]+(?:\([^()\s]*\))?[^()\s<>]*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
# <a href="url">text</a>; an anchor left open ends its match at the tag.
HTML_ANCHOR = re.compile(r"<a\s[^>]*?href\s*=\s*[\"']([^\"']+)[\"'][^>]*>(?:(.*?)</a\s*>)?", re.I)
BARE_URL = re.compile(r"(?<![\w/@.\[<\"'=])((?:https?://|www\.)[^\s<>()\[\]\"'`|]+)")
BARE_EMAIL = re.compile(
    r"(?<![\w.:/+-])([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
)
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True)
class Comment:
    line: int  # 1-based line where the comment starts
    body: str
    closed: bool


def code_mask(lines: list[str]) -> list[bool]:
    """True for lines inside (or fencing) a fenced code block."""
    mask, inside, marker = [], False, ""
    for line in lines:
        m = FENCE.match(line)
        if m and (not inside or m.group(1) == marker):
            mask.append(True)
            inside, marker = (not inside), m.group(1)
        else:
            mask.append(inside)
    return mask


def blank_code(text: str) -> str:
    """The text with fenced code blocks blanked (line count kept), so nothing inside them counts."""
    lines = text.split("\n")
    mask = code_mask(lines)
    return "\n".join("" if m else line for line, m in zip(lines, mask, strict=True))


def comments(text: str) -> list[Comment]:
    """HTML comments outside fenced code, in order."""
    out = []
    blanked = blank_code(text)  # same line count as text, so line numbers hold
    for m in COMMENT.finditer(blanked):
        out.append(Comment(blanked.count("\n", 0, m.start()) + 1, m.group(1), bool(m.group(2))))
    return out


def strip_comments(text: str) -> str:
    """The text with HTML comments replaced by blanks of the same line count."""
    return COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def plain(text: str) -> str:
    """Markdown/HTML inline markup reduced to its text, white space collapsed."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)
    text = re.sub(r"\[!\[[^\]]*\]\]\([^)]*\)", " ", text)
    text = MD_LINK.sub(lambda m: m.group(2), text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"(\*\*|__|`)", "", text)
    text = text.replace("\\\n", " ").replace("\\", " ")
    return " ".join(text.split())
