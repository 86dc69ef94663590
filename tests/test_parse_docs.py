"""One doc in, one record out: every first-line and metadata quirk of the source."""

import pytest

from tests.synthetic import MODULE, PUBLISHER, doc
from tfhub_dataset.hubs.tfhub.docs import parse_doc


def kinds(d):
    return [a.kind for a in d.anomalies]


def test_module_first_line_handle_and_version():
    d = parse_doc("assets/docs/acme/models/vision/classifier/3.md", doc(MODULE.format(version=3)))
    assert (d.kind, d.handle, d.base, d.version, d.publisher) == (
        "Module",
        "acme/vision/classifier/3",
        "acme/vision/classifier",
        3,
        "acme",
    )
    assert d.summary == "An image classifier."
    assert d.first("task") == "image-classification"
    assert d.first("fine-tunable") == "true"
    assert d.anomalies == []


def test_handle_on_first_line_wins_over_path():
    d = parse_doc("assets/docs/acme/odd/place/7.md", doc(MODULE.format(version=3)))
    assert d.handle == "acme/vision/classifier/3"


def test_zwnj_entities_removed_from_handle():
    text = "# Module acme/&zwnj;imagenet/&zwnj;mobilenet/\u200c2\n<!-- format: hub -->\n"
    d = parse_doc("assets/docs/acme/models/imagenet/mobilenet/2.md", text.encode())
    assert d.handle == "acme/imagenet/mobilenet/2"
    assert "zwnj-in-handle" in kinds(d)


def test_handle_with_models_segment_kept_and_flagged():
    d = parse_doc("assets/docs/acme/models/x/1.md", b"# Lite acme/models/x/1\n")
    assert d.handle == "acme/models/x/1"
    assert "models-in-handle" in kinds(d)


def test_unreadable_first_line_leaves_doc_out():
    d = parse_doc("assets/g3doc/test/publisher.md", b"Publisher test.\n\nsome text\n")
    assert d.kind is None
    assert kinds(d) == ["unreadable-first-line"]


def test_invalid_handle_and_missing_version():
    assert "invalid-handle" in kinds(parse_doc("a.md", b"# Module Bad_Handle/1\n"))
    assert "invalid-handle" in kinds(parse_doc("a.md", b"# Publisher test.\n"))
    d = parse_doc("a.md", b"# Module acme/model/latest\n")
    assert d.kind is None and "missing-version" in kinds(d)


def test_legacy_keys_map_to_current_names():
    d = parse_doc(
        "assets/g3doc/acme/models/m/1.md",
        doc("""
        # Module acme/m/1
        Old style.

        <!-- module-type: image-classification -->
        <!-- finetunable: false -->
        <!-- asset_path: gs://bucket/m -->
        <!-- interactive-model-name: vision -->
        <!-- format: hub -->
        """),
    )
    assert d.first("task") == "image-classification"
    assert d.first("fine-tunable") == "false"
    assert d.first("asset-path") == "gs://bucket/m"
    assert d.first("interactive-visualizer") == "vision"
    assert kinds(d).count("legacy-key") == 4
    assert d.metadata["task"][0].raw_key == "module-type"


def test_repeated_multi_valued_keys_keep_order():
    d = parse_doc(
        "a.md",
        doc("""
        # Module acme/m/1
        <!-- dataset: wikipedia -->
        <!-- dataset: bookscorpus -->
        <!-- language: en -->
        """),
    )
    assert [v.value for v in d.values("dataset")] == ["wikipedia", "bookscorpus"]
    assert [v.line for v in d.values("dataset")] == [2, 3]


def test_duplicate_and_contradictory_single_keys():
    d = parse_doc(
        "a.md",
        doc("""
        # Lite acme/m/1
        <!-- parent-model: acme/m/1 -->
        <!-- asset-path: a -->
        <!-- asset-path: a -->
        <!-- license: apache-2.0 -->
        <!-- license: mit -->
        """),
    )
    assert d.first("license") == "apache-2.0"
    assert "duplicate-key" in kinds(d) and "contradictory-key" in kinds(d)


def test_metadata_in_code_fences_and_prose_comments_ignored():
    d = parse_doc(
        "a.md",
        doc("""
        # Module acme/m/1
        <!-- format: saved_model_2 -->
        <!-- A list of models in the collection -->
        <!--- TODO(b/1): Link to an example Colab. --->
        ```html
        <!-- task: text-embedding -->
        ```
        """),
    )
    assert "task" not in d.metadata
    assert d.first("format") == "saved_model_2"
    assert "unknown-key" not in kinds(d)


def test_multiline_and_unclosed_comments():
    d = parse_doc(
        "a.md", b"# Lite acme/m/1\n<!-- asset-path:\n   https://x/y.tflite -->\n<!-- task: x\n"
    )
    assert d.first("asset-path") == "https://x/y.tflite"
    assert "unclosed-comment" in kinds(d)


def test_invalid_fine_tunable_and_unknown_key_and_empty_value():
    d = parse_doc(
        "a.md",
        b"# Module acme/m/1\n<!-- fine-tunable: maybe -->\n"
        b"<!-- colour: blue -->\n<!-- license: -->\n",
    )
    assert {"invalid-value", "unknown-key", "empty-value"} <= set(kinds(d))


def test_missing_required_metadata_recorded():
    d = parse_doc("a.md", b"# Tfjs acme/m/1/default/1\nno metadata\n")
    assert sorted(a.detail for a in d.anomalies if a.kind == "missing-metadata") == [
        "no 'asset-path' comment",
        "no 'parent-model' comment",
    ]


def test_publisher_display_name_icon_and_links():
    d = parse_doc("assets/docs/acme/acme.md", doc(PUBLISHER))
    assert d.kind == "Publisher" and d.handle == "acme"
    assert d.display_name == "ACME Labs."  # a real final full stop is kept
    assert d.icon_url == "https://example.org/acme.png"
    assert "We build models." in d.description


def test_publisher_display_name_not_on_line_two():
    d = parse_doc("assets/docs/t/t.md", b"# Publisher t\n\n\nTulasi.\n\n## Details\nHi\n")
    assert d.display_name == "Tulasi."
    d = parse_doc("assets/docs/c/c.md", b"# Publisher c\n[![Icon URL]](https://x/i.png)\n")
    assert d.display_name is None and "missing-display-name" in kinds(d)


def test_summary_spans_lines_until_blank():
    d = parse_doc(
        "a.md", b"# Module acme/m/1\n\nFirst line\ncontinues [here](https://x).\n\nNext.\n"
    )
    assert d.summary == "First line continues here."


def test_publisher_handle_outside_its_folder_flagged():
    d = parse_doc("assets/docs/other/models/m/1.md", doc(MODULE.format(version=1)))
    assert "handle-path-mismatch" in kinds(d)


def test_bytes_repairs_bom_crlf_invalid_utf8_empty():
    d = parse_doc("a.md", b"\xef\xbb\xbf# Module acme/m/1\r\n<!-- format: hub -->\r\n\xff\n")
    assert d.handle == "acme/m/1" and d.first("format") == "hub"
    assert {"bom", "line-endings", "invalid-utf8"} <= set(kinds(d))
    assert all(a.handle == "acme/m/1" for a in d.anomalies)
    assert kinds(parse_doc("e.md", b"")) == ["empty-file"]
    assert kinds(parse_doc("e.md", b"  \n\n")) == ["empty-file"]


def test_metadata_line_numbers_count_fenced_code():
    text = b"# Module acme/m/1\n```\na\nb\n```\n<!-- format: hub -->\n<!-- license: x -->\n"
    d = parse_doc("a.md", text)
    assert [(v.key, v.line) for vs in d.metadata.values() for v in vs] == [
        ("format", 6),
        ("license", 7),
    ]


def test_text_columns_keep_what_a_commonmark_reader_saw():
    # Underscores inside a word are no emphasis; an autolink shows its address; escapes and
    # entities are their character; comments, tags and emphasis markers show nothing.
    d = parse_doc(
        "assets/docs/p/p.md",
        (
            b"# Publisher p\nP.\n\n## Details\n"
            b"Me (<me@example.org>) on **Twitter:** [@my__name](https://twitter.com/my__name)\\\n"
            b"C:\\\\tmp \\_x\\_ &amp; <b>bold</b><!-- hidden --> *em* `a_b`\n"
        ),
    )
    assert d.description == ("Me (me@example.org) on Twitter: @my__name C:\\tmp _x_ & bold em a_b")
    texts = {ln.url: ln.text for ln in d.links}
    assert texts["mailto:me@example.org"] == "me@example.org"
    assert texts["https://twitter.com/my__name"] == "@my__name"


def test_summary_rendered_as_commonmark_blocks():
    # A line opening with '>' is a block quote in CommonMark: the reader saw no '>'.
    d = parse_doc("a.md", b"# Module acme/m/1\n\nRuns fast:\n>50 FPS on <i>most</i> laptops.\n")
    assert d.summary == "Runs fast: 50 FPS on most laptops."


@pytest.mark.parametrize(
    ("prose", "found"),
    [
        (
            "## TF1\n\nFor TensorFlow 2, the *quantops* modules are discontinued.\nUse others.",
            "For TensorFlow 2, the quantops modules are discontinued.",
        ),
        (
            "This model is no longer maintained; see v2.",
            "This model is no longer maintained; see v2.",
        ),
        ("This version still provides the now-obsolete `.vocab_file`.", None),
        ("Also offered in the older, now deprecated Hub module format for TF1.", None),
        ("<!-- This module is deprecated. -->\n```\n# this model is deprecated\n```", None),
    ],
)
def test_deprecation_statement_read_from_the_prose(prose, found):
    d = parse_doc("a.md", f"# Module acme/m/1\nA model.\n\n{prose}\n".encode())
    assert d.deprecation == found
