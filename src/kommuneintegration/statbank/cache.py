"""A local cache of Statbank answers: SQLite in the user's cache folder.

Keyed by table and query (the request's canonical JSON), with the table's
``updated`` time from ``tableinfo``. Every write is one transaction: a fetch
that fails half-way leaves the cache as it was. The folder is platformdirs'
user cache folder unless ``KOMMUNEINTEGRATION_CACHE_DIR`` names another.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

import attrs

__all__ = ["CACHE_ENV", "Cache", "CachedAnswer", "cache_dir"]

CACHE_ENV: Final = "KOMMUNEINTEGRATION_CACHE_DIR"
_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS tableinfo (
    table_id TEXT PRIMARY KEY, updated TEXT NOT NULL, body TEXT NOT NULL, fetched REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS answer (
    table_id TEXT NOT NULL, query TEXT NOT NULL, indicator TEXT NOT NULL, updated TEXT NOT NULL,
    body TEXT NOT NULL, fetched REAL NOT NULL, PRIMARY KEY (table_id, query, indicator)
);
"""


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("kommuneintegration"))


def canonical(body: Mapping[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@attrs.frozen
class CachedAnswer:
    """One stored data answer: for which indicator ids, of which table, as updated when."""

    table: str
    query: str
    indicator: str
    updated: str
    body: str
    fetched: float


class Cache:
    """The SQLite file, opened on first use."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else cache_dir()
        self.path = self.folder / "statbank.sqlite"

    def exists(self) -> bool:
        return self.path.is_file()

    def _connect(self) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path)
        connection.executescript(_SCHEMA)
        return connection

    def tableinfo(self, table: str) -> tuple[str, str] | None:
        """(updated, body) of a stored tableinfo answer."""
        if not self.exists():
            return None
        with contextlib.closing(self._connect()) as db:
            row = db.execute(
                "SELECT updated, body FROM tableinfo WHERE table_id = ?", (table,)
            ).fetchone()
        return (str(row[0]), str(row[1])) if row else None

    def answer(self, table: str, query: str, indicator: str) -> CachedAnswer | None:
        if not self.exists():
            return None
        with contextlib.closing(self._connect()) as db:
            row = db.execute(
                "SELECT updated, body, fetched FROM answer WHERE table_id = ? AND query = ? AND indicator = ?",
                (table, query, indicator),
            ).fetchone()
        return CachedAnswer(table, query, indicator, row[0], row[1], row[2]) if row else None

    def store(
        self,
        tableinfo: Mapping[str, tuple[str, str]],
        answers: list[tuple[str, str, str, str, str]],
    ) -> None:
        """Store table descriptions and answers (table, query, indicator, updated, body) at once."""
        now = time.time()
        with contextlib.closing(self._connect()) as db, db:  # one transaction: all or nothing
            db.executemany(
                "INSERT OR REPLACE INTO tableinfo VALUES (?, ?, ?, ?)",
                [(t, updated, body, now) for t, (updated, body) in tableinfo.items()],
            )
            db.executemany(
                "INSERT OR REPLACE INTO answer VALUES (?, ?, ?, ?, ?, ?)",
                [(*a, now) for a in answers],
            )

    def answers(self) -> Iterator[CachedAnswer]:
        """Every stored answer, oldest first."""
        if not self.exists():
            return
        with contextlib.closing(self._connect()) as db:
            rows = db.execute(
                "SELECT table_id, query, indicator, updated, body, fetched FROM answer ORDER BY fetched"
            ).fetchall()
        for row in rows:
            yield CachedAnswer(*row)
