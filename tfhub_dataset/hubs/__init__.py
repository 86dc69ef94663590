"""The hub registry: every hub plug-in the pipeline builds, in the order the comparison and the
command line list them (the first is the default of ``--as-of``/``--commit`` builds and the one
the root ``datapackage.json`` describes).

Each hub is a folder here: ``__init__.py`` defines its light :class:`~tfhub_dataset.plugin.Hub`
record ``HUB``; its ``wiring`` module (``release_tables``, ``HISTORY`` rules, ``render_report``)
is imported only when a release of the hub is built, so that this registry stays light
(``--help`` and argument errors read it). Adding a hub is one folder, its schemas
(``schemas/<folder>/``), annotations (``build/annotations/<folder>/``), pins
(``build/releases.toml``) and one line below.
"""

from __future__ import annotations

from tfhub_dataset.hubs.paddlehub import HUB as PADDLEHUB
from tfhub_dataset.hubs.pytorch_hub import HUB as PYTORCH_HUB
from tfhub_dataset.hubs.tfhub import HUB as TFHUB
from tfhub_dataset.plugin import Hub

__all__ = ["DEFAULT_HUB", "HUBS", "Hub", "hub"]

HUBS: dict[str, Hub] = {h.name: h for h in (TFHUB, PYTORCH_HUB, PADDLEHUB)}
DEFAULT_HUB = next(iter(HUBS))


def hub(name: str) -> Hub:
    """The hub named ``name``; ValueError naming the known hubs otherwise."""
    try:
        return HUBS[name]
    except KeyError:
        raise ValueError(f"no hub {name!r}: the hubs are {', '.join(HUBS)}") from None


def default_hub() -> Hub:
    """The registry's first hub: what a source or rule given no hub reads."""
    return HUBS[DEFAULT_HUB]
