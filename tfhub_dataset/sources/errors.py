"""The one error family of every source: its message is one line the CLI prints as it is."""

from __future__ import annotations


class FetchError(Exception):
    """Fetching the source failed; ``str()`` is one line saying what failed and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


class NoDocs(FetchError):
    """A source's snapshot holds none of the docs a hub's releases are made of (a tarball of
    another repository, a folder one level off): refused, so that no empty release is written."""
