"""The Markdown scans find fences and comments with str.find for speed: they must agree with the
plain definitions (a fence is ``` or ~~~ after at most three white-space characters on its line;
a comment runs from '<!--' to the next '-->' or to the end), written here line by line."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tfhub_dataset.hubs.tfhub import markdown
from tfhub_dataset.hubs.tfhub.docs import METADATA
from tfhub_dataset.hubs.tfhub.links import LISTED_IN, TFHUB_URL, tfhub_targets

FENCE_LINE = re.compile(r"^\s{0,3}(```|~~~)")
COMMENT = re.compile(r"<!--(.*?)(-->|\Z)", re.S)
METADATA_LAZY = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_-]*)\s*:\s*(.*?)\s*$", re.S)


def blank_code_by_line(text: str) -> str:
    out, inside, marker = [], False, ""
    for line in text.split("\n"):
        m = FENCE_LINE.match(line)
        if m and (not inside or m.group(1) == marker):
            out.append("")
            inside, marker = not inside, m.group(1)
        else:
            out.append("" if inside else line)
    return "\n".join(out)


def comments_by_regex(text: str) -> list[markdown.Comment]:
    b = blank_code_by_line(text)
    return [
        markdown.Comment(b.count("\n", 0, m.start()) + 1, m.group(1), bool(m.group(2)))
        for m in COMMENT.finditer(b)
    ]


def prose_by_regex(text: str) -> str:
    return COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), blank_code_by_line(text))


def metadata(pattern: re.Pattern[str], body: str) -> tuple[str, str] | None:
    m = pattern.match(body)
    return (m.group(1), " ".join(m.group(2).split())) if m else None


# Fences, comment marks and every kind of white space, line break and not.
MARKS = ("```", "~~~", "``", "~", "<!--", "-->", "<!-->", "a", "key: v", "#")
SPACES = (
    " ",
    "   ",
    "    ",
    "\t",
    "\n",
    "\n",
    "\r",
    "\x0b",
    "\xa0",
    "\u2003",
    "\x1c",
    "\x85",
    "\u2028",
)
PIECES = st.sampled_from((*MARKS, *SPACES))
TEXTS = st.lists(PIECES, max_size=40).map("".join)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(TEXTS)
def test_scans_agree_with_the_line_by_line_definitions(text):
    assert markdown.blank_code(text) == blank_code_by_line(text)
    found, prose = markdown.comments_and_prose(text)
    assert found == comments_by_regex(text)
    assert prose == prose_by_regex(text)
    assert markdown.strip_comments(text) == COMMENT.sub(
        lambda m: "\n" * m.group(0).count("\n"), text
    )


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(st.sampled_from(["a", "Z", "-", "_", ":", " ", "\n", "\t", "\xa0", "é"]), max_size=20)
)
def test_metadata_pattern_agrees_with_the_lazy_one(parts):
    body = "".join(parts)
    assert metadata(METADATA, body) == metadata(METADATA_LAZY, body)


@pytest.mark.parametrize(
    ("text", "blanked"),
    [
        ("a\n```\ncode\n```\nb", "a\n\n\n\nb"),
        ("a\n    ```\nb", "a\n    ```\nb"),  # four spaces: not a fence
        ("a\n\t```\nb\n```", "a\n\n\n"),  # a tab is white space too
        ("```\n~~~\n<!-- x -->\n```\nc", "\n\n\n\nc"),  # only the same marker closes
        ("x\n```\nnever closed", "x\n\n"),
        ("x ```\ny", "x ```\ny"),  # not at the start of its line
    ],
)
def test_fences(text, blanked):
    assert markdown.blank_code(text) == blanked == blank_code_by_line(text)


def targets_by_line(text: str) -> list[tuple[str, int, str]]:
    """Collection members as the line-by-line definitions place them (code lines, comments found
    with code blanked to the same length)."""
    lines = text.split("\n")
    code, inside, marker = [], False, ""
    for line in lines:
        m = FENCE_LINE.match(line)
        if m and (not inside or m.group(1) == marker):
            code.append(True)
            inside, marker = not inside, m.group(1)
        else:
            code.append(inside)
    blanked = "\n".join(" " * len(ln) if c else ln for ln, c in zip(lines, code, strict=True))
    comments = [m.span() for m in COMMENT.finditer(blanked)]
    best: dict[str, tuple[int, tuple[str, int, str]]] = {}
    for m in TFHUB_URL.finditer(text):
        target = m.group(1).rstrip("/.,;:)")
        if "/" not in target or "..." in m.group(0):
            continue
        line = text.count("\n", 0, m.start()) + 1
        where = "code" if code[line - 1] else "text"
        if where == "text" and any(a <= m.start() < b for a, b in comments):
            where = "comment"
        seen = best.get(target)
        if seen is None or LISTED_IN.index(where) < LISTED_IN.index(seen[1][2]):
            best[target] = (m.start(), (target, line, where))
    return [t for _, t in sorted(best.values())]


URLS = ("https://tfhub.dev/a/b/1", "https://tfhub.dev/a/b/1 ", "http://tfhub.dev/c/d", "x")


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from((*MARKS, *SPACES, *URLS)), max_size=40).map("".join))
def test_collection_members_are_placed_as_the_line_by_line_definitions_place_them(text):
    found = [(t.target, t.line, t.listed_in) for t in tfhub_targets(text)]
    assert found == targets_by_line(text)


# Letters and digits of several scripts, underscores, white space and a little other markup.
TEXT_PIECES = ("a", "Z", "1", "é", "ß", "中", "٣", "Ⅻ", "½", "_", "__", " ", "\n", "\xa0", "\t")
TEXT_PIECES += ("*", "-", "#", ".", "(", "'", "x_y", "1.", "`")


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(TEXT_PIECES), max_size=16).map("".join), st.booleans())
def test_text_shortcuts_agree_with_the_commonmark_renderer(source, inline):
    # text() skips the renderer when nothing, or only underscores inside words, is markup
    assert markdown.text(source, inline=inline) == markdown._rendered(source, inline)
