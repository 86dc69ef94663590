"""PaddleHub catalog -> tables -> a validated Frictionless package, on synthetic snapshots."""

import csv
import io

import pytest

from tests.synthetic_paddlehub import (
    ADDRESS,
    CURATION,
    OLD_README,
    TYPES,
    module_py,
    readme,
    snapshot,
)
from tfhub_dataset import ROOT
from tfhub_dataset.hubs.paddlehub import GIT_PATHSPEC, is_data_path
from tfhub_dataset.hubs.paddlehub.annotations import (
    load_curation,
    load_types,
    parse_authors,
)
from tfhub_dataset.hubs.paddlehub.anomaly import ANOMALY_KINDS
from tfhub_dataset.hubs.paddlehub.catalog import build_catalog, place_of
from tfhub_dataset.hubs.paddlehub.history import doc_from_path, model_of, module_states, observed
from tfhub_dataset.hubs.paddlehub.tables import build_tables, snapshot_counts
from tfhub_dataset.hubs.paddlehub.versions import module_versions
from tfhub_dataset.package.stage import write_release
from tfhub_dataset.package.validate import validate_package
from tfhub_dataset.package.write import ReleaseInfo, load_schema, render_release

SCHEMAS = ROOT / "schemas" / "paddlehub"
CLS = "modules/image/classification"
FILES = {
    "LICENSE": "Apache License\n",
    "README.md": "# PaddleHub\n",
    "modules/README.md": "# the catalogue's index\n",
    "modules/image/README.md": "# image\n",
    f"{CLS}/README.md": "# a task's index\n",
    f"{CLS}/acme_net/module.py": module_py(extra="    meta=ImageClassifierModule,\n"),
    f"{CLS}/acme_net/README.md": readme(versions=("1.0.0", "1.1.0")),
    f"{CLS}/acme_net/README_en.md": (
        "# acme_net\n\n- ### Module Introduction\n\n  - AcmeNet, see the "
        "[paper](https://arxiv.org/abs/2101.00001).\n"
    ),
    f"{CLS}/acme_net/processor.py": "print('never read')\n",
    f"{CLS}/acme_net/sub/README.md": "# a helper package's readme [x](https://x.org)\n",
    f"{CLS}/copy_of_acme/module.py": module_py(version="0.9.0"),  # declares acme_net too
    f"{CLS}/docs_only/README.md": "# docs_only\n\nThe code is on the hub's server.\n",
    "modules/text/text_generation/poem/module.py": module_py(
        "poem", "2.0.0", author="张三、李四", author_email="z@qq.com", type="NLP/Text-Generation"
    ),
    "modules/text/text_generation/poem/readme.md": OLD_README,  # lower-case file name
    "modules/text/text_generation/poem/sub_poem/module.py": module_py(
        "sub_poem", author="Mr.Zhang", author_email="", type="CV"
    ),
    "modules/thirdparty/video/Video_editing/sky/module.py": module_py(
        "Sky", author="JDoe ", author_email="a@baidu.comi", type="video/editing"
    ),
    "modules/audio/tts/group/talker/module.py": module_py(
        "talker", author="New Person & jdoe", type="audio/tts"
    ),
    "modules/demo/senta_test/module.py": module_py("senta_test", author="anonymous"),
    "modules/image/broken/no_info/module.py": "class A:\n    pass\n",
    "modules/image/broken/bad_name/module.py": module_py("bad name"),
    "modules/image/broken/authorless/module.py": module_py("authorless", author=""),
    "demo/senta_module_sample/senta_test/module.py": module_py("outside_the_catalogue"),
}


@pytest.fixture(scope="module")
def cat():
    return build_catalog(snapshot(FILES))


@pytest.fixture(scope="module")
def t(cat):
    return build_tables(cat, TYPES, CURATION)


def test_data_paths_are_the_catalogue_files_and_the_license():
    data = sorted(p for p in FILES if is_data_path(p))
    assert "LICENSE" in data and "README.md" not in data
    assert f"{CLS}/acme_net/processor.py" not in data
    assert "demo/senta_module_sample/senta_test/module.py" not in data
    assert "modules/README.md" not in data and "modules/image/README.md" not in data
    assert f"{CLS}/acme_net/sub/README.md" in data  # read, then known to be no module's
    assert any("icase" in p for p in GIT_PATHSPEC) and "LICENSE" in GIT_PATHSPEC


def test_one_model_row_per_declared_name(t, cat):
    models = {r["handle"]: r for r in t["models"]}
    assert sorted(models) == [
        "Sky",
        "acme_net",
        "authorless",
        "poem",
        "senta_test",
        "sub_poem",
        "talker",
    ]
    acme = models["acme_net"]
    assert acme["source_path"] == f"{CLS}/acme_net/module.py"  # the first by path of two
    assert (acme["version"], acme["domain"], acme["task"], acme["group"]) == (
        "1.0.0",
        "image",
        "classification",
        None,
    )
    assert (acme["type"], acme["type_domain"], acme["type_task"]) == (
        "cv/classification",
        "cv",
        "classification",
    )
    assert (acme["meta"], acme["class_name"], acme["email_class"]) == (
        "ImageClassifierModule",
        "AcmeNet",
        "organization",
    )
    assert (acme["network"], acme["fine_tunable"], acme["model_size"]) == ("AcmeNet", False, "12MB")
    assert acme["description_en"] == "AcmeNet, see the paper."
    assert (acme["release_note_versions"], acme["link_count"], acme["paper_count"]) == (2, 4, 1)
    poem = models["poem"]
    assert poem["readme_path"].endswith("poem/readme.md") and poem["readme_en_path"] is None
    assert (poem["type_domain"], poem["type_task"]) == ("nlp", "text_generation")
    assert poem["description"] == "OldNet 是一个旧模型。"
    assert models["sub_poem"]["group"] == "poem"
    assert models["talker"]["group"] == "group"
    sky = models["Sky"]
    assert sky["thirdparty"] and sky["domain"] == "video" and sky["email_class"] == "invalid"
    assert models["senta_test"]["domain"] == "demo" and models["senta_test"]["task"] is None
    assert cat.readme_only == [f"{CLS}/docs_only"]


def test_author_strings_credit_publishers_through_the_annotation(t):
    credits = {}
    for r in t["model_publishers"]:
        credits.setdefault(r["model"], []).append((r["publisher"], r["credited_as"]))
    assert credits["poem"] == [("张三", "张三"), ("李四", "李四")]
    assert credits["sub_poem"] == [("张三", "Mr.Zhang")]  # a nickname mapped to the name
    assert credits["Sky"] == [("jdoe", "JDoe")]  # stripped before it is looked up
    assert credits["talker"] == [("new-person", "New Person"), ("jdoe", "jdoe")]  # unannotated
    assert "senta_test" not in credits  # 'anonymous' names no one
    models = {r["handle"]: r for r in t["models"]}
    assert (models["poem"]["publisher"], models["poem"]["publisher_count"]) == ("张三", 2)
    assert models["senta_test"]["publisher"] is None
    pubs = {r["handle"]: r for r in t["publishers"]}
    assert sorted(pubs) == ["acme-lab", "jdoe", "new-person", "张三", "李四"]
    assert pubs["张三"]["model_count"] == 2 and pubs["张三"]["shared_model_count"] == 1
    assert pubs["张三"]["display_name"] == "张三" and pubs["张三"]["author_count"] == 2
    assert pubs["jdoe"]["display_name"] == "JDoe" and pubs["jdoe"]["email_classes"] == (
        "invalid;organization"
    )
    assert pubs["acme-lab"]["organization"] == "Acme" and pubs["jdoe"]["organization"] is None
    assert pubs["new-person"]["type"] == "unannotated"


def test_anomalies_say_file_line_and_kind(t):
    got = {(r["kind"], r["source_path"]) for r in t["anomalies"]}
    assert ("duplicate-module-name", f"{CLS}/copy_of_acme/module.py") in got
    assert ("readme-without-module", f"{CLS}/docs_only/README.md") in got
    assert ("no-moduleinfo", "modules/image/broken/no_info/module.py") in got
    assert ("invalid-name", "modules/image/broken/bad_name/module.py") in got
    assert ("missing-author", "modules/image/broken/authorless/module.py") in got
    assert ("version-not-in-readme", "modules/text/text_generation/poem/readme.md") in got
    assert ("invalid-type", "modules/text/text_generation/poem/sub_poem/module.py") in got
    assert ("author-names-no-one", "modules/demo/senta_test/module.py") in got
    assert ("missing-readme", "modules/demo/senta_test/README.md") in got
    assert ("unannotated-author", "build/annotations/paddlehub/authors.csv") in got
    assert ("unannotated-publisher", "build/annotations/paddlehub/publisher_types.csv") in got
    assert {r["kind"] for r in t["anomalies"]} <= set(ANOMALY_KINDS)
    # A task's index, a group's README and a README inside a module's folder are no module.
    assert not any(p.endswith(("classification/README.md", "sub/README.md")) for _, p in got)


def test_an_address_never_reaches_a_table(t):
    for rows in t.values():
        for row in rows:
            for value in row.values():
                assert ADDRESS not in str(value) and "acme-lab.org" not in str(value)
                assert "z@qq.com" not in str(value)


def test_taxonomy_tables(t):
    types = {r["id"]: r for r in t["types"]}
    assert types["NLP/Text-Generation"] == {
        "id": "NLP/Text-Generation",
        "domain": "nlp",
        "task": "text_generation",
        "model_count": 1,
    }
    assert types["CV"]["task"] is None
    assert {r["id"]: r["model_count"] for r in t["domains"]} == {
        "audio": 1,
        "demo": 1,
        "image": 2,
        "text": 2,
        "video": 1,
    }


def test_papers_are_counted_once_per_module(t):
    papers = [r for r in t["model_papers"] if r["model"] == "acme_net"]
    assert [(p["arxiv_id"], p["doc"], p["evidence"]) for p in papers] == [
        ("2101.00001", "README.md", "host")
    ]


def test_places_of_the_layouts_over_the_years():
    p = place_of("hubmodule/modules/image/classification/acme/module.py")
    assert (p.root, p.domain, p.task, p.group, p.folder_name) == (
        "hubmodule/modules/",
        "image",
        "classification",
        None,
        "acme",
    )
    p = place_of("hub_module/modules/demo/senta_test/module.py")
    assert (p.domain, p.task, p.folder_name) == ("demo", None, "senta_test")
    p = place_of("modules/thirdparty/image/Image_gan/gan/stgan_bald/module.py")
    assert (p.thirdparty, p.task, p.group, p.folder_name) == (
        True,
        "Image_gan",
        "gan",
        "stgan_bald",
    )
    assert place_of("paddlehub/module/module.py") is None
    assert place_of("modules/module.py") is None


def test_history_hooks(cat):
    seen = observed(cat)
    assert seen[f"{CLS}/acme_net/module.py"] == ("Module", "acme_net")
    assert seen[f"{CLS}/copy_of_acme/module.py"] == ("Module", "acme_net")
    assert seen[f"{CLS}/acme_net/README_en.md"] == ("ReadmeEn", "acme_net")
    assert seen["modules/text/text_generation/poem/readme.md"] == ("Readme", "poem")
    for path in (f"{CLS}/docs_only/README.md", f"{CLS}/acme_net/sub/README.md", f"{CLS}/README.md"):
        assert seen[path] == (None, None)
    assert seen["modules/image/broken/no_info/module.py"] == (None, None)
    assert set(seen) == {p for p in FILES if is_data_path(p) and p != "LICENSE"}
    assert doc_from_path("modules/x/y/z/README_en.md") == ("ReadmeEn", "z")
    assert doc_from_path("LICENSE") == (None, None)
    assert model_of("Readme", "z") == "z" and model_of("Page", "z") is None
    assert module_states(cat)["acme_net"] == ("1.0.0", f"{CLS}/acme_net/module.py")
    counts = snapshot_counts(build_tables(cat, TYPES, CURATION))
    assert (counts["models"], counts["publishers"], counts["publishers_unannotated"]) == (7, 5, 1)
    assert (counts["models_text"], counts["models_other"], counts["models_thirdparty"]) == (2, 1, 1)
    assert counts["organizations"] == 1 and counts["papers"] == 1


def test_module_versions_over_observed_commits():
    obs = [
        ("a" * 40, "2020-04-26T03:00:00Z", {"x": ("1.0.0", "hubmodule/modules/i/c/x/module.py")}),
        ("b" * 40, "2020-05-01T00:00:00Z", {"x": ("1.1.0", "hub_module/modules/i/c/x/module.py")}),
        (
            "c" * 40,
            "2021-06-01T00:00:00Z",
            {"x": ("1.0.0", "modules/i/c/x/module.py"), "y": ("2.0", "modules/i/c/y/module.py")},
        ),
        ("d" * 40, "2021-07-01T00:00:00Z", {"x": ("1.0.0", "modules/i/c/x/module.py")}),
    ]
    rows = {(r["module"], r["version"]): r for r in module_versions(obs)}
    assert list(rows) == [("x", "1.0.0"), ("x", "1.1.0"), ("y", "2.0")]
    x1 = rows[("x", "1.0.0")]
    assert (x1["first_seen_commit"], x1["present"], x1["spells"], x1["ended"]) == (
        "a" * 40,
        True,
        2,
        None,
    )
    assert x1["source_path"].startswith("hubmodule/")
    assert (rows[("x", "1.1.0")]["ended_commit"], rows[("x", "1.1.0")]["present"]) == (
        "c" * 40,
        False,
    )
    assert rows[("y", "2.0")]["ended"] == "2021-07-01T00:00:00Z"
    assert module_versions([]) == []


def test_anomaly_kinds_are_the_schema_enum():
    kind = next(f for f in load_schema("anomalies", SCHEMAS)["fields"] if f["name"] == "kind")
    assert kind["constraints"]["enum"] == list(ANOMALY_KINDS)


@pytest.mark.parametrize("name", ["publishers", "models", "anomalies", "link_types", "links"])
def test_shared_column_names_keep_tf_hubs_types(name):
    ours = {f["name"]: f["type"] for f in load_schema(name, SCHEMAS)["fields"]}
    theirs = {
        f["name"]: f["type"] for f in load_schema(name, ROOT / "schemas" / "pytorch_hub")["fields"]
    }
    shared = set(ours) & set(theirs)
    assert {c: ours[c] for c in shared} == {c: theirs[c] for c in shared}


def test_release_renders_and_validates(t, tmp_path):
    info = ReleaseInfo("paddlehub-test", "2022-04-05", "8" * 40, "2022-04-02T09:49:38Z")
    files = render_release(t, info, SCHEMAS)
    again = build_tables(build_catalog(snapshot(dict(reversed(FILES.items())))), TYPES, CURATION)
    assert files == render_release(again, info, SCHEMAS)  # byte for byte, whatever the order
    write_release(files, tmp_path / "release", validate=True, progress=lambda _m: None)
    assert validate_package(tmp_path / "release" / "datapackage.json", parquet="frictionless") == []
    rows = list(csv.DictReader(io.StringIO(files["data/models.csv"].decode())))
    assert len(rows) == 7


def test_the_curated_annotations_hold_together():
    curation, types = load_curation(), load_types()
    credited = {h for m in curation.authors.values() for h in m.publishers}
    assert credited == set(types), "every credited publisher has a type, and only those"
    for handle, t in types.items():  # an organisation behind a person: a person's university
        assert t.type == "organization" or t.organization is None or handle == "ymcui"
    assert all(m.evidence for m in curation.authors.values())
    with pytest.raises(ValueError, match="mapped twice"):
        parse_authors("author,publishers,evidence\nA,a,e\nA ,a,e\n")
    with pytest.raises(ValueError, match="credited twice"):
        parse_authors("author,publishers,evidence\nA,a;a,e\n")


def test_addresses_in_author_strings_and_readmes_are_withheld():
    files = {
        f"{CLS}/mail/module.py": module_py("mail", author="Jane Roe <jane.roe@example.org>"),
        f"{CLS}/mail/README.md": readme(
            "mail",
            description="联系 jane.roe@example.org 或 [邮件](mailto:jane.roe@example.org)。",
        ),
    }
    t = build_tables(build_catalog(snapshot(files)), TYPES, CURATION)
    cells = [str(v) for rows in t.values() for row in rows for v in row.values()]
    assert not any("jane.roe@" in c for c in cells)
    model = t["models"][0]
    assert model["author"] == "Jane Roe <[e-mail withheld]>"
    assert "[e-mail withheld]" in model["description"]
    assert not [r for r in t["links"] if r["url"].startswith("mailto:")]
    kinds = [r["kind"] for r in t["anomalies"]]
    assert kinds.count("email-withheld") == 1
