"""People behind commits, in memory only: e-mail domain classes and the merging of aliases.

Nothing here is written anywhere. An identity is what a commit names (a :class:`Person`: name and
e-mail address); its *key* is its address in lower case (its name where a source gives no
address). :class:`Aliases` joins identities into people by three rules, and remembers which rule
joined each: the same address (by construction of the key), a GitHub noreply address whose login
is named elsewhere (another noreply address of that login, or a message that names the login of
a commit's author, such as a Copybara import's ``from LOGIN:BRANCH``), and the curated list of
``build/annotations/contributor_aliases.csv`` (people named by commits, never by address).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# An address's class, from the most telling to the least (a person's class is the most telling
# of their addresses').
DOMAIN_CLASSES = ("hub-owner", "organization", "free-mail", "github-noreply", "bot", "unknown")
NOREPLY_DOMAIN = "users.noreply.github.com"
# Providers of free personal mailboxes; those under many country domains by their brand.
FREE_MAIL = frozenset(
    {
        "gmail.com", "googlemail.com", "msn.com", "ymail.com", "aol.com", "icloud.com",
        "me.com", "mac.com", "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net",
        "sina.com", "sina.cn", "sohu.com", "aliyun.com", "139.com", "naver.com", "daum.net",
        "hanmail.net", "kakao.com", "posteo.de", "posteo.net", "protonmail.com", "proton.me",
        "pm.me", "web.de", "mail.ru", "zoho.com", "tutanota.com", "fastmail.com",
        "rediffmail.com", "seznam.cz", "libero.it", "wp.pl", "o2.pl", "interia.pl",
    }
)  # fmt: skip
FREE_MAIL_BRANDS = frozenset({"hotmail", "outlook", "live", "yahoo", "gmx", "yandex"})
NO_REPLY_LOCALS = frozenset({"noreply", "no-reply", "donotreply", "do-not-reply"})
_NOREPLY_LOCAL = re.compile(r"(?:[0-9]{1,12}\+)?(?P<login>[A-Za-z0-9-]{1,39}(?:\[bot\])?)")
_BOT_NAME = re.compile(r"(?i).{0,200}(?:\[bot\]| bot)")


def identity_key(person: Any) -> str | None:
    """The key of a commit's author or committer (None: the source named nobody)."""
    if person is None:
        return None
    email = (person.email or "").strip().lower()
    return email if email else f"name:{person.name}"


def _domain(email: str) -> str:
    return email.rpartition("@")[2] if "@" in email else ""


def noreply_login(email: str | None) -> str | None:
    """The GitHub login of a noreply address (``12345+login@users.noreply.github.com``), lower
    case; None for any other address."""
    local, _, domain = (email or "").lower().rpartition("@")
    if domain != NOREPLY_DOMAIN:
        return None
    m = _NOREPLY_LOCAL.fullmatch(local)
    return m.group("login") if m else None


def at_domains(email: str | None, domains: Iterable[str]) -> bool:
    """Whether an address is at one of ``domains`` or a subdomain of one."""
    domain = _domain((email or "").lower())
    return bool(domain) and any(domain == d or domain.endswith("." + d) for d in domains)


def domain_class(person: Any, owner_domains: Iterable[str], bots: Iterable[str]) -> str:
    """One of :data:`DOMAIN_CLASSES` for an author or committer."""
    email = ((person.email if person is not None else None) or "").strip().lower()
    if "@" not in email:
        return "unknown"
    local, _, domain = email.rpartition("@")
    login = noreply_login(email)
    name = person.name or ""
    if (
        email in set(bots)
        or local in NO_REPLY_LOCALS
        or (login or local).endswith(("[bot]", "-bot"))
        or _BOT_NAME.fullmatch(name[:210])
    ):
        return "bot"
    if login is not None or domain == NOREPLY_DOMAIN:
        return "github-noreply"
    if at_domains(email, owner_domains):
        return "hub-owner"
    if domain in FREE_MAIL or domain.split(".", 1)[0] in FREE_MAIL_BRANDS:
        return "free-mail"
    return "organization"


class Aliases:
    """Identity keys joined into people (union-find), with the rules that joined each person."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._rules: dict[str, set[str]] = {}

    def add(self, key: str) -> None:
        self._parent.setdefault(key, key)

    def find(self, key: str) -> str:
        self.add(key)
        root = key
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[key] != root:  # path compression
            self._parent[key], key = root, self._parent[key]
        return root

    def join(self, a: str, b: str, rule: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        low, high = sorted((ra, rb))  # deterministic roots
        self._parent[high] = low
        self._rules[low] = self._rules.get(low, set()) | self._rules.pop(high, set()) | {rule}

    def rules(self, key: str) -> set[str]:
        return set(self._rules.get(self.find(key), set()))

    def members(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for key in sorted(self._parent):
            out.setdefault(self.find(key), []).append(key)
        return out

    def join_noreply_logins(self, named: Iterable[tuple[str, str]]) -> None:
        """Join each GitHub noreply address with the other noreply addresses of its login and
        with the identities ``named`` gives as having that login ((login, identity key) pairs:
        a message that names the login of a commit's author)."""
        by_login: dict[str, list[str]] = {}
        for key in sorted(self._parent):
            login = noreply_login(key)
            if login is not None:
                by_login.setdefault(login, []).append(key)
        for keys in by_login.values():
            for other in keys[1:]:
                self.join(keys[0], other, "login")
        for login, key in sorted(set(named)):
            for noreply in by_login.get(login.lower(), ()):
                if noreply != key:
                    self.join(noreply, key, "login")


# --------------------------------------------------------------------------------------------
# Names in text: a commit's first line may name a person of the history (a GitHub login that is
# also someone's author name, "Merge pull request #1 from login/branch"); the release keeps the
# line with each such name withheld.

WITHHELD = "[withheld]"
MIN_NAME = 3  # shorter names cannot be told from words


def person_strings(refs: Iterable[Any]) -> list[str]:
    """The names and addresses of every author and committer of ``refs`` that stand for a
    person (not GitHub's web flow, a bot or a no-reply address), longest first, lower case."""
    found: set[str] = set()
    for ref in refs:
        for person in (getattr(ref, "author", None), getattr(ref, "committer", None)):
            if person is None or domain_class(person, (), ()) == "bot":
                continue
            if person.name == "GitHub" and (person.email or "").lower() == "noreply@github.com":
                continue
            for s in (person.name, person.email):
                if s and len(s.strip()) >= MIN_NAME:
                    found.add(_lower(s.strip()))
    return sorted(found, key=lambda s: (-len(s), s))


def _lower(text: str) -> str:
    """Lower case, character for character (so that positions match the text's)."""
    if text.isascii():  # the same thing, at C speed
        return text.lower()
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def withhold(text: str, strings: Iterable[str]) -> str:
    """``text`` with every whole-word occurrence of one of ``strings`` (lower case, from
    :func:`person_strings`) replaced by :data:`WITHHELD`, case-insensitively. Linear in the text
    for each string (a plain search, no pattern)."""
    low = _lower(text)  # lowered once, and again only after a replacement
    for s in strings:
        if s not in low:
            continue
        out, start = [], 0
        i = low.find(s)
        while i >= 0:
            end = i + len(s)
            before = low[i - 1] if i else " "
            after = low[end] if end < len(low) else " "
            if not (before.isalnum() or after.isalnum()):
                out += [text[start:i], WITHHELD]
                start = end
            i = low.find(s, end if start == end else i + 1)
        if out:
            text = "".join(out) + text[start:]
            low = _lower(text)
    return text
