"""A local cache of Statbank answers: SQLite in the user's cache folder.

Keyed by the origin the answer came from (scheme, host and port, never a
password), the table and the query (the request's canonical JSON), with the
table's ``updated`` time from ``tableinfo``. Only answers that were read back
and checked are stored, each write is one transaction, and a fetch that fails
half-way leaves the cache as it was. The file carries its schema version
(``PRAGMA user_version``); one that is damaged, truncated or of another schema
raises :class:`CacheError`, which names the file and the way out, and which the
commands that only read the cache turn into a note. The folder is platformdirs'
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

from kommuneintegration.i18n import _, ngettext
from kommuneintegration.safefile import CACHE_ENV, cache_dir
from kommuneintegration.statbank.errors import StatbankError

__all__ = ["CACHE_ENV", "SCHEMA_VERSION", "Cache", "CacheError", "CachedAnswer", "cache_dir"]

#: The schema this code writes and reads; a file of another version is not read.
SCHEMA_VERSION: Final = 2
_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS tableinfo (
    origin TEXT NOT NULL, table_id TEXT NOT NULL, updated TEXT NOT NULL, body TEXT NOT NULL,
    fetched REAL NOT NULL, PRIMARY KEY (origin, table_id)
);
CREATE TABLE IF NOT EXISTS answer (
    origin TEXT NOT NULL, table_id TEXT NOT NULL, query TEXT NOT NULL, indicator TEXT NOT NULL,
    updated TEXT NOT NULL, body TEXT NOT NULL, fetched REAL NOT NULL,
    PRIMARY KEY (origin, table_id, query, indicator)
);
"""
#: The checked numbers of an answer, beside it: what the barometer reads of a million cells
#: without parsing them again. Derived from the answer when it was checked, and used only
#: while ``digest`` (of the answer's body and these bytes) still matches; added to a cache of
#: schema 2 when it is next written, so an older file stays readable.
_DENSE: Final = """
CREATE TABLE IF NOT EXISTS dense (
    origin TEXT NOT NULL, table_id TEXT NOT NULL, query TEXT NOT NULL, indicator TEXT NOT NULL,
    digest TEXT NOT NULL, axes TEXT NOT NULL, cells BLOB NOT NULL,
    PRIMARY KEY (origin, table_id, query, indicator)
);
"""


class CacheError(StatbankError):
    """The cache file cannot be read: damaged, truncated or of another schema. Names the way out."""

    def __init__(self, path: Path, why: str, kind: str = "damaged") -> None:
        self.path = path
        #: "damaged" (set aside by fetch --refresh), or "locked", "read-only", "full": a
        #: sound file that cannot be used now, never renamed or replaced.
        self.kind = kind
        if kind == "locked":
            message = _(
                "the Statbank cache {path} is locked: another kommuneintegration (or another "
                "program) is writing to it; wait until it has finished and run the command "
                "again (--no-statbank works without it meanwhile)"
            ).format(path=path)
        elif kind == "read-only":
            message = _(
                "the Statbank cache {path} cannot be written: the file or its folder is "
                "read-only ({why}); give a folder you may write with {variable}"
            ).format(path=path, why=why, variable=CACHE_ENV)
        elif kind == "full":
            message = _(
                "the Statbank cache {path} cannot be written: the disk is full; free some "
                "space and run the command again"
            ).format(path=path)
        else:
            message = _(
                "the Statbank cache {path} cannot be read ({why}); the commands work without "
                "it with --no-statbank, and kommuneintegration fetch --refresh writes it anew"
            ).format(path=path, why=why)
        super().__init__(message)


def _kind(exc: BaseException) -> str:
    """What a SQLite or file error says of the cache: locked, read-only, full or damaged."""
    import errno

    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return "full"
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return "read-only"
        return "damaged"
    text = str(exc).lower()
    code = getattr(exc, "sqlite_errorcode", None)
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in text or "busy" in text:
        return "locked"
    if code == sqlite3.SQLITE_FULL or "disk is full" in text:
        return "full"
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN) or (
        "readonly" in text or "unable to open" in text
    ):
        return "read-only"
    return "damaged"


def canonical(body: Mapping[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@attrs.frozen
class CachedAnswer:
    """One stored data answer: from which origin, for which indicator, of which table, as when."""

    table: str
    query: str
    indicator: str
    updated: str
    body: str
    fetched: float
    origin: str = ""


class Cache:
    """The SQLite file, opened on first use."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else cache_dir()
        self.path = self.folder / "statbank.sqlite"

    def exists(self) -> bool:
        return self.path.is_file()

    @contextlib.contextmanager
    def _db(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection to a cache whose schema is checked; any SQLite fault is a CacheError."""
        try:
            if write:
                self.folder.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path)
        except (sqlite3.Error, OSError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise CacheError(self.path, why, _kind(exc)) from None
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version == 0 and write:
                tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if tables:
                    raise CacheError(self.path, _("a file of an earlier schema"))
                connection.executescript(_SCHEMA)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif version != SCHEMA_VERSION:
                raise CacheError(self.path, _("schema version {version}").format(version=version))
            if write:
                connection.executescript(_DENSE)
            yield connection
        except sqlite3.Error as exc:
            raise CacheError(self.path, str(exc), _kind(exc)) from None
        finally:
            connection.close()

    def check(self) -> None:
        """Raise :class:`CacheError` unless the file is sound (SQLite's quick_check) and ours."""
        if not self.exists():
            return
        with self._db() as db:
            result = db.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise CacheError(self.path, str(result))

    def set_aside(self) -> Path:
        """Rename a file that cannot be read beside itself (kept, never deleted); a new one
        is written by the next store."""
        try:
            self.check()
        except CacheError as exc:
            if exc.kind != "damaged":  # locked, read-only or full: sound, never replaced
                raise
        target = self.path.with_name(f"{self.path.name}.unreadable-{int(time.time())}")
        try:
            os.replace(self.path, target)
        except OSError as exc:
            raise CacheError(self.path, exc.strerror or str(exc), _kind(exc)) from None
        return target

    def tableinfo(self, table: str, origin: str) -> tuple[str, str] | None:
        """(updated, body) of a stored tableinfo answer from ``origin``."""
        if not self.exists():
            return None
        with self._db() as db:
            row = db.execute(
                "SELECT updated, body FROM tableinfo WHERE origin = ? AND table_id = ?",
                (origin, table),
            ).fetchone()
        return (str(row[0]), str(row[1])) if row else None

    def answer(self, table: str, query: str, indicator: str, origin: str) -> CachedAnswer | None:
        if not self.exists():
            return None
        with self._db() as db:
            row = db.execute(
                "SELECT updated, body, fetched FROM answer"
                " WHERE origin = ? AND table_id = ? AND query = ? AND indicator = ?",
                (origin, table, query, indicator),
            ).fetchone()
        if not row:
            return None
        return CachedAnswer(table, query, indicator, str(row[0]), str(row[1]), row[2], origin)

    def store(
        self,
        origin: str,
        tableinfo: Mapping[str, tuple[str, str]],
        answers: list[tuple[str, str, str, str, str]],
        dense: Mapping[tuple[str, str, str], tuple[str, str, bytes]] | None = None,
    ) -> None:
        """Store checked table descriptions and answers (table, query, indicator, updated,
        body) from ``origin``, all in one transaction: all or nothing. ``dense`` gives an
        answer's checked numbers ((table, query, indicator) -> (digest, axes, bytes))."""
        if not tableinfo and not answers:
            return
        now = time.time()
        with self._db(write=True) as db, db:
            db.executemany(
                "INSERT OR REPLACE INTO tableinfo VALUES (?, ?, ?, ?, ?)",
                [(origin, t, updated, body, now) for t, (updated, body) in tableinfo.items()],
            )
            db.executemany(
                "INSERT OR REPLACE INTO answer VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(origin, *a, now) for a in answers],
            )
            stored = {(a[0], a[1], a[2]) for a in answers}
            db.executemany(
                "DELETE FROM dense WHERE origin = ? AND table_id = ? AND query = ?"
                " AND indicator = ?",
                [(origin, *key) for key in stored],
            )
            db.executemany(
                "INSERT OR REPLACE INTO dense VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(origin, *key, *value) for key, value in (dense or {}).items() if key in stored],
            )

    def dense(self, origin: str) -> dict[tuple[str, str, str], tuple[str, str, bytes]]:
        """The checked numbers stored beside the answers from ``origin``: (table, query,
        indicator) -> (digest, axes, bytes); none in a file written before they were."""
        if not self.exists():
            return {}
        with self._db() as db:
            known = db.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'dense'"
            ).fetchone()[0]
            if not known:
                return {}
            rows = db.execute(
                "SELECT table_id, query, indicator, digest, axes, cells FROM dense"
                " WHERE origin = ?",
                (origin,),
            ).fetchall()
        return {(str(t), str(q), str(i)): (str(d), str(a), bytes(c)) for t, q, i, d, a, c in rows}

    def count(self, origin: str | None = None) -> int:
        """How many answers the file holds (from ``origin``, or from anywhere); 0 without a file."""
        if not self.exists():
            return 0
        with self._db() as db:
            if origin is None:
                row = db.execute("SELECT count(*) FROM answer").fetchone()
            else:
                row = db.execute(
                    "SELECT count(*) FROM answer WHERE origin = ?", (origin,)
                ).fetchone()
        return int(row[0])

    def state(self, origin: str) -> str:
        """Where the cache is and what it holds, in one clause for a message."""
        held = self.count(origin)
        if not held:
            return _("the cache {path} holds no answers from {origin} yet").format(
                path=self.path, origin=origin
            )
        return ngettext(
            "the cache {path} holds {n} answer from {origin}",
            "the cache {path} holds {n} answers from {origin}",
            held,
        ).format(path=self.path, n=held, origin=origin)

    def requests(self, origin: str) -> list[tuple[str, str, str]]:
        """(table, query, indicator) of every stored answer from ``origin``, oldest first:
        what was asked, without reading the answers' bodies."""
        if not self.exists():
            return []
        with self._db() as db:
            rows = db.execute(
                "SELECT table_id, query, indicator FROM answer WHERE origin = ? ORDER BY fetched",
                (origin,),
            ).fetchall()
        return [(str(t), str(q), str(i)) for t, q, i in rows]

    def answers(self, origin: str) -> Iterator[CachedAnswer]:
        """Every stored answer from ``origin``, oldest first."""
        if not self.exists():
            return
        with self._db() as db:
            rows = db.execute(
                "SELECT table_id, query, indicator, updated, body, fetched FROM answer"
                " WHERE origin = ? ORDER BY fetched",
                (origin,),
            ).fetchall()
        for table, query, indicator, updated, body, fetched in rows:
            yield CachedAnswer(table, query, indicator, updated, body, fetched, origin)
