"""The few Markdown facts the parser needs: fenced code, HTML comments, links, headings, and the
text a reader of a rendered page sees.

Structure (code fences, comments, links, headings) is read with line rules: metadata lives in HTML
comments, which markdown-it's ``js-default`` preset escapes, and line rules are exact here and
fast. Every rule runs in time linear in its line (tests/test_rules_linear.py times each on
pathological 50 KB lines): no two quantifiers of a pattern can share the same characters, and
where a lazy group would try its end at every character the end is found by hand.

Text is another matter: what a reader saw is what a CommonMark renderer makes of the Markdown
(``_my__name_`` keeps its underscores, ``<a@b.org>`` is an autolink, ``\\_`` an escaped
underscore), so ``text`` renders with markdown-it-py's ``commonmark`` preset, raw HTML allowed.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any, NamedTuple

# A fence opens or closes a code block when at most three white-space characters precede it on its
# line. Finding the markers with str.find and checking what precedes them is several times faster
# than matching every line with a regular expression.
FENCES = ("```", "~~~")
# [text](url "title") and [![alt]](url); text may hold one nested [..] level; the url may hold one
# (..) group. Possessive quantifiers where giving characters back can never help a match.
MD_LINK = re.compile(
    r"(!?)\[((?:[^\[\]]|\[[^\[\]]*+\])*+)\]\(\s*+<?([^()\s<>]++(?:\([^()\s]*+\)[^()\s<>]*+)?)>?"
    r"(?:\s++\"[^\"]*+\")?\s*+\)"
)
# <scheme:...>: CommonMark's autolink holds no '<', '>' or white space.
AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]++)>")
# <a href="url">: the opening tag of an anchor (its text, up to '</a>', is found by html_anchors)
ANCHOR_TAG = re.compile(r"<a\s[^>]*?href\s*=\s*[\"']([^\"']+)[\"'][^>]*+>", re.I)
ANCHOR_START = re.compile(r"<a\s", re.I)
ANCHOR_END = re.compile(r"</a\s*+>", re.I)
BARE_URL = re.compile(r"(?<![\w/@.\[<\"'=])((?:https?://|www\.)[^\s<>()\[\]\"'`|]++)")
# An address starts only where a run of its characters starts ('%' too), so each run is read once.
BARE_EMAIL = re.compile(
    r"(?<![\w.:/+%-])([A-Za-z0-9._%+-]++@[A-Za-z0-9-]++(?:\.[A-Za-z0-9-]++)*\.[A-Za-z]{2,})"
)
HEADING_START = re.compile(r"\s{0,3}(#{1,6})\s+")


class Heading(NamedTuple):
    marks: str  # the '#'s
    text: str  # the heading's text, its closing '#'s and surrounding white space removed


def heading(line: str) -> Heading | None:
    """An ATX heading (``## Title ##``): what ``^\\s{0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$`` gives,
    without its cubic cost (its lazy group tried its end at every character): the text is the
    rest of the line less its longest ending of white space, '#'s and white space."""
    m = HEADING_START.match(line)
    if not m:
        return None
    return Heading(m.group(1), line[m.end() :].rstrip().rstrip("#").rstrip())


def html_anchors(line: str) -> list[tuple[int, int, str, str | None]]:
    """``<a href="url">text</a>`` in a line: (start, end, url, text), text None for an anchor left
    open (the match then ends at the tag). What ``ANCHOR_TAG(?:(.*?)</a\\s*>)?`` finds with
    finditer, in linear time: the closing tags are listed once, and a start that fails means every
    start before the next '>' fails too (none can see an href the first could not)."""
    ends = [(m.start(), m.end()) for m in ANCHOR_END.finditer(line)]
    found: list[tuple[int, int, str, str | None]] = []
    pos = 0
    while (start := ANCHOR_START.search(line, pos)) is not None:
        tag = ANCHOR_TAG.match(line, start.start())
        if tag is None:
            gt = line.find(">", start.start())
            if gt < 0:
                break
            pos = gt + 1
            continue
        i = bisect.bisect_left(ends, (tag.end(), -1))
        if i < len(ends):
            found.append((tag.start(), ends[i][1], tag.group(1), line[tag.end() : ends[i][0]]))
            pos = ends[i][1]
        else:
            found.append((tag.start(), tag.end(), tag.group(1), None))
            pos = tag.end()
    return found


class Comment(NamedTuple):  # a named tuple: made several times faster than a frozen dataclass
    line: int  # 1-based line where the comment starts
    body: str
    closed: bool


def code_spans(text: str) -> list[tuple[int, int]]:
    """Fenced code blocks as ``(start, end)`` offsets, from the start of the opening fence's line
    to the end of the closing fence's line (or of the text when the block is left open). A fence
    closes a block only with the block's own marker (```` ``` ```` or ``~~~``)."""
    spans, start, marker = [], -1, ""
    for at, fence in _fences(text):
        if start < 0:
            start, marker = text.rfind("\n", 0, at) + 1, fence
        elif fence == marker:
            end = text.find("\n", at)
            spans.append((start, len(text) if end < 0 else end))
            start = -1
    if start >= 0:
        spans.append((start, len(text)))
    return spans


def _fences(text: str) -> list[tuple[int, str]]:
    """(offset, marker) of each fence, in text order: a marker preceded on its line by at most
    three white-space characters (the first marker of a line; a line holds at most one fence)."""
    found = []
    for fence in FENCES:
        at = text.find(fence)
        while at >= 0:
            indent = text[text.rfind("\n", 0, at) + 1 : at]
            if len(indent) <= 3 and (not indent or indent.isspace()):
                found.append((at, fence))
            at = text.find(fence, at + 3)
    return sorted(found)


def blank_code(text: str) -> str:
    """The text with fenced code blocks blanked (line count kept), so nothing inside them counts."""
    return _blank(text, code_spans(text))


def comment_spans(text: str) -> list[tuple[int, int, bool]]:
    r"""HTML comments as ``(start, end, closed)``: '<!--' up to the next '-->', or to the end of
    the text when none follows. Found with str.find: several times faster than the pattern
    ``<!--(.*?)(-->|\Z)``, whose lazy group tries its end at every character."""
    spans = []
    start = text.find("<!--")
    while start >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            spans.append((start, len(text), False))
            break
        spans.append((start, end + 3, True))
        start = text.find("<!--", end + 3)
    return spans


def comments_and_prose(text: str) -> tuple[list[Comment], str]:
    """HTML comments outside fenced code, in order, and the text with fenced code and comments
    blanked (line count kept): what a doc's parser needs, in one pass."""
    blanked = blank_code(text)  # same line count as text, so line numbers hold
    spans = comment_spans(blanked)
    found, line, pos = [], 1, 0
    for start, end, closed in spans:
        line += blanked.count("\n", pos, start)
        found.append(Comment(line, blanked[start + 4 : end - 3 if closed else end], closed))
        pos = start
    return found, _blank(blanked, spans)


def strip_comments(text: str) -> str:
    """The text with HTML comments replaced by blanks of the same line count."""
    return _blank(text, comment_spans(text))


def _blank(text: str, spans: list[tuple[int, int]] | list[tuple[int, int, bool]]) -> str:
    """The text with each span (in order, not overlapping) replaced by its line breaks."""
    out, pos = [], 0
    for start, end, *_ in spans:
        out += (text[pos:start], "\n" * text.count("\n", start, end))
        pos = end
    out.append(text[pos:])
    return "".join(out)


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
# A run of underscores between two letters or digits ("my_model_name") can neither open nor close
# emphasis (it is both left- and right-flanking, with neither side punctuation): it renders as
# itself. Half the texts a snapshot renders hold no other markup.
INTRAWORD_UNDERSCORES = re.compile(r"(?<=[^\W_])_+(?=[^\W_])")


@lru_cache(maxsize=1)
def _commonmark() -> Any:
    from markdown_it import MarkdownIt  # imported where text is needed, not by every command

    return MarkdownIt("commonmark", {"html": True})


# Characters of one text rendered as Markdown, at most: markdown-it's cost per character is high
# for some markup (15 us for '[', superlinear for '!['), and a text longer than this (the largest
# real paragraph holds 10 kB) is rendered from its first MAX_RENDER characters; the parsers record
# it (long-text).
MAX_RENDER = 16 * 1024


def text(source: str, *, inline: bool = False) -> str:
    """What a reader sees of ``source`` rendered as CommonMark: its text, white space collapsed.

    Markup becomes what it renders to: emphasis and links their text, autolinks their address,
    escapes and entities their character, code its content, raw HTML its text (comments nothing),
    line breaks and block boundaries a space. Images show no text and give none. ``inline`` reads
    ``source`` as the content of one line (a link's text, a heading), never as blocks.
    """
    if not MARKUP.search(source) or (
        "_" in source and not MARKUP.search(INTRAWORD_UNDERSCORES.sub("x", source))
    ):
        return " ".join(source.split())  # nothing CommonMark would render differently
    return _rendered(source[:MAX_RENDER], inline)


@lru_cache(maxsize=4096)  # docs repeat their paragraphs from one version to the next
def _rendered(source: str, inline: bool) -> str:
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
    entities decoded, comments dropped); white space kept for the caller to collapse.

    Python's HTMLParser rescans the rest of its input at every construct left open (``<a <a <a``
    took 4.5 s for 16 KB, ``<!--<!--`` 0.3 s), so it is never given one: comments are removed
    first (one left open runs to the end, as comment_spans reads it), and a '<' that no '>'
    follows is handed over as ``&lt;``, the text it would have become."""
    if "<" not in fragment and "&" not in fragment:
        return fragment
    fragment = _blank_spans(fragment, comment_spans(fragment))
    last_gt = fragment.rfind(">")
    opened, pos = [], 0
    at = fragment.find("<", last_gt + 1)
    while at >= 0:  # only '<' after the last '>' are left open
        opened += (fragment[pos:at], "&lt;")
        pos = at + 1
        at = fragment.find("<", pos)
    opened.append(fragment[pos:])
    parser = _HTMLText()
    parser.feed("".join(opened))
    parser.close()
    return "".join(parser.parts)


def _blank_spans(text: str, spans: list[tuple[int, int, bool]]) -> str:
    """The text with each span removed."""
    out, pos = [], 0
    for start, end, _ in spans:
        out.append(text[pos:start])
        pos = end
    out.append(text[pos:])
    return "".join(out)


def plain(source: str) -> str:
    """The text of one line (a heading, a label) as a reader sees it: text(source, inline=True)."""
    return text(source, inline=True)
