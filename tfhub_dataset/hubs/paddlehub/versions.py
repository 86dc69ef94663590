"""The versions every module went through: each distinct (module, version) its module.py
declared on the release commit's first-parent line, with where and when it was first seen.

The loadable unit of PaddleHub is a module at a version (``hub install <name>==<version>``,
``hub.Module(name=..., version=...)``); the repository keeps one module.py per module, whose
``@moduleinfo(version=...)`` is bumped in place, so a version's life is read from the history:
the state of the catalogue at every commit of the line that changes a data path (the history
parses each of them, see wiring.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

Row = dict[str, Any]
# One observed commit of the first-parent line, oldest first: its SHA, its committer date, and
# the catalogue's modules then, name -> (declared version, path of its module.py).
Observation = tuple[str, str, Mapping[str, tuple[str | None, str]]]


def module_versions(observations: Iterable[Observation]) -> list[Row]:
    """One row per (module, version) declared at some observed commit, sorted by module, then
    first_seen. ``observations`` must hold every commit of the line at which the catalogue
    changed (between two of them it is as at the first); the last is the release commit."""
    rows: dict[tuple[str, str], Row] = {}
    current: dict[str, str] = {}  # module -> version declared at the previous observation
    last: Observation | None = None
    for sha, date, modules in observations:
        now = {name: v for name, (v, _) in modules.items() if v}
        for name, version in current.items():
            if now.get(name) != version:
                row = rows[(name, version)]
                row["ended"], row["ended_commit"] = date, sha
        for name, version in now.items():
            if current.get(name) == version:
                continue
            row = rows.get((name, version))
            if row is None:
                rows[(name, version)] = {
                    "module": name,
                    "version": version,
                    "first_seen": date,
                    "first_seen_commit": sha,
                    "source_path": modules[name][1],
                    "ended": None,
                    "ended_commit": None,
                    "present": False,
                    "spells": 0,
                }
                row = rows[(name, version)]
            else:  # declared again after another version or a removal
                row["ended"] = row["ended_commit"] = None
            row["spells"] += 1
        current, last = now, (sha, date, modules)
    for name, version in current.items():
        rows[(name, version)]["present"] = last is not None
    return sorted(rows.values(), key=lambda r: (r["module"], r["first_seen"], r["version"]))
