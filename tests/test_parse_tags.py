"""Vocabularies from tags/*.yaml and resolution of doc values (ids and pre-2021 free text)."""

import tracemalloc

import pytest

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


# An alias bomb of my own: 7 levels of 10 aliases, 10**7 strings once expanded (382 bytes).
ALIAS_BOMB = (
    "".join(
        f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10) if i else ', '.join(['lol'] * 10)}]\n"
        for i in range(7)
    )
    + "values:\n  - id: wiki\n    display_name: *l6\n"
)


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        (ALIAS_BOMB, "aliases expand it past 100,000 nodes"),
        ("values: " + "[" * 50_000 + "]" * 50_000, "nesting deeper than 32 levels"),
        ("values:\n" + "  " * 40 + "- " * 40 + "x\n", "nesting deeper than 32 levels"),
        ("x: &x [*x]\nvalues: *x\n", "an alias refers to itself"),
        ("values:\n  - id: 2020-13-45\n", "month must be in 1..12"),
    ],
)
def test_hostile_yaml_is_refused_quickly_with_an_anomaly(text, detail):
    tracemalloc.start()
    v = vocab(**{"tags/dataset.yaml": text.encode()})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 32 << 20
    assert [(a.source_path, a.kind, a.detail) for a in v.anomalies] == [
        ("tags/dataset.yaml", "tag-file-invalid", detail)
    ]
    assert v.terms["datasets"] == {} and list(v.terms["tasks"])  # the other files still read


def test_a_tag_file_over_the_size_bound_is_not_read():
    big = b"values:\n" + b"  - id: x\n" * 200_000
    v = vocab(**{"tags/dataset.yaml": big})
    assert [(a.kind, a.detail) for a in v.anomalies] == [
        ("file-too-large", f"{len(big):,} bytes; not read")
    ]


def test_a_catalog_reads_each_version_of_the_tag_files_once(monkeypatch):
    """Snapshots whose tag files have the same bytes share one reading of them (read-only, as
    the history's counts share theirs); another version, or a file gone, is read anew; at most
    VOCABULARIES_KEPT versions are kept."""
    from collections import OrderedDict

    from tfhub_dataset.hubs.tfhub import catalog
    from tfhub_dataset.sources.snapshot import Snapshot

    monkeypatch.setattr(catalog, "_vocabularies", OrderedDict())

    def snap(n: int, files: dict[str, bytes]):
        return Snapshot(f"{n:040x}", "2021-01-01T00:00:00Z", {"README.md": b"# x\n", **files})

    tags = {"tags/task.yaml": TASK_YAML.encode(), "tags/dataset.yaml": DATASET_YAML.encode()}
    first = catalog.build_catalog(snap(1, tags)).vocab
    assert catalog.build_catalog(snap(2, {**tags, "other.md": b"x"})).vocab is first
    assert first.terms == parse_vocabularies(tags).terms and first.present == {
        "formats", "tasks", "datasets",
    }  # fmt: skip
    changed = catalog.build_catalog(snap(3, {**tags, "tags/dataset.yaml": b"values: []\n"})).vocab
    assert changed is not first and changed.terms["datasets"] == {}
    gone = catalog.build_catalog(snap(4, {"tags/task.yaml": tags["tags/task.yaml"]})).vocab
    assert gone is not first and "datasets" not in gone.present
    monkeypatch.setattr(catalog, "VOCABULARIES_KEPT", 2)
    catalog.build_catalog(snap(5, {}))
    assert len(catalog._vocabularies) == 2
