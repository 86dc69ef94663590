"""The release README's History section (Markdown) from history tables held in memory.

The section itself is written by the release report (``report.history_section``), which reads
the history tables as written (``data/*.csv``); this wrapper gives the same text for the rows of
``History.tables`` (typed the same way: bool, int, str or None), for code that has not written
the release yet.
"""

from __future__ import annotations

from typing import Any

from tfhub_dataset.report import history_section
from tfhub_dataset.report_tables import Release

Tables = dict[str, list[dict[str, Any]]]


def readme_section(tables: Tables) -> str:
    """The README's 'History' section (Markdown); empty when the tables hold no history."""
    lines = history_section(Release(dict(tables), {}))
    return "\n".join(["## History", "", *lines]) + "\n" if lines else ""
