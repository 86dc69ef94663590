"""Catalog -> tables on synthetic snapshots: every counting convention and resolution rule."""

import pytest

from tests.synthetic import MODULE, PUBLISHER, snapshot
from tfhub_dataset.annotations import PublisherType, parse_organizations, parse_publisher_types
from tfhub_dataset.hubs.tfhub.catalog import build_catalog
from tfhub_dataset.hubs.tfhub.tables import build_tables

TYPES = {"acme": PublisherType("acme", "organization", "ACME Labs builds models.", "ACME")}


def tables(files, types=TYPES, **kw):
    return build_tables(build_catalog(snapshot(files, **kw)), types)


def by(rows, *keys):
    return {tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]: r for r in rows}


BASE = {
    "assets/docs/acme/acme.md": PUBLISHER,
    "assets/docs/acme/models/vision/classifier/1.md": MODULE.format(version=1).replace(
        "saved_model_2", "hub"
    ),
    "assets/docs/acme/models/vision/classifier/2.md": MODULE.format(version=2),
    "assets/docs/acme/models/vision/classifier/lite/1.md": """
        # Lite acme/vision/classifier/2
        A Lite variant carrying its parent's very handle.
        <!-- asset-path: https://example.org/m.tflite -->
        <!-- parent-model: acme/vision/classifier/2 -->
        """,
    "assets/docs/acme/models/vision/classifier/tfjs/1.md": """
        # Tfjs acme/vision/classifier/2/default/1
        <!-- asset-path: legacy -->
        <!-- parent-model: acme/models/vision/classifier/2 -->
        """,
    "assets/docs/acme/models/vision/classifier/coral/1.md": """
        # Coral acme/vision/classifier/coral/1
        <!-- asset-path: internal -->
        <!-- parent-model: acme/vision/classifier -->
        """,
    "assets/docs/acme/models/text/embed/tfjs/1.md": """
        # Tfjs acme/text/embed/9/default/1
        <!-- asset-path: legacy -->
        <!-- parent-model: acme/text/embed/9 -->
        """,
    "assets/docs/acme/models/orphan/lite/1.md": """
        # Lite acme/orphan/1
        <!-- asset-path: x -->
        <!-- parent-model: acme/nowhere/1 -->
        """,
    "assets/docs/acme/models/text/embed/1.md": """
        # Placeholder acme/text/embed/1
        Placeholder for a multi-domain model.
        <!-- task: video-audio-text -->
        <!-- task: text-embedding -->
        <!-- dataset: Wikipedia, BooksCorpus -->
        <!-- network-architecture: Transformer XL -->
        <!-- language: en -->
        """,
    "assets/docs/acme/collections/set/1.md": """
        # Collection acme/set/1
        A set.
        <!-- task: image-classification -->
        | [a](https://tfhub.dev/acme/vision/classifier) |
        | [b](https://tfhub.dev/acme/text/embed/1) |
        | [c](https://tfhub.dev/acme/lite-model/vision/classifier/2) |
        | [d](https://tfhub.dev/acme/gone) |
        <!-- [e](https://tfhub.dev/acme/hidden) -->
        """,
}


@pytest.fixture(scope="module")
def t():
    return tables(BASE)


def test_models_one_row_per_handle_without_version(t):
    models = by(t["models"], "handle")
    assert set(models) == {"acme/vision/classifier", "acme/text/embed"}
    m = models["acme/vision/classifier"]
    assert (m["latest_version"], m["version_count"], m["kind"], m["format"]) == (
        2,
        2,
        "Module",
        "saved_model_2",
    )
    assert (
        m["has_saved_model_2"],
        m["has_tf1_hub"],
        m["has_lite"],
        m["has_tfjs"],
        m["has_coral"],
    ) == (True, True, True, True, True)
    assert (m["domain"], m["domains"], m["fine_tunable"], m["license"]) == (
        "image",
        "image",
        True,
        "apache-2.0",
    )
    p = models["acme/text/embed"]
    assert (p["kind"], p["format"], p["domain"], p["domains"]) == (
        "Placeholder",
        None,
        "video",
        "video;audio;text",
    )
    assert p["kaggle_status"] is None


def test_versions_keyed_by_kind_and_handle_with_parent_resolution(t):
    v = by(t["versions"], "kind", "handle")
    assert v[("Lite", "acme/vision/classifier/2")]["parent_resolution"] == "exact"
    assert v[("Module", "acme/vision/classifier/2")]["model"] == "acme/vision/classifier"
    tfjs = v[("Tfjs", "acme/vision/classifier/2/default/1")]
    assert (tfjs["parent_resolution"], tfjs["model"], tfjs["format"]) == (
        "models-segment-removed",
        "acme/vision/classifier",
        "tfjs",
    )
    coral = v[("Coral", "acme/vision/classifier/coral/1")]
    assert (coral["parent_resolution"], coral["model"]) == ("model-only", "acme/vision/classifier")
    orphan = v[("Lite", "acme/orphan/1")]
    assert (orphan["parent_resolution"], orphan["model"]) == ("unresolved", None)
    missing = v[("Tfjs", "acme/text/embed/9/default/1")]  # version 9 has no doc; the model does
    assert (missing["parent_resolution"], missing["model"]) == (
        "version-missing",
        "acme/text/embed",
    )
    assert v[("Module", "acme/vision/classifier/1")]["format"] == "hub"
    kinds = [a["kind"] for a in t["anomalies"]]
    assert kinds.count("unresolved-parent") == 4


def test_bridges_keep_listed_order_and_split_free_text(t):
    tasks = [
        (r["position"], r["task"]) for r in t["model_tasks"] if r["model"] == "acme/text/embed"
    ]
    assert tasks == [(1, "video-audio-text"), (2, "text-embedding")]
    ds = [(r["dataset"], r["raw"]) for r in t["model_datasets"] if r["model"] == "acme/text/embed"]
    assert ds == [("wikipedia", "Wikipedia"), ("bookscorpus", "BooksCorpus")]
    arch = by(t["architectures"], "id")["transformer-xl"]
    assert (arch["declared"], arch["display_name"]) == (False, "Transformer XL")
    assert by(t["architectures"], "id")["mobilenet-v2"]["declared"] is True


def test_every_foreign_key_holds(t):
    ids = {
        name: {r["id"] for r in t[name]}
        for name in (
            "tasks",
            "architectures",
            "datasets",
            "languages",
            "licenses",
            "formats",
            "domains",
        )
    }
    for bridge, col, vocab in (
        ("model_tasks", "task", "tasks"),
        ("model_datasets", "dataset", "datasets"),
        ("model_architectures", "architecture", "architectures"),
        ("model_languages", "language", "languages"),
    ):
        assert {r[col] for r in t[bridge]} <= ids[vocab]
    assert {r["format"] for r in t["versions"]} - {None} <= ids["formats"]
    assert {r["domain"] for r in t["task_domains"]} <= ids["domains"]
    models = {r["handle"] for r in t["models"]}
    assert {r["model"] for r in t["versions"]} - {None} <= models
    assert {r["model"] for r in t["collection_members"]} - {None} <= models


def test_collection_members_resolved_comments_counted_and_flagged(t):
    # Upstream's validator reads model URLs on every line, so one in a comment is a member too.
    members = [(r["target"], r["model"], r["listed_in"]) for r in t["collection_members"]]
    assert members == [
        ("acme/vision/classifier", "acme/vision/classifier", "text"),
        ("acme/text/embed/1", "acme/text/embed", "text"),
        ("acme/lite-model/vision/classifier/2", "acme/vision/classifier", "text"),
        ("acme/gone", None, "text"),
        ("acme/hidden", None, "comment"),
    ]
    (c,) = t["collections"]
    assert (c["member_count"], c["resolved_member_count"], c["task"]) == (
        5,
        3,
        "image-classification",
    )


def test_publisher_counts_and_links(t):
    (p,) = t["publishers"]
    assert (
        p["display_name"],
        p["type"],
        p["model_count"],
        p["version_count"],
        p["collection_count"],
    ) == ("ACME Labs.", "organization", 2, 8, 1)
    kinds = [(r["kind"], r["link_type"]) for r in t["publisher_links"]]
    assert kinds == [
        ("icon", "icon"),
        ("markdown", "website"),
        ("bare", "github"),
        ("bare", "website"),
    ]
    assert p["link_count"] == 3


def test_unannotated_and_docless_publishers_get_rows_and_anomalies():
    files = dict(BASE)
    files["assets/docs/zed/models/m/1.md"] = MODULE.format(version=1).replace(
        "acme/vision/classifier", "zed/m"
    )
    t = tables(files)
    zed = by(t["publishers"], "handle")["zed"]
    assert (zed["type"], zed["display_name"], zed["source_path"]) == ("unannotated", None, None)
    # Issue 20, finding 2: the organisation behind each publisher, from the annotation.
    assert (zed["organization"], by(t["publishers"], "handle")["acme"]["organization"]) == (
        None,
        "ACME",
    )
    kinds = {a["kind"] for a in t["anomalies"] if a["handle"] == "zed"}
    assert kinds == {"missing-publisher-doc", "unannotated-publisher"}


def test_duplicate_handle_keeps_first_by_path():
    files = dict(BASE)
    files["assets/g3doc/acme/models/vision/classifier/2.md"] = MODULE.format(version=2).replace(
        "An image classifier.", "Old copy."
    )
    t = tables(files)
    v = by(t["versions"], "kind", "handle")[("Module", "acme/vision/classifier/2")]
    assert v["source_path"] == "assets/docs/acme/models/vision/classifier/2.md"
    assert "duplicate-handle" in {a["kind"] for a in t["anomalies"]}


def test_kaggle_status_from_final_readme():
    files = dict(BASE)
    files["README.md"] = (
        "# TensorFlow Hub has moved to [Kaggle Models](https://kaggle.com/models)\n\n"
        "As of March 18, 2024, unmigrated model assets (see list below) were deleted and "
        "retrieval is no longer possible. These unmigrated model assets include:\n\n"
        "-   [acme/text/embed](https://github.com/tensorflow/tfhub.dev/tree/master/assets/docs/x)\n"
        "-   [acme/never/was](https://github.com/tensorflow/tfhub.dev/tree/master/assets/docs/y)\n\n"
        "Thank you.\n"
    )
    t = tables(files)
    status = {r["handle"]: r["kaggle_status"] for r in t["models"]}
    assert status == {"acme/vision/classifier": "not-listed", "acme/text/embed": "unmigrated"}
    assert "unresolved-deleted-model" in {a["kind"] for a in t["anomalies"]}


def test_without_yaml_every_tag_is_undeclared_and_domains_inferred():
    t = tables(BASE, tags=False)
    assert all(not r["declared"] for r in t["tasks"])
    assert (
        by(t["task_domains"], "task", "position")[("image-classification", 1)]["inferred"] is True
    )
    assert {r["id"]: r["declared"] for r in t["domains"]}["image"] is False


def test_rows_sorted_and_deterministic():
    a, b = tables(BASE), tables(dict(reversed(list(BASE.items()))))
    assert a == b
    assert [r["handle"] for r in a["models"]] == sorted(r["handle"] for r in a["models"])


def test_annotation_file_rules():
    orgs = parse_organizations('organization,evidence\nAcme,"A company."\n')
    ok = parse_publisher_types(
        'handle,type,organization,evidence\nacme,organization,Acme,"A lab."\n'
        'jdoe,individual,,"One person."\nfan,individual,Acme,"A person, for Acme."\n',
        organizations=orgs,
    )
    assert (ok["acme"].type, ok["acme"].organization) == ("organization", "Acme")
    assert ok["jdoe"].organization is None and ok["fan"].organization == "Acme"
    for bad in (
        "handle,type,evidence\nacme,organization,x\n",  # the old header
        "handle,type,organization,evidence\nacme,company,Acme,x\n",
        "handle,type,organization,evidence\nacme,individual,,\n",
        "handle,type,organization,evidence\na,individual,,x\na,individual,,y\n",
        "handle,type,organization,evidence\nacme,organization,Acme Inc,x\n",  # not listed
        "handle,type,organization,evidence\nacme,organization,,x\n",  # names none
    ):
        with pytest.raises(ValueError):
            parse_publisher_types(bad, organizations=orgs)
    for bad in ("organization\nAcme\n", "organization,evidence\nAcme,\n",
                "organization,evidence\nAcme,x\nAcme,y\n"):  # fmt: skip
        with pytest.raises(ValueError):
            parse_organizations(bad)


def test_demo_comes_from_the_tfjs_variants():
    # Upstream allows `demo` in Tfjs docs only; the model's column takes the variant of its highest
    # version.
    files = {
        "assets/docs/acme/acme.md": PUBLISHER,
        "assets/docs/acme/models/m/1.md": MODULE.format(version=1).replace(
            "/vision/classifier", "/m"
        ),
        "assets/docs/acme/models/m/2.md": MODULE.format(version=2).replace(
            "/vision/classifier", "/m"
        ),
        "assets/docs/acme/models/m/tfjs/1.md": """
            # Tfjs acme/m/2/default/1
            <!-- asset-path: legacy -->
            <!-- parent-model: acme/m/2 -->
            <!-- demo: https://demo.example/new -->
            """,
        "assets/docs/acme/models/m/tfjs/2.md": """
            # Tfjs acme/m/1/default/1
            <!-- asset-path: legacy -->
            <!-- parent-model: acme/m/1 -->
            <!-- demo: https://demo.example/old -->
            """,
    }
    t = tables(files)
    assert by(t["models"], "handle")["acme/m"]["demo"] == "https://demo.example/new"
    assert by(tables(BASE)["models"], "handle")["acme/vision/classifier"]["demo"] is None


def test_snapshot_counts_publishers_with_models():
    """Issue 20, finding 10: a publisher doc without a model counts as a publisher, not as one
    with models; the series comparable with PyTorch Hub's, whose publishers all have models."""
    from tfhub_dataset.hubs.tfhub.history import parse_snapshot

    files = dict(BASE)
    files["assets/docs/zed/zed.md"] = PUBLISHER.replace("acme", "zed").replace("ACME", "ZED")
    counts = parse_snapshot(snapshot(files), TYPES).counts
    assert (counts["publishers"], counts["publishers_with_models"]) == (2, 1)
