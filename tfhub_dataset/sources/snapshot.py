"""The Snapshot: one commit of tensorflow/tfhub.dev as files by path; nothing after it does I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# The only parts of the repository the dataset is derived from.
DATA_PREFIXES = ("assets/", "tags/")
DATA_FILES = ("README.md", "LICENSE")
# One data file (a doc, a tag file) larger than this is not read: an anomaly records it. The
# largest real one holds 15 kB; parsing a file costs a few times its size in memory.
MAX_FILE_BYTES = 1 << 20


def is_data_path(path: str) -> bool:
    """True for the paths the dataset reads (docs, tag vocabularies, README, LICENSE)."""
    return path.startswith(DATA_PREFIXES) or path in DATA_FILES


@dataclass(frozen=True)
class Snapshot:
    """The files of the source repository at one commit.

    ``commit_date`` is the committer date in UTC, ISO 8601 with a trailing ``Z``.
    ``files`` maps a repository-relative POSIX path to the file's bytes; ``oversized`` maps the
    path of a data file left out for its size (over MAX_FILE_BYTES) to that size.
    """

    commit: str
    commit_date: str
    files: Mapping[str, bytes] = field(repr=False)
    repository: str = "tensorflow/tfhub.dev"
    oversized: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.commit) != 40 or any(c not in "0123456789abcdef" for c in self.commit):
            raise ValueError(f"not a full commit SHA: {self.commit!r}")

    @property
    def date(self) -> str:
        """The commit's calendar day (UTC), YYYY-MM-DD."""
        return self.commit_date[:10]
