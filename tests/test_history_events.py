"""History replay and timelines on small synthetic commit graphs (no docs parsed)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest

from tfhub_dataset.history.replay import (
    Change,
    UnknownRenameContent,
    data_changes,
    first_parent_line,
    timelines,
    topo_order,
)
from tfhub_dataset.history.replay import replay as _replay
from tfhub_dataset.history.series import month_ends
from tfhub_dataset.hubs.tfhub.history import HISTORY, handle_from_path, normalized_path


def replay(*args, **kwargs):
    """The replay with TF Hub's path rules (these tests' commits are TF Hub-shaped)."""
    rules = {"data_path": HISTORY.data_path, "normalized": HISTORY.normalized}
    return _replay(*args, **rules, path_doc=HISTORY.path_doc, **kwargs)


@dataclass(frozen=True)
class Ref:
    sha: str
    date: str
    message: str = ""
    parents: tuple[str, ...] = ()


def sha(name: str) -> str:
    return hashlib.sha1(name.encode()).hexdigest()


def ref(name: str, date: str, *parents: str) -> Ref:
    return Ref(sha(name), date, name, tuple(sha(p) for p in parents))


D = "assets/docs/acme"


def test_data_changes_keeps_data_paths_and_renames_across_the_boundary() -> None:
    files = [
        {"filename": f"{D}/a/1.md", "status": "added"},
        {"filename": "tools/x.py", "status": "modified"},
        {"filename": "README.md", "status": "modified"},
        {"filename": "CONTRIBUTING.md", "status": "added"},
        {"filename": "tags/task.yaml", "status": "modified"},
        {"filename": "examples/a.md", "status": "renamed", "previous_filename": f"{D}/b/1.md",
         "changes": 0},
        {"filename": "examples/c.md", "status": "renamed", "previous_filename": "examples/d.md"},
        {"filename": f"{D}/e/1.md", "status": "renamed", "previous_filename": f"{D}/f/1.md",
         "changes": 6},
    ]  # fmt: skip
    assert data_changes(files) == [
        Change(f"{D}/a/1.md", "added"),
        Change("README.md", "modified"),
        Change("tags/task.yaml", "modified"),
        Change("examples/a.md", "renamed", f"{D}/b/1.md", content_changed=False),
        Change(f"{D}/e/1.md", "renamed", f"{D}/f/1.md", content_changed=True),
    ]


def test_a_rename_listed_without_its_changes_is_refused() -> None:
    """A listing that cannot tell a move from an edit (the local REST mirror's) is no guess."""
    files = [{"filename": f"{D}/e/1.md", "status": "renamed", "previous_filename": f"{D}/f/1.md"}]
    with pytest.raises(UnknownRenameContent, match="cannot tell a move from an edit"):
        data_changes(files, "bad00e44" * 5)


def test_a_rename_that_edits_the_doc_is_a_modification() -> None:
    """Item 2 of issue 11 (bad00e44): renamed and edited is modified, not only moved."""
    refs = [
        ref("add", "2021-01-01T00:00:00Z"),
        ref("move", "2021-02-01T00:00:00Z", "add"),
        ref("edit", "2021-03-01T00:00:00Z", "move"),
    ]
    old, new, newer = f"{D}/a/1.md", f"{D}/b/1.md", f"{D}/c/1.md"
    changes = {
        sha("add"): [Change(old, "added")],
        sha("move"): [Change(new, "renamed", old, content_changed=False)],
        sha("edit"): [Change(newer, "renamed", new, content_changed=True)],
    }
    doc = ("Module", "p/a/1")
    held = {"add": old, "move": new, "edit": newer}  # each commit's snapshot: the doc's file
    snaps = {sha(c): {path: doc} for c, path in held.items()}
    rep = replay(refs, changes, snaps, {sha(c): frozenset({p}) for c, p in held.items()})
    docs, events = timelines(rep, [sha("add"), sha("move"), sha("edit")])
    assert [e.effect for e in events[sha("move")]] == ["moved"]
    assert [e.effect for e in events[sha("edit")]] == ["modified"]
    tl = docs[doc]
    assert (tl.first_seen, tl.last_changed, tl.modifications) == (0, 2, 1)


def test_topo_order_and_first_parent_line_with_a_merge() -> None:
    # The side branch's commit is dated after the line's commit it forked from, and the merge
    # is dated before the side commit (clocks differ): parents still come first.
    refs = [
        ref("root", "2021-01-01T00:00:00Z"),
        ref("a", "2021-01-02T00:00:00Z", "root"),
        ref("side", "2021-01-05T00:00:00Z", "root"),
        ref("merge", "2021-01-04T00:00:00Z", "a", "side"),
    ]
    order = topo_order(refs)
    assert order.index(sha("side")) < order.index(sha("merge"))
    assert order[0] == sha("root")
    assert first_parent_line(refs, sha("merge")) == [sha("root"), sha("a"), sha("merge")]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("assets/docs/acme/acme.md", ("Publisher", "acme")),
        ("assets/g3doc/acme/collections/set/1.md", ("Collection", "acme/set/1")),
        ("assets/docs/acme/models/vision/clf/2.md", ("Module", "acme/vision/clf/2")),
        ("assets/docs/acme/vision/clf/2.md", ("Module", "acme/vision/clf/2")),
        ("assets/docs/acme/models/clf/lite/1.md", ("Lite", "acme/clf/1")),
        ("assets/docs/acme/clf/tfjs/3.md", ("Tfjs", "acme/clf/3")),
        ("assets/docs/acme/models/clf/coral/1.md", ("Coral", "acme/clf/1")),
        ("assets/docs/acme/notes.txt", (None, None)),
    ],
)
def test_handle_from_path(path: str, expected: tuple) -> None:
    assert handle_from_path(path) == expected


def test_normalized_path_reads_g3doc_as_docs() -> None:
    assert normalized_path("assets/g3doc/acme/acme.md") == "assets/docs/acme/acme.md"
    assert normalized_path("assets/docs/acme/acme.md") == "assets/docs/acme/acme.md"
    assert normalized_path("tags/task.yaml") == "tags/task.yaml"


def chain(*specs: tuple[str, str, list[Change]]) -> tuple[list[Ref], dict[str, list[Change]]]:
    """A linear history: (name, date, changes) oldest first."""
    refs, changes, parent = [], {}, None
    for name, date, chs in specs:
        r = ref(name, date, *([parent] if parent else []))
        refs.append(r)
        changes[r.sha] = chs
        parent = name
    return refs, changes


def test_replay_matches_snapshots_and_tracks_a_handle_across_a_move() -> None:
    old, new = "assets/g3doc/acme/models/a/1.md", f"{D}/models/a/1.md"
    refs, changes = chain(
        ("c1", "2021-01-01T00:00:00Z", [Change(old, "added"), Change("README.md", "added")]),
        ("c2", "2021-01-02T00:00:00Z", [Change(new, "added")]),  # copy to the new folder
        ("c3", "2021-01-03T00:00:00Z", [Change(old, "removed")]),  # then the old one goes
        ("c4", "2021-01-04T00:00:00Z", [Change(new, "modified")]),
        ("c5", "2021-01-05T00:00:00Z", [Change(f"{D}/a/1.md", "renamed", new)]),
    )
    doc = ("Module", "acme/a/1")
    snaps = {sha("c1"): {old: doc}, sha("c5"): {f"{D}/a/1.md": doc}}
    paths = {
        sha("c1"): frozenset({old, "README.md"}),
        sha("c5"): frozenset({f"{D}/a/1.md", "README.md"}),
    }
    rep = replay(refs, changes, snaps, paths)
    assert rep.anomalies == []
    assert rep.checked == {sha("c1"): (0, 0), sha("c5"): (0, 0)}
    line = [r.sha for r in refs]
    docs, events = timelines(rep, line)
    tl = docs[doc]
    assert (tl.first_seen, tl.last_changed, tl.removed, tl.present) == (0, 3, None, True)
    assert tl.modifications == 1 and tl.interruptions == 0
    effects = [e.effect for r in refs for e in events[r.sha] if e.kind]
    assert effects == ["added", "moved", "moved", "modified", "moved"]
    # the file of c2-c4 was never in a snapshot: its handle comes from a snapshot of its path
    assert events[sha("c2")][0].handle_source == "snapshot-path"
    assert events[sha("c1")][0].handle_source == "snapshot"


def test_replay_mismatch_becomes_anomalies() -> None:
    refs, changes = chain(
        ("c1", "2021-01-01T00:00:00Z", [Change(f"{D}/a/1.md", "added")]),
        ("c2", "2021-01-02T00:00:00Z", [Change(f"{D}/b/1.md", "modified")]),  # never added
        ("c3", "2021-01-03T00:00:00Z", [Change(f"{D}/a/1.md", "added")]),  # added twice
        ("c4", "2021-01-04T00:00:00Z", [Change(f"{D}/z/1.md", "removed")]),  # never there
    )
    paths = {sha("c4"): frozenset({f"{D}/a/1.md", f"{D}/c/1.md"})}
    rep = replay(refs, changes, {}, paths)
    kinds = sorted((a.kind, a.path) for a in rep.anomalies)
    assert kinds == [
        ("replay-added-existing", f"{D}/a/1.md"),
        ("replay-extra", f"{D}/b/1.md"),
        ("replay-missing", f"{D}/c/1.md"),
        ("replay-modified-missing", f"{D}/b/1.md"),
        ("replay-removed-missing", f"{D}/z/1.md"),
    ]
    assert rep.checked[sha("c4")] == (1, 1)


def test_merge_diff_is_against_the_first_parent() -> None:
    side_doc = f"{D}/side/1.md"
    refs = [
        ref("root", "2021-01-01T00:00:00Z"),
        ref("a", "2021-01-02T00:00:00Z", "root"),
        ref("side", "2021-01-03T00:00:00Z", "root"),
        ref("merge", "2021-01-04T00:00:00Z", "a", "side"),
    ]
    changes = {
        sha("root"): [Change("README.md", "added")],
        sha("a"): [Change(f"{D}/a/1.md", "added")],
        sha("side"): [Change(side_doc, "added")],
        sha("merge"): [Change(side_doc, "added")],  # what the side branch brings to the line
    }
    side_key, a_key = ("Module", "acme/side/1"), ("Module", "acme/a/1")
    snaps = {
        sha("side"): {side_doc: side_key},
        sha("merge"): {side_doc: side_key, f"{D}/a/1.md": a_key},
    }
    paths = {
        sha("side"): frozenset({"README.md", side_doc}),
        sha("merge"): frozenset({"README.md", side_doc, f"{D}/a/1.md"}),
    }
    rep = replay(refs, changes, snaps, paths)
    assert rep.anomalies == []
    line = first_parent_line(refs, sha("merge"))
    docs, events = timelines(rep, line)
    assert line[docs[side_key].first_seen] == sha("merge")  # on the line at the merge
    assert events[sha("side")][0].effect is None  # off the line: no effect
    assert events[sha("side")][0].handle == "acme/side/1"


def test_a_file_whose_first_line_changes_moves_its_life_to_the_new_handle() -> None:
    path = f"{D}/a/1.md"
    refs, changes = chain(
        ("c1", "2021-01-01T00:00:00Z", [Change(path, "added")]),
        ("c2", "2021-01-02T00:00:00Z", [Change(path, "modified")]),
    )
    old, new = ("Placeholder", "acme/a/1"), ("Module", "acme/a/1")
    snaps = {sha("c1"): {path: old}, sha("c2"): {path: new}}
    paths = {sha("c1"): frozenset({path}), sha("c2"): frozenset({path})}
    rep = replay(refs, changes, snaps, paths)
    assert [a.kind for a in rep.anomalies] == ["handle-changed"]
    docs, events = timelines(rep, [r.sha for r in refs])
    assert docs[old].removed == 1 and not docs[old].present
    assert docs[new].first_seen == 1 and docs[new].present
    assert events[sha("c2")][0].effect == "added"


def test_a_doc_removed_and_added_again_counts_an_interruption() -> None:
    path = f"{D}/a/1.md"
    refs, changes = chain(
        ("c1", "2021-01-01T00:00:00Z", [Change(path, "added")]),
        ("c2", "2021-01-02T00:00:00Z", [Change(path, "removed")]),
        ("c3", "2021-01-03T00:00:00Z", [Change(path, "added")]),
    )
    rep = replay(refs, changes, {}, {})
    docs, events = timelines(rep, [r.sha for r in refs])
    (tl,) = docs.values()
    assert tl.key == ("Module", "acme/a/1")  # derived from the path: no snapshot
    assert (tl.first_seen, tl.last_changed, tl.removed, tl.interruptions) == (0, 2, None, 1)
    assert tl.intervals == [[0, 1], [2, None]]
    assert {e.handle_source for r in refs for e in events[r.sha]} == {"path"}


def test_a_handle_that_changes_only_in_case_in_one_commit_is_one_doc() -> None:
    """Issue 20, finding 4: removed and added again under a case-only different name in one
    commit (what git lists when it sees no rename) is a move; a different name is not."""
    old, new, other = f"{D}/Net/1.md", f"{D}/net/1.md", f"{D}/b/1.md"
    refs, changes = chain(
        ("c1", "2021-01-01T00:00:00Z", [Change(old, "added"), Change(other, "added")]),
        ("c2", "2021-01-02T00:00:00Z", [Change(old, "removed"), Change(new, "added")]),
        ("c3", "2021-01-03T00:00:00Z", [Change(other, "removed"), Change(f"{D}/c/1.md", "added")]),
    )
    rep = replay(refs, changes, {}, {})
    docs, events = timelines(rep, [r.sha for r in refs])
    assert ("Module", "acme/Net/1") not in docs
    tl = docs[("Module", "acme/net/1")]
    assert (tl.first_seen, tl.removed, tl.interruptions, tl.present) == (0, None, 0, True)
    assert [(e.handle, e.effect) for r in refs[:2] for e in events[r.sha]][::2] == [
        ("acme/net/1", "added"), ("acme/net/1", "moved"),
    ]  # fmt: skip
    assert docs[("Module", "acme/b/1")].removed == 2  # another name: removed, not moved
    assert docs[("Module", "acme/c/1")].first_seen == 2


def test_month_ends_repeat_empty_months_and_end_at_the_release_commit() -> None:
    refs = [
        ref("jan", "2021-01-31T23:59:59Z"),
        ref("feb", "2021-02-01T00:00:00Z", "jan"),
        ref("apr1", "2021-04-01T10:00:00Z", "feb"),
        ref("apr9", "2021-04-09T10:00:00Z", "apr1"),
    ]
    months = month_ends(refs, sha("apr1"), "2021-04-05")
    assert [(m.month, m.ref.message, m.repeated, m.partial) for m in months] == [
        ("2021-01", "jan", False, False),
        ("2021-02", "feb", False, False),
        ("2021-03", "feb", True, False),
        ("2021-04", "apr1", False, True),
    ]


def test_month_ends_follow_the_first_parent_line() -> None:
    """Item 4 of issue 11: a side-branch commit made last in a month counts only from its merge
    (2020-10 is 470786c3, not 08639d86)."""
    refs = [
        ref("line", "2020-10-30T15:35:13Z"),
        ref("side", "2020-10-30T15:46:24Z", "line"),
        ref("merge", "2020-11-03T07:37:26Z", "line", "side"),
    ]
    months = month_ends(refs, sha("merge"), "2020-11-30")
    assert [(m.month, m.ref.message, m.partial) for m in months] == [
        ("2020-10", "line", False),
        ("2020-11", "merge", False),  # as of the month's last day: a whole month
    ]


def test_commit_list_with_a_missing_parent_is_recorded_not_a_crash():
    """A grafted or cut commit list: the replay says so in history_anomalies."""
    from dataclasses import dataclass as _dc

    from tfhub_dataset.history.series import build_history
    from tfhub_dataset.sources.snapshot import Snapshot

    @_dc(frozen=True)
    class Ref:
        sha: str
        date: str
        message: str
        parents: tuple

    a, b, c = "a" * 40, "b" * 40, "c" * 40
    files = {
        "assets/docs/p/p.md": b"# Publisher p\nP Labs.\n",
        "assets/docs/p/models/m/1.md": b"# Module p/m/1\nSum.\n<!-- task: text-embedding -->\n",
    }

    refs = [
        Ref(c, "2021-01-02T00:00:00Z", "c", (b,)),
        Ref(b, "2021-01-01T00:00:00Z", "b", (a,)),
    ]

    class Source:
        def list_commits(self, sha):
            return refs

        def commit_changes(self, sha):
            return {
                b: [Change("assets/docs/p/models/m/1.md", "modified")],
                c: [Change("assets/docs/p/p.md", "added")],
            }[sha]

        def snapshot(self, sha):
            date = {b: "2021-01-01T00:00:00Z", c: "2021-01-02T00:00:00Z"}[sha]
            return Snapshot(sha, date, files)

    history = build_history(Source(), c, "2021-01-02", {})
    assert history.tables["history_anomalies"]
