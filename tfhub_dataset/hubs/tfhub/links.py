"""External URLs in publisher docs, and tfhub.dev handles linked from collections."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from tfhub_dataset.hubs.tfhub import markdown

# A paper: a DOI, arXiv, or the usual hosts of proceedings and journals; also any URL of another
# web site whose path is a PDF (classify). Shared with PyTorch Hub's link types.
PAPER_HOSTS = (
    r"(^|\.)(arxiv\.org|doi\.org|aclanthology\.org|aclweb\.org|openaccess\.thecvf\.com"
    r"|papers\.nips\.cc|proceedings\.neurips\.cc|proceedings\.mlr\.press|openreview\.net"
    r"|dl\.acm\.org|ieeexplore\.ieee\.org|link\.springer\.com|joss\.theoj\.org|biorxiv\.org"
    r"|medrxiv\.org|semanticscholar\.org)$"
)
PAPER_DESCRIPTION = (
    "a paper: a DOI (doi.org), arXiv, or a host of proceedings or journals (ACL Anthology, CVF "
    "Open Access, NeurIPS, PMLR, OpenReview, ACM DL, IEEE Xplore, Springer, JOSS, bioRxiv, "
    "medRxiv, Semantic Scholar); also a PDF (a path ending .pdf) on any other web site"
)
# Link types, in the order a host is tested. The first whose pattern matches the host wins;
# anything else with a host is a website (a PDF: a paper). The table `link_types` is generated
# from this list.
LINK_TYPES: list[tuple[str, str, str]] = [
    ("github", "GitHub profile, organisation or repository", r"(^|\.)github\.com$"),
    ("gitlab", "GitLab profile or repository", r"(^|\.)gitlab\.com$"),
    ("bitbucket", "Bitbucket repository", r"(^|\.)bitbucket\.org$"),
    ("linkedin", "LinkedIn profile or company page", r"(^|\.)linkedin\.com$"),
    ("twitter", "Twitter/X profile", r"(^|\.)(twitter\.com|x\.com)$"),
    ("kaggle", "Kaggle profile", r"(^|\.)kaggle\.com$"),
    ("paper", PAPER_DESCRIPTION, PAPER_HOSTS),
    ("tfhub", "a page of tfhub.dev itself", r"(^|\.)tfhub\.dev$"),
    ("image", "an image host (avatars, logos)", r"(^|\.)(githubusercontent\.com|gstatic\.com)$"),
]
OTHER_TYPES: list[tuple[str, str]] = [
    ("website", "any other web site (home page, organisation, personal site, GitHub Pages)"),
    ("email", "an e-mail address (mailto: link or bare address)"),
    ("icon", "the publisher's icon image ([![Icon URL]](...)); also in publishers.icon_url"),
]
LINK_KINDS = ("markdown", "autolink", "html", "bare", "icon")
# With ``images``: an HTML image's source, and the image inside a linked image (a badge).
IMAGE_KINDS = ("html-image", "link-image")
# What ``^\\W*\\**\\s*([A-Za-z][\\w .+-]{0,30}?)\\s*\\**\\s*:`` finds, linear: '*' and white space
# are non-word characters already, and neither run can give back a character that helps.
LABEL = re.compile(r"^\W*+([A-Za-z][\w .+-]{0,30}?)\s*+\**+\s*+:")
# <img ... src="url">: attributes before src bounded, so a line of unclosed tags stays linear.
HTML_IMAGE = re.compile(r"<img\s[^>]{0,2000}?\bsrc\s*=\s*[\"']([^\"'\s>]{1,2000})[\"']", re.I)
# The label of [![alt](image)](url): the image's URL.
LINKED_IMAGE = re.compile(r"^!\[[^\[\]]*\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"]*\")?\s*\)$")


@dataclass(frozen=True)
class Link:
    position: int
    line: int
    url: str
    text: str
    kind: str  # one of LINK_KINDS
    link_type: str
    label: str | None  # e.g. "GitHub" in "**GitHub:** [x](...)"
    section: str | None  # the heading above the link


def classify(url: str, kind: str) -> str:
    """The link type of a URL (by host, not by the label written beside it)."""
    if kind == "icon":
        return "icon"
    if url.lower().startswith("mailto:"):
        return "email"
    try:
        parts = urlsplit(url if "://" in url else "http://" + url)
        host = (parts.hostname or "").lower()
    except ValueError:  # e.g. an invalid IPv6 literal ('http://[x'): a traceback before
        return "website"
    for name, _, pattern in LINK_TYPES:
        if re.search(pattern, host):
            return name
    return "paper" if is_pdf(parts.path) else "website"


def is_pdf(path: str) -> bool:
    """A URL path naming a PDF document (a paper, when no host type claims it)."""
    return path.lower().endswith(".pdf")


def extract_links(text: str, images: bool = False) -> list[Link]:
    """Every URL in a publisher doc, in reading order, markdown links and bare URLs told apart.

    ``images`` adds the sources of HTML images (``<img src>``) and the image inside a linked
    image (``[![DOI](badge.svg)](url)``: the badge, right after its link)."""
    body = markdown.strip_comments(markdown.blank_code(text)).split("\n")
    found: list[tuple[int, int, str, str, str]] = []  # line, col, url, text, kind
    section = None
    sections: dict[int, str | None] = {}
    labels: dict[int, re.Match[str] | None] = {}  # line -> LABEL on the whole line
    for no, line in enumerate(body, start=1):
        h = markdown.heading(line)
        if h and no > 1:
            section = markdown.text(h.text, inline=True) or None
        sections[no] = section
        taken = _Taken()
        for m in markdown.MD_LINK.finditer(line):
            taken.append(m.span())
            url, label = m.group(3), m.group(2)
            is_icon = label.startswith("![") and "icon" in label.lower()
            if label.startswith("!["):
                label = re.sub(r"^!\[([^\]]*)\].*$", r"\1", label)
            found.append(
                (
                    no,
                    m.start(),
                    url,
                    markdown.text(label, inline=True),
                    "icon" if is_icon else "markdown",
                )
            )
            inner = LINKED_IMAGE.match(m.group(2)) if images and not m.group(1) else None
            if inner:  # the badge of [![alt](image)](url), read right after its link
                alt = markdown.text(re.sub(r"^!\[([^\]]*)\].*$", r"\1", m.group(2)), inline=True)
                found.append((no, m.start() + 1, inner.group(1), alt, "link-image"))
        for m in markdown.AUTOLINK.finditer(line):
            if not _inside(m.span(), taken):
                taken.append(m.span())
                found.append((no, m.start(), m.group(1), m.group(1), "autolink"))
        for start, end, href, inner in markdown.html_anchors(line):
            if not _inside((start, end), taken):
                taken.append((start, end))  # the whole <a ...>text</a>: its text is no bare URL
                anchor = markdown.text(inner or "", inline=True)
                found.append((no, start, href, anchor, "html"))
        for m in HTML_IMAGE.finditer(line) if images else ():
            taken.append(m.span())
            found.append((no, m.start(), m.group(1), "", "html-image"))
        for m in markdown.BARE_URL.finditer(line):
            if not _inside(m.span(), taken):
                url = m.group(1).rstrip(".,;:!?*")
                taken.append(m.span())
                found.append((no, m.start(), url, url, "bare"))
        for m in markdown.BARE_EMAIL.finditer(line):
            if not _inside(m.span(), taken):
                found.append((no, m.start(), "mailto:" + m.group(1), m.group(1), "bare"))
    found.sort(key=lambda f: (f[0], f[1]))
    links = []
    for pos, (no, col, url, label_text, kind) in enumerate(found, start=1):
        # The label before column col: LABEL on line[:col] is LABEL on the whole line when that
        # ends by col, and none otherwise (a later end means every match ends later), so each
        # line is matched once, however many links it holds.
        if no not in labels:
            labels[no] = LABEL.match(body[no - 1])
        lab = labels[no] if labels[no] is not None and labels[no].end() <= col else None
        links.append(
            Link(
                position=pos,
                line=no,
                url=url,
                text=label_text,
                kind=kind,
                link_type=classify(url, kind),
                label=lab.group(1).strip() if lab else None,
                section=sections.get(no),
            )
        )
    return links


class _Taken:
    """The spans of a line already read as links: whether a match starts inside one, in
    logarithmic time (a line of thousands of links was quadratic), spans kept merged."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def append(self, span: tuple[int, int]) -> None:
        a, b = span
        i = bisect.bisect_left(self.ends, a)  # the first span that ends at or after a
        j = bisect.bisect_right(self.starts, b)  # past the last span that starts at or before b
        if i < j:  # overlapping or touching spans merge
            a, b = min(a, self.starts[i]), max(b, self.ends[j - 1])
        self.starts[i:j] = [a]
        self.ends[i:j] = [b]

    def covers(self, at: int) -> bool:
        i = bisect.bisect_right(self.starts, at) - 1
        return i >= 0 and at < self.ends[i]


def _inside(span: tuple[int, int], taken: _Taken) -> bool:
    return taken.covers(span[0])


TFHUB_URL = re.compile(r"https?://tfhub\.dev/([A-Za-z0-9][A-Za-z0-9_./+-]*)")
NOT_NEWLINE = re.compile(r"[^\n]")
# Where on the page a collection listed a member; tfhub.dev showed only 'text'.
LISTED_IN = ("text", "code", "comment")


@dataclass(frozen=True)
class Target:
    """A tfhub.dev handle a collection links to: where it is first listed, preferring what the
    page showed (text, then fenced code, then an HTML comment)."""

    target: str
    line: int
    listed_in: str  # one of LISTED_IN


def tfhub_targets(text: str) -> list[Target]:
    """tfhub.dev handles linked anywhere in a doc, in order of the line each is listed on.

    Every line counts, comments and code included, as in upstream's validator
    (``tools/validator.py``: a collection's members are the model URLs on any of its lines).
    """
    code = markdown.code_spans(text)  # whole lines, from a fence's line start to a line end
    # Comments outside code, found in a copy with code blanked to the same length (offsets hold).
    blanked, pos = [], 0
    for start, end in code:
        blanked += (text[pos:start], NOT_NEWLINE.sub(" ", text[start:end]))
        pos = end
    blanked.append(text[pos:])
    comments = markdown.comment_spans("".join(blanked))
    best: dict[str, tuple[int, Target]] = {}  # target -> (offset, where it is listed)
    line, pos, in_code, in_comment = 1, 0, 0, 0  # matches come in order: so do the spans
    for m in TFHUB_URL.finditer(text):
        target = m.group(1).rstrip("/.,;:)")
        if "/" not in target or "..." in m.group(0):
            continue  # a publisher page or an elided example
        at = m.start()
        line += text.count("\n", pos, at)
        pos = at
        while in_code < len(code) and code[in_code][1] <= at:
            in_code += 1
        while in_comment < len(comments) and comments[in_comment][1] <= at:
            in_comment += 1
        if in_code < len(code) and code[in_code][0] <= at:
            where = "code"
        elif in_comment < len(comments) and comments[in_comment][0] <= at:
            where = "comment"
        else:
            where = "text"
        seen = best.get(target)
        if seen is None or LISTED_IN.index(where) < LISTED_IN.index(seen[1].listed_in):
            best[target] = (m.start(), Target(target, line, where))
    return [t for _, t in sorted(best.values(), key=lambda x: x[0])]
