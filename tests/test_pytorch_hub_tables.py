"""PyTorch Hub catalog -> tables -> a validated Frictionless package, on synthetic snapshots."""

import json

import pytest

from tests.synthetic_pytorch_hub import page, snapshot
from tfhub_dataset import ROOT
from tfhub_dataset.annotations import PublisherType
from tfhub_dataset.hubs import TFHUB
from tfhub_dataset.hubs.pytorch_hub.anomaly import ANOMALY_KINDS
from tfhub_dataset.hubs.pytorch_hub.catalog import build_catalog, handle_from_path, observed
from tfhub_dataset.hubs.pytorch_hub.names import NAMES_PATH, PublisherName, parse_publisher_names
from tfhub_dataset.hubs.pytorch_hub.tables import ANNOTATIONS_PATH, build_tables, snapshot_counts
from tfhub_dataset.package.stage import write_release
from tfhub_dataset.package.validate import validate_package
from tfhub_dataset.package.write import ReleaseInfo, load_schema, render_release

SCHEMAS = ROOT / "schemas" / "pytorch_hub"
TYPES = {
    "acme-lab": PublisherType("acme-lab", "organization", "Acme Lab, a lab.", "Acme"),
    "jdoe": PublisherType("jdoe", "individual", "Jane Doe, for Acme.", "Acme"),
}
NAMES = {"acme-lab": PublisherName("acme-lab", "Acme Laboratories", "Its pages' authors.")}
FILES = {
    "README.md": "# hub\n\nSubmit a `<owner>_<repo>_<title>.md` page.\n",
    "CONTRIBUTING.md": "# Contributing\n",
    "acme-lab_acmenet_small.md": page(),
    "acme-lab_acmenet_large.md": page(
        author="Acme Lab Research",
        tags="[vision, Audio, vision, speech]",
        category="research",
        accelerator="tpu",
        github_id="acme-lab/AcmeNet-Large",
        body=(
            "```python\nm = torch.hub.load('acme-lab/AcmeNet-Large', 'large')\n"
            "# m = torch.hub.load('acme-lab/AcmeNet-Large', 'large', pretrained=False)\n```\n"
            "### Model Description\n"
        ),
    ),
    "jdoe_tiny_tiny.md": page(
        author="Jane Doe",
        github_id="JDoe/tiny",
        drop=("demo-model-link", "order"),
        body="```python\nm = torch.hub.load('JDoe/tiny', 'tiny')\n```\n### Model Description\n",
    ),
    "zed_thing_thing.md": page(github_id="zed/thing", body="No code here.\n"),
}


def by(rows, *keys):
    return {tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]: r for r in rows}


@pytest.fixture(scope="module")
def t():
    return build_tables(build_catalog(snapshot(FILES)), TYPES, NAMES)


def test_one_model_row_per_model_page(t):
    models = by(t["models"], "handle")
    assert sorted(models) == [
        "acme-lab_acmenet_large",
        "acme-lab_acmenet_small",
        "jdoe_tiny_tiny",
        "zed_thing_thing",
    ]
    small = models["acme-lab_acmenet_small"]
    assert (small["publisher"], small["repository"], small["order"]) == (
        "acme-lab",
        "Acme-Lab/acmenet",
        "10",
    )
    assert (small["entrypoint_count"], small["call_count"]) == (2, 2)
    assert models["acme-lab_acmenet_large"]["entrypoint_count"] == 1
    assert models["jdoe_tiny_tiny"]["demo"] is None and models["jdoe_tiny_tiny"]["order"] is None


def test_publishers_count_pages_entrypoints_repositories_authors(t):
    pubs = by(t["publishers"], "handle")
    assert sorted(pubs) == ["acme-lab", "jdoe", "zed"]
    acme = pubs["acme-lab"]
    assert (acme["model_count"], acme["entrypoint_count"], acme["repository_count"]) == (2, 3, 2)
    assert (pubs["jdoe"]["type"], pubs["zed"]["type"]) == ("individual", "unannotated")


def test_publishers_are_named_and_organised_by_the_curated_annotations(t):
    """Issue 20, findings 2 and 3: the account's type and the organisation behind it, and its
    name, come from the curated files; each page keeps its own author string."""
    pubs = by(t["publishers"], "handle")
    acme, jdoe, zed = pubs["acme-lab"], pubs["jdoe"], pubs["zed"]
    # Its pages say "Acme Lab" and "Acme Lab Research": neither names the account.
    assert (acme["author_count"], acme["display_name"]) == (2, "Acme Laboratories")
    authors = {m["handle"]: m["author"] for m in t["models"] if m["publisher"] == "acme-lab"}
    assert sorted(authors.values()) == ["Acme Lab", "Acme Lab Research"]
    assert (acme["type"], acme["organization"]) == ("organization", "Acme")
    # A personal account publishing for an organisation: typed as a person's, organisation kept.
    assert (jdoe["type"], jdoe["organization"], jdoe["display_name"]) == (
        "individual",
        "Acme",
        None,
    )
    assert (zed["organization"], zed["display_name"]) == (None, None)
    unnamed = {r["handle"] for r in t["anomalies"] if r["source_path"] == NAMES_PATH}
    assert unnamed == {"jdoe", "zed"}
    assert parse_publisher_names("handle,display_name,evidence\nx,X,e\n")["x"].display_name == "X"
    for bad in ("handle,name\nx,X\n", "handle,display_name,evidence\nx,X,\n"):
        with pytest.raises(ValueError):
            parse_publisher_names(bad)


def test_entrypoints_one_row_per_call(t):
    rows = by(t["entrypoints"], "model", "position")
    assert len(rows) == 5
    commented = rows[("acme-lab_acmenet_small", 2)]
    assert (commented["commented"], commented["entrypoint"], commented["ref"]) == (
        True,
        "acmenet_large",
        "v1.0",
    )
    assert rows[("jdoe_tiny_tiny", 1)]["owner"] == "jdoe"
    assert rows[("acme-lab_acmenet_large", 2)]["keywords"] == "pretrained"


def test_loadables_count_entrypoints_with_their_checkpoints():
    """Issue 20, findings 1 and 6: what a user can load is (repository, entrypoint,
    checkpoint); an entrypoint without a named checkpoint counts once as itself."""
    code = (
        "```python\n"
        "t = torch.hub.load('acme-lab/bert', 'tokenizer', 'bert-base')\n"
        "t = torch.hub.load('Acme-Lab/bert', 'tokenizer', 'bert-large')\n"
        "t = torch.hub.load('acme-lab/bert', 'tokenizer', './my/saved/')\n"
        "m = torch.hub.load('acme-lab/bert', 'model', 'bert-base')\n"
        "m = torch.hub.load('acme-lab/bert', 'model', 'bert-base', output_attentions=True)\n"
        "```\n### Model Description\n"
    )
    files = {"acme-lab_bert_bert.md": page(github_id="acme-lab/bert", body=code)}
    t = build_tables(build_catalog(snapshot(files)), TYPES, NAMES)
    (m,) = t["models"]
    (p,) = t["publishers"]
    assert (m["call_count"], m["entrypoint_count"], m["loadable_count"]) == (5, 2, 4)
    assert (p["entrypoint_count"], p["loadable_count"]) == (2, 4)
    assert [r["checkpoint"] for r in t["entrypoints"]] == [
        "bert-base", "bert-large", None, "bert-base", "bert-base"
    ]  # fmt: skip
    assert snapshot_counts(t)["loadables"] == 4


def test_taxonomy_keeps_undeclared_values_flagged(t):
    tags = by(t["tags"], "id")
    assert tags["vision"]["declared"] and tags["vision"]["declared_in"] == "scripts/tags.py"
    assert not tags["speech"]["declared"] and tags["speech"]["declared_in"] is None
    assert {r["id"]: r["declared"] for r in t["categories"]} == {
        "developers": True,
        "research": False,
        "researchers": True,
    }
    assert not by(t["accelerators"], "id")["tpu"]["declared"]
    large = [r for r in t["model_tags"] if r["model"] == "acme-lab_acmenet_large"]
    assert [(r["tag"], r["raw"]) for r in large] == [
        ("vision", "vision"),
        ("audio", "Audio"),
        ("speech", "speech"),
    ]


def test_anomalies_say_file_line_and_kind(t):
    found = {(r["source_path"], r["kind"]) for r in t["anomalies"]}
    assert {
        ("acme-lab_acmenet_large.md", "case-mismatch"),
        ("acme-lab_acmenet_large.md", "undeclared-tag"),
        ("acme-lab_acmenet_large.md", "undeclared-category"),
        ("acme-lab_acmenet_large.md", "undeclared-accelerator"),
        ("zed_thing_thing.md", "no-entrypoint"),
        ("zed_thing_thing.md", "missing-section"),
        (ANNOTATIONS_PATH, "unannotated-publisher"),
    } <= found
    assert not any(r["source_path"] in ("README.md", "CONTRIBUTING.md") for r in t["anomalies"])
    assert {r["kind"] for r in t["anomalies"]} <= set(ANOMALY_KINDS)


def test_a_snapshot_without_vocabularies():
    t = build_tables(build_catalog(snapshot(FILES, vocabulary=False)), TYPES, NAMES)
    missing = [r for r in t["anomalies"] if r["kind"] == "missing-vocabulary"]
    assert [r["source_path"] for r in missing] == [
        "docs/template.md",
        "scripts/sanity_check.py",
        "scripts/tags.py",
    ]
    assert not any(r["declared"] for r in t["tags"] + t["categories"] + t["accelerators"])
    assert not any(r["kind"].startswith("undeclared-") for r in t["anomalies"])
    # Issue 20, finding 9: without a vocabulary too, tags are read lower-cased ('Audio').
    large = [r for r in t["model_tags"] if r["model"] == "acme-lab_acmenet_large"]
    assert [(r["tag"], r["raw"]) for r in large] == [
        ("vision", "vision"), ("audio", "Audio"), ("speech", "speech")
    ]  # fmt: skip
    assert sorted(r["id"] for r in t["tags"]) == ["audio", "speech", "vision"]
    assert not snapshot_counts(t)["tags_declared"]
    assert snapshot_counts(build_tables(build_catalog(snapshot(FILES)), TYPES, NAMES))[
        "tags_declared"
    ]


def test_history_hooks():
    cat = build_catalog(snapshot(FILES))
    seen = observed(cat)
    assert seen["jdoe_tiny_tiny.md"] == ("Page", "jdoe_tiny_tiny")
    assert seen["README.md"] == (None, None) and len(seen) == 6
    assert handle_from_path("acme_x_y.md") == ("Page", "acme_x_y")
    assert (
        handle_from_path("CONTRIBUTING.md") == handle_from_path("docs/template.md") == (None, None)
    )
    counts = snapshot_counts(build_tables(cat, TYPES, NAMES))
    assert counts["models"] == 4 and counts["publishers_unannotated"] == 1
    assert counts["publishers_with_models"] == counts["publishers"] == 3  # pages make publishers
    assert counts["calls"] == 5 and counts["models_vision"] == 4


def test_anomaly_kinds_are_the_schema_enum():
    schema = load_schema("anomalies", SCHEMAS)
    kind = next(f for f in schema["fields"] if f["name"] == "kind")
    assert kind["constraints"]["enum"] == list(ANOMALY_KINDS)


@pytest.mark.parametrize("name", ["publishers", "models", "anomalies", "link_types"])
def test_shared_column_names_keep_tf_hubs_types(name):
    ours = {f["name"]: f["type"] for f in load_schema(name, SCHEMAS)["fields"]}
    theirs = {f["name"]: f["type"] for f in load_schema(name, TFHUB.schema_dir)["fields"]}
    shared = set(ours) & set(theirs)
    assert {"handle", "first_seen"} <= shared or name in ("anomalies", "link_types")
    assert {c: ours[c] for c in shared} == {c: theirs[c] for c in shared}


def test_release_renders_and_validates(t, tmp_path):
    info = ReleaseInfo("pytorch-hub-test", "2022-04-05", "8" * 40, "2022-03-23T08:54:35Z")
    files = render_release(t, info, SCHEMAS)
    assert files == render_release(
        build_tables(build_catalog(snapshot(FILES)), TYPES, NAMES), info, SCHEMAS
    )  # byte for byte
    assert json.loads(files["schemas/entrypoints.json"]) == load_schema("entrypoints", SCHEMAS)
    write_release(files, tmp_path / "release", validate=True, progress=lambda _m: None)
    desc = tmp_path / "release" / "datapackage.json"
    assert validate_package(desc, parquet="frictionless") == []
