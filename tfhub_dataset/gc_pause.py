"""The cyclic garbage collector paused while the parser makes many objects that hold no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector meanwhile (reference counting still frees what is dropped).

    Parsing a snapshot makes some 10^5 small objects (docs, metadata values, rows) that hold no
    reference cycles; while they are being made, the collector scans them again and again for
    nothing: a tenth of a parse, mostly one full collection. Anything cyclic made meanwhile is
    collected as usual once the collector runs again.
    """
    if not gc.isenabled():  # paused by a caller already
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
