"""PyTorch Hub as the comparison reads it (comparison/view.py): a model is a page, which may
offer several loadable models; what a user loads is a distinct `repo:entrypoint:checkpoint` of
its `torch.hub.load` calls (commented-out variants included: pages show them as alternatives;
the checkpoint is the string the call passes after the entrypoint, `'bert-base-uncased'`, an
entrypoint called without one counting once as itself: `entrypoints.checkpoint`, the release's
`loadable_count`); a publisher is the GitHub account its pages load from; its links are those
of its pages."""

from __future__ import annotations

from collections import Counter

from tfhub_dataset.comparison.read import growth, publishers, units
from tfhub_dataset.comparison.view import HubView, Subject
from tfhub_dataset.report.release import Release

TEXTS = {
    "publishers": (
        "the GitHub account (owner) of the repository its model pages load from (`publishers`)"
    ),
    "units": (
        "a model is a model page (`models`), which may offer several entrypoints; a loadable "
        "model is a distinct `repo:entrypoint:checkpoint` of the pages' `torch.hub.load` calls "
        "(`entrypoints`, commented-out variants included; the checkpoint a call names after the "
        "entrypoint, such as `'bert-base-uncased'`, an entrypoint without one counting once: "
        "`models.loadable_count`)"
    ),
    "links": "the links of its model pages (`links`: the repository, demos, papers)",
    "growth": "",
}


def view(release: Release) -> HubView:
    models = release["models"]
    owner = {m["handle"]: m["publisher"] for m in models}
    own = units("model page", ((m["handle"], m["publisher"]) for m in models))
    loadable = units(
        "repo:entrypoint:checkpoint",
        (
            ((e["repository"].lower(), e["entrypoint"], e.get("checkpoint")), owner.get(e["model"]))
            for e in release["entrypoints"]
            if e["repository"] and e["entrypoint"]
        ),
    )
    links: dict[str, set[str]] = {}
    for ln in release.get("links") or []:
        if owner.get(ln["model"]):
            links.setdefault(ln["link_type"], set()).add(owner[ln["model"]])
    tags = Counter(t["tag"] for t in release.get("model_tags") or [])
    categories = Counter(m["category"] or "(none)" for m in models)
    return HubView(
        own=own,
        loadable=loadable,
        publishers=publishers(release["publishers"]),
        link_publishers={t: frozenset(p) for t, p in sorted(links.items())},
        subjects=(
            Subject("tag", "model_tags.tag", tags),
            Subject("category", "models.category", categories),
        ),
        growth=growth(release),
        texts=TEXTS,
    )
