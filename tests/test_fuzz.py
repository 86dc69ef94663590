"""Property-based tests: no input crashes the parser, and every problem lands in `anomalies`."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.synthetic import MODULE, PUBLISHER, snapshot
from tfhub_dataset.annotations import PublisherType
from tfhub_dataset.hubs.tfhub import markdown
from tfhub_dataset.hubs.tfhub.catalog import build_catalog
from tfhub_dataset.hubs.tfhub.docs import KINDS, parse_doc
from tfhub_dataset.hubs.tfhub.tables import build_tables
from tfhub_dataset.hubs.tfhub.tags import parse_vocabularies

# A fixed budget keeps CI time bounded and the run reproducible (derandomize).
FUZZ = settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
TYPES = {"acme": PublisherType("acme", "organization", "x")}
KEYS = [
    "task",
    "dataset",
    "network-architecture",
    "language",
    "license",
    "format",
    "fine-tunable",
    "asset-path",
    "parent-model",
    "module-type",
    "finetunable",
    "colour",
    "Weird Key",
]

line = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
first_line = st.one_of(
    st.builds(
        lambda k, h: f"# {k} {h}",
        st.sampled_from((*KINDS, "Modul", "module")),
        st.from_regex(r"[a-z0-9&;/_.\u200c-]{0,30}", fullmatch=True),
    ),
    line,
)
comment = st.builds(
    lambda k, v, closed: f"<!-- {k}: {v} {'-->' if closed else ''}",
    st.sampled_from(KEYS),
    line,
    st.booleans(),
)
body_line = st.one_of(
    line,
    comment,
    st.just("```"),
    st.just("<!-- <b>html</b> -->"),
    st.builds(lambda n: "x" * n, st.integers(0, 20_000)),
)
docs = st.builds(
    lambda f, rest: "\n".join([f, *rest]), first_line, st.lists(body_line, max_size=25)
)


def encodings(text: str):
    return st.sampled_from(
        [
            text.encode("utf-8"),
            b"\xef\xbb\xbf" + text.encode("utf-8"),
            text.replace("\n", "\r\n").encode("utf-8"),
            text.encode("utf-8") + b"\xff\xfe\x80",
            text.encode("utf-16"),
        ]
    )


raw_docs = st.one_of(docs.flatmap(encodings), st.binary(max_size=2000), st.just(b""))


def check_tables(files: dict[str, bytes]) -> None:
    t = build_tables(build_catalog(snapshot(files)), TYPES)
    for row in t["anomalies"]:
        assert row["source_path"] in files or row["source_path"].startswith(
            ("assets/docs/", "build/", "README.md")
        ), row
        assert row["kind"] and row["detail"] is not None
    keys = [(r["kind"], r["handle"]) for r in t["versions"]]
    assert len(keys) == len(set(keys))


@FUZZ
@given(raw_docs)
def test_any_doc_bytes_parse_without_crashing(data):
    doc = parse_doc("assets/docs/acme/models/fuzz/1.md", data)
    assert all(a.source_path == "assets/docs/acme/models/fuzz/1.md" for a in doc.anomalies)
    if doc.kind is None:
        assert doc.anomalies, "a doc left out of the tables always says why"


@FUZZ
@given(st.lists(raw_docs, min_size=1, max_size=4))
def test_any_docs_build_tables_without_crashing(datas):
    files = {
        "assets/docs/acme/acme.md": PUBLISHER.encode(),
        "assets/docs/acme/models/ok/1.md": MODULE.format(version=1).encode(),
    }
    for i, data in enumerate(datas):
        files[f"assets/docs/acme/models/fuzz{i}/1.md"] = data
    check_tables(files)


yaml_text = st.one_of(
    st.binary(max_size=500),
    st.builds(
        lambda entries: ("values:\n" + "".join(entries)).encode(),
        st.lists(
            st.builds(lambda i, d: f"  - id: {i}\n    display_name: {d}\n", line, line), max_size=6
        ),
    ),
    st.sampled_from(
        [b"", b"values:\n", b"values: 3\n", b"- a\n- b\n", b"values: [\n", b"\xff\xfe"]
    ),
)


@FUZZ
@given(yaml_text, yaml_text)
def test_any_tag_files_parse_without_crashing(task_yaml, dataset_yaml):
    files = {"tags/task.yaml": task_yaml, "tags/dataset.yaml": dataset_yaml}
    vocab = parse_vocabularies(files)
    assert all(a.source_path in files for a in vocab.anomalies)
    check_tables({**files, "assets/docs/acme/models/ok/1.md": MODULE.format(version=1).encode()})


def test_known_bad_inputs_are_each_recorded():
    m = "assets/docs/acme/models"
    cases = {
        f"{m}/a/1.md": b"",
        f"{m}/b/1.md": b"garbled first line\n<!-- task: x -->\n",
        f"{m}/c/1.md": b"\xef\xbb\xbf# Module acme/c/1\r\n<!-- format: hub -->\r\n",
        f"{m}/d/1.md": b"# Module acme/d/1\n<!-- license: mit -->\n<!-- license: gpl -->\n",
        f"{m}/e/1.md": b"# Module acme/e/1\n\xc3\x28 bad utf-8\n",
        f"{m}/f/1.md": b"# Module acme/f/1\n<!-- task: <b>image-classification</b> -->\n",
        f"{m}/g/1.md": b"# Module acme/g/1\n" + b"y" * 200_000 + b"\n",
        "assets/docs/acme/image.png": b"\x89PNG\r\n",
    }
    t = build_tables(build_catalog(snapshot(cases)), TYPES)
    got = {(r["source_path"], r["kind"]) for r in t["anomalies"]}
    for expected in [
        ("assets/docs/acme/models/a/1.md", "empty-file"),
        ("assets/docs/acme/models/b/1.md", "unreadable-first-line"),
        ("assets/docs/acme/models/c/1.md", "bom"),
        ("assets/docs/acme/models/c/1.md", "line-endings"),
        ("assets/docs/acme/models/d/1.md", "contradictory-key"),
        ("assets/docs/acme/models/e/1.md", "invalid-utf8"),
        ("assets/docs/acme/models/f/1.md", "undeclared-tag"),
        ("assets/docs/acme/models/g/1.md", "missing-metadata"),
        ("assets/docs/acme/image.png", "stray-file"),
    ]:
        assert expected in got, expected


@FUZZ
@given(st.text(alphabet="ab19 .:;,()|#>+-=\n\t~\xa0*_<&", max_size=60))
def test_plain_text_shortcut_agrees_with_commonmark(source):
    # markdown.text skips the CommonMark parser when MARKUP finds nothing: it must not matter.
    if not markdown.MARKUP.search(source):
        tokens: list = []
        markdown._collect(markdown._commonmark().parse(source), tokens)
        assert markdown.text(source) == " ".join("".join(tokens).split())


@pytest.mark.parametrize(
    "source", ["1. a", "2) b", "# h", "> q", "- l", "+ l", "a\n===", "a\n---", "a *b*", "x &amp; y"]
)
def test_markup_the_shortcut_must_not_skip(source):
    # Each renders otherwise than its plain words, so MARKUP must see it.
    assert markdown.MARKUP.search(source)
    assert markdown.text(source) != " ".join(source.split())
