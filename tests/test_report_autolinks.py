"""No link in a release README comes from the data (issue 22, finding 7): bare URLs, www. hosts
and e-mail addresses in display names, vocabulary names and authors were autolinked by GitHub's
renderer. Checked with cmarkgfm, the bindings of GitHub's own cmark-gfm, on both hubs' READMEs."""

from __future__ import annotations

import re

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from tests import synthetic, synthetic_pytorch_hub
from tfhub_dataset.build import Pin, build_release
from tfhub_dataset.report.markdown import md_escape

EVIL = (
    "https://evil.example/a www.evil.example WWW.evil.example evil@evil.example "
    "mailto:x@evil.example"
)
ODD = [EVIL, "x@y.co", "http://a.b", "www.a.b", "(www.a.b)", "a.b@c-d.e"]


def rendered(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def links_to_evil(html: str) -> list[str]:
    return [h for h in re.findall(r'href="([^"]*)"', html) if "evil" in h]


class One:
    def __init__(self, snap):
        self.snap = snap

    def snapshot(self, commit):
        return self.snap


@pytest.mark.parametrize("text", ODD)
def test_escaped_text_is_never_an_autolink(text):
    html = rendered(f"| a |\n| --- |\n| {md_escape(text)} |\n\n{md_escape(text)}\n")
    assert "<a " not in html, html
    # the text itself, whole, in the cell and the paragraph (an empty comment shows nothing)
    assert html.replace("<!-- -->", "").count(text) == 2


def test_neither_hubs_readme_links_to_the_data(tmp_path):
    tfhub = synthetic.snapshot(
        {
            "assets/docs/acme/acme.md": f"# Publisher acme\nAcme {EVIL}\n\nWe build models.\n",
            "assets/docs/acme/models/vision/classifier/1.md": synthetic.MODULE.format(version=1)
            + "<!-- dataset: evil -->\n",
            "tags/dataset.yaml": f"values:\n  - id: evil\n    display_name: '{EVIL}'\n",
        }
    )
    torch = synthetic_pytorch_hub.snapshot(
        {"acme-lab_acmenet_small.md": synthetic_pytorch_hub.page(category=EVIL)}
    )
    for snap, hub, rid in ((tfhub, "tfhub", "t"), (torch, "pytorch-hub", "pytorch-hub-p")):
        pin = Pin(rid, snap.date, snap.commit, snap.commit_date, version="1.0.0",
                  released="2024-01-01", hub=hub)  # fmt: skip
        out = build_release(pin, One(snap), tmp_path, validate=False, progress=lambda _m: None)
        readme = (out / "README.md").read_text(encoding="utf-8")
        assert "evil" in readme  # the data is there, as text
        assert links_to_evil(rendered(readme)) == [], hub
