"""The comparison of the hubs, as a data package of its own (``releases/comparison/``).

From the written tables of each hub's releases (never the parsers), on the same day and at each
hub's last commit: each hub's plug-in reads its release into a :class:`~view.HubView`
(``comparison_view`` in its wiring), ``tables.py`` turns the columns into the package's tables
(figures per hub and set, link types, vocabularies, organisations across hubs, growth), the
package writer writes them (CSV, Parquet, schemas from ``schemas/comparison/``, a descriptor),
and ``readme.py`` writes the README and charts from the written tables alone. A reader can
answer "which organisations publish on several hubs, with how many models each" from the folder
without the repository's annotations.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from tfhub_dataset.comparison.tables import Column, comparison_tables
from tfhub_dataset.hubs import HUBS, hub
from tfhub_dataset.plugin import SCHEMAS
from tfhub_dataset.report.community import community_figures, has_community
from tfhub_dataset.report.release import read_release

SCHEMA_DIR = SCHEMAS / "comparison"
# (label, {hub: (release id, files)}) per set of columns
Inputs = Sequence[tuple[str, Mapping[str, tuple[str, Mapping[str, bytes]]]]]


def read_columns(inputs: Inputs) -> list[Column]:
    """Each hub's release of each set, read through its plug-in, in the README's order."""
    order = list(HUBS)
    cols = []
    for label, by_hub in inputs:
        for name, (release_id, files) in sorted(by_hub.items(), key=lambda kv: order.index(kv[0])):
            wanted = {
                p: b
                for p, b in files.items()
                if p == "datapackage.json" or p.startswith(("data/", "schemas/"))
            }
            h = hub(name)
            release = read_release(wanted)
            view = h.module().comparison_view(release)
            if has_community(release):  # read the same way for every hub
                view = replace(view, community=community_figures(release))
            cols.append(
                Column(
                    hub=name,
                    hub_title=h.title,
                    label=label,
                    release=release_id,
                    descriptor=json.loads(files["datapackage.json"].decode("utf-8")),
                    descriptor_sha256=hashlib.sha256(files["datapackage.json"]).hexdigest(),
                    view=view,
                )
            )
    return cols


def organizations() -> list[dict[str, Any]]:
    """The canonical organisations (organization, evidence) of build/annotations/."""
    from tfhub_dataset.annotations import load_organizations

    return [{"organization": o.name, "evidence": o.evidence} for o in load_organizations().values()]


def render_comparison(inputs: Inputs) -> dict[str, bytes]:
    """Every file of the comparison package: tables (CSV, Parquet, schemas), datapackage.json,
    README.md, figures (PNG and SVG), croissant.json and SHA256SUMS."""
    from tfhub_dataset.comparison.package import package_files
    from tfhub_dataset.comparison.readme import render_readme
    from tfhub_dataset.package.sums import SUMS_NAME, sha256sums
    from tfhub_dataset.publish.comparison import comparison_files

    cols = read_columns(inputs)
    tables = comparison_tables(cols, organizations())
    files = package_files(tables, cols)
    readme = render_readme(files)
    files.update({p: bytes(c) for p, c in readme.items()})
    # Each chart also as SVG (report/charts.py renders both), and croissant.json.
    files.update({f"{p[:-4]}.svg": c.svg for p, c in readme.items() if getattr(c, "svg", None)})
    files.update(comparison_files(files))
    files[SUMS_NAME] = sha256sums(files)
    return dict(sorted(files.items()))
