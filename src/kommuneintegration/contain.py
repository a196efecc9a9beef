"""Plugin code's printing kept off the output streams.

A plugin that prints (at import, in a hook, in a rule) would otherwise write
into the middle of ``compare -f json``. While plugin code runs, Python's
``sys.stdout`` and ``sys.stderr`` are a buffer; what was printed is handed back,
so the host can report it as that plugin's output instead of losing it.
Writes to the file descriptors themselves (``os.write(1, ...)``) are not
caught here.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator

__all__ = ["contained_output"]


@contextlib.contextmanager
def contained_output() -> Iterator[io.StringIO]:
    """Run a block with ``print`` going to a buffer, which the block's caller may read after."""
    buffer = io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = buffer
    try:
        yield buffer
    finally:
        sys.stdout, sys.stderr = saved
