"""build_history / add_history end to end on a small synthetic repository (docs written here)."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.synthetic import LICENSE_YAML, doc
from tests.synthetic import history_readme_section as readme_section
from tfhub_dataset.annotations import PublisherType
from tfhub_dataset.build import release_tables
from tfhub_dataset.history.replay import data_changes
from tfhub_dataset.history.series import HISTORY_TABLES, History, add_history, build_history
from tfhub_dataset.hubs.tfhub import history as tfhub_history
from tfhub_dataset.hubs.tfhub.report.readme import render_report
from tfhub_dataset.package.stage import write_release
from tfhub_dataset.package.write import ReleaseInfo, render_release
from tfhub_dataset.sources.commits import Change
from tfhub_dataset.sources.snapshot import Snapshot

TASKS = """\
values:
  - id: image-classification
    display_name: Image classification
    domains:
      - image
  - id: text-embedding
    display_name: Text embedding
    domains:
      - text
"""
LICENSES = LICENSE_YAML
text = doc  # dedented, leading newline dropped, UTF-8


def publisher(handle: str) -> bytes:
    return text(
        f"""
        # Publisher {handle}
        {handle.title()} Labs.

        [![Icon URL]](https://example.org/{handle}.png)

        We publish models.
        """
    )


def module(handle: str, task: str = "image-classification", note: str = "") -> bytes:
    return text(
        f"""
        # Module {handle}
        A model. {note}

        <!-- asset-path: https://example.org/{handle}.tar.gz -->
        <!-- task: {task} -->
        <!-- fine-tunable: true -->
        <!-- format: saved_model_2 -->
        <!-- license: apache-2.0 -->
        """
    )


def lite(handle: str, parent: str) -> bytes:
    return text(
        f"""
        # Lite {handle}
        A TFLite variant.

        <!-- asset-path: https://example.org/{handle}.tflite -->
        <!-- parent-model: {parent} -->
        """
    )


@dataclass(frozen=True)
class Ref:
    sha: str
    date: str
    message: str
    parents: tuple[str, ...]


class FakeRepo:
    """A synthetic repository: commits with their whole trees; ``commit_files`` is the diff
    against the first parent (as GitHub lists it); snapshots only for ``tarballs`` (as the
    mirror), every call counted."""

    def __init__(self) -> None:
        self.refs: dict[str, Ref] = {}
        self.trees: dict[str, dict[str, bytes]] = {}
        self.renames: dict[str, dict[str, str]] = {}
        self.names: dict[str, str] = {}
        self.tarballs: set[str] = set()
        self.calls: Counter[str] = Counter()
        self.drop: dict[str, set[str]] = {}  # sha -> paths left out of commit_files

    def commit(
        self,
        name: str,
        date: str,
        changes: dict[str, bytes | None],
        parents: tuple[str, ...] | None = None,
        renames: dict[str, str] | None = None,
    ) -> str:
        """``changes`` applied to the first parent's tree: bytes to write, None to delete.
        ``renames``: new path -> old path (the content moves)."""
        if parents is None:
            parents = (self.last,) if self.refs else ()
        parent_shas = tuple(self.names.get(p, p) for p in parents)
        tree = dict(self.trees[parent_shas[0]]) if parent_shas else {}
        for new, old in (renames or {}).items():
            tree[new] = tree.pop(old)
        for path, data in changes.items():
            if data is None:
                tree.pop(path, None)
            else:
                tree[path] = data
        sha = hashlib.sha1(name.encode()).hexdigest()
        self.refs[sha] = Ref(sha, date, name, parent_shas)
        self.trees[sha] = tree
        self.renames[sha] = dict(renames or {})
        self.names[name] = sha
        self.last = sha
        return sha

    def list_commits(self, sha: str) -> list[Ref]:
        self.calls["list_commits"] += 1
        seen, stack = set(), [sha]
        while stack:
            s = stack.pop()
            if s not in seen:
                seen.add(s)
                stack.extend(self.refs[s].parents)
        return sorted((self.refs[s] for s in seen), key=lambda r: r.date, reverse=True)

    def commit_changes(self, sha: str) -> list[Change]:
        self.calls["commit_changes"] += 1
        return data_changes(self.commit_files(sha), sha)

    def commit_files(self, sha: str) -> list[dict]:
        ref = self.refs[sha]
        old = self.trees[ref.parents[0]] if ref.parents else {}
        new = self.trees[sha]
        renames = self.renames[sha]
        out = []
        for path in sorted(set(old) | set(new)):
            if path in self.drop.get(sha, ()):
                continue
            if path in renames:
                edited = int(self.trees[ref.parents[0]][renames[path]] != new[path])
                out.append({"filename": path, "status": "renamed",
                            "previous_filename": renames[path], "changes": edited})  # fmt: skip
            elif path in renames.values():
                continue
            elif path not in old:
                out.append({"filename": path, "status": "added"})
            elif path not in new:
                out.append({"filename": path, "status": "removed"})
            elif old[path] != new[path]:
                out.append({"filename": path, "status": "modified"})
        return out

    def snapshot(self, sha: str) -> Snapshot:
        self.calls["snapshot"] += 1
        if sha not in self.tarballs:
            raise FileNotFoundError(f"no tarball for {sha}")
        return Snapshot(commit=sha, commit_date=self.refs[sha].date, files=self.trees[sha])


G, A, Z = "assets/g3doc/acme", "assets/docs/acme", "assets/docs/zed"
TYPES = {
    "acme": PublisherType("acme", "organization", "synthetic"),
    "zed": PublisherType("zed", "individual", "synthetic"),
}


def at(day: str) -> str:
    return f"2021-{day}T10:00:00Z"


def make_repo() -> FakeRepo:
    """Five months, 2021-01 to 2021-05 (as of 2021-05-03): a move across two commits, a rename, a
    side branch whose commit ends February, a doc that lived between two snapshots, a doc removed
    and added again, a month without commits."""
    r = FakeRepo()
    tags = {"tags/task.yaml": TASKS.encode(), "tags/license.yaml": LICENSES.encode()}
    a1, b1, c1 = f"{A}/models/a/1.md", f"{A}/models/b/1.md", f"{A}/models/c/1.md"
    x1, tmp = f"{Z}/models/x/1.md", f"{A}/models/tmp/1.md"
    r.commit("c1", at("01-05"), {
        "README.md": b"# tfhub.dev\n", **tags,
        f"{G}/acme.md": publisher("acme"), f"{G}/models/a/1.md": module("acme/a/1"),
    })  # fmt: skip
    r.commit("c2", at("01-20"), {b1: module("acme/b/1", "text-embedding")})
    r.commit("c3", at("01-30"), {f"{A}/acme.md": publisher("acme"), a1: module("acme/a/1")})
    r.commit("c4", at("02-02"), {f"{G}/acme.md": None, f"{G}/models/a/1.md": None})
    r.commit("c5", at("02-10"), {b1: module("acme/b/1", "text-embedding", "v")})
    r.commit("c6", at("02-15"), {f"{A}/models/b/lite/1.md": lite("acme/b/1", "acme/b/1")})
    r.commit("c7", at("02-20"), {f"{Z}/zed.md": publisher("zed"), x1: module("zed/x/1")})
    r.commit("c8", at("02-26"), {a1: module("acme/a/1", note="Edited.")})
    r.commit("s1", at("02-27"), {c1: module("acme/c/1")}, parents=("c7",))
    r.commit("m1", at("03-05"), {c1: module("acme/c/1")}, parents=("c8", "s1"))
    r.commit("c9", at("03-10"), {x1: None})
    r.commit("c10", at("03-12"), {}, renames={f"{A}/b/1.md": b1})
    r.commit("c11", at("03-15"), {tmp: module("acme/tmp/1")})
    r.commit("c12", at("03-16"), {tmp: None})
    r.commit("c13", at("03-20"), {x1: module("zed/x/1")})
    r.commit("c14", at("05-02"), {"README.md": b"# tfhub.dev, May\n"})
    r.tarballs = {r.names[n] for n in ("c3", "c8", "c13", "c14")}  # the month ends only
    return r


def n(repo: FakeRepo, name: str) -> str:
    return repo.names[name]


@pytest.fixture(scope="module")
def built() -> tuple[FakeRepo, History]:
    repo = make_repo()
    return repo, build_history(repo, n(repo, "c14"), "2021-05-03", TYPES)


def row(table: list[dict], **where: object) -> dict:
    (found,) = [r for r in table if all(r[k] == v for k, v in where.items())]
    return found


def test_fetches_only_the_month_end_snapshots(built: tuple[FakeRepo, History]) -> None:
    repo, h = built
    assert repo.calls == Counter(list_commits=1, commit_changes=16, snapshot=4)
    assert h.calls == repo.calls
    assert h.requests is None  # the fake sends no network requests
    assert h.tables["history_anomalies"] == []


def test_monthly_rows(built: tuple[FakeRepo, History]) -> None:
    repo, h = built
    snaps = h.tables["snapshots"]
    assert [(s["month"], s["commit"], s["repeated"], s["partial_month"]) for s in snaps] == [
        ("2021-01", n(repo, "c3"), False, False),
        # the first-parent line's last February commit, not s1 (a side branch merged in March)
        ("2021-02", n(repo, "c8"), False, False),
        ("2021-03", n(repo, "c13"), False, False),
        ("2021-04", n(repo, "c13"), True, False),
        ("2021-05", n(repo, "c14"), False, True),  # ends at the as-of day, 2021-05-03
    ]
    assert [s["commits"] for s in snaps] == [3, 6, 6, 0, 1]
    jan, feb, mar = snaps[:3]
    assert (jan["publishers"], jan["models"], jan["versions"]) == (1, 2, 2)
    assert (jan["models_image"], jan["models_text"]) == (1, 1)
    assert (feb["publishers"], feb["models"], feb["lite"], feb["modules"]) == (2, 3, 1, 3)
    assert (mar["publishers_individual"], mar["publishers_organization"]) == (1, 1)
    assert mar["models"] == 4  # a, b, c (merged), x (back again); tmp came and went


def test_doc_dates(built: tuple[FakeRepo, History]) -> None:
    repo, h = built
    docs = h.tables["doc_history"]
    a = row(docs, kind="Module", handle="acme/a/1")
    # the copy to assets/docs/ (c3) and the removal from assets/g3doc/ (c4) are a move
    assert a["first_seen_commit"] == n(repo, "c1") and a["first_seen"] == "2021-01-05T10:00:00Z"
    assert a["last_changed_commit"] == n(repo, "c8") and a["modifications"] == 1
    assert a["present"] and a["removed"] is None and a["handle_source"] == "snapshot"
    c = row(docs, kind="Module", handle="acme/c/1")
    assert c["first_seen_commit"] == n(repo, "m1")  # on the published branch at the merge
    tmp = row(docs, kind="Module", handle="acme/tmp/1")
    assert tmp["handle_source"] == "path" and not tmp["present"]
    assert (tmp["first_seen_commit"], tmp["removed_commit"]) == (n(repo, "c11"), n(repo, "c12"))
    x = row(docs, kind="Module", handle="zed/x/1")
    assert x["interruptions"] == 1 and x["present"] and x["removed"] is None
    assert (x["first_seen_commit"], x["last_changed_commit"]) == (n(repo, "c7"), n(repo, "c13"))
    lite_doc = row(docs, kind="Lite", handle="acme/b/1")
    assert lite_doc["model"] is None and lite_doc["first_seen_commit"] == n(repo, "c6")
    assert not any(r["first_seen_imported"] for r in docs)


def test_events(built: tuple[FakeRepo, History]) -> None:
    repo, h = built
    ev = h.tables["events"]
    rename = row(ev, commit=n(repo, "c10"))
    assert (rename["status"], rename["previous_path"], rename["effect"]) == (
        "renamed", f"{A}/models/b/1.md", "moved"
    )  # fmt: skip
    assert row(ev, commit=n(repo, "c4"), path=f"{G}/models/a/1.md")["effect"] == "moved"
    assert row(ev, commit=n(repo, "c9"))["effect"] == "removed"
    side = row(ev, commit=n(repo, "s1"))
    assert side["first_parent"] is False and side["effect"] is None
    # no snapshot holds the side branch's own commit: its file is known by its path's later doc
    assert side["handle"] == "acme/c/1" and side["handle_source"] == "snapshot-path"
    readme = row(ev, commit=n(repo, "c14"))
    assert (readme["kind"], readme["handle"], readme["effect"]) == (None, None, None)
    assert [c["sha"] for c in h.tables["commits"] if not c["first_parent"]] == [n(repo, "s1")]
    assert row(h.tables["commits"], sha=n(repo, "m1"))["parent_count"] == 2


def test_models_and_publishers(built: tuple[FakeRepo, History]) -> None:
    repo, h = built
    x = row(h.tables["model_history"], handle="zed/x")
    assert x["present"] and x["docs_seen"] == 1 and x["kaggle_status"] is None
    zed = row(h.tables["publisher_history"], handle="zed")
    assert zed["type"] == "individual" and zed["first_seen_commit"] == n(repo, "c7")
    assert (zed["first_model"], zed["first_model_date"]) == ("zed/x", "2021-02-20T10:00:00Z")
    acme = row(h.tables["publisher_history"], handle="acme")
    assert acme["first_model"] == "acme/a" and acme["models_seen"] == 4


def test_release_with_history_validates(built: tuple[FakeRepo, History], tmp_path: Path) -> None:
    repo, h = built
    head = n(repo, "c14")
    tables = release_tables(repo.snapshot(head), TYPES)
    add_history(tables, h)
    assert set(HISTORY_TABLES) <= set(tables)
    b = row(tables["models"], handle="acme/b")
    assert (b["first_seen_commit"], b["last_changed"]) == (n(repo, "c2"), "2021-02-10T10:00:00Z")
    v = row(tables["versions"], kind="Lite", handle="acme/b/1")
    assert v["first_seen_commit"] == n(repo, "c6")
    p = row(tables["publishers"], handle="acme")
    assert (p["first_seen"], p["first_model_date"]) == ("2021-01-05T10:00:00Z",) * 2
    assert all(r["first_seen"] for t in ("models", "versions", "publishers") for r in tables[t])
    info = ReleaseInfo("2021-05-03", "2021-05-03", head, at("05-02"))
    files = render_release(tables, info)
    files.update(render_report(files, info))  # the release README and its growth chart
    assert files["figures/growth.png"].startswith(b"\x89PNG")
    assert "figures/growth.png" in files["README.md"].decode()
    write_release(files, tmp_path / "release", validate=True)
    assert (tmp_path / "release" / "data" / "snapshots.parquet").is_file()


def test_imported_first_seen_flagged_in_models_versions_publishers(monkeypatch) -> None:
    # Beside first_seen, so that "new models per month" can leave the imports out without a join.
    repo = make_repo()
    monkeypatch.setattr(tfhub_history, "IMPORT_COMMITS", {n(repo, "c1")})
    head = n(repo, "c14")
    tables = release_tables(repo.snapshot(head), TYPES)
    add_history(tables, build_history(repo, head, "2021-05-03", TYPES))
    models = {r["handle"]: r["first_seen_imported"] for r in tables["models"]}
    assert models == {"acme/a": True, "acme/b": False, "acme/c": False, "zed/x": False}
    versions = {r["handle"]: r["first_seen_imported"] for r in tables["versions"]}
    assert versions["acme/a/1"] is True and versions["acme/b/1"] is False
    publishers = {r["handle"]: r["first_seen_imported"] for r in tables["publishers"]}
    assert publishers == {"acme": True, "zed": False}
    history = {r["handle"]: r["first_seen_imported"] for r in tables["model_history"]}
    assert all(history[h] == imported for h, imported in models.items())


def test_release_without_history_still_validates(tmp_path: Path) -> None:
    repo = make_repo()
    head = n(repo, "c14")
    tables = release_tables(repo.snapshot(head), TYPES)
    assert all(r["first_seen"] is None for r in tables["models"] + tables["publishers"])
    info = ReleaseInfo("2021-05-03", "2021-05-03", head, at("05-02"))
    write_release(render_release(tables, info), tmp_path / "plain", validate=True)
    assert readme_section(tables) == ""


def test_deterministic(built: tuple[FakeRepo, History]) -> None:
    repo, h = built
    again = build_history(make_repo(), n(repo, "c14"), "2021-05-03", TYPES)
    assert again.tables == h.tables
    assert readme_section(again.tables) == readme_section(h.tables)


def test_readme_section(built: tuple[FakeRepo, History]) -> None:
    _, h = built
    text = readme_section(h.tables)
    assert text.startswith("## History\n")
    assert "Months without commits repeat the previous commit: 2021-04." in text
    assert "Import dates are not publication dates**: 0 docs" in text
    assert "so a side branch counts from the month of its merge" in text
    assert "The last month (2021-05) ends at the as-of day" in text


def test_replay_mismatch_is_reported_not_fatal() -> None:
    repo = make_repo()
    repo.drop[n(repo, "c12")] = {f"{A}/models/tmp/1.md"}  # the removal goes missing
    h = build_history(repo, n(repo, "c14"), "2021-05-03", TYPES)
    kinds = Counter((r["kind"], r["path"]) for r in h.tables["history_anomalies"])
    extra = ("replay-extra", f"{A}/models/tmp/1.md")
    assert kinds == Counter({extra: 2})  # March's and May's snapshots lack it


def test_earlier_release_holds_history_up_to_its_date() -> None:
    repo = make_repo()
    repo.tarballs.add(n(repo, "c8"))  # the release commit's snapshot (as the mirror has it)
    h = build_history(repo, n(repo, "c8"), "2021-02-26", TYPES)
    snaps = h.tables["snapshots"]
    assert [s["month"] for s in snaps] == ["2021-01", "2021-02"]
    assert snaps[-1]["commit"] == n(repo, "c8")  # the as-of commit (s1 is not reachable)
    assert all(c["date"] <= "2021-02-26T10:00:00Z" for c in h.tables["commits"])
    assert repo.calls["snapshot"] == 2


def test_rejects_a_commit_after_the_as_of_day() -> None:
    repo = make_repo()
    with pytest.raises(ValueError, match="after the as-of day"):
        build_history(repo, n(repo, "c14"), "2021-04-30", TYPES)


class CutRepo(FakeRepo):
    """The same commits, listed as a shallow clone would list them: the history cut after the
    first ``keep`` commits of the line (the oldest kept has no parents)."""

    def __init__(self, full: FakeRepo, keep: int) -> None:
        self.__dict__.update(full.__dict__)
        self.calls = Counter()
        line = full.list_commits(full.last)[:keep]
        kept = {r.sha for r in line}
        self.refs = {
            r.sha: Ref(r.sha, r.date, r.message, tuple(p for p in r.parents if p in kept))
            for r in line
        }


def test_a_derived_history_is_never_reused_for_another_history(tmp_path):
    """Issue 22, finding 2: the derived cache kept the history of a cut clone under its commit,
    and the next build from the genuine clone reused it. An entry is keyed by, and records, the
    history it was derived from."""
    from tfhub_dataset.derived import DerivedCache
    from tfhub_dataset.sources.commits import history_digest

    full = make_repo()
    head = n(full, "c14")
    cache = DerivedCache(tmp_path / "derived")
    cut = CutRepo(full, 3)
    cut.tarballs = set(full.tarballs) | set(cut.refs)
    partial = build_history(cut, head, "2021-05-03", TYPES, cache=cache)
    assert len(partial.tables["commits"]) == 3
    genuine = build_history(full, head, "2021-05-03", TYPES, cache=cache)
    assert len(genuine.tables["commits"]) == len(full.refs)  # not the cut one's
    assert full.calls["commit_changes"] == len(full.refs)
    again = make_repo()
    warm = build_history(again, head, "2021-05-03", TYPES, cache=cache)
    assert warm.tables == genuine.tables and again.calls["commit_changes"] == 0
    entries = [__import__("json").loads(__import__("gzip").decompress(p.read_bytes()))
               for p in cache.folder.glob("*.json.gz")]  # fmt: skip
    recorded = {e["history"] for e in entries if "history" in e}
    digest = history_digest((r.sha, r.parents) for r in full.refs.values())
    assert digest in recorded and len(recorded) == 2
