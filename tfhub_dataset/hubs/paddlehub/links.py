"""Links of a module's README: every URL, typed by host, and which of them are papers.

Link types are assigned by host as for TF Hub's and PyTorch Hub's links (the same ids where the
hosts are the same: github, huggingface, paper, image, website, email, relative), with the hosts
PaddleHub's READMEs link to most added: Baidu's AI Studio (notebooks and demos), the
PaddlePaddle site (docs, the hub's own pages), Baidu's object storage (model files, data sets,
images) and loopback or private addresses (the serving examples' ``http://127.0.0.1:8866``).

The scanner runs over text whose fenced code and HTML comments are blanked (readme.py). Every
pattern is linear: each is anchored at a literal ('[', '<', 'http', 'www.') and its repeated
parts are single character classes that exclude what follows them, with bounded lengths, so no
match backtracks over more than its own bounded span (a 1 MiB line of '[a](' scans in
milliseconds; see tests/test_paddlehub_readme.py).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# Link types, in the order a host is tested; the first whose pattern matches wins. The table
# `link_types` is generated from these lists.
LINK_TYPES: list[tuple[str, str, str]] = [
    ("github", "GitHub profile, organisation or repository", r"(^|\.)github\.com$"),
    ("huggingface", "Hugging Face (models, Spaces demos)", r"(^|\.)huggingface\.co$"),
    (
        "paper",
        "a paper (arXiv, OpenReview, ACL Anthology, JMLR, CVF, NeurIPS, PMLR, Semantic Scholar)",
        r"(^|\.)(arxiv\.org|openreview\.net|aclweb\.org|aclanthology\.org|jmlr\.org|thecvf\.com"
        r"|nips\.cc|neurips\.cc|mlr\.press|semanticscholar\.org)$",
    ),
    ("aistudio", "Baidu AI Studio (notebooks, demos, data sets)", r"^aistudio\.baidu\.com$"),
    (
        "paddlepaddle",
        "a page of the PaddlePaddle site (docs, the hub's own pages)",
        r"(^|\.)paddlepaddle\.org\.cn$",
    ),
    (
        "image",
        "an image host (screenshots, badges)",
        r"(^|\.)(githubusercontent\.com|shields\.io|bdstatic\.com|csdnimg\.cn)$",
    ),
    (
        "bcebos",
        "Baidu Cloud object storage (model files, data sets, images)",
        r"(^|\.)bcebos\.com$",
    ),
]
OTHER_TYPES: list[tuple[str, str]] = [
    ("local", "a loopback, private or placeholder address (serving examples: 127.0.0.1:8866)"),
    ("website", "any other web site"),
    ("email", "an e-mail address (mailto: link or bare address): personal data, never kept"),
    ("relative", "a path inside the PaddleHub repository (no host)"),
]
LINK_KINDS = ("markdown", "image", "html", "html-image", "autolink", "bare")
_TYPE_PATTERNS = [(name, re.compile(pattern)) for name, _, pattern in LINK_TYPES]

# [text](url "title") and ![alt](src): text without brackets (a badge's [![..](..)](..) gives its
# image here and its target as a bare URL), url without white space, parentheses or angles.
MD_LINK = re.compile(
    r"(!?)\[([^\[\]\n]{0,500})\]\(\s{0,20}<?([^()\s<>]{1,2000})>?(?:\s{1,20}\"[^\"\n]{0,300}\")?"
    r"\s{0,20}\)"
)
AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]{1,2000})>")
# <a ... href="url">, <img ... src="url">: attributes without '<' or '>', so that one tag's scan
# ends at the next tag.
HTML_TAG = re.compile(
    r"<(a|img)\s[^<>]{0,2000}?\b(href|src)\s{0,20}=\s{0,20}[\"']([^\"'<>\s]{1,2000})[\"']",
    re.IGNORECASE,
)
BARE_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"'`|]{1,2000}")
BARE_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}"
    r"\.[A-Za-z]{2,20}\b"
)
ANCHOR_TEXT = re.compile(r"[^<]{0,500}")  # always matches (match() anchors it)
ARXIV_ID = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})(?:v\d{1,3})?", re.IGNORECASE)
PAPER_WORDS = re.compile(r"论文|paper|技术报告|technical report", re.IGNORECASE)
MAX_LINKS = 2_000  # per README


@dataclass(frozen=True)
class Link:
    position: int
    line: int
    url: str
    text: str | None
    kind: str  # one of LINK_KINDS
    link_type: str
    section: str | None  # the heading above it


def classify(url: str) -> str:
    """The link type of a URL, by host."""
    if url.lower().startswith("mailto:"):
        return "email"
    has_scheme = "://" in url[:20]
    if not has_scheme and not url.lower().startswith("www."):
        return "relative"
    try:
        host = (urlsplit(url if has_scheme else "http://" + url).hostname or "").lower()
    except ValueError:  # e.g. an invalid IPv6 literal
        return "website"
    if _is_local(host):
        return "local"
    for name, pattern in _TYPE_PATTERNS:
        if pattern.search(host):
            return name
    return "website"


def _is_local(host: str) -> bool:
    if host in ("localhost", "host_ip", "ip", "your_ip") or "." not in host:
        return True
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return False
    return addr.is_loopback or addr.is_private or addr.is_unspecified


def arxiv_id(url: str) -> str | None:
    m = ARXIV_ID.search(url[:300])
    return m.group(1) if m else None


def is_paper(link_type: str, text: str | None) -> bool:
    """A paper link: to a paper host, or whose text says it is a paper (论文, paper, 技术报告)."""
    if link_type == "paper":
        return True
    if not text or link_type in ("image", "local", "email", "relative"):
        return False
    return PAPER_WORDS.search(text[:500]) is not None


def extract_links(lines: list[str], sections: list[str | None]) -> tuple[list[Link], bool]:
    """Every URL of the lines (code and comments already blanked), in reading order, and whether
    more than MAX_LINKS were met (the rest left out).

    ``sections[i]`` is the heading above line ``i``. A span a link was read from is not read
    again (a markdown link's URL is not also a bare URL)."""
    found: list[tuple[int, int, str, str | None, str]] = []
    for no, line in enumerate(lines, start=1):
        if not any(c in line for c in ("[", "<", "http", "www.", "@")):
            continue
        if _scan_line(no, line, found):
            break
    found.sort(key=lambda f: (f[0], f[1]))
    links = [
        Link(pos, no, url, text, kind, classify(url), sections[no - 1])
        for pos, (no, _, url, text, kind) in enumerate(found[:MAX_LINKS], start=1)
    ]
    return links, len(found) > MAX_LINKS


def _scan_line(no: int, line: str, found: list[tuple[int, int, str, str | None, str]]) -> bool:
    """Add one line's links to ``found``; True once it holds more than MAX_LINKS."""
    taken: list[tuple[int, int]] = []

    def add(span: tuple[int, int], url: str, text: str | None, kind: str) -> bool:
        taken.append(span)
        found.append((no, span[0], url, text, kind))
        return len(found) > MAX_LINKS

    for m in MD_LINK.finditer(line):
        if add(
            m.span(), m.group(3), m.group(2).strip() or None, "image" if m.group(1) else "markdown"
        ):
            return True
    for m in AUTOLINK.finditer(line):
        if not _inside(m.start(), taken) and add(m.span(), m.group(1), m.group(1), "autolink"):
            return True
    for m in HTML_TAG.finditer(line):
        if _inside(m.start(), taken):
            continue
        kind, text = ("html-image" if m.group(1).lower() == "img" else "html"), None
        if kind == "html":
            close = line.find(">", m.end())
            if close >= 0:
                text = ANCHOR_TEXT.match(line, close + 1).group(0).strip() or None  # type: ignore[union-attr]
        if add(m.span(), m.group(3), text, kind):
            return True
    for m in BARE_URL.finditer(line):
        if not _inside(m.start(), taken) and add(
            m.span(), m.group(0).rstrip(".,;:!?*"), None, "bare"
        ):
            return True
    if "@" in line:
        for m in BARE_EMAIL.finditer(line):
            if not _inside(m.start(), taken) and add(
                m.span(), "mailto:" + m.group(0), None, "bare"
            ):
                return True
    return False


def _inside(at: int, taken: list[tuple[int, int]]) -> bool:
    return any(a <= at < b for a, b in taken)
