"""Read a release's CSV bytes back as rows, whatever the length of a field."""

from __future__ import annotations

import csv
import io


def read_rows(data: bytes) -> list[list[str]]:
    """Every row of an RFC 4180 CSV file, its header first. The csv module stops at fields of
    131,072 characters by default, which a long description passes: the limit is raised to the
    file's own size while it is read, then the process-wide limit restored."""
    text = data.decode("utf-8")
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, len(text)))
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    finally:
        csv.field_size_limit(old)
