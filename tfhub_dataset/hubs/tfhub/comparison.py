"""TF Hub as the comparison reads it (comparison/view.py): a model is a handle, and a handle is
what a user loads (``hub.load(handle)``); a publisher is a publisher doc; its links are those of
its doc (icons left out)."""

from __future__ import annotations

from collections import Counter

from tfhub_dataset.comparison.read import growth, publishers, units
from tfhub_dataset.comparison.view import HubView, Subject
from tfhub_dataset.report.release import Release

TEXTS = {
    "publishers": "a publisher handle, one publisher doc each (`publishers`)",
    "units": (
        "a model is a handle without its version (`models`); a handle is also what a user "
        "loads, so both units count handles"
    ),
    "links": "the links of its publisher doc (`publisher_links`, icons left out)",
    "growth": (
        "its first months hold the imports of docs published before the repository existed "
        "(see its release README), so its early jumps are not growth"
    ),
}


def view(release: Release) -> HubView:
    models = release["models"]
    own = units("model handle", ((m["handle"], m["publisher"]) for m in models))
    links: dict[str, set[str]] = {}
    for ln in release.get("publisher_links") or []:
        if ln["kind"] != "icon":
            links.setdefault(ln["link_type"], set()).add(ln["publisher"])
    domains: Counter = Counter()
    for m in models:
        for d in (m.get("domains") or "").split(";"):
            if d:
                domains[d] += 1
    return HubView(
        own=own,
        loadable=own,
        publishers=publishers(release["publishers"]),
        link_publishers={t: frozenset(p) for t, p in sorted(links.items())},
        subjects=(Subject("domain", "models.domains", domains),),
        growth=growth(release),
        texts=TEXTS,
    )
