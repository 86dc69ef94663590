"""The crawler conventions of the reproduction (issue 20, finding 11), on synthetic tables: the
models a crawler of the rendered site would leave out, and whether that settles the gap."""

from tfhub_dataset.hubs.tfhub.report.crawler import conventions, crawler_lines


def model(handle, kind="Module", domain="image", name=None):
    return {"handle": handle, "publisher": handle.split("/")[0], "kind": kind,
            "domain": domain, "name": name or handle.split("/", 1)[1]}  # fmt: skip


def version(handle, asset="internal", kind="Module", v=1):
    return {"kind": kind, "model": handle, "version": v, "asset_path": asset}


MODELS = [
    model("tf/a"),
    model("tf/a/fpn"),  # nested under tf/a
    model("tf/p", kind="Placeholder", domain="text"),
    model("tf/q", kind="Placeholder", domain="text"),
    model("tf/e", name="effnet"),
    model("g/e", name="effnet"),  # the same name under another publisher
    model("g/b", domain="text"),
]
VERSIONS = [
    *(version(m["handle"]) for m in MODELS if m["kind"] == "Module"),
    version("tf/p", "", "Placeholder"), version("tf/q", "", "Placeholder"),
    version("g/b", "gs://bucket/b/2.tar.gz", v=2),
]  # fmt: skip
MEMBERS = [{"model": "tf/a", "listed_in": "comment"}, {"model": "g/b", "listed_in": "text"}]


def test_each_convention_is_a_set_of_models():
    got = {c.label: {m["handle"] for m in MODELS if c.leaves_out(m)}
           for c in conventions(MODELS, VERSIONS, MEMBERS)}  # fmt: skip
    assert got["a Placeholder (no asset of its own; its files are variants)"] == {"tf/p", "tf/q"}
    assert got["latest version without an asset-path"] == {"tf/p", "tf/q"}
    assert got["latest version's asset-path not servable from a browser (gs://)"] == {"g/b"}
    assert got["listed by collections only in a comment or code (not on their pages)"] == {"tf/a"}
    assert got["handle nested under another model's handle"] == {"tf/a/fpn"}
    assert got["name shared with another publisher's model"] == {"tf/e", "g/e"}


def test_a_convention_settles_the_gap_only_when_it_selects_exactly_it():
    settled = crawler_lines(MODELS, VERSIONS, MEMBERS, set(), {"tf": 2}, {"text": 2})
    assert "*a Placeholder (no asset of its own; its files are variants)* settles it." in settled
    open_gap = crawler_lines(MODELS, VERSIONS, MEMBERS, set(), {"tf": 3}, {"image": 3})
    text = "\n".join(open_gap)
    assert "None settles it" in text and "The 3 candidates" in text
    assert "| `tf/a/fpn` | image | Module | (6) (7) |" in text  # listed by handle, with why
    assert crawler_lines(MODELS, VERSIONS, MEMBERS, set(), {}, {}) == []
