"""Matching what people type: one folding rule and one "did you mean" hint for the package.

Users type Danish names with or without æ, ø and å ("København", "Kobenhavn",
"Koebenhavn"), in any case and with stray spaces. Every lookup by name (units,
enums, origins, countries, themes, municipalities) folds both sides with
:func:`fold`, and every "unknown X" error ends with :func:`hint`, so the same
input is accepted, or refused with the same kind of help, everywhere.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from typing import Final

__all__ = ["close_matches", "delimiter_of", "escape_controls", "fold", "spellings"]

_DANISH_LONG: Final = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
_DANISH_SHORT: Final = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})


def fold(text: str) -> str:
    """Case-, width- and whitespace-insensitive key: " Hoved  Mål " -> "hoved mål"."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


def spellings(text: str) -> frozenset[str]:
    """The folded forms a Danish name is typed in: "København", "koebenhavn", "kobenhavn"."""
    key = fold(text)
    return frozenset({key, key.translate(_DANISH_LONG), key.translate(_DANISH_SHORT)})


def close_matches(value: str, known: Iterable[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The known values nearest to ``value``, best first (difflib's ratio)."""
    return difflib.get_close_matches(value, list(known), n=n, cutoff=cutoff)


# C0 and C1 control characters except the newline, DEL, and the bidirectional
# overrides that can make text read differently from what it is.
_CONTROLS: Final = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """Terminal control characters made visible: "\\x1b[2J" instead of a cleared screen.

    Text from plugins and CSV files is untrusted; what a terminal would act on
    (escape sequences, bells, carriage returns, bidi overrides) is shown escaped.
    Newlines are kept, since the renderers lay out their own lines.
    """

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROLS.sub(escape, text)


#: The most of a header line read to find its delimiter.
HEADER_SCAN_CHARS: Final = 1 << 20


def delimiter_of(header: str, candidates: str = ",;\t") -> str:
    """The delimiter of a CSV header line: the candidate found most often outside quotes.

    One pass over at most :data:`HEADER_SCAN_CHARS` characters (csv.Sniffer is
    quadratic in the line's length: a 240 KB header took minutes). A tie goes to the
    earlier candidate, and a line with none of them is one column: ``","``.
    """
    counts = dict.fromkeys(candidates, 0)
    quoted = False
    for char in header[:HEADER_SCAN_CHARS]:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
        elif char in "\r\n" and not quoted:
            break
    best = max(candidates, key=lambda c: (counts[c], -candidates.index(c)))
    return best if counts[best] else candidates[0]
