"""Vocabularies from tags/*.yaml and resolution of doc values (ids and pre-2021 free text)."""

from tests.synthetic import ARCH_YAML, DATASET_YAML, TASK_YAML
from tfhub_dataset.hubs.tfhub.tags import parse_vocabularies, resolve, slug, split_list


def vocab(**extra):
    files = {
        "tags/task.yaml": TASK_YAML.encode(),
        "tags/network_architecture.yaml": ARCH_YAML.encode(),
        "tags/dataset.yaml": DATASET_YAML.encode(),
    }
    files.update(extra)
    return parse_vocabularies(files)


def test_terms_domains_and_formats():
    v = vocab()
    assert list(v.terms["tasks"]) == ["image-classification", "text-embedding", "video-audio-text"]
    assert v.terms["tasks"]["video-audio-text"].domains == ("video", "audio", "text")
    assert set(v.terms["formats"]) == {"saved_model_2", "hub", "lite", "tfjs", "coral"}
    assert "licenses" not in v.present and "tasks" in v.present


def test_id_with_trailing_space_is_stripped_and_recorded():
    v = vocab(
        **{
            "tags/language.yaml": b'values:\n  - id: "en "\n    display_name: English\n'
            b"  - id: en\n    display_name: again\n  - display_name: no id\n"
        }
    )
    assert list(v.terms["languages"]) == ["en"]
    assert [a.kind for a in v.anomalies] == [
        "tag-id-whitespace",
        "duplicate-tag-id",
        "tag-entry-invalid",
    ]


def test_invalid_yaml_is_an_anomaly_not_a_crash():
    v = vocab(
        **{"tags/license.yaml": b"values: [unclosed\n", "tags/language.yaml": b"- just a list\n"}
    )
    assert [a.kind for a in v.anomalies] == ["tag-file-invalid", "tag-file-invalid"]
    assert v.terms["licenses"] == {}


def test_resolution_id_display_name_and_undeclared():
    v = vocab()
    assert resolve(v, "architectures", "mobilenet-v2")[0][0].how == "id"
    got, kinds = resolve(v, "architectures", "MobileNet V2")
    assert (got[0].id, got[0].declared, kinds) == ("mobilenet-v2", True, ["free-text-tag"])
    got, kinds = resolve(v, "architectures", "AmoebaNet-A (N=18, F=448)")
    assert [g.id for g in got] == ["amoebanet-a-n18-f448"]  # the comma inside () does not split
    got, kinds = resolve(v, "datasets", "ResNet Dataset X")
    assert (got[0].id, got[0].declared, kinds) == ("resnet-dataset-x", False, ["undeclared-tag"])


def test_free_text_lists_split_and_quoted():
    v = vocab()
    got, kinds = resolve(v, "datasets", '"Wikipedia", "BooksCorpus", "Stories"')
    assert [(g.id, g.declared) for g in got] == [
        ("wikipedia", True),
        ("bookscorpus", True),
        ("stories", False),
    ]
    assert set(kinds) == {"split-tag-list", "free-text-tag", "undeclared-tag"}


def test_split_list_and_slug():
    assert split_list("A, B (x, y), 'C'") == ["A", "B (x, y)", "C"]
    assert slug("ImageNet (ILSVRC-2012-CLS)") == "imagenet-ilsvrc-2012-cls"
    assert slug("???") == "unnamed"


def test_undeclared_format_keeps_its_spelling():
    got, kinds = resolve(vocab(), "formats", "saved_model")
    assert (got[0].id, got[0].declared, kinds) == ("saved_model", False, ["undeclared-tag"])
