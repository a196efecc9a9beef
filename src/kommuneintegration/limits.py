"""Bounds on sizes a user types, in one place for the command line and the library.

A chunk of a register file is held in memory whole; a synthetic population is
written to disk. Both are refused, with the range, beyond these.
"""

from typing import Final

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "MAX_CHUNK_ROWS",
    "MAX_OBSERVATIONS_BYTES",
    "MAX_PEER_WEIGHT",
    "MAX_PLURAL_FORMS",
    "MAX_ROWS",
    "MAX_TOML_BYTES",
    "MAX_TRANSLATION_BYTES",
]

#: Rows per chunk when none is asked for: reading, classifying and writing overlap on
#: threads, so small chunks are as fast as large ones and keep memory low.
DEFAULT_CHUNK_ROWS: Final = 100_000
#: The largest ``--chunk-rows`` / ``chunk_rows``.
MAX_CHUNK_ROWS: Final = 50_000_000
#: The largest synthetic population ``synthesize --rows`` writes.
MAX_ROWS: Final = 1_000_000_000

#: The largest translation file (.po) of a plugin that is read, and the most plural
#: forms it may declare (CLDR's languages have at most six): Babel allocates the
#: declared forms before reading a message, and a large file adds to every command.
MAX_TRANSLATION_BYTES: Final = 2 * 1024 * 1024
MAX_PLURAL_FORMS: Final = 6

#: The largest TOML data file of a plugin that is read (about 80,000 figures): a data
#: plugin's files are read without the time limit plugin code runs under, so their size
#: bounds the time instead (16 MiB parse in some seconds).
MAX_TOML_BYTES: Final = 16 * 1024 * 1024

#: The largest ``--observations`` CSV file that is read.
MAX_OBSERVATIONS_BYTES: Final = 64 * 1024 * 1024

#: The largest weight ``--peer-weights`` gives one variable: a larger one only makes the
#: others count for nothing, and 1e308 overflows every distance to infinity.
MAX_PEER_WEIGHT: Final = 1000
