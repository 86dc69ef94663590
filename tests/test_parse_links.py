"""Publisher links: markdown links and bare URLs told apart, typed by host."""

import pytest

from tfhub_dataset.hubs.tfhub.links import classify, extract_links, tfhub_targets


def links(text):
    return [(ln.kind, ln.link_type, ln.url) for ln in extract_links(text)]


def test_markdown_bare_autolink_html_and_email_told_apart():
    text = (
        "# Publisher x\nX\n\n"
        "[![Icon URL]](https://img.example/x.png)\n"
        "## [x.example](https://x.example)\n"
        "Site www.x.example/about and https://github.com/x.\n"
        '<https://twitter.com/x> and <a href="https://www.linkedin.com/in/x">me</a>\n'
        "Contact: info@x.example and [mail](mailto:me@x.example)\n"
    )
    assert links(text) == [
        ("icon", "icon", "https://img.example/x.png"),
        ("markdown", "website", "https://x.example"),
        ("bare", "website", "www.x.example/about"),
        ("bare", "github", "https://github.com/x"),
        ("autolink", "twitter", "https://twitter.com/x"),
        ("html", "linkedin", "https://www.linkedin.com/in/x"),
        ("bare", "email", "mailto:info@x.example"),
        ("markdown", "email", "mailto:me@x.example"),
    ]


def test_url_inside_markdown_link_text_counted_once():
    text = "# Publisher x\n**Github:** [https://github.com/x](https://github.com/x)\\\n"
    got = extract_links(text)
    assert [(ln.kind, ln.label, ln.text) for ln in got] == [
        ("markdown", "Github", "https://github.com/x")
    ]


def test_label_does_not_override_host():
    text = "# Publisher e\nGitHub: [edrone](https://bitbucket.org/edroneteam/x)<br>\n"
    (link,) = extract_links(text)
    assert (link.label, link.link_type) == ("GitHub", "bitbucket")


def test_links_in_comments_and_code_are_not_links():
    text = "# Publisher x\n<!-- https://hidden.example -->\n```\nhttps://code.example\n```\n"
    assert extract_links(text) == []


def test_section_and_position():
    text = "# Publisher x\nX\n## Details\n[a](https://a.example)\n## More\nhttps://kaggle.com/u\n"
    got = extract_links(text)
    assert [(ln.position, ln.section, ln.line) for ln in got] == [(1, "Details", 4), (2, "More", 6)]


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://x.com/someone", "twitter"),
        ("https://www.kaggle.com/u", "kaggle"),
        ("https://gitlab.com/u", "gitlab"),
        ("https://arxiv.org/abs/1", "paper"),
        ("https://user.github.io/", "website"),
        ("https://avatars.githubusercontent.com/u/1", "image"),
        ("www.silero.ai", "website"),
        ("https://tfhub.dev/google", "tfhub"),
        # Issue 20, finding 8: DOIs, the usual paper hosts and PDFs are papers.
        ("https://doi.org/10.21105/joss.01667", "paper"),
        ("https://dx.doi.org/10.1145/3500868.3559477", "paper"),
        ("https://openaccess.thecvf.com/content/x.html", "paper"),
        ("https://aclanthology.org/N19-1423/", "paper"),
        ("http://artelab.dista.uninsubria.it/res/papers/2019/2019-IVCNZ-Nawaz-Birds.pdf", "paper"),
        ("https://zenodo.org/badge/latestdoi/264818686", "website"),
        ("https://www.doi.org.example.com/x", "website"),
    ],
)
def test_classify_by_host(url, kind):
    assert classify(url, "markdown") == kind


def test_tfhub_targets_in_order_without_duplicates_or_publisher_pages():
    text = (
        "[a](https://tfhub.dev/acme/m1) [b](https://tfhub.dev/acme/m2/1?tf-hub-format=compressed)\n"
        "again https://tfhub.dev/acme/m1/ and https://tfhub.dev/acme and https://tfhub.dev/...\n"
    )
    got = [(t.target, t.line, t.listed_in) for t in tfhub_targets(text)]
    assert got == [("acme/m1", 1, "text"), ("acme/m2/1", 1, "text")]


def test_html_anchor_is_one_link_with_its_text():
    text = '# Publisher x\nsee <a href="https://u.example/a">https://u.example/a</a> or <a href="https://z.example">Zed</a>\n'
    assert [(ln.kind, ln.url, ln.text) for ln in extract_links(text)] == [
        ("html", "https://u.example/a", "https://u.example/a"),
        ("html", "https://z.example", "Zed"),
    ]


def test_tfhub_targets_on_every_line_say_where_they_are_listed():
    # As upstream's validator: members are the model URLs on any line, comments and code included.
    text = (
        "# Collection acme/c/1\n"
        "<!-- A list of models in the collection -->\n"
        "<!-- (https://tfhub.dev/acme/hidden/1) -->\n"
        "<!-- (https://tfhub.dev/acme/both/1) -->\n"
        "```\n"
        'hub.load("https://tfhub.dev/acme/in-code/2")\n'
        "```\n"
        "Shown: [both](https://tfhub.dev/acme/both/1) and https://tfhub.dev/acme/shown\n"
    )
    got = [(t.target, t.line, t.listed_in) for t in tfhub_targets(text)]
    assert got == [
        ("acme/hidden/1", 3, "comment"),
        ("acme/in-code/2", 6, "code"),
        ("acme/both/1", 8, "text"),  # shown on the page: listed in text, at its shown line
        ("acme/shown", 8, "text"),
    ]


def test_link_text_keeps_autolinks_and_underscores():
    text = (
        "# Publisher x\n"
        "Mail [<a@b.example>](mailto:a@b.example); [@x__y](https://twitter.com/x__y)\n"
        '<a href="https://z.example">Z &amp; <b>Co</b></a>\n'
    )
    assert [(ln.url, ln.text) for ln in extract_links(text)] == [
        ("mailto:a@b.example", "a@b.example"),
        ("https://twitter.com/x__y", "@x__y"),
        ("https://z.example", "Z & Co"),
    ]


def test_images_are_links_only_when_asked():
    """PyTorch Hub asks for image sources (issue 20, finding 7); TF Hub's publisher links do not
    change: the icon stays one link."""
    text = (
        "[![Icon URL]](https://example.org/icon.png)\n"
        '<img src="https://example.org/a.png">\n'
        "[![DOI](https://example.org/badge.svg)](https://doi.org/10.1/x)\n"
    )
    assert [(ln.kind, ln.url) for ln in extract_links(text)] == [
        ("icon", "https://example.org/icon.png"),
        ("markdown", "https://doi.org/10.1/x"),
    ]
    assert [(ln.kind, ln.url) for ln in extract_links(text, images=True)] == [
        ("icon", "https://example.org/icon.png"),
        ("html-image", "https://example.org/a.png"),
        ("markdown", "https://doi.org/10.1/x"),
        ("link-image", "https://example.org/badge.svg"),
    ]
    assert extract_links("<img " * 20_000 + "src='x'>", images=True)[0].url == "x"
