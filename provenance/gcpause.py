"""Keep Python's cyclic garbage collector from re-scanning large heaps of long-lived objects.

A full collection walks every tracked object. Parsing and validating a large corpus builds
hundreds of thousands of acyclic, long-lived objects, and GX then makes millions of short-lived
ones; each full collection would walk the first heap again for nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside (for building many small acyclic records)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def frozen() -> Iterator[None]:
    """Collections inside skip every object that existed on entry (gc.freeze), until exit."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
