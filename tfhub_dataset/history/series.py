"""History of a hub's repository up to a release's as-of commit: a monthly series of snapshots,
the dates of every doc, model and publisher, and the file events behind them.

The rules that differ between hubs (which paths are data, how a snapshot is parsed and counted,
the doc a path names, the model and publisher of a doc, import commits) come in a
:class:`HistoryRules`, from the hub's plug-in (its wiring module's ``HISTORY``).

Pure over what the source returns (``list_commits``, ``commit_changes``, ``snapshot``): it works
the same over git, over GitHub's REST API (through the HTTP cache) and over a local mirror. A
snapshot is asked for only for the distinct month-end commits and the release commit, never one
per commit, and each distinct file version (path, blob id) is parsed once for the whole history.

Conventions (also in the schemas' descriptions):

- a *month-end commit* is the commit in force at the end of the month (UTC): walking the release
  commit's first-parent line (the published branch) back, the first commit dated at or before
  the month's end, the very rule that picks a release's commit (:func:`commit_in_force`); for the
  as-of month, the release commit itself (the end of the as-of day: ``partial_month``); a month
  without commits on the line repeats the previous month's commit (``repeated``);
- dates are exact to the commit: a doc is *first seen* at the first commit of the release commit's
  first-parent line (the published branch) where a file holds it; *removed* where the last file
  holding it went; *last changed* at its last appearance or modification (moves excluded);
- snapshot counts come from the very parser of releases (:func:`build_catalog`,
  :func:`build_tables`) run on each month-end snapshot;
- docs brought in by a hub's import commits (``HistoryRules.import_commits``) carry the import's
  date, not their original publication date on the hub's site;
- a doc's publisher is what the hub's rules read from its handle, or, where the handle does not
  say it, what the parsed snapshots say, the latest snapshot that holds the doc first; the
  history tables hold the columns of the hub's own schemas.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from tfhub_dataset.annotations import PublisherType
from tfhub_dataset.derived import DerivedCache
from tfhub_dataset.history.identities import person_strings, withhold
from tfhub_dataset.history.replay import (
    HANDLE_SOURCES,
    Change,
    DocTimeline,
    Observed,
    Replay,
    first_parent_line,
    replay,
    timelines,
    topo_order,
)
from tfhub_dataset.hubs import default_hub
from tfhub_dataset.sources.commits import commit_at, first_parent_refs, history_digest
from tfhub_dataset.sources.snapshot import Snapshot

Row = dict[str, Any]
Tables = dict[str, list[Row]]
Progress = Callable[[str], None]

HISTORY_TABLES = (
    "commits",
    "events",
    "snapshots",
    "doc_history",
    "model_history",
    "publisher_history",
    "history_anomalies",
)
SOURCE_METHODS = ("list_commits", "commit_changes", "snapshot")


class HistorySource(Protocol):
    def list_commits(self, sha: str) -> list[Any]: ...
    def commit_changes(self, sha: str) -> list[Change]: ...
    def snapshot(self, sha: str) -> Snapshot: ...


@dataclass
class Parsed:
    """What history keeps of one fetched snapshot."""

    commit: str
    paths: frozenset[str]
    docs: dict[str, Observed]  # every doc path -> (kind, handle) as parsed
    counts: Row  # the snapshots row's counts
    kaggle: dict[str, str | None]  # model -> kaggle_status (a hub whose models have one)
    # doc handle -> its publisher as the snapshot's tables say, for a hub whose handles do not
    # say it; empty for a hub whose rules read it from the handle.
    publishers: dict[str, str | None] = field(default_factory=dict)
    # Data files the parser read and set aside (no doc, though the path names one): path ->
    # (kind, detail), recorded in history_anomalies at the first parsed commit that holds them.
    set_aside: dict[str, tuple[str, str]] = field(default_factory=dict)
    # doc handle -> every publisher it credits, in order, for a hub whose docs may credit
    # several (the first is ``publishers``' one); empty: each doc credits its one publisher.
    credits: dict[str, list[str]] = field(default_factory=dict)
    # What the hub's rules keep of the snapshot for tables of their own (JSON values; see
    # HistoryRules.extra_tables); empty for a hub without such tables.
    extra: dict[str, Any] = field(default_factory=dict)


class IncrementalParse(Protocol):
    """A hub's parse that follows the first-parent line: the Parsed of each snapshot made from
    its state after the previous one and the files that changed since (the net of what the
    commits between them changed), not from every file and table of the snapshot. It must equal
    ``HistoryRules.parse`` of the same snapshot (the full recount, kept as the reference)."""

    def advance(self, snapshot: Snapshot, changed: Mapping[str, str | None]) -> Parsed:
        """``changed``: each path whose blob id differs from the previous snapshot advanced (every
        path of the first one) -> its blob id, or None where the path is gone."""
        ...


@dataclass(frozen=True)
class HistoryRules:
    """What the history needs to know of a hub (each hub's wiring module has its ``HISTORY``)."""

    hub: str
    # One snapshot through the hub's release parser: docs, counts, publishers.
    parse: Callable[..., Parsed]
    data_path: Callable[[str], bool]
    normalized: Callable[[str], str]  # paths that count as one (a folder's move)
    path_doc: Callable[[str], Observed]  # the doc a path holds by convention (no snapshot saw it)
    model_of: Callable[[str, str], str | None]  # (kind, handle) -> the model it is a version of
    # (kind, handle) -> its publisher when the handle says it; None: ask the parsed snapshots
    publisher_of: Callable[[str, str], str | None]
    import_commits: Callable[[], Mapping[str, str]]  # commit -> what it imported
    schema_dir: Path  # the history tables hold the fields of these schemas
    # Parse the snapshot of every commit of the first-parent line that changes a data path, not
    # only the month-end ones, so that every doc of the line is read as the parser reads it
    # (affordable for a small repository; a hub whose paths say the doc can read month-ends only,
    # see replay.py).
    every_commit: bool = False
    # Tables of the hub's own over the release commit's first-parent line, from what its parse
    # kept of each snapshot (``Parsed.extra``): called with (sha, committer date, extra) of every
    # parsed commit of the line, oldest first (with every_commit, every commit that changes a
    # data path); each table's rows hold the fields of its schema in ``schema_dir``.
    extra_tables: Callable[[list[tuple[str, str, dict[str, Any]]]], Tables] | None = None
    # (publisher types, doc cache) -> an IncrementalParse that gives what ``parse`` gives, from
    # what changed; None: every snapshot goes through ``parse``.
    incremental: Callable[[dict[str, PublisherType], Any], IncrementalParse] | None = None


@dataclass
class History:
    commit: str
    as_of: str
    tables: Tables
    models: dict[str, Row]  # model handle -> model_history row
    docs: dict[tuple[str, str], Row]  # (kind, handle) -> doc_history row
    publishers: dict[str, Row]  # handle -> publisher_history row
    calls: Counter[str] = field(default_factory=Counter)  # source calls by method
    requests: int | None = None  # network requests sent (sources that count them)
    timings: dict[str, float] = field(default_factory=dict)  # seconds by step

    def summary(self) -> str:
        calls = ", ".join(f"{m} {self.calls[m]}" for m in SOURCE_METHODS)
        sent = "" if self.requests is None else f"; {self.requests} network requests"
        steps = ", ".join(f"{k} {v:.1f}s" for k, v in self.timings.items())
        t = self.tables
        return (
            f"history: {len(t['commits'])} commits, {len(t['events'])} events, "
            f"{len(t['snapshots'])} months, {len(t['doc_history'])} docs, "
            f"{len(t['model_history'])} models, {len(t['history_anomalies'])} anomalies; "
            f"source calls: {calls}{sent}; {steps}"
        )


class _Counting:
    """Counts calls to the three source methods (and times them)."""

    def __init__(self, source: HistorySource) -> None:
        self.source = source
        self.calls: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.source, name)
        if name not in SOURCE_METHODS:
            return method

        def call(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.calls[name] += 1
                self.seconds[name] += time.perf_counter() - start

        return call


def _network_requests(source: Any) -> int | None:
    report = getattr(source, "report", None)
    total = getattr(report, "total_requests", None)
    return total if isinstance(total, int) else None


@dataclass(frozen=True)
class MonthEnd:
    month: str  # YYYY-MM
    ref: Any  # the commit counted
    repeated: bool  # no commit of the line in this month: the previous month's commit
    partial: bool  # the as-of month, cut at the as-of day before the month's end


def month_ends(refs: list[Any], head: str, as_of: str) -> list[MonthEnd]:
    """Each month from the first commit's month to as_of's, with the commit in force at its end:
    on the first-parent line of ``head`` (the release commit), the last commit dated at or
    before the month's end (UTC). The as-of month's commit is ``head`` (in force on as_of)."""
    day = dt.date.fromisoformat(as_of)
    line = first_parent_refs(refs, head)  # newest first
    oldest = min(r.date for r in line)
    year, month = int(oldest[:4]), int(oldest[5:7])
    out = []
    while (year, month) <= (day.year, day.month):
        label = f"{year:04d}-{month:02d}"
        nxt = (year + month // 12, month % 12 + 1)
        end = dt.date(*nxt, 1) - dt.timedelta(days=1)
        if (year, month) == (day.year, day.month):
            ref, partial = line[0], day < end
        else:
            ref, partial = commit_at(line, f"{end.isoformat()}T23:59:59Z"), False
        out.append(MonthEnd(label, ref, not ref.date.startswith(label), partial))
        year, month = nxt
    return out


def _to_json(p: Parsed) -> dict[str, Any]:
    return {
        "commit": p.commit,
        "paths": sorted(p.paths),
        "docs": [[path, kind, handle] for path, (kind, handle) in sorted(p.docs.items())],
        "counts": p.counts,
        "kaggle": p.kaggle,
        "publishers": p.publishers,
        "set_aside": [[path, kind, detail] for path, (kind, detail) in sorted(p.set_aside.items())],
        "credits": p.credits,
        "extra": p.extra,
    }


def _from_json(v: dict[str, Any]) -> Parsed:
    docs = {path: (kind, handle) for path, kind, handle in v["docs"]}
    aside = {path: (kind, detail) for path, kind, detail in v["set_aside"]}
    return Parsed(
        v["commit"],
        frozenset(v["paths"]),
        docs,
        v["counts"],
        v["kaggle"],
        v["publishers"],
        aside,
        v["credits"],
        v["extra"],
    )


def build_history(
    source: HistorySource,
    commit: str,
    as_of: str,
    publisher_types: dict[str, PublisherType],
    progress: Progress | None = None,
    cache: DerivedCache | None = None,
    *,
    known: Snapshot | None = None,
    doc_cache: Any = None,
    rules: HistoryRules | None = None,
    recount: bool = False,
) -> History:
    """The history of the repository up to ``commit`` (the commit in force on ``as_of``).

    ``known`` is a snapshot the caller already holds (the release's), used instead of fetching
    it again; ``doc_cache`` shares parsed docs with the caller's own parse of it.

    With a ``cache``, what each snapshot yields is kept between runs (see derived.py), and a
    snapshot whose summary is cached is neither fetched nor parsed again.

    ``rules`` are the hub's (default: the registry's first hub's). A hub whose rules have an
    ``incremental`` parse counts each snapshot from what changed since the previous one;
    ``recount`` parses every snapshot in full instead (the reference the tests compare with).
    """
    dt.date.fromisoformat(as_of)
    rules = rules or default_hub().module().HISTORY
    say = progress or (lambda _m: None)
    types_key = repr(sorted((h, t.type) for h, t in publisher_types.items()))
    src = _Counting(source)
    sent_before = _network_requests(source)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    refs: list[Any] | None = None
    history_key = digest = ""
    if cache:
        # The entry is keyed by the history it is derived from, not the commit alone: the same
        # commit reached through a cut or rewritten history is another history.
        if hasattr(source, "history_id"):
            digest = source.history_id(commit)
        else:
            refs = list(src.list_commits(commit))
            digest = history_digest((r.sha, r.parents) for r in refs)
        history_key = cache.key("history", rules.hub, commit, as_of, types_key, digest)
        cached = cache.load(history_key)
        if cached is not None and cached.get("history") == digest:
            say(f"[history] up to {commit[:12]}: from the derived cache (history {digest[:12]})")
            return _history_from_json(commit, as_of, cached)

    if refs is None:
        refs = list(src.list_commits(commit))
    by_sha = {r.sha: r for r in refs}
    if commit not in by_sha:
        raise ValueError(f"commit {commit} is not among the commits the source lists from it")
    if by_sha[commit].date > f"{as_of}T23:59:59Z":
        raise ValueError(f"commit {commit} ({by_sha[commit].date}) is after the as-of day {as_of}")
    line = first_parent_line(refs, commit)
    say(f"[history] {len(refs)} commits ({len(line)} on the first-parent line); changed files")
    changes: dict[str, list[Change]] = {}
    for n, ref in enumerate(sorted(refs, key=lambda r: (r.date, r.sha)), start=1):
        changes[ref.sha] = src.commit_changes(ref.sha)
        if n % 100 == 0:
            say(f"[history] changed files of {n}/{len(refs)} commits")
    timings["commits"] = time.perf_counter() - start

    order = {s: i for i, s in enumerate(topo_order(refs))}
    months = month_ends(refs, commit, as_of)
    wanted_set = {m.ref.sha for m in months} | {commit}
    if rules.every_commit:  # every commit of the line that changes a data path
        wanted_set |= {sha for sha in line if changes.get(sha)}
    wanted = sorted(wanted_set, key=lambda s: order[s])
    say(f"[history] {len(months)} months, {len(wanted)} distinct snapshots to parse")
    parsed: dict[str, Parsed] = {}
    fetch = parse = 0.0
    doc_cache = {} if doc_cache is None else doc_cache
    stepper = None
    if rules.incremental is not None and not recount:
        stepper = rules.incremental(publisher_types, doc_cache)
    before: Mapping[str, str] = {}  # blob ids of the last snapshot the stepper advanced to
    for n, sha in enumerate(wanted, start=1):
        key = cache.key("snapshot-summary", rules.hub, sha, types_key) if cache else ""
        hit = cache.load(key) if cache else None
        if hit is not None:
            parsed[sha] = _from_json(hit)
            say(f"[history] snapshot {n}/{len(wanted)} {sha[:12]}: summary from the cache")
            continue
        t0 = time.perf_counter()
        snap = known if known is not None and known.commit == sha else src.snapshot(sha)
        t1 = time.perf_counter()
        if snap.commit != sha:
            raise ValueError(f"source gave snapshot {snap.commit}, not {sha}")
        if stepper is not None:
            ids = _blob_ids(snap)
            changed: dict[str, str | None] = {p: b for p, b in ids.items() if before.get(p) != b}
            changed.update((p, None) for p in before.keys() - ids.keys())
            parsed[sha] = stepper.advance(snap, changed)
            before = ids
        else:
            parsed[sha] = rules.parse(snap, publisher_types, doc_cache)
        del snap
        if cache:
            cache.save(key, _to_json(parsed[sha]))
        fetch, parse = fetch + t1 - t0, parse + time.perf_counter() - t1
        say(f"[history] snapshot {n}/{len(wanted)} {sha[:12]} ({by_sha[sha].date[:10]})")
    timings["fetch"], timings["parse"] = fetch, parse

    t0 = time.perf_counter()
    rep = replay(
        refs,
        changes,
        {s: p.docs for s, p in parsed.items()},
        {s: p.paths for s, p in parsed.items()},
        data_path=rules.data_path,
        normalized=rules.normalized,
        path_doc=rules.path_doc,
    )
    docs, events = timelines(rep, line)
    publishers = {h: p for s in wanted for h, p in parsed[s].publishers.items()}  # latest wins
    credits = {h: c for s in wanted for h, c in parsed[s].credits.items()}
    hist = _assemble(
        refs, line, months, parsed, rep, docs, events, commit, as_of, publisher_types, rules,
        publishers, credits,
    )  # fmt: skip
    if rules.extra_tables is not None:
        by_sha = {r.sha: r for r in refs}
        seen = [(s, by_sha[s].date, parsed[s].extra) for s in line if s in parsed]
        for name, rows in rules.extra_tables(seen).items():
            if name in hist.tables:
                raise ValueError(f"the hub's own history table {name!r} clashes with another")
            hist.tables[name] = _project(rows, rules.schema_dir / f"{name}.json")
    timings["replay"] = time.perf_counter() - t0
    timings["total"] = time.perf_counter() - start
    hist.calls, hist.timings = src.calls, timings
    sent_after = _network_requests(source)
    if sent_before is not None and sent_after is not None:
        hist.requests = sent_after - sent_before
    say(f"[history] {hist.summary()}")
    if cache:
        if history_digest((r.sha, r.parents) for r in refs) == digest:
            cache.save(history_key, _history_to_json(hist, digest))
        else:  # the source listed another history than it said it has: keep nothing
            say(f"[history] up to {commit[:12]}: the listed history is not {digest[:12]}; not kept")
    return hist


def _blob_ids(snap: Snapshot) -> Mapping[str, str]:
    """Path -> blob id of every file of a snapshot (a source that knows them, git, says them;
    otherwise they are hashed from the bytes)."""
    if snap.blob_ids is not None:
        return snap.blob_ids
    return {path: snap.blob_id(path) for path in snap.files}


def _history_to_json(h: History, digest: str) -> dict[str, Any]:
    return {
        "history": digest,  # the history it was derived from (commits.history_digest)
        "tables": h.tables,
        "models": h.models,
        "docs": [[kind, handle, row] for (kind, handle), row in h.docs.items()],
        "publishers": h.publishers,
    }


def _history_from_json(commit: str, as_of: str, v: dict[str, Any]) -> History:
    docs = {(kind, handle): row for kind, handle, row in v["docs"]}
    return History(commit, as_of, v["tables"], v["models"], docs, v["publishers"])


def _assemble(
    refs: list[Any],
    line: list[str],
    months: list[MonthEnd],
    parsed: dict[str, Parsed],
    rep: Replay,
    docs: dict[tuple[str, str], DocTimeline],
    events: dict[str, list[Any]],
    commit: str,
    as_of: str,
    publisher_types: dict[str, PublisherType],
    rules: HistoryRules,
    doc_publishers: Mapping[str, str | None],
    doc_credits: Mapping[str, list[str]] | None = None,
) -> History:
    by_sha = {r.sha: r for r in refs}
    on_line = set(line)
    date = {s: by_sha[s].date for s in line}
    imports = rules.import_commits()

    def publisher(kind: str, handle: str) -> str | None:
        from_handle = rules.publisher_of(kind, handle)
        return from_handle if from_handle is not None else doc_publishers.get(handle)

    # A first line naming a person of the history (an author name that is also a GitHub login
    # in "Merge pull request #1 from login/branch") keeps the line, the name withheld.
    names = person_strings(refs)
    commits = [
        {
            "sha": r.sha,
            "date": r.date,
            "message": withhold(r.message, names) or None,
            "parents": " ".join(r.parents) or None,
            "parent_count": len(r.parents),
            "first_parent": r.sha in on_line,
            "data_changes": len(events.get(r.sha, ())),
            "initial_import": r.sha in imports,
        }
        for r in refs
    ]
    event_rows = [
        {
            "commit": sha,
            "date": by_sha[sha].date,
            "path": e.change.path,
            "status": e.change.status,
            "previous_path": e.change.previous_path,
            "first_parent": sha in on_line,
            "kind": e.kind,
            "handle": e.handle,
            "handle_source": e.handle_source,
            "effect": e.effect,
        }
        for sha, infos in events.items()
        for e in infos
    ]
    per_month = Counter(r.date[:7] for r in refs)
    snapshots = [
        {
            "month": m.month,
            "commit": m.ref.sha,
            "commit_date": m.ref.date,
            "repeated": m.repeated,
            "partial_month": m.partial,
            "commits": per_month[m.month],
            **parsed[m.ref.sha].counts,
        }
        for m in months
    ]

    def when(pos: int | None) -> tuple[str | None, str | None]:
        return (None, None) if pos is None or pos < 0 else (date[line[pos]], line[pos])

    doc_rows: dict[tuple[str, str], Row] = {}
    for key, tl in docs.items():
        kind, handle = key
        first, first_commit = when(tl.first_seen)
        changed, changed_commit = when(tl.last_changed)
        removed, removed_commit = when(tl.removed)
        doc_rows[key] = {
            "kind": kind,
            "handle": handle,
            "publisher": publisher(kind, handle),
            "model": rules.model_of(kind, handle),
            "first_seen": first,
            "first_seen_commit": first_commit,
            "first_seen_imported": first_commit in imports,
            "last_changed": changed,
            "last_changed_commit": changed_commit,
            "modifications": tl.modifications,
            "removed": removed,
            "removed_commit": removed_commit,
            "present": tl.present,
            "interruptions": tl.interruptions,
            "handle_source": next(
                (s for s in HANDLE_SOURCES if s in tl.sources), HANDLE_SOURCES[-1]
            ),
        }

    release = parsed[commit]
    model_rows = _spans(
        ((row["model"], docs[key], row) for key, row in doc_rows.items() if row["model"]),
        when,
        imports,
    )
    for handle, row in model_rows.items():
        row["kaggle_status"] = release.kaggle.get(handle) if row["present"] else None
    def credited(row: Row) -> list[str]:
        """Every publisher a doc credits: its own, or all the parsed snapshots name."""
        found = (doc_credits or {}).get(row["handle"])
        return list(found) if found else [row["publisher"]] if row["publisher"] else []

    publisher_rows = _spans(
        ((p, docs[key], row) for key, row in doc_rows.items() for p in credited(row)),
        when,
        imports,
    )
    model_credits: dict[str, set[str]] = {}
    for row in doc_rows.values():
        if row["model"]:
            model_credits.setdefault(row["model"], set()).update(credited(row))
    # publisher -> the models it is credited with, in model order: one pass, not one a publisher
    models_of: dict[str, list[Row]] = {}
    for m in model_rows.values():
        for credit in sorted(model_credits.get(m["handle"], ())):
            models_of.setdefault(credit, []).append(m)
    for handle, row in publisher_rows.items():
        models = models_of.get(handle, [])
        first_model = min(models, key=lambda m: m["first_seen"], default=None)
        annotation = publisher_types.get(handle)
        row.update(
            type=annotation.type if annotation else "unannotated",
            first_model=first_model["handle"] if first_model else None,
            first_model_date=first_model["first_seen"] if first_model else None,
            models_seen=len(models),
        )
    anomalies = [
        {"commit": a.commit, "path": a.path or None, "kind": a.kind, "detail": a.detail}
        for a in rep.anomalies
    ]
    aside: set[tuple[str, str, str]] = set()
    for sha in sorted(parsed, key=lambda s: rep.index[s]):  # each at the first commit holding it
        for path, (kind, detail) in sorted(parsed[sha].set_aside.items()):
            if (path, kind, detail) not in aside:
                aside.add((path, kind, detail))
                anomalies.append({"commit": sha, "path": path, "kind": kind, "detail": detail})
    tables: Tables = {
        "commits": sorted(commits, key=lambda r: (r["date"], r["sha"])),
        "events": sorted(event_rows, key=lambda r: (r["date"], r["commit"], r["path"])),
        "snapshots": snapshots,
        "doc_history": sorted(doc_rows.values(), key=lambda r: (r["kind"], r["handle"])),
        "model_history": [model_rows[h] for h in sorted(model_rows)],
        "publisher_history": [publisher_rows[h] for h in sorted(publisher_rows)],
        "history_anomalies": sorted(
            anomalies,
            key=lambda r: (by_sha[r["commit"]].date, r["commit"], r["path"] or "", r["kind"]),
        ),
    }
    del commits, event_rows, snapshots, anomalies
    # Each table holds the fields of the hub's schema, in its order (one table at a time, so
    # that each table's rows are held once: its events are most of a large hub's history).
    for n in list(tables):
        tables[n] = _project(tables.pop(n), rules.schema_dir / f"{n}.json")
    return History(
        commit=commit,
        as_of=as_of,
        tables=tables,
        models=model_rows,
        docs=doc_rows,
        publishers=publisher_rows,
    )


def _project(rows: list[Row], schema_path: Path) -> list[Row]:
    """Rows with exactly the fields of a Table Schema, in its order."""
    fields = _schema_fields(schema_path)
    return [{f: row[f] for f in fields} for row in rows]


_FIELDS: dict[Path, tuple[str, ...]] = {}


def _schema_fields(path: Path) -> tuple[str, ...]:
    if path not in _FIELDS:
        schema = json.loads(path.read_text(encoding="utf-8"))
        _FIELDS[path] = tuple(f["name"] for f in schema["fields"])
    return _FIELDS[path]


def _spans(
    items: Any,
    when: Callable[[int | None], tuple[str | None, str | None]],
    imports: Mapping[str, str],
) -> dict:
    """Group doc timelines by a key (model, publisher): first seen, last changed, removed."""
    groups: dict[str, list[tuple[DocTimeline, Row]]] = {}
    for key, tl, row in items:
        groups.setdefault(key, []).append((tl, row))
    out = {}
    for key, members in groups.items():
        tls = [tl for tl, _ in members]
        present = any(tl.present for tl in tls)
        first = min(tl.first_seen for tl in tls)
        changed = max(tl.last_changed for tl in tls)
        removed = None if present else max(tl.removed for tl in tls if tl.removed is not None)
        first_date, first_commit = when(first)
        # Every doc of a model has the model's publisher (the first doc's, by handle).
        publisher = min(members, key=lambda m: m[1]["handle"])[1]["publisher"]
        out[key] = {
            "handle": key,
            "publisher": publisher,
            "first_seen": first_date,
            "first_seen_commit": first_commit,
            "first_seen_imported": first_commit in imports,
            "last_changed": when(changed)[0],
            "last_changed_commit": when(changed)[1],
            "removed": when(removed)[0],
            "removed_commit": when(removed)[1],
            "present": present,
            "docs_seen": len(tls),
        }
    return out


DATED = ("first_seen", "first_seen_commit", "first_seen_imported", "last_changed")
PUBLISHER_DATED = ("first_seen", "first_seen_imported", "first_model_date")


def _date_columns(row: Row, found: Row | None, columns: tuple[str, ...]) -> None:
    """Fill the date columns a table builder left empty (those its schema has) from ``found``."""
    for c in columns:
        if c in row:
            row[c] = found[c] if found else None


def add_history(tables: Tables, history: History) -> None:
    """Add the history tables to a release's tables and fill the date columns of ``models``,
    ``versions`` and ``publishers`` (which the table builders leave empty), with the flag that
    says a first_seen is an import's date where the hub's tables have it."""
    clash = set(history.tables) & set(tables)
    if clash:
        raise ValueError(f"tables already hold {sorted(clash)}")
    anomalies = list(history.tables["history_anomalies"])
    for row in tables.get("models", []):
        m = history.models.get(row["handle"])
        _date_columns(row, m, DATED)
        if m is None:
            anomalies.append(_undated(history, row["source_path"], f"model {row['handle']}"))
    for row in tables.get("versions", []):
        d = history.docs.get((row["kind"], row["handle"]))
        _date_columns(row, d, DATED)
        if d is None:
            anomalies.append(
                _undated(history, row["source_path"], f"{row['kind']} {row['handle']}")
            )
    for row in tables.get("publishers", []):
        p = history.publishers.get(row["handle"])
        _date_columns(row, p, PUBLISHER_DATED)
        if p is None:
            where = row.get("source_path") or ("" if "source_path" in row else None)
            anomalies.append(_undated(history, where, f"publisher {row['handle']}"))
    tables.update(history.tables)  # HISTORY_TABLES, and the hub's own (HistoryRules.extra_tables)
    tables["history_anomalies"] = anomalies


def _undated(history: History, path: str | None, what: str) -> Row:
    return {
        "commit": history.commit,
        "path": path,
        "kind": "undated",
        "detail": f"{what} is in the release but not in its history",
    }
