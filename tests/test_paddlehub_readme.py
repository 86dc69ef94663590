"""A module's README: information table, description, release notes, links typed by host, papers;
hostile READMEs cost time linear in their size."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.synthetic_paddlehub import OLD_README, readme
from tfhub_dataset.hubs.paddlehub.anomaly import ANOMALY_KINDS
from tfhub_dataset.hubs.paddlehub.links import (
    LINK_KINDS,
    LINK_TYPES,
    MAX_LINKS,
    OTHER_TYPES,
    arxiv_id,
    classify,
    is_paper,
)
from tfhub_dataset.hubs.paddlehub.readme import blank_code, parse_readme


def parse(text: str | bytes):
    doc = parse_readme(text.encode() if isinstance(text, str) else text)
    assert {kind for _, kind, _ in doc.notes} <= set(ANOMALY_KINDS)
    assert {link.kind for link in doc.links} <= set(LINK_KINDS)
    return doc


def test_a_readme_of_2021_23_gives_table_description_release_notes_and_links():
    doc = parse(readme(versions=("1.0.0", "1.1.0", "1.0.0")))
    assert doc.title == "acme_net"
    assert doc.fields == {
        "name": "acme_net",
        "category": "图像-图像分类",
        "network": "AcmeNet",
        "dataset": "ImageNet-2012",
        "fine_tuning": "否",
        "size": "12MB",
    }  # the empty '-' cell is left out
    assert doc.fine_tuning is False
    assert doc.description == "AcmeNet 是一个图像分类模型，详见 AcmeNet论文。 代码见 GitHub"
    assert doc.history == ("1.0.0", "1.1.0")
    urls = [(link.url, link.kind, link.link_type, link.section) for link in doc.links]
    assert urls == [
        ("https://arxiv.org/abs/2101.00001v2", "markdown", "paper", "模型介绍"),
        ("https://github.com/acme-lab/acmenet", "markdown", "github", "模型介绍"),
        ("http://127.0.0.1:8866/predict/x", "bare", "local", "服务部署"),
    ]  # nothing inside the fences, which open inside list items


def test_fine_tuning_yes_and_an_unreadable_cell():
    assert parse(readme(fine="是")).fine_tuning is True
    doc = parse(readme(fine="maybe"))
    assert doc.fine_tuning is None and "invalid-value" in {k for _, k, _ in doc.notes}


def test_a_readme_of_2020_gives_its_overview_and_release_notes():
    doc = parse(OLD_README)
    assert doc.title == "模型概述" and doc.fields == {}
    assert doc.description == "OldNet 是一个旧模型。"
    assert doc.history == ("1.0.0", "1.1.0")
    assert [(link.url, link.section) for link in doc.links] == [
        ("https://github.com/jason", "贡献者"),
        ("https://github.com/ann", "贡献者"),
    ]


def test_an_english_readme():
    text = (
        "# acme_net\n\n|Module Name|acme_net|\n| :--- | :---: |\n|Fine-tuning supported or not|"
        "Yes|\n|Data indicators|-|\n|Data indicators|1|\n\n## I.Basic Information\n\n"
        "- ### Module Introduction\n\n  - AcmeNet is *small*.\n\n## V.Release Note\n\n* 1.0.0\n\n"
        "  First release\n"
    )
    doc = parse(text)
    assert doc.fine_tuning is True and doc.description == "AcmeNet is small."
    assert doc.history == ("1.0.0",)
    assert "duplicate-key" in {k for _, k, _ in doc.notes}


@pytest.mark.parametrize(
    ("url", "link_type"),
    [
        ("https://github.com/PaddlePaddle/PaddleHub", "github"),
        ("https://huggingface.co/spaces/x", "huggingface"),
        ("https://arxiv.org/pdf/1810.04805.pdf", "paper"),
        ("https://openreview.net/forum?id=x", "paper"),
        ("https://www.aclweb.org/anthology/x.pdf", "paper"),
        ("https://aistudio.baidu.com/aistudio/projectdetail/1", "aistudio"),
        ("https://www.paddlepaddle.org.cn/hubdetail?name=x", "paddlepaddle"),
        ("https://user-images.githubusercontent.com/1/x.png", "image"),
        ("https://img.shields.io/badge/x", "image"),
        ("https://bj.bcebos.com/paddlehub/x.tar.gz", "bcebos"),
        ("http://127.0.0.1:8866/predict/x", "local"),
        ("http://10.12.121.132:8866/x", "local"),
        ("http://0.0.0.0:8866/", "local"),
        ("http://HOST_IP:8866/", "local"),
        ("https://example.org/page", "website"),
        ("www.example.org", "website"),
        ("mailto:a@b.org", "email"),
        ("../../docs/install.md", "relative"),
        ("#section", "relative"),
        ("http://[::1/", "website"),
    ],
)
def test_links_are_typed_by_host(url, link_type):
    assert classify(url) == link_type


def test_every_link_type_is_declared():
    ids = [t[0] for t in LINK_TYPES] + [t[0] for t in OTHER_TYPES]
    assert len(ids) == len(set(ids))


def test_papers_by_host_or_by_text():
    assert is_paper("paper", None)
    assert is_paper("github", "BERT论文") and is_paper("website", "the Paper")
    assert is_paper("website", "技术报告") and not is_paper("github", "code")
    assert not is_paper("image", "paper figure")
    assert arxiv_id("https://arxiv.org/abs/1810.04805v2") == "1810.04805"
    assert arxiv_id("https://arxiv.org/pdf/2001.11314.pdf") == "2001.11314"
    assert arxiv_id("https://github.com/x") is None


def test_every_link_kind_is_read():
    text = (
        '[a](https://a.org/x "title") ![b](img/b.png) <https://c.org> '
        '<a href="https://d.org" target=_blank>D</a> <img src="https://e.org/e.png"/> '
        "https://f.org/g, mail@acme.org\n"
        "[![badge](https://img.shields.io/x)](https://g.org/x)\n"
    )
    links = parse(text).links
    assert [(lk.kind, lk.url, lk.text) for lk in links] == [
        ("markdown", "https://a.org/x", "a"),
        ("image", "img/b.png", "b"),
        ("autolink", "https://c.org", "https://c.org"),
        ("html", "https://d.org", "D"),
        ("html-image", "https://e.org/e.png", None),
        ("bare", "https://f.org/g", None),
        ("bare", "mailto:mail@acme.org", None),
        ("image", "https://img.shields.io/x", "badge"),
        ("bare", "https://g.org/x", None),
    ]


def test_code_fences_inside_list_items_and_unclosed_ones_are_blanked():
    text = "- ```python\n  # x\n  url\n  ```\n# Title\n```\nopen\n"
    assert blank_code(text).split("\n") == ["", "", "", "", "# Title", "", "", ""]
    assert blank_code("```x```\n# h\n") == "```x```\n# h\n"  # one line: no fence


def test_hostile_readmes_are_anomalies_never_errors():
    assert "empty-file" in {k for _, k, _ in parse(b"").notes}
    assert "invalid-utf8" in {k for _, k, _ in parse(b"# a\xff\n").notes}
    many = "".join(f"[x](https://a.org/{i})" for i in range(MAX_LINKS + 50))
    doc = parse(many)
    assert len(doc.links) == MAX_LINKS and "too-many-links" in {k for _, k, _ in doc.notes}


HOSTILE_LINES = {
    "markdown link never closed": "[a](" + "x" * 2_000,
    "links without urls": "[a](" * 500,
    "brackets": "[" * 2_000 + "]" * 2_000,
    "html tag never closed": "<a " * 800 + 'href="',
    "img attributes": "<img " + "src " * 600,
    "email-like": "a" * 3_000 + "@" + "b." * 800,
    "spaces then hashes": "#" + " " * 3_000 + "x",
    "list markers": "- " * 2_000 + "### x",
    "fences": "```" * 1_000,
    "urls": "http://" * 1_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE_LINES))
def test_hostile_lines_cost_time_linear_in_their_size(name):
    """Parse time grows about as the input (x8 input: well under x30 time), not as its square."""
    unit = HOSTILE_LINES[name]

    def cost(n: int) -> float:
        text = "\n".join([unit * n] * 4)
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            parse(text)
            best = min(best, time.process_time() - start)
        return max(best, 1e-4)

    small, large = cost(2), cost(16)
    assert large / small < 30, (name, small, large)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="[]()<>!#`~-*| \nahtp:/.@\"'=", max_size=400))
def test_any_markdown_soup_parses_without_raising(text):
    parse(text)
