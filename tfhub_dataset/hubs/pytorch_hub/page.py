"""One Markdown file at the root of pytorch/hub in, one parsed page out.

A *model page* is a root Markdown file whose YAML front matter has ``layout: hub_detail`` (in the
hub's first weeks, ``pytorch_hub_detail``) and that offers a model: a page with that layout but no
``torch.hub.load`` call and no GitHub repository in github-id, github-link or a call is a
placeholder (the hub's first test page, ``example.md``, 'ELFtest'), recorded and not counted. Its
handle is the file name without ``.md``: the
page's address on pytorch.org/hub. Other Markdown files (README.md, CONTRIBUTING.md, ...) are not
model pages.

The page's *publisher* is the GitHub owner of the repository that holds its ``hubconf.py``,
lower-cased (GitHub logins are case-insensitive: ``NVIDIA`` and ``nvidia`` are one account):
from ``github-id`` (required since May 2020), else from ``github-link``, else from the first
``torch.hub.load`` call. ``publisher_source`` says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfhub_dataset.hubs.pytorch_hub import frontmatter
from tfhub_dataset.hubs.pytorch_hub.anomaly import Anomaly
from tfhub_dataset.hubs.pytorch_hub.calls import Call, code_blocks, extract_calls, parse_repo
from tfhub_dataset.hubs.pytorch_hub.frontmatter import Field
from tfhub_dataset.hubs.pytorch_hub.links import URL_FIELDS, PageLink, github_repository, page_links
from tfhub_dataset.hubs.tfhub import markdown
from tfhub_dataset.hubs.tfhub.text import decode_text

MODEL_LAYOUTS = ("hub_detail", "pytorch_hub_detail")
# Values of the hub's first weeks, renamed on 2019-06-01 ("pytorch-hub -> hub").
LEGACY_VALUES = {
    "layout": {"pytorch_hub_detail": "hub_detail"},
    "background-class": {"pytorch-hub-background": "hub-background"},
    "body-class": {"pytorch-hub": "hub"},
}
LEGACY_KEYS = {"demo-model": "a flag; later 'demo-model-link' gives the demo's URL"}
TEXT_KEYS = (
    "layout", "background-class", "body-class", "title", "summary", "category", "image",
    "author", "github-link", "github-id", "featured_image_1", "featured_image_2", "accelerator",
    "order", "demo-model-link",
)  # fmt: skip
KNOWN_KEYS = frozenset({*TEXT_KEYS, "tags"})
# What the hub's template and sanity check require (github-id since 2020-05-01).
REQUIRED_KEYS = (
    "title", "summary", "image", "author", "tags", "github-link", "category", "github-id",
)  # fmt: skip
REQUIRED_SECTION = "model description"
QUOTES = "\"'“‘”’"


@dataclass
class Page:
    """A parsed root Markdown file; only ``is_model`` pages become rows."""

    path: str
    handle: str  # the file name without .md
    is_model: bool = False
    fields: dict[str, Field] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)  # single-valued fields, cleaned
    tags: list[tuple[str, int]] = field(default_factory=list)  # (tag as written, line)
    order: int | None = None
    calls: list[Call] = field(default_factory=list)
    links: list[PageLink] = field(default_factory=list)
    publisher: str | None = None  # lower-cased GitHub owner
    publisher_source: str | None = None  # github-id, github-link or torch-hub-load
    repository: str | None = None  # owner/repo, as written where it was found
    anomalies: list[Anomaly] = field(default_factory=list)

    def get(self, key: str) -> str | None:
        return self.text.get(key)

    def note(self, line: int | None, kind: str, detail: str) -> None:
        self.anomalies.append(Anomaly(self.path, line, kind, detail, self.handle))


def parse_page(path: str, data: bytes) -> Page:
    """Parse one root Markdown file. Never raises: every problem is an anomaly on the page."""
    page = Page(path=path, handle=path.removesuffix(".md"))
    text, repairs = decode_text(path, data)
    lines = text.split("\n")
    long_line = len(text) > markdown.MAX_RENDER and max(map(len, lines)) > markdown.MAX_RENDER
    span = frontmatter.find(lines)
    if span is None:
        return page  # README.md and the like: not a model page, nothing to record
    for a in repairs:  # found before the page was known
        page.note(a.line, a.kind, a.detail)
    if span == "unclosed":
        page.note(1, "unclosed-front-matter", "'---' on line 1 is never closed")
        return page
    assert isinstance(span, tuple)
    fm = frontmatter.read(lines, span)
    for line, kind, detail in fm.notes:
        page.note(line, kind, detail)
    page.fields = fm.fields
    layout = fm.fields.get("layout")
    if layout is None or layout.value not in MODEL_LAYOUTS:
        shown = "none" if layout is None else repr(str(layout.value)[:60])
        page.note(layout.line if layout else 1, "not-a-model-page", f"layout {shown}")
        return page
    page.is_model = True
    if long_line:
        page.note(None, "long-text", f"a line over {markdown.MAX_RENDER:,} characters")
    _read_fields(page)
    blanked = ["" for _ in range(fm.end)] + lines[fm.end :]
    page.calls, notes = extract_calls(blanked, fm.end)
    for line, kind, detail in notes:
        page.note(line, kind, detail)
    if not page.calls:
        page.note(None, "no-entrypoint", "no torch.hub.load call in the page's code blocks")
    url_fields = [(k, page.text[k], fm.fields[k].line) for k in URL_FIELDS if k in page.text]
    page.links = page_links("\n".join(blanked), url_fields)
    _identify_publisher(page)
    _check_section(page, blanked, fm.end)
    if not page.calls and page.repository is None:
        # Nothing to load and no repository to load it from: a placeholder (the hub's first
        # test page, 'ELFtest'), not a model.
        page.is_model = False
        title, link = page.get("title"), page.get("github-link")
        tags = ", ".join(t for t, _ in page.tags)
        page.note(
            page.fields["layout"].line,
            "placeholder-page",
            f"title {(title or '')[:60]!r}, tags [{tags[:60]}], github-link {(link or '')[:60]!r}",
        )
    return page


def _read_fields(page: Page) -> None:
    for key, f in page.fields.items():
        if key in LEGACY_KEYS:
            page.note(f.line, "legacy-key", f"'{key}' ({LEGACY_KEYS[key]})")
        elif key not in KNOWN_KEYS:
            page.note(f.line, "unknown-key", f"'{key[:60]}'")
    for key in TEXT_KEYS:
        f = page.fields.get(key)
        if f is None:
            continue
        value = _text(page, f)
        if value is None:
            continue
        renamed = LEGACY_VALUES.get(key, {}).get(value)
        if renamed:
            page.note(f.line, "legacy-value", f"{key}: {value} (later {renamed})")
        page.text[key] = value
    if "order" in page.text:
        raw = page.text["order"]
        if raw.isascii() and raw.lstrip("-").isdigit() and len(raw) < 10:
            page.order = int(raw)
        else:
            page.note(page.fields["order"].line, "invalid-value", f"order: {raw[:40]!r}")
    _read_tags(page)
    for key in REQUIRED_KEYS:
        if key not in page.fields:
            page.note(None, "missing-field", f"no '{key}'")


def _text(page: Page, f: Field) -> str | None:
    """A single-valued field as clean text; None (with a note) when empty or not text."""
    if f.value is None:
        page.note(f.line, "empty-value", f"'{f.key}' has no value")
        return None
    if not isinstance(f.value, str):
        page.note(f.line, "invalid-value", f"'{f.key}' is a {type(f.value).__name__}, not text")
        return None
    value = " ".join(f.value.split())
    inner = unquoted(value)
    if inner is not None:
        page.note(f.line, "quoted-value", f"{f.key}: {value[:60]}")
        value = inner.strip()
    if not value:
        page.note(f.line, "empty-value", f"'{f.key}' has no value")
        return None
    return value


def unquoted(value: str) -> str | None:
    """The text inside the quotes wrapping ``value`` (typographic or doubled: QUOTES at both
    ends), None when it is not wrapped. What ``^[QUOTES]+(.*?)[QUOTES]+$`` gives, without its
    cubic cost: each end loses its whole run of quotes, and a value of quotes only (two or more)
    holds nothing."""
    if len(value) < 2 or value[0] not in QUOTES or value[-1] not in QUOTES:
        return None
    inner = value.lstrip(QUOTES)
    if not inner:
        return ""
    return inner.rstrip(QUOTES)


def _read_tags(page: Page) -> None:
    f = page.fields.get("tags")
    if f is None:
        return
    items = f.value
    if isinstance(items, str):
        page.note(f.line, "tags-not-list", f"tags: {items[:60]!r}")
        items = items.strip().removeprefix("[").removesuffix("]").split(",")
    elif items is None:
        page.note(f.line, "empty-value", "'tags' has no value")
        return
    elif not isinstance(items, list):
        page.note(f.line, "invalid-value", "'tags' is a mapping, not a list")
        return
    for item in items:
        if not isinstance(item, str):
            page.note(f.line, "invalid-value", f"a tag that is a {type(item).__name__}, not text")
            continue
        tag = " ".join(item.split()).strip("\"'")
        if tag:
            page.tags.append((tag, f.line))


def _identify_publisher(page: Page) -> None:
    by_id = by_link = None
    gid, glink = page.get("github-id"), page.get("github-link")
    if gid is not None:
        parsed = parse_repo(gid.removesuffix("/"))
        if parsed is None or parsed[2] is not None:
            page.note(page.fields["github-id"].line, "invalid-github-id", f"{gid[:100]!r}")
        else:
            by_id = parsed[1]
    if glink is not None:
        owner_repo = github_repository(glink)
        if owner_repo is None:
            page.note(page.fields["github-link"].line, "non-github-link", f"{glink[:100]!r}")
        else:
            by_link = "/".join(owner_repo)
    if by_id and by_link and _owner(by_id) != _owner(by_link):
        page.note(
            page.fields["github-id"].line, "owner-mismatch", f"github-id {by_id}, link {by_link}"
        )
    by_call = next((c.repository for c in page.calls if c.repository), None)
    sources = (("github-id", by_id), ("github-link", by_link), ("torch-hub-load", by_call))
    for source, repo in sources:
        if repo:
            page.repository, page.publisher_source, page.publisher = repo, source, _owner(repo)
            break
    else:
        page.note(None, "unidentified-publisher", "no owner in github-id, github-link or calls")
        return
    if by_id:
        seen = set()
        for call in page.calls:
            repo = call.repository
            if repo and repo.lower() != by_id.lower() and repo.lower() not in seen:
                seen.add(repo.lower())
                page.note(call.line, "repository-mismatch", f"loads {repo}; github-id {by_id}")
    prefix = page.handle.split("_", 1)[0]
    if _squash(prefix) != _squash(page.publisher or ""):
        page.note(
            None, "path-convention", f"file name starts {prefix[:40]!r}, owner {page.publisher!r}"
        )


def _owner(repo: str) -> str:
    return repo.split("/", 1)[0].lower()


def _squash(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "")


def _check_section(page: Page, lines: list[str], first: int) -> None:
    _, outside = code_blocks(lines, first)
    for i in outside:
        h = markdown.heading(lines[i])
        if h and markdown.plain(h.text).rstrip(":").strip().lower() == REQUIRED_SECTION:
            return
    page.note(None, "missing-section", "no 'Model Description' heading")
