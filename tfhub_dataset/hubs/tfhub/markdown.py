"""The few Markdown facts the parser needs: fenced code, HTML comments, links, headings, and the
text a reader of a rendered page sees.

Structure (code fences, comments, links, headings) is read with line rules: metadata lives in HTML
comments, which markdown-it's ``js-default`` preset escapes, and line rules are exact here and
fast. Text is another matter: what a reader saw is what a CommonMark renderer makes of the
Markdown (``_my__name_`` keeps its underscores, ``<a@b.org>`` is an autolink, ``\\_`` an escaped
underscore), so ``text`` renders with markdown-it-py's ``commonmark`` preset, raw HTML allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

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


# HTML elements that flow inside a line of text; any other tag separates words.
INLINE_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins",
    "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time",
    "tt", "u", "var",
})  # fmt: skip


# Text without these renders as itself: inline markup characters, entities, and lines that open a
# block (heading, quote, list item, thematic break or setext underline); indented code shows its
# text as it is.
MARKUP = re.compile(r"[\\`*_\[\]<>&!]|^ {0,3}(?:[#>+=-]|\d{1,9}[.)])", re.M)


@lru_cache(maxsize=1)
def _commonmark() -> Any:
    from markdown_it import MarkdownIt  # imported where text is needed, not by every command

    return MarkdownIt("commonmark", {"html": True})


def text(source: str, *, inline: bool = False) -> str:
    """What a reader sees of ``source`` rendered as CommonMark: its text, white space collapsed.

    Markup becomes what it renders to: emphasis and links their text, autolinks their address,
    escapes and entities their character, code its content, raw HTML its text (comments nothing),
    line breaks and block boundaries a space. Images show no text and give none. ``inline`` reads
    ``source`` as the content of one line (a link's text, a heading), never as blocks.
    """
    if not MARKUP.search(source):
        return " ".join(source.split())  # nothing CommonMark would render differently
    md = _commonmark()
    tokens = md.parseInline(source) if inline else md.parse(source)
    out: list[str] = []
    _collect(tokens, out)
    return " ".join("".join(out).split())


def _collect(tokens: list[Any], out: list[str]) -> None:
    for t in tokens:
        if t.type == "inline":
            _collect(t.children or [], out)
        elif t.type in ("text", "code_inline", "code_block", "fence"):
            out.append(t.content)
        elif t.type in ("html_inline", "html_block"):
            out.append(html_text(t.content))
        elif t.type in ("softbreak", "hardbreak") or t.block:
            out.append(" ")  # images and inline open/close markers add nothing


class _HTMLText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.parts.append("" if tag in INLINE_TAGS else " ")

    def handle_endtag(self, tag: str) -> None:
        self.parts.append("" if tag in INLINE_TAGS else " ")


def html_text(fragment: str) -> str:
    """The text of raw HTML as a browser shows it (tags separate words unless they are inline,
    entities decoded, comments dropped); white space kept for the caller to collapse."""
    if "<" not in fragment and "&" not in fragment:
        return fragment
    parser = _HTMLText()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.parts)


def plain(source: str) -> str:
    """The text of one line (a heading, a label) as a reader sees it: text(source, inline=True)."""
    return text(source, inline=True)
