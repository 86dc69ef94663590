"""PyTorch Hub pages, synthetic: front matter, torch.hub.load calls, publisher, vocabularies."""

import pytest

from tests.synthetic_pytorch_hub import BODY, TEMPLATE_MD, dedent, page
from tfhub_dataset.hubs.pytorch_hub import is_data_path
from tfhub_dataset.hubs.pytorch_hub.calls import extract_calls
from tfhub_dataset.hubs.pytorch_hub.links import classify
from tfhub_dataset.hubs.pytorch_hub.page import parse_page
from tfhub_dataset.hubs.pytorch_hub.vocab import parse_vocabularies


def parse(text: str | bytes, path: str = "acme-lab_acmenet_small.md"):
    return parse_page(path, text if isinstance(text, bytes) else text.encode())


def kinds(p) -> list[str]:
    return [a.kind for a in p.anomalies]


def calls(code: str):
    return extract_calls(dedent(code).split("\n"))


def test_a_model_page_reads_every_field():
    p = parse(page())
    assert p.is_model and p.handle == "acme-lab_acmenet_small"
    assert p.get("title") == "Acme Net" and p.get("author") == "Acme Lab"
    assert p.get("accelerator") == "cuda-optional" and p.order == 10
    assert p.tags == [("vision", 10)]
    assert (p.publisher, p.publisher_source, p.repository) == (
        "acme-lab",
        "github-id",
        "Acme-Lab/acmenet",
    )
    assert kinds(p) == []
    first, second = p.calls
    assert (first.repository, first.ref, first.entrypoint, first.commented) == (
        "Acme-Lab/acmenet",
        "v1.0",
        "acmenet_small",
        False,
    )
    assert (second.entrypoint, second.commented, second.line) == ("acmenet_large", True, 23)
    assert first.keywords == ("pretrained",)
    links = [(link.kind, link.field, link.link_type, link.line) for link in p.links]
    assert links == [
        ("front-matter", "github-link", "github", 11),
        ("front-matter", "demo-model-link", "huggingface", 17),
        ("markdown", None, "paper", 29),
    ]


@pytest.mark.parametrize(
    ("url", "link_type"),
    [
        ("sisec18.unmix.app", "website"),  # a host without a scheme
        ("github.com/sigsep/open-unmix-pytorch", "github"),
        ("link", "placeholder"),  # [Sony Corporation](link)
        ("", "placeholder"),
        ("audio/", "relative"),
        ("hybridnets.jpg", "relative"),  # a file name, not a host
        ("#usage", "relative"),
        ("/hub/research-models", "relative"),
        ("https://doi.org/10.21105/joss.01667", "paper"),
        ("http://artelab.dista.uninsubria.it/papers/2019-IVCNZ-Nawaz-Birds.pdf", "paper"),
        ("https://github.com/x/y/raw/main/paper.pdf", "github"),  # the host's type first
        ("x" * 5_000 + ".example.com", "relative"),  # no host has a 5,000-letter label
    ],
)
def test_link_types_tell_hosts_paths_and_placeholders_apart(url, link_type):
    """Issue 20, finding 8: 'relative' held a host without a scheme and a placeholder."""
    assert classify(url) == link_type


def test_links_include_html_images_and_the_badge_inside_a_link():
    """Issue 20, finding 7: <img src> URLs were omitted (hustvl_yolop line 29), and so was the
    badge inside a link (ultralytics_yolov5 line 92)."""
    body = (
        "### Model Description\n"
        '<img width="800" alt="YOLOP Model" src="https://github.com/hustvl/YOLOP/raw/main/y.png">\n'
        '<img src="https://example.org/a.jpg" width="50%" /><img src=\'b.jpg\'>\n'
        "[![DOI](https://zenodo.org/badge/264818686.svg)](https://zenodo.org/badge/latestdoi/264818686)\n"
        "![plain](https://example.org/c.png) <img src=> <img alt='x'>\n"
        "```python\n<img src='https://example.org/in-code.png'>\n```\n"
    )
    p = parse(page(body=body))
    got = [(ln.kind, ln.url, ln.text, ln.line) for ln in p.links if ln.kind != "front-matter"]
    assert got == [
        ("html-image", "https://github.com/hustvl/YOLOP/raw/main/y.png", None, 20),
        ("html-image", "https://example.org/a.jpg", None, 21),
        ("html-image", "b.jpg", None, 21),
        ("markdown", "https://zenodo.org/badge/latestdoi/264818686", "DOI", 22),
        ("link-image", "https://zenodo.org/badge/264818686.svg", "DOI", 22),
        ("markdown", "https://example.org/c.png", "plain", 23),
    ]
    assert [ln.position for ln in p.links] == list(range(1, len(p.links) + 1))


@pytest.mark.parametrize(
    "text",
    ["# hub\n\nSubmit models here: `torch.hub.load(...)`.\n", "", "no front matter\n---\n"],
)
def test_other_markdown_is_not_a_model_page(text):
    p = parse(text, "README.md")
    assert not p.is_model and p.anomalies == [] and p.calls == []


def test_front_matter_with_another_layout_is_flagged_not_a_page():
    p = parse("---\nlayout: post\ntitle: News\n---\nhello\n", "news.md")
    assert not p.is_model and kinds(p) == ["not-a-model-page"]


def test_unclosed_front_matter_is_not_a_page():
    p = parse("---\nlayout: hub_detail\ntitle: x\n")
    assert not p.is_model and kinds(p) == ["unclosed-front-matter"]


def test_first_weeks_layout_names_are_legacy_values():
    p = parse(
        page(
            layout="pytorch_hub_detail",
            background_class="pytorch-hub-background",
            body_class="pytorch-hub",
        )
    )
    assert p.is_model
    assert kinds(p) == ["legacy-value"] * 3


def test_invalid_yaml_is_recovered_line_by_line():
    # An unquoted colon in a value: YAML refuses it (Jekyll would have dropped the front matter).
    p = parse(page(summary="AlexNet: the 2012 winner", tags="[CV, image classification]"))
    assert p.is_model
    assert p.get("summary") == "AlexNet: the 2012 winner"
    assert [t for t, _ in p.tags] == ["CV", "image classification"]
    (bad,) = [a for a in p.anomalies if a.kind == "invalid-yaml"]
    assert bad.line == 6 and "recovered line by line" in bad.detail


def test_crlf_pages_parse_as_lf():
    p = parse(page().replace("\n", "\r\n").encode())
    assert p.is_model and p.get("title") == "Acme Net" and len(p.calls) == 2
    assert kinds(p) == ["line-endings"]


def test_field_shapes_over_the_history():
    p = parse(
        page(
            accelerator="“cuda”",
            featured_image_2="",
            tags="vision, nlp",
            order="first",
            extra="x",
        ).replace("title: Acme Net", "title: Acme Net\ndemo-model: true")
    )
    assert p.get("accelerator") == "cuda"
    assert "featured_image_2" not in p.text
    assert [t for t, _ in p.tags] == ["vision", "nlp"]
    assert p.order is None
    assert sorted(kinds(p)) == sorted(
        [
            "quoted-value",
            "empty-value",
            "tags-not-list",
            "invalid-value",
            "unknown-key",
            "legacy-key",
        ]
    )


def test_duplicate_keys_keep_the_last_as_jekyll():
    text = page().replace("author: Acme Lab", "author: Acme Lab\nauthor: Acme Labs Inc")
    p = parse(text)
    assert p.get("author") == "Acme Labs Inc"
    assert kinds(p) == ["contradictory-key"]
    same = parse(page().replace("image: acme.png", "image: acme.png\nimage: acme.png"))
    assert kinds(same) == ["duplicate-key"]


def test_missing_fields_and_section_are_recorded():
    p = parse(page(body="```python\nx = 1\n```\n", drop=("author", "github-id")))
    assert sorted(kinds(p)) == [
        "missing-field",
        "missing-field",
        "missing-section",
        "no-entrypoint",
    ]


def test_publisher_falls_back_to_github_link_then_calls():
    p = parse(page(drop=("github-id",)))
    assert (p.publisher, p.publisher_source) == ("acme-lab", "github-link")
    q = parse(page(drop=("github-id",), github_link="https://example.org/acme"))
    assert (q.publisher, q.publisher_source, q.repository) == (
        "acme-lab",
        "torch-hub-load",
        "Acme-Lab/acmenet",
    )
    assert "non-github-link" in kinds(q)
    r = parse(page(body="no code\n", drop=("github-id",), github_link="http://www.github.com"))
    assert r.publisher is None and "unidentified-publisher" in kinds(r)


def test_a_page_that_offers_no_model_is_a_placeholder():
    """Issue 20, finding 5: the model layout, no call and no repository (example.md, 'ELFtest',
    tags [test], github-link http://www.github.com) is no model page; recorded."""
    p = parse(page(title="ELFtest", tags="[test]", body="Prose.\n", drop=("github-id",),
                   github_link="http://www.github.com"), "example.md")  # fmt: skip
    assert not p.is_model and "placeholder-page" in kinds(p)
    (a,) = [a for a in p.anomalies if a.kind == "placeholder-page"]
    assert a.detail == "title 'ELFtest', tags [test], github-link 'http://www.github.com'"
    # A page without a call but with a repository is a model (flagged no-entrypoint), and so is
    # a page whose calls name the repository.
    assert parse(page(body="Prose.\n")).is_model
    assert parse(page(drop=("github-id",), github_link="http://www.github.com")).is_model


def test_publisher_disagreements_are_flagged():
    p = parse(
        page(github_link="https://github.com/someone/acmenet.git"),
        "other_acmenet.md",
    )
    assert p.publisher == "acme-lab"
    assert {"owner-mismatch", "path-convention"} <= set(kinds(p))
    q = parse(page(github_id="Acme-Lab/acmenet-v2"))
    (mismatch,) = [a for a in q.anomalies if a.kind == "repository-mismatch"]
    assert mismatch.line == 21 and "Acme-Lab/acmenet" in mismatch.detail
    bad = parse(page(github_id="https://github.com/Acme-Lab/acmenet"))
    assert "invalid-github-id" in kinds(bad) and bad.publisher_source == "github-link"


def test_calls_positional_keyword_and_multiline():
    found, notes = calls(
        """
        ```python
        a = torch.hub.load(repo_or_dir='snakers4/silero-vad', model='silero_vad', force_reload=True)
        b = torch.hub.load(github='acme/old', model='m1')
        c = torch.hub.load("intel-isl/MiDaS",
                           "DPT_Large",  # the large one (slow)
                           trust_repo=True)
        from torch import hub
        d = hub.load('acme/x:main', 'y')
        e = torch.hub.load_state_dict_from_url('https://example.org/w.pth')
        ```
        """
    )
    assert [(c.repository, c.entrypoint, c.ref, c.line) for c in found] == [
        ("snakers4/silero-vad", "silero_vad", None, 2),
        ("acme/old", "m1", None, 3),
        ("intel-isl/MiDaS", "DPT_Large", None, 4),
        ("acme/x", "y", "main", 8),
    ]
    assert found[0].keywords == ("force_reload",) and found[2].keywords == ("trust_repo",)
    assert [kind for _, kind, _ in notes] == ["legacy-argument"]


def test_arguments_after_the_entrypoint_keep_the_checkpoint_a_call_loads():
    """Issue 20, finding 6: the third argument was dropped; the checkpoints a call loads
    ('bert-base-uncased', 'gpt2') are kept, local paths and variables are not checkpoints."""
    found, _ = calls(
        """
        ```python
        t = torch.hub.load('huggingface/pytorch-transformers', 'tokenizer', 'bert-base-uncased')
        m = torch.hub.load('huggingface/transformers', 'modelForCausalLM', 'gpt2', output=True)
        l = torch.hub.load('huggingface/pytorch-transformers', 'model', './test/bert_model/')
        f = torch.hub.load('huggingface/pytorch-transformers', 'model', './ckpt.index', tf=True)
        j = torch.hub.load('huggingface/pytorch-transformers', 'config', 'x/my_configuration.json')
        v = torch.hub.load('acme/x', 'y', name, 3)
        p = torch.hub.load('acme/x', 'y', pretrained=True)
        ```
        """
    )
    got = [(c.entrypoint, c.arguments, c.checkpoint) for c in found]
    assert got == [
        ("tokenizer", "'bert-base-uncased'", "bert-base-uncased"),
        ("modelForCausalLM", "'gpt2'", "gpt2"),
        ("model", "'./test/bert_model/'", None),
        ("model", "'./ckpt.index'", None),
        ("config", "'x/my_configuration.json'", None),
        ("y", "name, 3", None),
        ("y", None, None),
    ]


def test_commented_calls_count_even_across_lines():
    found, notes = calls(
        """
        ```python
        model = torch.hub.load('acme/gan:hub',
                               'PGAN', pretrained=True)
        # model = torch.hub.load('acme/gan:hub',
        #                        'DCGAN', pretrained=True)
        # torch.hub.load('acme/gan:hub', 'broken'
        x = 1
        ```
        """
    )
    assert [(c.entrypoint, c.commented) for c in found] == [("PGAN", False), ("DCGAN", True)]
    assert [(line, kind) for line, kind, _ in notes] == [(6, "unreadable-call")]


def test_variable_entrypoints_resolve_from_an_earlier_assignment():
    found, notes = calls(
        """
        ```python
        model_type = "DPT_Large"     # or "DPT_Hybrid"
        midas = torch.hub.load("intel-isl/MiDaS", model_type)
        other = torch.hub.load("intel-isl/MiDaS", later_name)
        later_name = "never"
        ```
        """
    )
    assert [(c.entrypoint, c.entrypoint_source) for c in found] == [
        ("DPT_Large", "variable"),
        (None, None),
    ]
    assert [kind for _, kind, _ in notes] == ["dynamic-entrypoint", "dynamic-entrypoint"]
    assert "resolved to 'DPT_Large' (line 2)" in notes[0][2]


def test_odd_calls_are_anomalies():
    found, notes = calls(
        """
        Prose mentions torch.hub.load('acme/x', 'y') outside code.
        ```python
        m = torch.hub.load(REPO, 'y')
        m = torch.hub.load('not a repo', 'y')
        m = torch.hub.load('./local/dir', 'y', source='local')
        m = torch.hub.load('acme/x', trust_repo=True, 'y')
        m = torch.hub.load(*args)
        ```
        """
    )
    assert [(c.repository, c.entrypoint) for c in found] == [
        (None, "y"),
        (None, "y"),
        (None, "y"),
        (None, None),
    ]
    assert [(line, kind) for line, kind, _ in notes] == [
        (1, "call-outside-code"),
        (3, "dynamic-repo"),
        (4, "invalid-repo"),
        (5, "local-source"),
        (5, "invalid-repo"),
        (6, "unreadable-call"),
        (7, "dynamic-repo"),
        (7, "dynamic-entrypoint"),
    ]


def test_fences_follow_commonmark():
    # "```python" inside a block does not close it; an indented fence does not either.
    found, notes = calls(
        """
        ```
        pip install acme
        ```python
        m = torch.hub.load('acme/x', 'inside')
            ```
        n = torch.hub.load('acme/x', 'still-inside')
        ```
        after = torch.hub.load('acme/x', 'prose')
        ~~~~
        o = torch.hub.load('acme/x', 'tilde')
        ```
        ~~~~
        """
    )
    assert [c.entrypoint for c in found] == ["inside", "still-inside", "tilde"]
    assert [(line, kind) for line, kind, _ in notes] == [(8, "call-outside-code")]


def test_vocabularies_from_the_hubs_own_files():
    vocab = parse_vocabularies(
        {
            "scripts/tags.py": b"valid_tags = ['vision', 'nlp']\n",
            "scripts/sanity_check.py": (
                b"class V:\n    def __init__(self):\n"
                b"        self.valid_tags = ['old']\n"
                b"        self.valid_categories = ['researchers', 'developers']\n"
            ),
            "docs/template.md": TEMPLATE_MD.encode(),
        }
    )
    assert vocab.declared == {
        "tags": {"vision": "scripts/tags.py", "nlp": "scripts/tags.py"},
        "categories": {
            "researchers": "scripts/sanity_check.py",
            "developers": "scripts/sanity_check.py",
        },
        "accelerators": {"cuda": "docs/template.md", "cuda-optional": "docs/template.md"},
    }
    early = parse_vocabularies(
        {"scripts/sanity_check.py": b"class V:\n    valid_tags = ['vision', 'text']\n"}
    )
    assert early.declared == {
        "tags": {"vision": "scripts/sanity_check.py", "text": "scripts/sanity_check.py"}
    }
    broken = parse_vocabularies({"scripts/tags.py": b"valid_tags = [\n"})
    assert broken.declared == {}
    assert [a.kind for a in broken.anomalies] == ["vocabulary-file-invalid"]


def test_data_paths():
    assert is_data_path("pytorch_vision_resnet.md") and is_data_path("scripts/tags.py")
    assert not is_data_path("images/resnet.png") and not is_data_path("docs/other.md")
    assert BODY.count("torch.hub.load") == 2
