"""The privacy scan of a written release: does any file hold a commit author's or committer's
e-mail address or name from the git history, or a hash of either?

Every file is read as a reader would: CSV, JSON, Markdown and the like as text, Parquet through
Arrow, SQLite through a dump of its rows, anything else (PNG) as its bytes. A name or address
that the hub's own data files publish (a publisher's handle, an address in a publisher's doc, a
paper's author list: a name counts as published when each of its words is a word of those files)
may appear where the release quotes those files, but an address never in the community tables.
Names shorter than three characters cannot be told from words and are not checked, nor the name
of a shared no-reply or bot identity (no person: "The ... Authors" of an export tool). Reports
name the file and a masked form of what was found, never the identity itself.
"""

from __future__ import annotations

import hashlib
import io
import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tfhub_dataset.sources.git.repo import GitRepo

COMMUNITY_FILES = tuple(
    f"data/{t}.csv"
    for t in ("channels", "contributions", "contributors", "publisher_contributions")
)
WEB_FLOW = "GitHub"  # GitHub's web-flow committer: a platform, not a person
_HEX = re.compile(r"[0-9a-f]{32,64}")
_WORD = re.compile(r"\w+")


def _no_person(email: str | None) -> bool:
    local = (email or "").lower().rpartition("@")[0]
    return local in ("noreply", "no-reply") or local.endswith(("[bot]", "-bot"))


@dataclass(frozen=True)
class Identities:
    """Every name and address of the commits reachable from a release's commit, and the text
    of that commit's data files (what the hub publishes itself)."""

    names: frozenset[str]
    emails: frozenset[str]
    published: str  # the data files' text, lower case

    @property
    def all(self) -> frozenset[str]:
        return self.names | self.emails

    def is_published(self, s: str) -> bool:
        if s in self.emails:
            return s.lower() in self.published
        words = set(_WORD.findall(s.lower()))
        return bool(words) and words <= self._words

    @property
    def _words(self) -> set[str]:
        if not hasattr(self, "_cache"):
            object.__setattr__(self, "_cache", set(_WORD.findall(self.published)))
        return self._cache  # type: ignore[attr-defined]


def identities(clone: Path, commit: str, is_data_path) -> Identities:
    repo = GitRepo(clone, data_path=is_data_path)
    try:
        names, emails = set(), set()
        for ref in repo.commits(commit):
            for person in (ref.author, ref.committer):
                if person is None:
                    continue
                person_like = person.name != WEB_FLOW and not _no_person(person.email)
                if person.name and person_like and len(person.name) >= 3:
                    names.add(person.name)
                if person.email:
                    emails.add(person.email)
        text = "\n".join(
            repo.read(oid, "blob").decode("utf-8", "replace") for oid in repo.tree(commit).values()
        )
    finally:
        repo.close()
    return Identities(frozenset(names), frozenset(emails), text.lower())


def file_texts(folder: Path) -> dict[str, str]:
    """Every file of a release as text, as a reader of its format sees it."""
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        if rel.endswith(".parquet"):
            import pyarrow.parquet as pq

            table = pq.read_table(io.BytesIO(data))
            out[rel] = "\n".join(map(str, table.to_pylist())) + "\n" + str(table.schema)
        elif rel.endswith(".sqlite"):
            db = sqlite3.connect(":memory:")
            db.deserialize(data)
            out[rel] = "\n".join(db.iterdump())
            db.close()
        else:
            out[rel] = data.decode("utf-8", "replace")
    return out


def _found(needle: str, haystack: str) -> bool:
    """``needle`` in ``haystack`` (lower case), not inside a longer word."""
    start = 0
    while (i := haystack.find(needle, start)) >= 0:
        before = haystack[i - 1] if i else " "
        after = haystack[i + len(needle)] if i + len(needle) < len(haystack) else " "
        if not (before.isalnum() or after.isalnum()):
            return True
        start = i + 1
    return False


def _mask(s: str) -> str:
    return f"{s[:2]}…({len(s)} characters)"


def _hashes(strings: Iterable[str]) -> set[str]:
    out = set()
    for s in strings:
        for variant in {s, s.lower(), s.strip().lower()}:
            for algo in ("md5", "sha1", "sha256"):
                out.add(hashlib.new(algo, variant.encode("utf-8")).hexdigest())
    return out


def leaks(texts: Mapping[str, str], ids: Identities) -> list[str]:
    """What the release holds that it must not: one line per file and finding."""
    problems = []
    lowered = {path: text.lower() for path, text in texts.items()}
    hidden = [s for s in ids.all if not ids.is_published(s)]
    for path, text in lowered.items():
        for s in hidden:
            if _found(s.lower(), text):
                problems.append(f"{path}: holds {_mask(s)}")
        if path in COMMUNITY_FILES:  # never an address there, whatever the docs publish
            for s in ids.emails:
                if s.lower() in text:
                    problems.append(f"{path}: holds the address {_mask(s)}")
    hashes = _hashes(ids.all)
    for path, text in lowered.items():
        for h in set(_HEX.findall(text)) & hashes:
            problems.append(f"{path}: holds a hash of a name or address ({h[:8]}…)")
    return problems
