"""Commit history -> file lives -> doc timelines. Pure: no I/O, no parsing of docs.

The changed files GitHub lists for a commit are its diff against its *first* parent (for a merge
too). Replaying them from the root commit in topological order therefore gives the data paths of
every commit exactly, side branches included: the state of a commit is its first parent's state
with the commit's changes applied. Each added file starts a *life* (a path between its addition
and its removal); a rename ends one life and starts another.

A life's (kind, handle) comes from the fetched snapshots (the doc as the parser read it); a life
no fetched snapshot saw borrows what a snapshot saw at the same path (paths the hub's rules
normalise to one count as one: a folder's move that kept relative paths), else it is derived from
the path by the repository's conventions, and flagged. Those rules are the hub's (which paths are
data, how a path names a doc, which paths count as one), passed to :func:`replay`.

A doc's life is tracked by (kind, handle) along the release commit's first-parent line (the
published branch): it is *present* at a commit when some file holds it there.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from tfhub_dataset.hubs import default_hub
from tfhub_dataset.sources.commits import Change, MalformedListing, first_parent_refs

__all__ = ["Change", "data_changes", "first_parent_line", "replay", "timelines", "topo_order"]

DocKey = tuple[str, str]  # (kind, handle)
Observed = tuple[str | None, str | None]  # (kind, handle) as parsed; (None, None): unreadable

# Where an event's (kind, handle) came from (events.handle_source).
HANDLE_SOURCES = ("snapshot", "snapshot-path", "path")
# Statuses of GitHub's commit files (REST API), and how the replay reads them.
ADDING = frozenset({"added", "copied"})
MODIFYING = frozenset({"modified", "changed"})
STATUSES = ("added", "removed", "modified", "renamed", "copied", "changed", "unchanged")
_BLOB = re.compile(r"[0-9a-f]{40}")  # a file's blob id as GitHub lists it (``sha``)


class CommitLike(Protocol):
    sha: str
    date: str
    message: str
    parents: tuple[str, ...]


class UnknownRenameContent(ValueError):
    """A renamed data file whose listing says nothing of its bytes (no ``changes``)."""


def data_changes(
    files: Iterable[Mapping[str, Any]],
    commit: str = "",
    data_path: Callable[[str], bool] | None = None,
) -> list[Change]:
    """The entries of GitHub's ``files`` list that touch a data path (``data_path``, default the
    registry's first hub's), in the listed order, normalised.

    A rename's ``changes`` (lines added plus deleted; GitHub lists it on every file of a commit)
    says whether the file was also edited; a listing without it cannot tell a move from an edit,
    and is refused rather than guessed."""
    is_data = data_path or default_hub().is_data_path
    out = []
    for f in files:
        path, prev = _file_entry(f, commit)
        if not (is_data(path) or (prev is not None and is_data(prev))):
            continue
        edited = None
        if f["status"] == "renamed":
            if not isinstance(f.get("changes"), int):
                raise UnknownRenameContent(
                    f"commit {commit[:12] or '?'} lists the rename of {prev} to {path} without "
                    "`changes`: it cannot tell a move from an edit (GitHub lists it; build from "
                    "git with --git PATH)"
                )
            edited = f["changes"] > 0
        blob = f.get("sha") if f["status"] != "removed" else None
        out.append(
            Change(
                path,
                f["status"],
                prev if f["status"] == "renamed" else None,
                edited,
                blob=blob if isinstance(blob, str) and _BLOB.fullmatch(blob) else None,
            )
        )
    return out


def _file_entry(f: object, commit: str) -> tuple[str, str | None]:
    """The path and previous path of one entry of a commit's ``files``, if it has GitHub's
    shape (strings where GitHub gives strings); MalformedListing otherwise."""
    ok = (
        isinstance(f, Mapping)
        and isinstance(f.get("filename"), str)
        and isinstance(f.get("status"), str)
        and isinstance(f.get("previous_filename") or "", str)
    )
    if not ok:
        raise MalformedListing(
            f"commit {commit[:12] or '?'} lists a changed file not in GitHub's shape: "
            f"{str(f)[:80]!r}"
        )
    assert isinstance(f, Mapping)
    return f["filename"], f.get("previous_filename") or None


def topo_order(refs: Sequence[CommitLike]) -> list[str]:
    """SHAs, parents before children; among ready commits, oldest committer date first."""
    by_sha = {r.sha: r for r in refs}
    children: dict[str, list[str]] = {s: [] for s in by_sha}
    waiting = {}
    for r in refs:
        known = [p for p in r.parents if p in by_sha]
        waiting[r.sha] = len(set(known))
        for p in set(known):
            children[p].append(r.sha)
    heap = [(by_sha[s].date, s) for s, n in waiting.items() if n == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        _, s = heapq.heappop(heap)
        order.append(s)
        for c in children[s]:
            waiting[c] -= 1
            if waiting[c] == 0:
                heapq.heappush(heap, (by_sha[c].date, c))
    if len(order) != len(by_sha):
        raise ValueError("the commit graph has a cycle")
    return order


def first_parent_line(refs: Sequence[CommitLike], head: str) -> list[str]:
    """The first-parent line from ``head`` back to the root, oldest first."""
    return [r.sha for r in reversed(first_parent_refs(refs, head))]


@dataclass
class Life:
    id: int
    path: str
    start: str  # commit that added the file
    end: str | None = None  # commit that removed it (on some branch), if any


@dataclass(frozen=True)
class Op:
    """One change as replayed: which life it ended, started or touched."""

    change: Change
    ended: int | None = None  # life ended (removed, renamed away, replaced)
    started: int | None = None  # life started (added, renamed or copied here)
    touched: int | None = None  # life modified


@dataclass(frozen=True)
class ReplayAnomaly:
    commit: str
    path: str
    kind: str
    detail: str


@dataclass
class Replay:
    order: list[str]  # topological order of every commit
    index: dict[str, int]  # sha -> position in order
    lives: dict[int, Life]
    ops: dict[str, list[Op]]  # sha -> replayed changes of data paths
    observed: dict[int, list[tuple[int, Observed]]]  # life -> (topo index, doc) per snapshot
    path_observed: dict[str, list[tuple[int, Observed]]]  # normalized path -> same
    anomalies: list[ReplayAnomaly]
    checked: dict[str, tuple[int, int]]  # snapshot sha -> (missing from replay, extra in replay)
    # The hub's rules: which paths count as one (normalized), the doc a path names by convention.
    normalized: Callable[[str], str]
    doc_from_path: Callable[[str], Observed]

    def key_of(self, life: int, at: int) -> tuple[Observed, str | None]:
        """(kind, handle) of a life at topological index ``at`` and where it came from."""
        obs = self.observed.get(life)
        if obs:  # the first observation at or after ``at``, else the last (sorted by index)
            i = bisect.bisect_left(obs, at, key=lambda o: o[0])
            return obs[min(i, len(obs) - 1)][1], "snapshot"
        path = self.lives[life].path
        near = self.path_observed.get(self.normalized(path))
        if near:
            best = min(near, key=lambda o: (abs(o[0] - at), -o[0]))
            return best[1], "snapshot-path"
        doc = self.doc_from_path(path)
        if doc != (None, None):
            return doc, "path"
        return (None, None), None


def replay(
    refs: Sequence[CommitLike],
    changes: Mapping[str, Sequence[Change]],
    snapshots: Mapping[str, Mapping[str, Observed]],
    snapshot_paths: Mapping[str, frozenset[str]],
    *,
    data_path: Callable[[str], bool],
    normalized: Callable[[str], str],
    path_doc: Callable[[str], Observed],
) -> Replay:
    """Replay every commit's changes; check the data paths of each fetched snapshot.

    ``snapshots`` maps a fetched commit to its docs (path -> (kind, handle)); ``snapshot_paths``
    to all its data paths. A path the replay and the snapshot disagree on becomes an anomaly.
    ``data_path``, ``normalized`` and ``path_doc`` are the hub's rules (its HistoryRules).
    """
    by_sha = {r.sha: r for r in refs}
    order = topo_order(refs)
    index = {s: i for i, s in enumerate(order)}
    remaining = Counter(by_sha[s].parents[0] for s in order if by_sha[s].parents)
    # No commit copies the whole path state: the first-parent line of the last commit changes
    # one state in place, keeping each path's past values (so a branch that leaves the line at
    # an earlier commit reads the line as it was there); a branch holds only what it changed.
    line = _Line()
    on_line = _line_of(by_sha, order[-1]) if order else {}
    states: dict[str, _Branch] = {}  # commits off the line whose children are still to come
    lives: dict[int, Life] = {}
    ops: dict[str, list[Op]] = {}
    anomalies: list[ReplayAnomaly] = []
    observed: dict[int, list[tuple[int, Observed]]] = {}
    path_observed: dict[str, list[tuple[int, Observed]]] = {}
    checked: dict[str, tuple[int, int]] = {}

    def new_life(path: str, sha: str) -> int:
        life = Life(len(lives) + 1, path, sha)
        lives[life.id] = life
        return life.id

    for sha in order:
        ref = by_sha[sha]
        parent = ref.parents[0] if ref.parents else None
        if parent is not None and parent not in by_sha:
            anomalies.append(
                ReplayAnomaly(sha, "", "replay-unknown-parent", f"parent {parent} is not listed")
            )
            parent = None
        state: _State
        if sha in on_line and (parent is None or parent in on_line):
            state = line.at(on_line[sha])
        elif parent is not None and parent in on_line:
            state = _Branch({}, line.view(on_line[parent]))
        elif parent is not None and parent in states:
            # The last child to come takes its parent's changes over; the others copy them.
            state = states[parent] if remaining[parent] == 1 else states[parent].copy()
        else:
            state = _Branch({}, None)
        if parent is not None and parent in remaining:
            remaining[parent] -= 1
            if remaining[parent] == 0:
                states.pop(parent, None)
        replayed: list[Op] = []
        for ch in changes.get(sha, ()):
            replayed.append(_apply(ch, sha, state, new_life, lives, anomalies, data_path))
        ops[sha] = replayed
        if remaining.get(sha, 0) > 0 and isinstance(state, _Branch):
            states[sha] = state
        if sha in snapshot_paths:
            _check(sha, state, snapshot_paths[sha], anomalies, checked)
            for path, doc in snapshots.get(sha, {}).items():
                if path in state:
                    observed.setdefault(state[path], []).append((index[sha], doc))
                path_observed.setdefault(normalized(path), []).append((index[sha], doc))
    for lst in (*observed.values(), *path_observed.values()):
        lst.sort(key=lambda o: o[0])
    for life, obs in sorted(observed.items()):
        docs = sorted({o[1] for o in obs}, key=str)
        if len(docs) > 1:
            first = lives[life]
            anomalies.append(
                ReplayAnomaly(
                    first.start,
                    first.path,
                    "handle-changed",
                    "one file held " + " then ".join(f"{k} {h}" for k, h in docs),
                )
            )
    return Replay(
        order, index, lives, ops, observed, path_observed, anomalies, checked, normalized, path_doc
    )


_GONE = None  # a path's value in a state where it was removed


class _Line:
    """The path state of the first-parent line, changed in place, with the past value of each
    path by line position (a branch that leaves the line reads the line as it was there)."""

    def __init__(self) -> None:
        self.now: dict[str, int] = {}
        self.past: dict[str, tuple[list[int], list[int | None]]] = {}  # positions, values
        self.pos = -1

    def at(self, pos: int) -> _LineState:
        self.pos = pos
        return _LineState(self)

    def set(self, path: str, life: int | None) -> None:
        if life is None:
            self.now.pop(path, None)
        else:
            self.now[path] = life
        positions, values = self.past.setdefault(path, ([], []))
        if positions and positions[-1] == self.pos:
            values[-1] = life
        else:
            positions.append(self.pos)
            values.append(life)

    def view(self, pos: int) -> _LineView:
        return _LineView(self, pos)


class _LineView:
    """The line's state as it was after line position ``pos`` (read only)."""

    def __init__(self, line: _Line, pos: int) -> None:
        self.line, self.pos = line, pos

    def get(self, path: str) -> int | None:
        if self.pos == self.line.pos:
            return self.line.now.get(path)
        found = self.line.past.get(path)
        if found is None:
            return None
        positions, values = found
        i = bisect.bisect_right(positions, self.pos)
        return values[i - 1] if i else None

    def keys(self) -> set[str]:
        return {p for p in self.line.past if self.get(p) is not None}


class _State(Protocol):
    def get(self, path: str) -> int | None: ...
    def __contains__(self, path: object) -> bool: ...
    def __getitem__(self, path: str) -> int: ...
    def __setitem__(self, path: str, life: int) -> None: ...
    def pop(self, path: str, default: None = None) -> int | None: ...
    def keys(self) -> Iterable[str]: ...


class _LineState:
    """The line's state at its current commit, as a mapping that changes it."""

    def __init__(self, line: _Line) -> None:
        self.line = line

    def get(self, path: str) -> int | None:
        return self.line.now.get(path)

    def __contains__(self, path: object) -> bool:
        return path in self.line.now

    def __getitem__(self, path: str) -> int:
        return self.line.now[path]

    def __setitem__(self, path: str, life: int) -> None:
        self.line.set(path, life)

    def pop(self, path: str, default: None = None) -> int | None:
        life = self.line.now.get(path)
        if life is not None:
            self.line.set(path, None)
        return life

    def keys(self) -> Iterable[str]:
        return self.line.now.keys()


class _Branch:
    """A commit off the line: what its branch changed (``_GONE`` for a removed path) over the
    state it left from (a line position, or nothing)."""

    def __init__(self, delta: dict[str, int | None], base: _LineView | None) -> None:
        self.delta, self.base = delta, base

    def copy(self) -> _Branch:
        return _Branch(dict(self.delta), self.base)

    def get(self, path: str) -> int | None:
        if path in self.delta:
            return self.delta[path]
        return self.base.get(path) if self.base is not None else None

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and self.get(path) is not None

    def __getitem__(self, path: str) -> int:
        life = self.get(path)
        if life is None:
            raise KeyError(path)
        return life

    def __setitem__(self, path: str, life: int) -> None:
        self.delta[path] = life

    def pop(self, path: str, default: None = None) -> int | None:
        life = self.get(path)
        if life is not None:
            self.delta[path] = _GONE
        return life

    def keys(self) -> Iterable[str]:
        found = set(self.base.keys()) if self.base is not None else set()
        for path, life in self.delta.items():
            (found.add if life is not None else found.discard)(path)
        return found


def _line_of(by_sha: Mapping[str, CommitLike], last: str) -> dict[str, int]:
    """The first-parent line ending at ``last`` (the replay's last commit): sha -> position."""
    chain, sha = [], last
    while sha in by_sha and sha not in chain[-1:]:
        chain.append(sha)
        parents = by_sha[sha].parents
        sha = parents[0] if parents else ""
    return {s: i for i, s in enumerate(reversed(chain))}


def _apply(
    ch: Change,
    sha: str,
    state: _State,
    new_life: Any,
    lives: dict[int, Life],
    anomalies: list[ReplayAnomaly],
    data_path: Callable[[str], bool],
) -> Op:
    def end(path: str, kind: str) -> int | None:
        life = state.pop(path, None)
        if life is None:
            anomalies.append(ReplayAnomaly(sha, path, kind, f"{ch.status} {path}: not present"))
            return None
        lives[life].end = sha
        return life

    path, status = ch.path, ch.status
    if status == "renamed":
        ended = started = None
        if ch.previous_path and data_path(ch.previous_path):
            ended = end(ch.previous_path, "replay-removed-missing")
        if data_path(path):
            if path in state:
                anomalies.append(
                    ReplayAnomaly(
                        sha, path, "replay-added-existing", f"renamed onto {path}, already present"
                    )
                )
                lives[state[path]].end = sha
            started = state[path] = new_life(path, sha)
        return Op(ch, ended=ended, started=started)
    if not data_path(path):
        return Op(ch)
    if status in ADDING:
        ended = None
        if path in state:
            anomalies.append(
                ReplayAnomaly(
                    sha, path, "replay-added-existing", f"{status} {path}: already present"
                )
            )
            ended = state[path]
            lives[ended].end = sha
        state[path] = new_life(path, sha)
        return Op(ch, ended=ended, started=state[path])
    if status == "removed":
        return Op(ch, ended=end(path, "replay-removed-missing"))
    if status in MODIFYING:
        if path not in state:
            anomalies.append(
                ReplayAnomaly(
                    sha, path, "replay-modified-missing", f"{status} {path}: not present; added"
                )
            )
            state[path] = new_life(path, sha)
            return Op(ch, started=state[path])
        return Op(ch, touched=state[path])
    if status == "unchanged":
        return Op(ch)
    anomalies.append(ReplayAnomaly(sha, path, "replay-unknown-status", f"status {status!r}"))
    return Op(ch)


def _check(
    sha: str,
    state: _State,
    paths: frozenset[str],
    anomalies: list[ReplayAnomaly],
    checked: dict[str, tuple[int, int]],
) -> None:
    replayed = set(state.keys())
    missing, extra = sorted(paths - replayed), sorted(replayed - paths)
    checked[sha] = (len(missing), len(extra))
    for p in missing:
        anomalies.append(
            ReplayAnomaly(sha, p, "replay-missing", "in the snapshot, not in the replayed changes")
        )
    for p in extra:
        anomalies.append(
            ReplayAnomaly(sha, p, "replay-extra", "in the replayed changes, not in the snapshot")
        )


# --------------------------------------------------------------------------------------------
# Timelines along the first-parent line


@dataclass
class DocTimeline:
    """One (kind, handle) along the first-parent line; indices are positions on that line."""

    key: DocKey
    first_seen: int = -1
    last_changed: int = -1
    removed: int | None = None
    modifications: int = 0
    interruptions: int = 0  # times it disappeared and came back later
    intervals: list[list[int | None]] = field(default_factory=list)  # [start, end or None]
    sources: set[str] = field(default_factory=set)  # handle sources of the files that held it

    @property
    def present(self) -> bool:
        return bool(self.intervals) and self.intervals[-1][1] is None


@dataclass
class EventInfo:
    """What the replay says about one change of one commit (an events row, less the commit)."""

    change: Change
    kind: str | None
    handle: str | None
    handle_source: str | None
    effect: str | None  # added/removed/modified/moved on the first-parent line, else None


def timelines(
    rep: Replay, line: Sequence[str]
) -> tuple[dict[DocKey, DocTimeline], dict[str, list[EventInfo]]]:
    """Walk the first-parent line: every doc's timeline, and every commit's events.

    On the line, each commit's changes are exactly the line's changes (first-parent diffs), so a
    doc is present after a commit when some file of the line's state holds it. Effects: *added*
    (the doc became present), *removed* (it stopped being present), *modified* (a file of a doc
    that stays present was modified, or renamed with its bytes changed: a move that also edits
    the doc is a modification), *moved* (a file of a doc that stays present was added, renamed
    with the same bytes, or removed: the doc also sits elsewhere). A doc whose handle changes only
    in case within one commit (a file renamed ``_resneXt.md`` -> ``_resnext.md``) is one doc that
    moved: its timeline goes on under the new handle, and its earlier events carry that handle.
    """
    on_line = set(line)
    docs: dict[DocKey, DocTimeline] = {}
    events: dict[str, list[EventInfo]] = {}
    for sha in rep.order:
        if sha not in on_line:
            events[sha] = [_info(rep, op, rep.index[sha]) for op in rep.ops[sha]]
    holder: dict[str, DocKey | None] = {}  # path -> doc it holds, on the line
    count: Counter[DocKey] = Counter()
    renames: list[tuple[int, DocKey, DocKey]] = []  # (position, old key, new key): case only
    for pos, sha in enumerate(line):
        at = rep.index[sha]
        before: dict[DocKey, int] = {}
        modified: set[DocKey] = set()
        keyed: list[tuple[Op, DocKey | None]] = []

        for op in rep.ops[sha]:
            key: DocKey | None = None
            if op.ended is not None:
                key = holder.pop(op.change.previous_path or op.change.path, None)
                _take(count, before, key, -1)
            if op.started is not None:
                key = _doc_key(rep, op.started, at)
                holder[op.change.path] = key
                _take(count, before, key, +1)
                if op.change.content_changed and key is not None:
                    modified.add(key)  # renamed and edited
            if op.touched is not None:
                key = _doc_key(rep, op.touched, at)
                old = holder.get(op.change.path)
                if key != old:
                    _take(count, before, old, -1)
                    _take(count, before, key, +1)
                    holder[op.change.path] = key
                if key is not None:
                    modified.add(key)
            keyed.append((op, key))
        status: dict[DocKey, str] = {}
        moved = _case_moves(before, count, docs)
        for old, new in moved.items():  # one doc under a new handle: its timeline goes on
            tl = docs.pop(old)
            tl.key = new
            docs[new] = tl
            renames.append((pos, old, new))
            if old in modified:
                modified.add(new)
        for key, n in before.items():
            if key in moved or key in moved.values():
                continue
            was, now = n > 0, count[key] > 0
            tl = docs.setdefault(key, DocTimeline(key))
            if not was and now:
                status[key] = "added"
                if tl.first_seen < 0:
                    tl.first_seen = pos
                else:
                    tl.interruptions += 1
                tl.removed = None
                tl.last_changed = pos
                tl.intervals.append([pos, None])
            elif was and not now:
                status[key] = "removed"
                tl.removed = pos
                tl.intervals[-1][1] = pos
        for key in modified:
            if key not in status and count[key] > 0:
                docs[key].last_changed = pos
                docs[key].modifications += 1
        infos = []
        for op, key in keyed:
            info = _info(rep, op, at)
            if key is not None:
                info.kind, info.handle = key
                if info.handle_source:
                    docs.setdefault(key, DocTimeline(key)).sources.add(info.handle_source)
                edited = op.touched is not None or bool(op.change.content_changed)
                info.effect = status.get(key) or ("modified" if edited else "moved")
            infos.append(info)
        events[sha] = infos
    for pos, old, new in renames:  # earlier events of the doc carry its later handle
        for sha in line[: pos + 1]:
            for info in events[sha]:
                if (info.kind, info.handle) == old:
                    info.kind, info.handle = new
    return {k: v for k, v in docs.items() if v.first_seen >= 0}, events


def _case_moves(
    before: Mapping[DocKey, int], count: Counter[DocKey], docs: Mapping[DocKey, DocTimeline]
) -> dict[DocKey, DocKey]:
    """Docs of one commit whose handle changed only in case: old key -> new key.

    A file renamed from ``..._resneXt.md`` to ``..._resnext.md`` (or removed and added again in
    one commit under a case-only different name) holds the same doc under its new handle: a
    move, not a removal and an addition. Only a doc that stops being present and one that starts
    being present in the same commit, of the same kind, pair up, and only when the new handle was
    never seen before (otherwise both keep their own timelines)."""
    gone = [k for k, n in before.items() if n > 0 and count[k] == 0]
    came = [k for k, n in before.items() if n == 0 and count[k] > 0]
    out: dict[DocKey, DocKey] = {}
    for new in sorted(came):
        if new in docs and docs[new].first_seen >= 0:
            continue
        match = [
            old
            for old in gone
            if old[0] == new[0] and old[1].casefold() == new[1].casefold() and old not in out
        ]
        if len(match) == 1:
            out[match[0]] = new
    return out


def _take(count: Counter[DocKey], before: dict[DocKey, int], key: DocKey | None, n: int) -> None:
    """Count one more (or one less) file holding ``key``; remember the count before the commit."""
    if key is None:
        return
    before.setdefault(key, count[key])
    count[key] += n


def _doc_key(rep: Replay, life: int, at: int) -> DocKey | None:
    (kind, handle), _ = rep.key_of(life, at)
    return (kind, handle) if kind is not None and handle is not None else None


def _info(rep: Replay, op: Op, at: int) -> EventInfo:
    life = op.started if op.started is not None else op.touched
    if life is None:
        life, at = op.ended, at - 1
    if life is None:
        return EventInfo(op.change, None, None, None, None)
    (kind, handle), source = rep.key_of(life, at)
    return EventInfo(op.change, kind, handle, source, None)
