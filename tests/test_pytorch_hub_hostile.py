"""Hostile PyTorch Hub input: never a traceback or a hang, always an anomaly."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.synthetic_pytorch_hub import FIELDS, page, snapshot
from tfhub_dataset import ROOT
from tfhub_dataset.annotations import PublisherType
from tfhub_dataset.hubs.pytorch_hub.anomaly import ANOMALY_KINDS
from tfhub_dataset.hubs.pytorch_hub.calls import MAX_CALLS
from tfhub_dataset.hubs.pytorch_hub.catalog import build_catalog
from tfhub_dataset.hubs.pytorch_hub.frontmatter import MAX_VALUE
from tfhub_dataset.hubs.pytorch_hub.page import parse_page
from tfhub_dataset.hubs.pytorch_hub.tables import build_tables
from tfhub_dataset.hubs.pytorch_hub.vocab import parse_vocabularies
from tfhub_dataset.package.write import check_rows, load_schema

SCHEMAS = ROOT / "schemas" / "pytorch_hub"
TYPES = {"acme-lab": PublisherType("acme-lab", "organization", "Acme Lab, a lab.")}


def parse(data: str | bytes):
    p = parse_page("acme_x.md", data.encode() if isinstance(data, str) else data)
    assert {a.kind for a in p.anomalies} <= set(ANOMALY_KINDS)
    return p


def kinds(p) -> set[str]:
    return {a.kind for a in p.anomalies}


LAUGHS = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i + 1}: &a{i + 1} [*a{i}, *a{i}, *a{i}, *a{i}, *a{i}, *a{i}]\n" for i in range(20)
)


@pytest.mark.parametrize(
    ("front", "kind"),
    [
        (LAUGHS, "unsafe-yaml"),  # a billion laughs: aliases are refused before composing
        ("deep: " + "[" * 10_000 + "]" * 10_000 + "\n", "unsafe-yaml"),
        ("deep: " + "{a: " * 500 + "1" + "}" * 500 + "\n", "unsafe-yaml"),
        ("evil: !!python/object/apply:os.system ['true']\n", "unsafe-yaml"),
        ("list: [" + ", ".join(["x"] * 6000) + "]\n", "unsafe-yaml"),
        ("x: " + "y" * 70_000 + "\n", "unsafe-yaml"),
        ("? [a, b]\n: c\n", "invalid-yaml"),
        ("title: a\x01b\n", "invalid-yaml"),
        ("title: [unclosed\n", "invalid-yaml"),
        ("just text\n", "invalid-yaml"),
    ],
)
def test_refused_yaml_is_an_anomaly_and_the_rest_recovered(front, kind):
    # A page names its repository (a page without one and without a call is a placeholder).
    p = parse(
        "---\nlayout: hub_detail\n" + front + "author: Acme Lab\ngithub-id: acme/x\n---\nbody\n"
    )
    assert kind in kinds(p)
    assert p.is_model and p.get("author") == "Acme Lab"


@pytest.mark.parametrize("front", ["- layout\n- hub_detail\n", "layout hub_detail\n"])
def test_yaml_that_is_not_a_mapping_has_no_layout(front):
    p = parse("---\n" + front + "---\n")
    assert not p.is_model
    assert kinds(p) == {"front-matter-not-mapping", "invalid-yaml", "not-a-model-page"}


def test_huge_fields_are_truncated():
    p = parse(page(summary="s" * 50_000, tags="[" + ", ".join(["vision"] * 500) + "]"))
    assert len(p.get("summary")) == MAX_VALUE and len(p.tags) == 100
    assert "oversized-value" in kinds(p)


def test_values_of_the_wrong_shape():
    p = parse(page(title="[a, b]", author="{name: x}", tags="{a: b}", order="99999999999"))
    assert p.get("title") is None and p.get("author") is None and p.tags == []
    assert p.order is None and "invalid-value" in kinds(p)


def test_bytes_that_are_not_text():
    p = parse(b"\xef\xbb\xbf" + page().encode().replace(b"Acme Net", b"Acme \xff\x00Net"))
    assert p.is_model and {"bom", "invalid-utf8"} <= kinds(p)


def test_odd_calls_never_raise():
    code = "\n".join(
        [
            "```python",
            "m = torch.hub.load(" + "(" * 3000 + ")" * 3000 + ")",
            "m = torch.hub.load('acme/x', '" + "y" * 100_000 + "')",
            "m = torch.hub.load('acme/x', 'y\\",
            "m = torch.hub.load('acme/x', f'{y}')",
            "m = torch.hub.load('acme/x', lambda: (yield))",
            "m = torch.hub.load('acme/x', 'y', **{'a': 1})",
            "m = torch.hub.load('acme/x\x00', 'y')",
            "m = torch.hub.load(",
            "```",
        ]
    )
    p = parse(page(body=code))
    assert p.is_model
    assert "unreadable-call" in kinds(p) and "dynamic-entrypoint" in kinds(p)
    assert ("acme/x", ()) in [(c.repository, c.keywords) for c in p.calls if c.entrypoint == "y"]


def test_too_many_calls_are_cut():
    many = "```python\n" + "# torch.hub.load('acme/x', 'y')\n" * (MAX_CALLS + 50) + "```\n"
    p = parse(page(body=many))
    assert len(p.calls) == MAX_CALLS and "too-many-calls" in kinds(p)


def test_hostile_vocabulary_files():
    vocab = parse_vocabularies(
        {
            "scripts/tags.py": b"valid_tags = " + b"[" * 5000 + b"]" * 5000 + b"\n",
            "scripts/sanity_check.py": b"valid_categories = ['a', 1, None]\n" + b"#" * 2_000_000,
            "docs/template.md": b"accelerator: " + b'"x"' * 100_000,
        }
    )
    assert "tags" not in vocab.declared and "categories" not in vocab.declared
    assert [a.kind for a in vocab.anomalies] == ["vocabulary-file-invalid"] * 2


FIELD_NAMES = [*FIELDS, "tags", "demo-model", "github-stars", "Weird Key"]
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
value = st.one_of(
    text,
    st.sampled_from(["hub_detail", "[vision, nlp]", "'q'", "“cuda”", "&a x", "*a", "[", "{a: 1}"]),
    st.sampled_from(["Acme-Lab/acmenet", "https://github.com/acme/x.git", "../x", ""]),
)
fm_line = st.one_of(st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(FIELD_NAMES), value), text)
call = st.builds(
    lambda pre, repo, ep, rest: f"{pre}torch.hub.load({repo}, {ep}{rest}",
    st.sampled_from(["", "# ", "m = ", "    "]),
    st.sampled_from(["'acme/x'", "'acme/x:v1'", "REPO", "'bad repo'", '"a/b"', "github='a/b'"]),
    st.sampled_from(["'y'", "name", "model='z'", "*a", "'"]),
    st.sampled_from([")", ", pretrained=True)", "", ",", ")  # (", "\n"]),
)
body_line = st.one_of(text, call, st.sampled_from(["```", "```python", "~~~", "    ```", "# H"]))
pages = st.builds(
    lambda fm, closed, body: "\n".join(["---", *fm, *(["---"] if closed else []), *body]),
    st.lists(fm_line, max_size=12),
    st.booleans(),
    st.lists(body_line, max_size=20),
)


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(pages, min_size=1, max_size=3))
def test_any_page_gives_rows_that_fit_the_schemas(texts):
    files = {f"acme_page{n}.md": t for n, t in enumerate(texts)}
    files["README.md"] = "# hub\n"
    tables = build_tables(build_catalog(snapshot(files)), TYPES)
    for name, rows in tables.items():
        check_rows(name, rows, load_schema(name, SCHEMAS))
    assert {r["kind"] for r in tables["anomalies"]} <= set(ANOMALY_KINDS)
    models = {r["handle"] for r in tables["models"]}
    assert {r["model"] for r in tables["entrypoints"]} <= models
    assert {r["publisher"] for r in tables["models"]} - {None} == {
        r["handle"] for r in tables["publishers"]
    }
