"""Every rule over input runs in linear time or on bounded input (issue 22, finding 4): each line
rule of both hubs' parsers, and the parsers whole, timed on pathological lines of 50 KB.

Before, one 3 KB heading cost a build 52 s (``(.*?)\\s*#*\\s*$`` is cubic), a 2,000-character
quoted field 11-16 s, and the Markdown-link and label rules 37-107 s at 50 KB. A linear rule
takes milliseconds on such a line; the bound leaves room for a loaded machine."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tfhub_dataset.hubs.pytorch_hub import calls, frontmatter, page
from tfhub_dataset.hubs.pytorch_hub import links as page_links
from tfhub_dataset.hubs.tfhub import catalog, docs, links, markdown, tags
from tfhub_dataset.report.markdown import md_escape

SIZE = 50_000
BOUND = 2.0  # seconds for one rule on one line; the cubic rules took minutes
PARSE_BOUND = 6.0  # one whole doc holding the line in several places, rendered as Markdown
# What the rules' quantifiers are made of, repeated: runs of one construct that a backtracking
# pattern would try at every character.
UNITS = [
    "a", " ", "#", "*", "[", "]", "(", ")", "[a](", "](", "<", ">", "<a href='x'>", '<a href="x" ',
    '"', "'", "“", "”", "http://", "www.", "a@", "@a.", "a%", "a.a", "![", "[![Icon URL]](",
    "this ", "module is ", ":", "-", "`", "<!--", "~~~", "_", "a_", "\\", "&", "<http:", "a:",
    "[a](b", "(a", "x@y.co.", "1. ", "|", "[[a]", "a/", "<a ", " #", "' ", "** ",
]  # fmt: skip
PREFIXES = ["", "## x ", "[x](a", "**GitHub:** ", "This module ", '"x']


def line(unit: str, prefix: str = "", end: str = "!") -> str:
    return prefix + (unit * (SIZE // len(unit) + 1))[:SIZE] + end


# every unit alone, and the units that make runs after each prefix that a rule anchors on
LINES = [line(u) for u in UNITS] + [
    line(u, p) for p in PREFIXES[1:] for u in ("a", " ", "[", "#", "*", "'", "this ", "a_", "<a ")
]

RULES: dict[str, Callable[[str], object]] = {
    "heading": markdown.heading,
    "markdown link": lambda s: list(markdown.MD_LINK.finditer(s)),
    "autolink": lambda s: list(markdown.AUTOLINK.finditer(s)),
    "html anchor": markdown.html_anchors,
    "bare url": lambda s: list(markdown.BARE_URL.finditer(s)),
    "bare e-mail": lambda s: list(markdown.BARE_EMAIL.finditer(s)),
    "markup": lambda s: markdown.MARKUP.search(s),
    "intraword underscores": lambda s: markdown.INTRAWORD_UNDERSCORES.sub("x", s),
    "comments": markdown.comment_spans,
    "code fences": markdown.code_spans,
    "html text": markdown.html_text,
    "label": lambda s: links.LABEL.match(s),
    "link host": lambda s: links.classify("http://" + s.replace("/", "."), "markdown"),
    "links of a line": links.extract_links,
    "tfhub.dev targets": links.tfhub_targets,
    "first line": lambda s: docs.FIRST_LINE.match(s),
    "handle": lambda s: docs.HANDLE.match(s),
    "metadata": lambda s: docs.METADATA.match(s),
    "icon": lambda s: docs.ICON.search(s),
    "deprecation": docs.says_deprecated,
    "sentence end": lambda s: docs.SENTENCE_END.split(s),
    "deleted item": lambda s: catalog.DELETED_ITEM.match(s),
    "tag id": lambda s: (tags.slug(s), tags.loose(s), tags.split_list(s)),
    "quoted value": page.unquoted,
    "front matter delimiters": lambda s: (frontmatter.OPEN.match(s), frontmatter.CLOSE.match(s)),
    "front matter line": lambda s: frontmatter.LINE_FIELD.match(s[: frontmatter.MAX_FRONT_MATTER]),
    "fences": lambda s: (calls.OPEN_FENCE.match(s), calls.CLOSE_FENCE.match(s)),
    "hub.load call": lambda s: list(calls.CALL.finditer(s)),
    "assignment": lambda s: calls.ASSIGN.match(s),
    "repository": lambda s: calls.REPO.match(s),
    "github repository": lambda s: page_links.github_repository("https://github.com/" + s),
    "page link host": lambda s: page_links.classify("http://" + s),
    "release README text": md_escape,
}  # fmt: skip


def tfhub_doc(s: str) -> bytes:
    return (
        f"# Module acme/m/1\n{s}\n\n<!-- task: {s} -->\n<!-- {s}: x -->\n## {s}\n{s}\n"
        f"* [{s}]({s})\n"
    ).encode()


def tfhub_publisher(s: str) -> bytes:
    return f"# Publisher acme\n{s}\n\n[![Icon URL]]({s})\n{s}\n## {s}\n{s}\n".encode()


def pytorch_page(s: str) -> bytes:
    return (
        f'---\nlayout: hub_detail\ntitle: "{s}"\nsummary: {s}\ntags: [{s}]\n---\n{s}\n'
        f"```python\nmodel = torch.hub.load({s})\n{s}\n```\n## {s}\n"
    ).encode()


PARSERS: dict[str, Callable[[str], object]] = {
    "TF Hub model doc": lambda s: docs.parse_doc("assets/docs/acme/models/m/1.md", tfhub_doc(s)),
    "TF Hub publisher": lambda s: docs.parse_doc("assets/docs/acme/acme.md", tfhub_publisher(s)),
    "PyTorch Hub page": lambda s: page.parse_page("acme_net_small.md", pytorch_page(s)),
}  # fmt: skip


def worst(rule: Callable[[str], object], lines: list[str]) -> tuple[float, str]:
    slowest = (0.0, "")
    for s in lines:
        start = time.perf_counter()
        rule(s)
        took = time.perf_counter() - start
        if took > slowest[0]:
            slowest = (took, s[:40])
    return slowest


@pytest.mark.parametrize("name", list(RULES))
def test_each_line_rule_is_linear_on_pathological_50_kb_lines(name):
    took, where = worst(RULES[name], LINES)
    assert took < BOUND, f"{name}: {took:.2f} s on a 50 KB line starting {where!r}"


@pytest.mark.parametrize("name", list(PARSERS))
def test_each_parser_is_bounded_on_a_doc_of_pathological_lines(name):
    # one prefix per unit: the parsers put the line in every place a rule reads
    took, where = worst(PARSERS[name], [line(u) for u in UNITS])
    assert took < PARSE_BOUND, f"{name}: {took:.2f} s on a doc of 50 KB lines {where!r}"


def test_a_line_over_the_render_bound_is_recorded():
    doc = docs.parse_doc("assets/docs/acme/acme.md", tfhub_publisher("[" * SIZE))
    assert "long-text" in {a.kind for a in doc.anomalies}
    p = page.parse_page("acme_net_small.md", pytorch_page("[" * SIZE))
    assert "long-text" in {a.kind for a in p.anomalies}
