"""Links of a model page: its front matter's repository and demo links, and the URLs of its body
(images included: an HTML image's source, the badge image inside a link).

Link types are assigned by host as for TF Hub's publisher links (same ids where the hosts are the
same), with the hosts PyTorch Hub pages link to most added: Hugging Face Spaces (the hub's demos),
Colab notebooks and pytorch.org.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from tfhub_dataset.hubs.tfhub.links import extract_links

# Link types, in the order a host is tested; the first whose pattern matches wins; any other
# host is a website. The table `link_types` is generated from these lists.
LINK_TYPES: list[tuple[str, str, str]] = [
    ("github", "GitHub profile, organisation or repository", r"(^|\.)github\.com$"),
    ("huggingface", "Hugging Face (Spaces demos, models)", r"(^|\.)huggingface\.co$"),
    ("colab", "a Colab notebook", r"^colab\.research\.google\.com$"),
    ("paper", "a paper (arXiv)", r"(^|\.)arxiv\.org$"),
    ("pytorch", "a page of pytorch.org (docs, the hub itself)", r"(^|\.)pytorch\.org$"),
    ("image", "an image host", r"(^|\.)(githubusercontent\.com|gstatic\.com)$"),
]
OTHER_TYPES: list[tuple[str, str]] = [
    ("website", "any other web site"),
    ("email", "an e-mail address (mailto: link or bare address)"),
    ("relative", "a path inside the pytorch/hub repository or site (no host)"),
]
URL_FIELDS = ("github-link", "demo-model-link")
GITHUB_REPO = re.compile(r"^/([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9_.-]+?)(?:\.git)?(?:/|$)")


@dataclass(frozen=True)
class PageLink:
    position: int
    line: int
    url: str
    text: str | None
    kind: str  # front-matter, markdown, autolink, html, bare, icon, html-image, link-image
    link_type: str
    field: str | None  # the front matter key, for front-matter links
    label: str | None
    section: str | None


def classify(url: str) -> str:
    """The link type of a URL, by host."""
    if url.lower().startswith("mailto:"):
        return "email"
    try:
        host = (urlsplit(url if "://" in url else "http://" + url).hostname or "").lower()
    except ValueError:  # e.g. an invalid IPv6 literal
        return "website"
    if "://" not in url and not url.lower().startswith("www."):
        return "relative"
    for name, _, pattern in LINK_TYPES:
        if re.search(pattern, host):
            return name
    return "website"


def github_repository(url: str) -> tuple[str, str] | None:
    """(owner, repository) of a github.com URL, as written ('.git' dropped); None otherwise."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or (parts.hostname or "") not in (
        "github.com",
        "www.github.com",
    ):
        return None
    m = GITHUB_REPO.match(parts.path)
    return (m.group(1), m.group(2)) if m else None


def page_links(body: str, fields: list[tuple[str, str, int]]) -> list[PageLink]:
    """Front matter URL fields (key, url, line) first, then the body's URLs in reading order.

    ``body`` is the whole file with its front matter blanked, so that lines keep their numbers.
    """
    links = [
        PageLink(n, line, url, None, "front-matter", classify(url), key, None, None)
        for n, (key, url, line) in enumerate(fields, start=1)
    ]
    for link in extract_links(body, images=True):
        links.append(
            PageLink(
                len(links) + 1,
                link.line,
                link.url,
                link.text or None,
                link.kind,
                classify(link.url),
                None,
                link.label,
                link.section,
            )
        )
    return links
