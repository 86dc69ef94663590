"""Contributors and contribution channels of a hub, from the published (first-parent) line.

Pure over what the sources give (commits with their author, committer and whole message, held in
memory only) and the history tables (``events``, ``doc_history``). The hub's rules
(:class:`~tfhub_dataset.history.channels.CommunityRules`) are data of its plug-in; nothing here
names a hub.

Tables (one row per):

- ``channels``: channel of the hub's rules, with how it is recognised;
- ``contributions``: commit of the first-parent line up to the release commit: channel, pull
  request, contributor (whose work it carries), who merged it, the committer as a role, the data
  files it changed and the publishers and models whose docs it touched;
- ``contributors``: person (aliases merged): a pseudonymous id, affiliation, e-mail domain class,
  dates and counts, never a name or an address or a hash of either;
- ``publisher_contributions``: publisher x contributor x channel.

The contributor id (``c0001``, ...) is the person's rank by their first appearance on the line
(oldest first; within one commit, whose work it carries before who merged it): deterministic,
local to the hub and the release, and re-identifiable from the public history by design (it is
not anonymous and not a join key). Ids are given before opt-outs are applied, so that an opt-out
moves no one else's id; an opted-out person has no row, and their commits and facts no
contributor.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tfhub_dataset.history.channels import CommunityRules, classify, committer_kind
from tfhub_dataset.history.identities import (
    DOMAIN_CLASSES,
    Aliases,
    at_domains,
    domain_class,
    identity_key,
)
from tfhub_dataset.sources.commits import first_parent_refs
from tfhub_dataset.sources.errors import FetchError

Row = dict[str, Any]
Tables = dict[str, list[Row]]

COMMUNITY_TABLES = ("channels", "contributions", "contributors", "publisher_contributions")
AFFILIATIONS = ("staff", "maintainer", "outside", "bot")
COMMITTER_ROLES = ("author", "github", "bot", "staff", "maintainer")
EFFECTS = ("added", "modified", "removed")


@dataclass
class Community:
    """The community tables of one release, and what attribution needs of each commit.

    ``_person`` and ``_affiliation`` are keyed by people's identity keys (addresses): in memory
    only, never written or cached."""

    tables: Tables
    anomalies: list[Row]
    contributions: dict[str, Row]  # sha -> contributions row
    imports: frozenset[str]
    _person: dict[str, str] = field(default_factory=dict, repr=False)  # sha -> person (content)
    _affiliation: dict[str, str] = field(default_factory=dict, repr=False)
    _opted: frozenset[str] = field(default=frozenset(), repr=False)

    def added_as(self, sha: str, publisher: str | None, owner_publishers: frozenset[str]) -> Any:
        """How a fact first added by commit ``sha`` came in: ``import`` (one of the hub's
        import commits), ``campaign`` (a commit touching the docs of many publishers and
        adding none: curation),
        ``hub-staff`` (the hub's staff, maintainers or bots, for a publisher not of the hub
        owner's organisation) or ``publisher`` (otherwise: a contribution confined to a few
        publishers by an outside contributor, or by the staff for the owner's own publishers);
        None when it rests on an opted-out person."""
        row = self.contributions.get(sha)
        if row is None:
            return None
        if sha in self.imports:
            return "import"
        if row["campaign"]:
            return "campaign"
        person = self._person.get(sha)
        if person is None or person in self._opted:
            return None
        team = self._affiliation.get(person) in ("staff", "maintainer", "bot")
        return "hub-staff" if team and publisher not in owner_publishers else "publisher"


def contributor_id(rank: int) -> str:
    """The id of the person of rank ``rank`` (1: the first to appear): ``c0001``. A string, so
    that no tool takes it for a quantity (and an empty one is read back as empty everywhere)."""
    return f"c{rank:04d}"


def _content_person(ref: Any, channel: Any, by_sha: Mapping[str, Any]) -> Any:
    """Whose work a commit carries: its author, or for a merge the merged branch's tip's."""
    if channel is not None and channel.content == "merged" and len(ref.parents) > 1:
        tip = by_sha.get(ref.parents[1])
        return tip.author if tip is not None else None
    return ref.author


def _resolve(identity: Any, by_sha: Mapping[str, Any]) -> str | None:
    ref = by_sha.get(identity.commit)
    if ref is None:
        return None
    return identity_key(ref.author if identity.role == "author" else ref.committer)


def build_community(
    refs: Sequence[Any],
    commit: str,
    history: Tables,
    rules: CommunityRules,
    *,
    imports: Iterable[str] = (),
    aliases: Sequence[Any] = (),
    opt_outs: Sequence[Any] = (),
) -> Community:
    """The community tables up to ``commit`` (refs: every commit the source lists from it)."""
    by_sha = {r.sha: r for r in refs}
    line = [r.sha for r in reversed(first_parent_refs(refs, commit))]
    recognised = {sha: classify(by_sha[sha], rules) for sha in line}
    anomalies = [
        {"commit": sha, "path": None, "kind": rec.problem, "detail": rec.detail}
        for sha, rec in recognised.items()
        if rec.problem
    ]

    # -- identities and aliases (in memory) ---------------------------------------------------
    people = Aliases()
    seen: dict[str, Any] = {}  # identity key -> the Person first met with it

    def key_of(person: Any) -> str | None:
        key = identity_key(person)
        if key is not None:
            people.add(key)
            seen.setdefault(key, person)
        return key

    content: dict[str, str | None] = {}
    merged_by: dict[str, str | None] = {}
    committer: dict[str, str | None] = {}
    kinds: dict[str, str] = {}
    named: list[tuple[str, str]] = []
    write: set[str] = set()
    for sha in line:
        ref, channel = by_sha[sha], recognised[sha].channel
        content[sha] = key_of(_content_person(ref, channel, by_sha))
        is_merge = channel is not None and channel.content == "merged"
        merged_by[sha] = key_of(ref.author) if is_merge else None
        kinds[sha] = committer_kind(ref.committer, rules.bots)
        committer[sha] = key_of(ref.committer) if kinds[sha] == "person" else None
        login = recognised[sha].login
        if channel is not None and login and login.lower() != rules.organisation.lower():
            whose = content[sha] if channel.login_of == "merged" else key_of(ref.author)
            if channel.login_of is not None and whose is not None:
                named.append((login, whose))
        if channel is not None and channel.write_access == "committer" and committer[sha]:
            write.add(committer[sha])
        if channel is not None and channel.write_access == "author":
            author = key_of(ref.author)
            if author is not None and committer_kind(ref.author, rules.bots) == "person":
                write.add(author)
    people.join_noreply_logins(named)
    for alias in aliases:
        a, b = _resolve(alias.identity, by_sha), _resolve(alias.same_as, by_sha)
        if a is not None and b is not None:
            people.add(a), people.add(b)
            people.join(a, b, "curated")
    opted = {
        people.find(k)
        for o in opt_outs
        if (k := _resolve(o.identity, by_sha)) is not None
    }

    # -- people: ids by first appearance, affiliation, classes --------------------------------
    ids: dict[str, str] = {}
    for sha in line:
        for key in (content[sha], merged_by[sha]):
            if key is not None and people.find(key) not in ids:
                ids[people.find(key)] = contributor_id(len(ids) + 1)
    members = people.members()
    # the addresses a person's work or merges were credited under (not those only committing)
    credited = {k for sha in line for k in (content[sha], merged_by[sha]) if k is not None}
    on_line = set(line)
    affiliation: dict[str, str] = {}
    classes: dict[str, str] = {}
    for root in ids:
        keys = members.get(root, [root])
        cls = [domain_class(seen.get(k), rules.owner_domains, rules.bots) for k in keys]
        classes[root] = min(cls, key=DOMAIN_CLASSES.index)
        if any(at_domains(k, rules.owner_domains) for k in keys):
            affiliation[root] = "staff"
        elif all(c == "bot" for c in cls):
            affiliation[root] = "bot"
        elif any(people.find(k) == root for k in write):
            affiliation[root] = "maintainer"
        else:
            affiliation[root] = "outside"

    def public(key: str | None) -> str | None:
        if key is None:
            return None
        root = people.find(key)
        return None if root in opted else ids.get(root)

    # -- contributions ------------------------------------------------------------------------
    docs = {(r["kind"], r["handle"]): r for r in history.get("doc_history", [])}
    events: dict[str, list[Row]] = defaultdict(list)
    for e in history.get("events", []):
        if e["first_parent"] and e["commit"] in on_line:
            events[e["commit"]].append(e)
    imports = frozenset(imports)
    rows: list[Row] = []
    touched: dict[str, dict[str, Counter[str]]] = {}  # sha -> publisher -> effect counts
    for sha in line:
        ref, rec = by_sha[sha], recognised[sha]
        effects: dict[str, set[tuple[str, str]]] = {e: set() for e in EFFECTS}
        publishers: dict[str, Counter[str]] = {}
        models: set[str] = set()
        for e in events.get(sha, ()):
            if e["handle"] is None or e["effect"] is None:
                continue
            key = (e["kind"], e["handle"])
            doc = docs.get(key, {})
            if e["effect"] in effects:
                effects[e["effect"]].add(key)
            if doc.get("publisher"):
                publishers.setdefault(doc["publisher"], Counter())
            if doc.get("model"):
                models.add(doc["model"])
        for effect, keys in effects.items():
            for key in keys:
                pub = docs.get(key, {}).get("publisher")
                if pub:
                    publishers[pub][effect] += 1
        touched[sha] = publishers
        who = content[sha]
        same = who is not None and committer[sha] is not None
        same = same and people.find(committer[sha]) == people.find(who)  # type: ignore[arg-type]
        if kinds[sha] != "person":
            role = kinds[sha]
        elif same:
            role = "author"
        else:
            role = "staff" if at_domains(committer[sha], rules.owner_domains) else "maintainer"
        rows.append(
            {
                "commit": sha,
                "date": ref.date,
                "channel": rec.channel.id if rec.channel else None,
                "pull_request": None if rec.pull_request is None else str(rec.pull_request),
                "contributor": public(who),
                "merged_by": public(merged_by[sha]),
                "committer_role": role,
                "data_files": len(events.get(sha, ())),
                "docs_added": len(effects["added"]),
                "docs_modified": len(effects["modified"]),
                "docs_removed": len(effects["removed"]),
                "publisher_count": len(publishers),
                "publishers": " ".join(sorted(publishers)) or None,
                "models": len(models),
                # curation of what is there: many publishers' docs touched, none added (a commit
                # adding many publishers' docs at once is a bulk publication: an import, the
                # merge of a release branch)
                "campaign": len(publishers) >= rules.campaign_publishers and not effects["added"],
            }
        )
    by_commit = {r["commit"]: r for r in rows}

    # -- contributors and publisher x contributor x channel -----------------------------------
    stats: dict[str, Row] = {}
    pc: dict[tuple[str, str, str], Row] = {}
    for r in rows:
        sha = r["commit"]
        for key, as_merger in ((content[sha], False), (merged_by[sha], True)):
            if key is None:
                continue
            root = people.find(key)
            s = stats.setdefault(
                root,
                {"first": sha, "first_date": r["date"], "last_date": r["date"], "commits": 0,
                 "merges": 0, "data_commits": 0, "publishers": set(), "channels": set()},
            )  # fmt: skip
            s["last_date"] = max(s["last_date"], r["date"])
            if as_merger:
                s["merges"] += 1
                continue
            s["commits"] += 1
            s["data_commits"] += r["data_files"] > 0
            s["publishers"].update(touched[sha])
            if r["channel"]:
                s["channels"].add(r["channel"])
        if r["contributor"] is None or r["channel"] is None:
            continue
        for pub, counts in touched[sha].items():
            row = pc.setdefault(
                (pub, r["contributor"], r["channel"]),
                {"publisher": pub, "contributor": r["contributor"], "channel": r["channel"],
                 "commits": 0, "docs_added": 0, "docs_modified": 0, "docs_removed": 0,
                 "first_date": r["date"], "last_date": r["date"]},
            )  # fmt: skip
            row["commits"] += 1
            for effect in EFFECTS:
                row[f"docs_{effect}"] += counts[effect]
            row["last_date"] = max(row["last_date"], r["date"])
    contributors = []
    for root, cid in ids.items():
        if root in opted:
            continue
        s = stats[root]
        keys = members.get(root, [root])
        contributors.append(
            {
                "contributor": cid,
                "affiliation": affiliation[root],
                "domain_class": classes[root],
                "addresses": sum(1 for k in keys if k in credited and not k.startswith("name:")),
                "aliases_by": " ".join(sorted(people.rules(root))) or None,
                "first_commit": s["first"],
                "first_date": s["first_date"],
                "last_date": s["last_date"],
                "commits": s["commits"],
                "merges": s["merges"],
                "data_commits": s["data_commits"],
                "publishers": len(s["publishers"]),
                "channels": " ".join(sorted(s["channels"])) or None,
            }
        )
    used = Counter(r["channel"] for r in rows)
    channels = [
        {"id": c.id, "title": c.title, "recognised": c.recognised, "commits": used[c.id]}
        for c in rules.channels
    ]
    tables: Tables = {
        "channels": channels,
        "contributions": sorted(rows, key=lambda r: (r["date"], r["commit"])),
        "contributors": sorted(contributors, key=lambda r: r["contributor"]),
        "publisher_contributions": sorted(
            pc.values(), key=lambda r: (r["publisher"], r["contributor"], r["channel"])
        ),
    }
    return Community(
        tables,
        anomalies,
        by_commit,
        imports,
        _person={sha: people.find(k) for sha, k in content.items() if k is not None},
        _affiliation=affiliation,
        _opted=frozenset(opted),
    )


# --------------------------------------------------------------------------------------------
# Attribution of facts: the commit, channel and contributor that first added each


@dataclass(frozen=True)
class DocFacts:
    """Facts a hub reads from its docs (e.g. each publisher link): rows of ``table`` named by
    ``key`` fields, held by the docs of ``kind`` (one or several); ``extract(path, handle,
    bytes)`` gives the keys one version of such a doc holds, ``publisher(row, tables)`` the
    publisher a row belongs to."""

    table: str
    key: tuple[str, ...]
    kind: str | tuple[str, ...]  # the doc kind (events.kind), or several
    extract: Callable[[str, str, bytes], Iterable[tuple[Any, ...]]]
    publisher: Callable[[Row, Tables], str | None]

    @property
    def kinds(self) -> tuple[str, ...]:
        return (self.kind,) if isinstance(self.kind, str) else self.kind


@dataclass(frozen=True)
class CommitFacts:
    """Rows of ``table`` whose ``commit_field`` already names the commit that first added them
    (e.g. each model's ``first_seen_commit``)."""

    table: str
    commit_field: str
    publisher: Callable[[Row, Tables], str | None]


ATTRIBUTION_FIELDS = ("added_commit", "added_by", "added_channel", "added_as")


@dataclass(frozen=True)
class FirstCommits:
    """For one fact table: the commit that first added each of its rows (in the table's row
    order; None where no commit of the line does), and the doc versions that could not be read.
    No identity: what the derived cache may keep between runs."""

    commits: list[str | None]
    unread: list[Row]

    def to_json(self) -> dict[str, Any]:
        return {"commits": self.commits, "unread": self.unread}

    @classmethod
    def from_json(cls, value: Any, rows: int) -> FirstCommits | None:
        """A cached value, if it has the shape (and the row count) expected; else None."""
        if not isinstance(value, dict) or not isinstance(value.get("commits"), list):
            return None
        commits, unread = value["commits"], value.get("unread")
        if len(commits) != rows or not isinstance(unread, list):
            return None
        if not all(c is None or isinstance(c, str) for c in commits):
            return None
        return cls(commits, unread)


def first_commits(
    tables: Tables,
    spec: DocFacts,
    line: Sequence[str],
    *,
    changes: Mapping[str, Sequence[Any]],
    read_blob: Callable[[str], bytes] | None,
    events: Sequence[Row],
) -> FirstCommits:
    """The first commit of the ``line`` (the first-parent line, oldest first) whose version of
    a doc of ``spec.kind`` holds each row of ``spec.table``: each version a commit of the line
    added, modified or moved is read once, by its blob id, and given to ``spec.extract``."""
    blob_of = {(sha, ch.path): ch.blob for sha, chs in changes.items() for ch in chs}
    first: dict[tuple[Any, ...], str] = {}
    unread: list[Row] = []
    blobs: dict[str, bytes | None] = {}
    order = {sha: i for i, sha in enumerate(line)}
    held = sorted(
        (
            e
            for e in events
            if e["first_parent"]
            and e["kind"] in spec.kinds
            and e["handle"]
            and e["commit"] in order
        ),
        key=lambda e: (order[e["commit"]], e["path"]),
    )
    for e in held:
        if e["effect"] not in ("added", "modified", "moved") or e["status"] == "removed":
            continue
        oid = blob_of.get((e["commit"], e["path"]))
        if oid is None or read_blob is None:
            unread.append(
                {"commit": e["commit"], "path": e["path"], "kind": "fact-unread",
                 "detail": "the source gives no blob id for this version"}
            )  # fmt: skip
            continue
        if oid not in blobs:
            try:
                blobs[oid] = read_blob(oid)
            except (FetchError, OSError, ValueError) as exc:  # a source's one-line errors
                blobs[oid] = None
                unread.append(
                    {"commit": e["commit"], "path": e["path"], "kind": "fact-unread",
                     "detail": f"blob {oid[:12]} could not be read ({type(exc).__name__})"}
                )  # fmt: skip
        data = blobs[oid]
        if data is None:
            continue
        for key in spec.extract(e["path"], e["handle"], data):
            first.setdefault(tuple(key), e["commit"])
    rows = tables.get(spec.table, [])
    return FirstCommits([first.get(tuple(row[f] for f in spec.key)) for row in rows], unread)


def attribute(
    tables: Tables,
    community: Community,
    facts: Sequence[DocFacts | CommitFacts],
    owner_publishers: frozenset[str],
    firsts: Mapping[str, FirstCommits],
) -> list[Row]:
    """Add the attribution columns to each fact table's rows (in place), the first commits of
    a DocFacts table from ``firsts`` (by table, see :func:`first_commits`); the anomalies met
    (a fact whose first commit the line does not show, a doc version that could not be read)."""
    anomalies: list[Row] = []

    def fill(row: Row, sha: str | None, publisher: str | None, with_commit: bool) -> None:
        c = community.contributions.get(sha) if sha else None
        if with_commit:
            row["added_commit"] = sha if c is not None else None
        row["added_by"] = c["contributor"] if c else None
        row["added_channel"] = c["channel"] if c else None
        row["added_as"] = community.added_as(sha, publisher, owner_publishers) if sha else None

    for spec in facts:
        rows = tables.get(spec.table, [])
        if isinstance(spec, CommitFacts):
            for row in rows:
                fill(row, row.get(spec.commit_field), spec.publisher(row, tables), False)
            continue
        found = firsts[spec.table]
        anomalies += found.unread
        for row, sha in zip(rows, found.commits, strict=True):
            if sha is None:
                anomalies.append(
                    {"commit": None, "path": None, "kind": "unattributed",
                     "detail": f"{spec.table} {'/'.join(str(row[f]) for f in spec.key)}: no "
                     "commit of the line adds it"}
                )  # fmt: skip
            fill(row, sha, spec.publisher(row, tables), True)
    return anomalies


@dataclass(frozen=True)
class CommunitySpec:
    """What a hub's plug-in gives the shared community code (its wiring's ``COMMUNITY``): its
    channel rules and the facts whose first commit is attributed."""

    rules: CommunityRules
    facts: tuple[DocFacts | CommitFacts, ...] = ()
