"""The registry of data plugins kept between runs, under a digest of what it is made from.

Building the registry reads every plugin's TOML files and translations, checks them
and says what is wrong in the output language: about a quarter of a command's start.
When every plugin is data (a :class:`~kommuneintegration.plugins.dataplugin.DataPlugin`
as it is, and the library's own default plugins), the registry is a function of files
and the day alone, so it is kept in the cache folder under a digest of all of them:

- each data plugin's files, the ones its loader reads (``datafile.plugin_files``),
  read whole: an edit, however small, is a new digest;
- the library's own data and catalogues read whole, its code by size and time, and
  the folder it is installed in;
- the day (a figure's year is checked against today's), Python's version, the output
  language (the problems are in it), and each plugin's name and distribution.

A Python plugin's hooks run code whose results no digest of files can vouch for: with
one installed, or in strict mode, or after a plugin failed to load, the registry is
built every time. So it is where a file is beyond the loader's limits or cannot be
read (the loader says why), and where a file changed while the registry was built.
``KOMMUNEINTEGRATION_PLUGIN_CACHE=0`` turns the store off.

A stored registry is a pickle, and reading a pickle runs code: it is read only from a
regular file of the user's own that no one else may write, in a folder of the user's
own that no one else may write, of at most 64 MiB, that starts with the expected
header and digest; anything else is passed over, built afresh and replaced. Writing
is atomic and never fails a command: a cache folder that cannot be written costs only
the time. Only the store's own files are ever removed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import pickle
import re
import stat
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final

from kommuneintegration.errors import KommuneintegrationError
from kommuneintegration.i18n import language
from kommuneintegration.limits import MAX_TOML_BYTES, MAX_TRANSLATION_BYTES
from kommuneintegration.plugins.registry import Registry
from kommuneintegration.safefile import BoundedReadError, cache_dir, read_at_most, read_bounded
from kommuneintegration.strategy.datafile import plugin_files

__all__ = ["ENV", "Source", "UnkeyableError", "digest", "enabled", "folder", "load", "store"]

#: The environment variable that turns the store off ("0", "false", "no" or "off").
ENV: Final = "KOMMUNEINTEGRATION_PLUGIN_CACHE"
_HEADER: Final = b"kommuneintegration registry 1\n"
_MAX_BYTES: Final = 64 * 2**20
#: Registries kept (languages, plugin sets, versions); the oldest beyond these go.
_KEEP: Final = 8
_NAME: Final = re.compile(r"[0-9a-f]{64}\.pickle")
_LIBRARY: Final = Path(__file__).resolve().parents[1]
#: The library's folders read whole for the digest: data and catalogues, which an
#: install may give the same size and time as the ones before.
_READ_WHOLE: Final = ("data", "locale")

#: One plugin as the digest reads it: its name, its distribution, and its data folder
#: (``None`` for a default plugin, whose files are the library's).
Source = tuple[str, str, Path | None]


class UnkeyableError(KommuneintegrationError):
    """A plugin's files cannot be read for the digest: its registry is built, not kept."""


def enabled() -> bool:
    return os.environ.get(ENV, "").strip().lower() not in {"0", "false", "no", "off"}


def folder() -> Path:
    """Where registries are kept: an output there would change what the next run reads."""
    return cache_dir() / "registry"


def digest(sources: Sequence[Source]) -> str:
    """The key a registry built from ``sources`` is kept under (see the module's text);
    :class:`UnkeyableError` where a file is beyond the loader's limits or cannot be read."""
    key = hashlib.sha256()
    for part in (_HEADER, sys.version, pickle.HIGHEST_PROTOCOL, language(), _today(), _LIBRARY):
        _add(key, part)
    for path in _library_files():
        relative = path.relative_to(_LIBRARY)
        if relative.parts[0] in _READ_WHOLE:
            _add(key, relative, _content(path, _MAX_BYTES))
        else:
            found = path.stat()
            _add(key, relative, found.st_size, found.st_mtime_ns)
    for name, distribution, data in sources:
        _add(key, name, distribution, data or "")
        if data is not None:
            for path in plugin_files(data):
                limit = MAX_TRANSLATION_BYTES if path.suffix == ".po" else MAX_TOML_BYTES
                _add(key, path.relative_to(data), _content(path, limit))
    return key.hexdigest()


def _today() -> str:
    return dt.date.today().isoformat()


def _add(key: hashlib._Hash, *parts: object) -> None:
    for part in parts:
        key.update(str(part).encode("utf-8", "surrogateescape") + b"\0")


def _content(path: Path, limit: int) -> str:
    """A file's own digest, of what the loader reads (a regular file within its limit);
    "absent" for none, where the loader says so."""
    try:
        return hashlib.sha256(read_bounded(path, limit)).hexdigest()
    except FileNotFoundError:
        return "absent"
    except (OSError, BoundedReadError) as exc:
        raise UnkeyableError(path) from exc  # the loader refuses it, with the reason


def _library_files() -> Iterator[Path]:
    """The library's files, in one order, without byte-code caches."""
    return iter(
        sorted(p for p in _LIBRARY.rglob("*") if "__pycache__" not in p.parts and p.is_file())
    )


def load(key: str) -> Registry | None:
    """The registry stored under ``key``, or ``None`` where there is none to trust."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    head = _HEADER + key.encode("ascii") + b"\n"
    try:
        if not _own(os.lstat(folder()), directory=True):
            return None
        descriptor = os.open(folder() / f"{key}.pickle", flags | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        if not _own(os.fstat(descriptor), directory=False):
            return None
        data = read_at_most(descriptor, _MAX_BYTES + 1)
        if len(data) > _MAX_BYTES or not data.startswith(head):
            return None
        found = pickle.loads(data[len(head) :])  # a file of the user's own: above
    except Exception:
        return None
    finally:
        os.close(descriptor)
    return found if isinstance(found, Registry) else None


def _own(found: os.stat_result, *, directory: bool) -> bool:
    """A file (or folder) of the user's that no one else may write: a pickle is run to be
    read, and a folder others may write is one they may put a file or a link in."""
    kind = stat.S_ISDIR(found.st_mode) if directory else stat.S_ISREG(found.st_mode)
    owner = not hasattr(os, "getuid") or found.st_uid == os.getuid()
    return kind and owner and not found.st_mode & 0o022


def store(key: str, registry: Registry) -> None:
    """Keep ``registry`` under ``key``, atomically and for the user alone; never raises."""
    with contextlib.suppress(Exception):
        where = folder()
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _own(os.lstat(where), directory=True):
            return
        data = _HEADER + key.encode("ascii") + b"\n"
        data += pickle.dumps(registry, protocol=pickle.HIGHEST_PROTOCOL)
        _write(where / f"{key}.pickle", data)
        _prune(where)


def _write(target: Path, data: bytes) -> None:
    """A new file of mode 0600 (mkstemp's), renamed over ``target``: a link there is
    replaced, never followed."""
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _prune(where: Path) -> None:
    """Remove all but the newest :data:`_KEEP` registries (every edit makes a new one), and
    what a run stopped while writing left: only the store's own files, never another's."""
    kept: list[tuple[int, Path]] = []
    for path in where.iterdir():
        found = path.lstat()
        if not _own(found, directory=False):
            continue
        if _NAME.fullmatch(path.name):
            kept.append((found.st_mtime_ns, path))
        elif _is_stale_partial(path.name, found):
            path.unlink(missing_ok=True)
    for _mtime, old in sorted(kept, reverse=True)[_KEEP:]:
        old.unlink(missing_ok=True)


def _is_stale_partial(name: str, found: os.stat_result) -> bool:
    partial = name.startswith(".") and name.endswith(".tmp") and _NAME.match(name[1:]) is not None
    return partial and time.time() - found.st_mtime > 3600
