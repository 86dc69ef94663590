"""PaddleHub as the comparison reads it (comparison/view.py): a model is a module; what a user
loads is a module at a version (``hub install <name>==<version>``), every version a module of
the release declared on develop up to its commit (module_versions); a publisher is whom the
modules' author strings credit, a module naming several people counting for each; its links are
those of its modules' READMEs."""

from __future__ import annotations

from collections import Counter

from tfhub_dataset.comparison.read import publishers, units
from tfhub_dataset.comparison.view import HubView, Month, Subject
from tfhub_dataset.report.release import Release

TEXTS = {
    "publishers": (
        "whom a module's `@moduleinfo(author=...)` credits (`model_publishers`, through the "
        "curated `build/annotations/paddlehub/authors.csv`): an organisation's account, a "
        "person's login or name; a module naming several people counts for each"
    ),
    "units": (
        "a model is a module (`models`: a catalogue folder whose module.py declares "
        "`@moduleinfo(name=...)`); a loadable model is a module at a version "
        "(`hub install <name>==<version>`): every version the release's modules declared on "
        "develop up to its commit (`module_versions`)"
    ),
    "links": "the links of its modules' READMEs (`links`: code, papers, demos, downloads)",
    "growth": (
        "the catalogue reached the repository on 2020-04-26 (modules the hub's server published "
        "earlier count from that day); the months before hold no module"
    ),
}


def view(release: Release) -> HubView:
    models = release["models"]
    present = {m["handle"] for m in models}
    credits = release.get("model_publishers") or []
    credited: dict[str, list[str]] = {}
    for c in credits:
        credited.setdefault(c["model"], []).append(c["publisher"])

    def owners(key: object, module: str) -> list[tuple[object, str | None]]:
        return [(key, p) for p in credited.get(module, [])] or [(key, None)]

    own = units("module", (pair for m in present for pair in owners(m, m)))
    versions = release.get("module_versions")
    if versions is None:  # a release without its history: the versions declared at the commit
        pairs = [(m["handle"], m["version"]) for m in models if m["version"]]
    else:
        pairs = [(v["module"], v["version"]) for v in versions if v["module"] in present]
    loadable = units("module version", (pair for k in pairs for pair in owners(k, k[0])))
    links: dict[str, set[str]] = {}
    for ln in release.get("links") or []:
        links.setdefault(ln["link_type"], set()).update(credited.get(ln["model"], []))
    domains = Counter(m["domain"] for m in models)
    declared = Counter(m["type_domain"] or "(none)" for m in models)
    # Every publisher of a snapshot is credited by at least one of its modules.
    growth = tuple(
        Month(s["month"], s["models"], s["publishers"], s["publishers"])
        for s in sorted(release.get("snapshots") or [], key=lambda s: s["month"])
    )
    return HubView(
        own=own,
        loadable=loadable,
        publishers=publishers(release["publishers"]),
        link_publishers={t: frozenset(p) for t, p in sorted(links.items()) if p},
        subjects=(
            Subject("domain", "models.domain", domains),
            Subject("type domain", "models.type_domain", declared),
        ),
        growth=growth,
        texts=TEXTS,
    )
