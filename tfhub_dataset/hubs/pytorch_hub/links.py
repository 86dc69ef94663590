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

from tfhub_dataset.hubs.tfhub.links import PAPER_DESCRIPTION, PAPER_HOSTS, extract_links, is_pdf

# Link types, in the order a host is tested; the first whose pattern matches wins; any other
# host is a website. The table `link_types` is generated from these lists.
LINK_TYPES: list[tuple[str, str, str]] = [
    ("github", "GitHub profile, organisation or repository", r"(^|\.)github\.com$"),
    ("huggingface", "Hugging Face (Spaces demos, models)", r"(^|\.)huggingface\.co$"),
    ("colab", "a Colab notebook", r"^colab\.research\.google\.com$"),
    ("paper", PAPER_DESCRIPTION, PAPER_HOSTS),
    ("pytorch", "a page of pytorch.org (docs, the hub itself)", r"(^|\.)pytorch\.org$"),
    ("image", "an image host", r"(^|\.)(githubusercontent\.com|gstatic\.com)$"),
]
OTHER_TYPES: list[tuple[str, str]] = [
    ("website", "any other web site"),
    ("email", "an e-mail address (mailto: link or bare address)"),
    ("relative", "a path inside the pytorch/hub repository or site (no host): '/x', 'audio/'"),
    ("placeholder", "a link target that is neither a URL nor a path: a word such as 'link'"),
]
# A host written without a scheme ('sisec18.unmix.app/x'): dot-separated labels and a final label
# of letters, which a file name's extension ('hybridnets.jpg') is not.
HOST_WITHOUT_SCHEME = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\.)+([a-z]{2,24})(?::\d{1,5})?(?:[/?#]|$)", re.I
)
FILE_EXTENSIONS = frozenset((
    "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "md", "html", "htm", "pdf", "py", "ipynb",
    "txt", "json", "yaml", "yml", "zip", "gz", "tar", "csv", "mp3", "wav", "mp4", "pt", "pth",
    "onnx",
))  # fmt: skip
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
    """The link type of a URL, by host; a target without a scheme is a host when it reads as
    one ('sisec18.unmix.app'), else a path ('audio/', 'x.jpg', '#top') or a placeholder
    ('link')."""
    if url.lower().startswith("mailto:"):
        return "email"
    if "://" not in url and not url.lower().startswith("www."):
        host_like = HOST_WITHOUT_SCHEME.match(url[:300])
        if not host_like or host_like.group(1).lower() in FILE_EXTENSIONS:
            return "relative" if re.search(r"[/.#?]", url) else "placeholder"
    try:
        parts = urlsplit(url if "://" in url else "http://" + url)
        host = (parts.hostname or "").lower()
    except ValueError:  # e.g. an invalid IPv6 literal
        return "website"
    for name, _, pattern in LINK_TYPES:
        if re.search(pattern, host):
            return name
    return "paper" if is_pdf(parts.path) else "website"


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
