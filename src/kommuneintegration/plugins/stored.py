"""The registry of data plugins kept between runs, under a digest of what it is made from.

Building the registry reads every plugin's TOML files and translations, checks them
and says what is wrong in the output language: about a quarter of a command's start.
When every plugin is data (a :class:`~kommuneintegration.plugins.dataplugin.DataPlugin`
as it is, and the library's own default plugins), the registry is a function of files
alone, so it is kept in the cache folder under a digest of all of them:

- each data plugin's files, read whole: an edit, however small, is a new digest;
- the library's own files by size and modification time, so a developer's edit too;
- Python's version, the output language (the problems are in it),
  and each plugin's name and distribution.

A Python plugin's hooks run code whose results no digest of files can vouch for: with
one installed, or in strict mode, or after a plugin failed to load, the registry is
built every time. ``KOMMUNEINTEGRATION_PLUGIN_CACHE=0`` turns the store off.

A stored registry is a pickle, and reading a pickle runs code: it is read only from a
regular file of the user's own that no one else may write, of at most 64 MiB, that
starts with the expected header and digest; anything else is passed over, built
afresh and replaced. Writing is atomic and never fails a command: a cache folder that
cannot be written costs only the time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final

from kommuneintegration.i18n import language
from kommuneintegration.plugins.registry import Registry
from kommuneintegration.safefile import atomic_path, cache_dir

__all__ = ["ENV", "Source", "digest", "enabled", "load", "store"]

#: The environment variable that turns the store off ("0", "false", "no" or "off").
ENV: Final = "KOMMUNEINTEGRATION_PLUGIN_CACHE"
_HEADER: Final = b"kommuneintegration registry 1\n"
_MAX_BYTES: Final = 64 * 2**20
#: Registries kept (languages, plugin sets, versions); the oldest beyond these go.
_KEEP: Final = 8
_LIBRARY: Final = Path(__file__).resolve().parents[1]

#: One plugin as the digest reads it: its name, its distribution, and its data folder
#: (``None`` for a default plugin, whose files are the library's).
Source = tuple[str, str, Path | None]


def enabled() -> bool:
    return os.environ.get(ENV, "").strip().lower() not in {"0", "false", "no", "off"}


def digest(sources: Sequence[Source]) -> str:
    """The key a registry built from ``sources`` is kept under: see the module's text."""
    key = hashlib.sha256()
    # The library's version is in its files (a new release is new files): not read again here.
    for part in (_HEADER, sys.version, pickle.HIGHEST_PROTOCOL, language()):
        _add(key, part)
    for path in _files(_LIBRARY):
        found = path.stat()
        _add(key, path.relative_to(_LIBRARY), found.st_size, found.st_mtime_ns)
    for name, distribution, folder in sources:
        _add(key, name, distribution, folder or "")
        if folder is not None:
            for path in _files(folder):
                _add(key, path.relative_to(folder))
                key.update(path.read_bytes())
    return key.hexdigest()


def _add(key: hashlib._Hash, *parts: object) -> None:
    for part in parts:
        key.update(str(part).encode("utf-8", "surrogateescape") + b"\0")


def _files(folder: Path) -> Iterator[Path]:
    """The regular files under ``folder``, in one order, without byte-code caches."""
    return iter(
        sorted(p for p in folder.rglob("*") if "__pycache__" not in p.parts and p.is_file())
    )


def _path(key: str) -> Path:
    return cache_dir() / "registry" / f"{key}.pickle"


def load(key: str) -> Registry | None:
    """The registry stored under ``key``, or ``None`` where there is none to trust."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(_path(key), flags | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        if not _own_regular_file(os.fstat(handle.fileno())):
            return None
        data = handle.read(_MAX_BYTES + 1)
    head = _HEADER + key.encode("ascii") + b"\n"
    if len(data) > _MAX_BYTES or not data.startswith(head):
        return None
    try:
        found = pickle.loads(data[len(head) :])  # a file of the user's own: above
    except Exception:
        return None
    return found if isinstance(found, Registry) else None


def _own_regular_file(found: os.stat_result) -> bool:
    """A regular file of the user's that no one else may write: a pickle is run to be read."""
    owner = not hasattr(os, "getuid") or found.st_uid == os.getuid()
    return stat.S_ISREG(found.st_mode) and owner and not found.st_mode & 0o022


def store(key: str, registry: Registry) -> None:
    """Keep ``registry`` under ``key`` (atomically, for the user alone); never raises."""
    target = _path(key)
    with contextlib.suppress(Exception):
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = pickle.dumps(registry, protocol=pickle.HIGHEST_PROTOCOL)
        with atomic_path(target) as tmp:
            tmp.write_bytes(_HEADER + key.encode("ascii") + b"\n" + data)
            os.chmod(tmp, 0o600)
        os.chmod(target, 0o600)  # the umask's mode, given by the rename, is not the user's alone
        _prune(target.parent)


def _prune(folder: Path) -> None:
    """Remove all but the newest :data:`_KEEP` registries: every edit makes a new one."""
    kept = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in kept[_KEEP:]:
        old.unlink(missing_ok=True)
