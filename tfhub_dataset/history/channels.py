"""How a commit reached a hub's published branch: its *channel*, by rules that are hub data.

A hub's plug-in says, in :class:`CommunityRules`, which channels its history shows and how each is
recognised from what every source gives of a commit: its parent count, who committed it (GitHub's
web flow, one of the hub's bots, or a person), its first line and the other lines of its message
(trailers such as ``PiperOrigin-RevId``). :func:`classify` applies them to one commit. A commit is
recognised when exactly one rule matches it; none, or several, is an anomaly, never a guess.

Every pattern is matched with ``fullmatch`` against one line cut to :data:`MAX_LINE` characters,
and only the first :data:`HEAD_LINES` and last :data:`TAIL_LINES` lines of a message are read
(trailers sit at its end), so the time a rule takes is bounded whatever the message holds; the
patterns themselves are plain (no nested repetition).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# GitHub's web flow: the committer of what GitHub's buttons and web editor make.
GITHUB_NAME = "GitHub"
GITHUB_EMAIL = "noreply@github.com"
COMMITTER_KINDS = ("github", "bot", "person", "any")
MAX_LINE = 1000
HEAD_LINES = 1000
TAIL_LINES = 100
UNRECOGNISED = "channel-unrecognised"
AMBIGUOUS = "channel-ambiguous"


@dataclass(frozen=True)
class Match:
    """A pattern one line must match whole: the subject (``where="subject"``) or any line of the
    message (``"line"``). Named groups ``pr`` (a pull-request number) and ``login`` (a GitHub
    login or owner) are read from the first pattern that has them."""

    where: str
    regex: str

    def __post_init__(self) -> None:
        if self.where not in ("subject", "line"):
            raise ValueError(f"a Match is over the subject or a line, not {self.where!r}")
        _compiled(self.regex)


@dataclass(frozen=True)
class Channel:
    """One channel of a hub and how it is recognised.

    ``parents``: the smallest and largest parent count; ``committer``: one of
    :data:`COMMITTER_KINDS` (or a tuple of them); every ``require`` pattern must match and no
    ``forbid`` one;
    ``owner``: for a rule whose ``login`` group names the owner of a merged branch, whether it is
    the hub's own organisation (``"hub"``) or another account (``"other"``); ``content``: whose
    work the commit carries (``"author"``, or ``"merged"``: the author of the merged branch's tip,
    the second parent); ``login_of``: whom the ``login`` group names (``"author"``, ``"merged"``),
    for aliases; ``write_access``: which identity the channel shows had write access to the
    branch (``"committer"`` who pushed it, ``"author"`` who pressed the merge button)."""

    id: str
    title: str
    recognised: str  # the rule in words (the channels table and the README say it)
    parents: tuple[int, int]
    committer: str | tuple[str, ...]
    require: tuple[Match, ...] = ()
    forbid: tuple[Match, ...] = ()
    read: tuple[Match, ...] = ()  # read for their groups where they match; they decide nothing
    owner: str | None = None
    content: str = "author"
    login_of: str | None = None
    write_access: str | None = None

    def __post_init__(self) -> None:
        kinds = (self.committer,) if isinstance(self.committer, str) else self.committer
        if not kinds or any(k not in COMMITTER_KINDS for k in kinds):
            raise ValueError(f"channel {self.id}: committer {self.committer!r}")
        if self.owner not in (None, "hub", "other"):
            raise ValueError(f"channel {self.id}: owner {self.owner!r}")
        if self.content not in ("author", "merged") or self.login_of not in (
            None,
            "author",
            "merged",
        ):
            raise ValueError(f"channel {self.id}: content or login_of")
        if self.write_access not in (None, "author", "committer"):
            raise ValueError(f"channel {self.id}: write_access {self.write_access!r}")
        if self.content == "merged" and self.parents[0] < 2:
            raise ValueError(f"channel {self.id}: only a merge carries a merged branch")


@dataclass(frozen=True)
class CommunityRules:
    """What the contributors tables need to know of a hub (its plug-in gives them).

    ``organisation``: the GitHub account that owns the hub's repository (a merged branch of it is
    the hub's own); ``owner``: the organisation that runs the hub, as
    ``build/annotations/organizations.csv`` names it (the publishers it is behind are the
    owner's own); ``owner_domains``: its e-mail domains (staff); ``bots``: e-mail addresses of
    the hub's automation (lower case); ``campaign_publishers``: a commit that touches the docs of
    at least this many publishers, adding none, is a hub-wide curation campaign."""

    hub: str
    organisation: str
    owner: str
    owner_domains: tuple[str, ...]
    bots: tuple[str, ...]
    channels: tuple[Channel, ...]
    campaign_publishers: int = 3

    def __post_init__(self) -> None:
        ids = [c.id for c in self.channels]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{self.hub}: a channel id is used twice")

    def channel(self, channel_id: str) -> Channel:
        return next(c for c in self.channels if c.id == channel_id)


@dataclass(frozen=True)
class Recognised:
    """What :func:`classify` found: the channel (None: an anomaly, ``problem`` says which), the
    pull-request number and the login the message names, where it names them."""

    channel: Channel | None
    pull_request: int | None = None
    login: str | None = None
    problem: str | None = None
    detail: str = ""


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _compiled(regex: str) -> re.Pattern[str]:
    if regex not in _PATTERNS:
        _PATTERNS[regex] = re.compile(regex)
    return _PATTERNS[regex]


def committer_kind(person: Any, bots: tuple[str, ...]) -> str:
    """``github`` (GitHub's web flow), ``bot`` (one of the hub's bots) or ``person``."""
    email = (getattr(person, "email", None) or "").lower()
    if getattr(person, "name", None) == GITHUB_NAME and email == GITHUB_EMAIL:
        return "github"
    if email and email in bots:
        return "bot"
    return "person"


def message_lines(message: str) -> list[str]:
    """The lines of a message the rules read, each cut to MAX_LINE characters."""
    lines = message.splitlines()
    if len(lines) > HEAD_LINES + TAIL_LINES:
        lines = lines[:HEAD_LINES] + lines[-TAIL_LINES:]
    return [line[:MAX_LINE] for line in lines]


def _match(m: Match, subject: str, lines: list[str]) -> re.Match[str] | None:
    pattern = _compiled(m.regex)
    if m.where == "subject":
        return pattern.fullmatch(subject)
    return next((found for line in lines if (found := pattern.fullmatch(line))), None)


def _group(found: list[re.Match[str]], name: str) -> str | None:
    for m in found:
        if name in m.re.groupindex and m.group(name) is not None:
            return m.group(name)
    return None


def _fits(
    channel: Channel, ref: Any, kind: str, subject: str, lines: list[str], organisation: str
) -> tuple[bool, list[re.Match[str]]]:
    low, high = channel.parents
    if not low <= len(ref.parents) <= high:
        return False, []
    allowed = (channel.committer,) if isinstance(channel.committer, str) else channel.committer
    if "any" not in allowed and kind not in allowed:
        return False, []
    found = []
    for m in channel.require:
        hit = _match(m, subject, lines)
        if hit is None:
            return False, []
        found.append(hit)
    if any(_match(m, subject, lines) is not None for m in channel.forbid):
        return False, []
    if channel.owner is not None:
        login = _group(found, "login")
        own = login is not None and login.lower() == organisation.lower()
        if own != (channel.owner == "hub"):
            return False, []
    return True, found


def classify(ref: Any, rules: CommunityRules) -> Recognised:
    """The channel of one commit (a CommitRef with its committer and whole message)."""
    kind = committer_kind(ref.committer, rules.bots)
    subject = (ref.message or "")[:MAX_LINE]
    lines = message_lines(ref.full_message or ref.message or "")
    hits = []
    for channel in rules.channels:
        ok, found = _fits(channel, ref, kind, subject, lines, rules.organisation)
        if ok:
            hits.append((channel, found))
    if len(hits) != 1:
        shape = f"{len(ref.parents)} parent(s), committed by {_KIND_WORDS[kind]}"
        if not hits:
            return Recognised(None, problem=UNRECOGNISED, detail=f"no channel rule fits ({shape})")
        names = ", ".join(c.id for c, _ in hits)
        return Recognised(None, problem=AMBIGUOUS, detail=f"rules {names} all fit ({shape})")
    channel, found = hits[0]
    found += [hit for m in channel.read if (hit := _match(m, subject, lines)) is not None]
    pr = _group(found, "pr")
    return Recognised(channel, int(pr) if pr is not None else None, _group(found, "login"))


_KIND_WORDS = {"github": "GitHub's web flow", "bot": "a bot of the hub", "person": "a person"}


# Patterns several hubs share (each hub's channels.py composes its rules from them).
PR_AT_END = r".*?\(?#(?P<pr>[0-9]{1,7})\)?"  # "Title (#12)", as GitHub writes a squash merge
MERGE_PR = r"Merge pull request #(?P<pr>[0-9]{1,7}) from (?P<login>[A-Za-z0-9-]{1,39})/\S{1,255}"

# The channels of GitHub's own flow, which every hub on GitHub may show; a hub's channels.py
# picks those its history shows (``forbid`` adds its own exclusions, e.g. an export trailer).


def squash_merge(forbid: tuple[Match, ...] = ()) -> Channel:
    return Channel(
        "squash-merge",
        "GitHub squash merge",
        "one parent; committed by GitHub's web flow; the first line ends with the pull "
        "request's number, `(#N)` as GitHub writes it (or a bare `#N`)",
        (1, 1),
        "github",
        require=(Match("subject", PR_AT_END),),
        forbid=forbid,
    )


def _merge(owner: str) -> Channel:
    whose = "the hub's own organisation" if owner == "hub" else "another account (a fork)"
    return Channel(
        "org-branch-merge" if owner == "hub" else "fork-merge",
        "Merge of a branch of the hub's organisation" if owner == "hub" else "Merge of a fork",
        "two or more parents; committed by GitHub's web flow; the first line is GitHub's "
        f"`Merge pull request #N from OWNER/BRANCH` with OWNER {whose}; the work is the merged "
        "branch's (its tip's author), the merge's author pressed the button",
        (2, 64),
        "github",
        require=(Match("subject", MERGE_PR),),
        owner=owner,
        content="merged",
        login_of="merged",
        write_access="author",
    )


def fork_merge() -> Channel:
    return _merge("other")


def org_branch_merge() -> Channel:
    return _merge("hub")


def edited_merge() -> Channel:
    return Channel(
        "merge",
        "Merge, branch not named",
        "two or more parents; committed by GitHub's web flow; the first line is not GitHub's "
        "`Merge pull request #N from OWNER/BRANCH` (the merge button's message was edited, so "
        "whose branch it was is not said; `(#N)` at its end gives the pull request)",
        (2, 64),
        "github",
        forbid=(Match("subject", MERGE_PR),),
        read=(Match("subject", PR_AT_END),),
        content="merged",
        write_access="author",
    )


def web_edit(forbid: tuple[Match, ...] = ()) -> Channel:
    return Channel(
        "web-edit",
        "Web edit",
        "at most one parent; committed by GitHub's web flow; no pull-request number at the end "
        "of the first line: a file edited or uploaded on GitHub's site straight onto the branch, "
        "which takes write access to it (GitHub's rebase-merge button writes the same shape; "
        "none is known in these histories)",
        (0, 1),
        "github",
        forbid=(Match("subject", PR_AT_END), *forbid),
        write_access="author",
    )


def pushed_pull_request(forbid: tuple[Match, ...] = ()) -> Channel:
    return Channel(
        "pushed-pull-request",
        "Pull request pushed by a maintainer",
        "one parent; committed by a person, not GitHub's web flow; the first line ends with a "
        "pull request's number `(#N)`: a maintainer applied the pull request on their machine "
        "and pushed it",
        (1, 1),
        "person",
        require=(Match("subject", PR_AT_END),),
        forbid=forbid,
        write_access="committer",
    )


def direct_push(forbid: tuple[Match, ...] = (), pull_requests: bool = False) -> Channel:
    """``pull_requests``: whether a pushed commit that names a pull request is one too (a hub
    without the pushed-pull-request channel)."""
    return Channel(
        "direct-push",
        "Direct push",
        "at most one parent; committed by a person, not GitHub's web flow"
        + ("" if pull_requests else "; no pull-request number at the end of the first line")
        + ": a commit made on a maintainer's machine and pushed to the branch",
        (0, 1),
        "person",
        forbid=(*(() if pull_requests else (Match("subject", PR_AT_END),)), *forbid),
        write_access="committer",
    )


def local_merge() -> Channel:
    return Channel(
        "local-merge",
        "Merge made locally",
        "two or more parents; committed by a person, not GitHub's web flow: a merge made on a "
        "maintainer's machine (`Merge branch ...`) and pushed",
        (2, 64),
        "person",
        content="merged",
        write_access="committer",
    )
