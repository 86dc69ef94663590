"""The release README with hostile source strings, rendered by a real CommonMark/GFM renderer
(markdown-it-py with tables and raw HTML on): tables keep their columns, the data's text comes
out as text, and no HTML, link or image comes from the data. Long fields and TeX-like labels."""

from __future__ import annotations

import csv
import html
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.rules_block.table import escapedSplit

from tests.synthetic import MODULE, snapshot
from tests.test_tables import TYPES
from tfhub_dataset.hubs.tfhub.catalog import build_catalog
from tfhub_dataset.hubs.tfhub.report.readme import render_report
from tfhub_dataset.hubs.tfhub.tables import build_tables
from tfhub_dataset.package.write import ReleaseInfo, render_release
from tfhub_dataset.report.markdown import code, md_escape, table
from tfhub_dataset.report.release_report import is_report_file

GFM = MarkdownIt("commonmark", {"html": True}).enable("table")
INFO = ReleaseInfo(
    "hostile", "2023-05-06", "0123456789abcdef0123456789abcdef01234567", "2023-05-06T07:08:09Z"
)
NAME = (
    "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> "
    "a|b `c` $\\frac{1}{2}$ **b** &amp; # h ~~s~~"
)
TAG_ID = "a|b`<i>x</i>"
DATASETS = f"values:\n  - id: '{TAG_ID}'\n    display_name: '[y](javascript:alert(2)) | z'\n"
OWN_TAGS = {"h1", "h2", "h3", "p", "ul", "li", "table", "thead", "tbody", "tr", "th", "td", "code",
            "pre", "a", "img", "strong", "em", "blockquote", "details", "summary"}  # fmt: skip


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def release(publisher_doc: str, **files: str) -> dict[str, bytes]:
    snap = snapshot(
        {
            "assets/docs/acme/acme.md": publisher_doc,
            "assets/docs/acme/models/vision/classifier/1.md": MODULE.format(version=1)
            + f"<!-- dataset: {TAG_ID} -->\n",
            **files,
        }
    )
    snap.files["tags/dataset.yaml"] = DATASETS.encode()  # type: ignore[index]
    written = render_release(build_tables(build_catalog(snap), TYPES), INFO)
    return {**written, **render_report(written, INFO)}


@pytest.fixture(scope="module")
def hostile() -> dict[str, bytes]:
    return release(f"# Publisher acme\n{NAME}\n\nWe build models.\n")


def table_rows(source: str) -> list[tuple[int, list[int]]]:
    """Each GFM table of ``source``: the header's cell count and every row's, split as the
    renderer splits them (before it pads or cuts rows to the header's count)."""
    lines = source.split("\n")
    out = []
    for token in GFM.parse(source):
        if token.type == "table_open":
            start, end = token.map
            counts = []
            for line in lines[start:end]:
                cells = escapedSplit(line.strip())
                counts.append(len(cells) - (cells[0] == "") - (cells[-1] == ""))
            out.append((counts[0], counts))
    return out


def without_front_matter(readme: str) -> str:
    """The README as GitHub renders it: the YAML front matter (Hugging Face configs, written
    by the build from table names alone) is shown apart, not as Markdown."""
    if readme.startswith("---\n"):
        front, _, body = readme[4:].partition("\n---\n")
        assert NAME not in front
        return body
    return readme


def test_every_table_keeps_its_columns_and_no_html_comes_from_the_data(hostile):
    readme = without_front_matter(hostile["README.md"].decode("utf-8"))
    tables = table_rows(readme)
    assert len(tables) > 10
    for header, counts in tables:
        assert counts[1:] == [header] * (len(counts) - 1)  # the delimiter row and every row
    parser = Tags()
    parser.feed(GFM.render(readme))
    tags = {tag for tag, _ in parser.tags}
    assert tags <= OWN_TAGS, tags - OWN_TAGS
    for tag, attrs in parser.tags:
        target = attrs.get("href") or attrs.get("src") or ""
        assert not target.lower().startswith("javascript"), (tag, attrs)
        if tag == "img":
            assert target.startswith("figures/")
    text = "".join(parser.text)  # character references already resolved
    assert NAME in text  # the display name, as text, whole
    assert "[y](javascript:alert(2)) | z" in text


def test_the_readme_source_holds_no_raw_markup_from_the_data(hostile):
    readme = hostile["README.md"].decode("utf-8")
    for raw in (r"<script>", r"\]\(javascript:", r"<img src=x", r"<i>x", r"`a\|b", r"\|\s*z"):
        assert not re.search(r"(?<!\\)" + raw, readme), raw


ALPHABET = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET, max_size=40))
def test_escaped_text_and_code_render_as_themselves_in_a_table_cell(value):
    row = [md_escape(value), code(value), code(value, in_table=True), "z"]
    source = "\n".join(table(["a", "b", "c", "d"], [row]))
    tokens = GFM.parse(source)
    cells = [t for t in tokens if t.type == "inline"]
    assert len(cells) == 8  # four header cells, four body cells: no cell added or lost
    parser = Tags()
    parser.feed(GFM.render(source))
    assert {tag for tag, _ in parser.tags} <= {"table", "thead", "tbody", "tr", "th", "td", "code"}
    flat = re.sub(r"[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]+", " ", value)  # one line
    for cell in cells[4:7]:
        got = GFM.renderInline(cell.content).removeprefix("<code>").removesuffix("</code>")
        # md_escape breaks what GitHub would autolink (an address, a URL) with an empty HTML
        # comment, which a reader never sees: the text shown is the value
        got = got.replace("<!-- -->", "")
        assert html.unescape(got).strip() == flat.strip()


def test_a_description_longer_than_the_csv_field_limit_is_read_back(tmp_path):
    """Every reader of the written CSV takes it: the report, CHANGES.md against a release before
    it (either side long), and the SQLite database."""
    import apsw

    from tfhub_dataset.package.sqlite import sqlite_bytes

    limit = csv.field_size_limit()
    long = "d" * 200_000
    files = release(f"# Publisher acme\nACME\n\n{long}\n")
    assert "README.md" in files and long.encode() in files["data/publishers.csv"]
    before = release("# Publisher acme\nACME\n\nShort.\n")
    for new, old in ((files, before), (before, files)):
        inputs = {p: b for p, b in new.items() if not is_report_file(p)}
        assert b"## Schema changes" in render_report(inputs, INFO, previous=old)["CHANGES.md"]
    db = apsw.Connection(":memory:")
    db.deserialize("main", sqlite_bytes(files))
    ((description,),) = db.execute("SELECT description FROM publishers").fetchall()
    assert description == long
    assert csv.field_size_limit() == limit  # the process-wide limit is left as it was


@pytest.mark.parametrize("name", ["cost $\\foo{ $5", "$x^2$ and $\\alpha$", "$"])
def test_chart_labels_are_plain_text(name):
    files = release(f"# Publisher acme\n{name}\n")
    assert files["figures/models_per_publisher.png"].startswith(b"\x89PNG")
