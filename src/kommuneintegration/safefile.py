"""Writing files so that nothing is lost: atomic replacement and input/output identity checks.

Every file a command writes goes to a temporary file in the same folder and is
renamed into place (``os.replace``, after ``fsync``) only when complete. On an
error or Ctrl-C the temporary file is removed and whatever was at the target
name before is untouched; two runs writing the same name never interleave.

Before anything is written, every input/output pair of a command is compared
by file identity (device and inode, so hard links, symlinks and ``./x``
spellings are caught), and two outputs may not name the same file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Final

from kommuneintegration.errors import KommuneintegrationError
from kommuneintegration.i18n import _, format_number

__all__ = [
    "CACHE_ENV",
    "BoundedReadError",
    "SameFileError",
    "atomic_path",
    "atomic_write",
    "cache_dir",
    "check_inside",
    "check_paths",
    "file_format",
    "input_path",
    "output_path",
    "read_at_most",
    "read_bounded",
    "stream_descriptor",
    "write_bytes",
    "write_text",
]

#: The environment variable that names the cache folder (Statbank answers, the plugins' data).
CACHE_ENV: Final = "KOMMUNEINTEGRATION_CACHE_DIR"


def cache_dir() -> Path:
    """The package's cache folder: ``KOMMUNEINTEGRATION_CACHE_DIR``, else platformdirs' own."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("kommuneintegration"))


#: Register file formats by the name's ending, in any case: ``s.pq``, ``S.PARQUET``.
_PARQUET_SUFFIXES = (".parquet", ".pq")


def file_format(path: str | os.PathLike[str]) -> str:
    """ "parquet" for ``.parquet``/``.pq`` (any case), else "csv": one rule for every command."""
    return "parquet" if str(path).lower().endswith(_PARQUET_SUFFIXES) else "csv"


class SameFileError(KommuneintegrationError, ValueError):
    """Two paths of one command name the same file, or an output cannot be written there."""


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``target``; renamed onto it when the block ends without error.

    For writers that open a path themselves (pyarrow). The temporary file is
    fsynced before the rename and removed on any exception, Ctrl-C included.
    """
    target = output_path(target)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise unwritable(target, exc) from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        _keep_mode(target, tmp)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise unwritable(target, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def unwritable(target: Path, exc: OSError) -> SameFileError:
    """An output that could not be written, said as what it is: a full disk, a folder that
    is read-only or not the user's, or the system's own words; the file as it was is kept."""
    import errno

    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        message = _(
            "{path}: cannot be written: the disk is full (nothing was changed); free some "
            "space or choose another folder"
        )
    elif exc.errno == errno.EEXIST:  # mkstemp found every temporary name beside it taken
        message = _(
            "{path}: cannot be written: no temporary file could be made beside it in {folder} "
            "(every name tried is taken; nothing was changed); remove stale .*.tmp files "
            "there or choose another folder"
        )
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        message = _(
            "{path}: cannot be written: the folder {folder} is read-only or not yours "
            "(nothing was changed); choose another folder"
        )
    else:
        message = _("{path}: cannot be written ({error}; nothing was changed)")
    return SameFileError(
        message.format(path=target, folder=target.parent, error=exc.strerror or exc)
    )


@contextlib.contextmanager
def atomic_write(
    target: str | os.PathLike[str],
    mode: str = "w",
    *,
    encoding: str | None = "utf-8",
    **kwargs: Any,
) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``target`` for writing; it replaces ``target`` when complete."""
    binary = "b" in mode
    with (
        atomic_path(target) as tmp,
        open(tmp, mode, encoding=None if binary else encoding, **kwargs) as handle,
    ):
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


def write_text(target: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    with atomic_write(target, "w", newline="") as handle:
        handle.write(text)


def write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``target`` atomically (a workbook, any binary format)."""
    with atomic_write(target, "wb") as handle:
        handle.write(data)


def _keep_mode(target: Path, tmp: Path) -> None:
    """mkstemp makes 0600 files; give the new file the old one's mode, or the umask's default."""
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)


def output_path(raw: str | os.PathLike[str]) -> Path:
    """The regular file an output may replace: ``raw``, or the file its symlinks lead to.

    ``os.replace`` replaces whatever stands at a path, a symlink itself and, as
    root, a device node such as /dev/null: so only a regular file (or a name not
    yet taken) is written. A symlink is followed deliberately, and the file it
    leads to is replaced atomically, beside itself; a device, FIFO, socket,
    folder or symlink loop is refused in one line, before anything is written.
    """
    name = os.fspath(raw)
    # Checked on the name as given: pathlib drops the trailing "/" of "dir.parquet/".
    if name.endswith(("/", os.sep)):
        raise SameFileError(
            _("{name}: is a folder; give a file name for the output").format(name=name)
        )
    target = Path(name)
    try:
        if _names_descriptor(name):
            raise _stream_error(name)
        if target.is_symlink():
            if _through_proc(target):
                raise _stream_error(name)
            target = Path(os.path.realpath(target, strict=False))
            if target.is_symlink():  # realpath stops at a loop
                raise SameFileError(
                    _("{name}: a symlink loop; give a file name for the output").format(name=name)
                )
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise SameFileError(
            _("{name}: cannot be written ({error})").format(name=name, error=exc.strerror or exc)
        ) from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise SameFileError(
                _("{name}: is a folder; give a file name for the output").format(name=name)
            )
        if not stat.S_ISREG(info.st_mode):
            raise SameFileError(
                _(
                    "{name}: is {kind}, not a regular file; an output is written only to a file"
                ).format(name=name, kind=_kind(info.st_mode))
            )
    if not target.parent.is_dir():
        raise SameFileError(
            _("{path}: the folder {folder} does not exist").format(
                path=target, folder=target.parent
            )
        )
    return target


def _stream_error(name: str) -> SameFileError:
    """The refusal of an output that names a stream of this process, not a file."""
    return SameFileError(
        _(
            "{name}: is a stream of this process (/proc), not a file; give '-' for "
            "the standard output where the command offers it, or a file name"
        ).format(name=name)
    )


def input_path(raw: str | os.PathLike[str], option: str, *, max_bytes: int | None = None) -> Path:
    """The regular file an input names, or a one-line refusal that names the option.

    A FIFO or a device (/dev/zero) would be read for ever, a folder is no file,
    and a symlink loop leads nowhere: each is refused before reading, as is a
    file larger than ``max_bytes``.
    """
    name = os.fspath(raw)
    try:
        info = os.stat(name)
    except FileNotFoundError:
        raise SameFileError(
            _("{option} {name}: no such file").format(option=option, name=name)
        ) from None
    except OSError as exc:
        raise SameFileError(
            _("{option} {name}: cannot be read ({error})").format(
                option=option, name=name, error=exc.strerror or exc
            )
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise SameFileError(
            _("{option} {name}: is a folder, not a file").format(option=option, name=name)
        )
    if not stat.S_ISREG(info.st_mode):
        raise SameFileError(
            _("{option} {name}: is {kind}, not a regular file").format(
                option=option, name=name, kind=_kind(info.st_mode)
            )
        )
    if max_bytes is not None and info.st_size > max_bytes:
        raise SameFileError(
            _("{option} {name}: {size} bytes; at most {limit} are read").format(
                option=option,
                name=name,
                size=format_number(info.st_size),
                limit=format_number(max_bytes),
            )
        )
    return Path(name)


#: Folders whose entries are descriptors of a process, not files: writing "there" reaches
#: whatever the descriptor is open on (the log ``>> log`` appends to), and replacing the name
#: would replace that file.
_DESCRIPTOR_FOLDERS: tuple[str, ...] = ("/proc/", "/dev/fd/")


def _names_descriptor(name: str, depth: int = 0) -> bool:
    """Whether ``name`` reaches a descriptor of a process, by any spelling: ``/dev/fd/1``,
    ``/proc/self/fd/1``, ``/dev/stdout``, or a symlink (or a folder symlink) leading there."""
    if depth > 40:
        return False
    absolute = os.path.abspath(name)
    folder = os.path.realpath(os.path.dirname(absolute))
    for place in (absolute, os.path.join(folder, os.path.basename(absolute))):
        if place.startswith(_DESCRIPTOR_FOLDERS) or place in ("/dev/stdout", "/dev/stderr"):
            return True
    try:
        link = os.readlink(absolute)
    except OSError:
        return False
    return _names_descriptor(os.path.join(os.path.dirname(absolute), link), depth + 1)


def stream_descriptor(raw: str | os.PathLike[str]) -> int | None:
    """The descriptor number an output path names, when it names one of this process's
    (``/dev/stdout`` -> 1, ``/dev/fd/2``, ``/proc/self/fd/1``, ``/proc/<this pid>/fd/1``,
    or a symlink to one), else None. Such an output is written as a stream, never replaced."""
    name = os.fspath(raw)
    if not _names_descriptor(name):
        return None
    seen = 0
    current = os.path.abspath(name)
    while seen < 40:
        spelled = os.path.join(
            os.path.realpath(os.path.dirname(current)), os.path.basename(current)
        )
        for form in (current, spelled):
            number = _descriptor_number(form)
            if number is not None:
                return number
        try:
            link = os.readlink(current)
        except OSError:
            return None
        current = os.path.join(os.path.dirname(current), link)
        seen += 1
    return None


def _descriptor_number(path: str) -> int | None:
    named = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
    if path in named:
        return named[path]
    parts = path.split("/")
    own = {"self", "thread-self", str(os.getpid())}
    if len(parts) == 4 and parts[1] == "dev" and parts[2] == "fd":
        number = parts[3]
    elif len(parts) == 5 and parts[1] == "proc" and parts[2] in own and parts[3] == "fd":
        number = parts[4]
    elif len(parts) == 7 and parts[1] == "proc" and parts[3] == "task" and parts[5] == "fd":
        number = parts[6] if parts[2] in own else ""
    else:
        return None
    return int(number) if number.isdigit() else None


def _through_proc(link: Path) -> bool:
    """Whether a chain of symlinks passes through /proc (/dev/stdout -> /proc/self/fd/1):
    such a link names a stream of the process, whatever file it leads to now."""
    seen = 0
    current = link
    while current.is_symlink() and seen < 40:
        target = Path(os.readlink(current))
        current = target if target.is_absolute() else current.parent / target
        if str(current).startswith("/proc/"):
            return True
        seen += 1
    return False


class BoundedReadError(KommuneintegrationError, ValueError):
    """A file that :func:`read_bounded` does not read: ``size`` past the limit, or ``kind``
    where it is not a regular file (the caller says which in its own words)."""

    def __init__(self, path: Path, *, size: int = 0, kind: str = "") -> None:
        super().__init__(f"{path}: {kind or size}")
        self.size = size
        self.kind = kind


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, checked on what was opened.

    Opened without waiting and checked by ``fstat``: a FIFO or a device named as a data
    file would block or never end, and its size by path says 0. At most ``limit`` + 1
    bytes are read, so a file that grows meanwhile is refused too.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        found = os.fstat(descriptor)
        if not stat.S_ISREG(found.st_mode):
            raise BoundedReadError(Path(path), kind=_kind(found.st_mode))
        if found.st_size > limit:
            raise BoundedReadError(Path(path), size=found.st_size)
        data = read_at_most(descriptor, limit + 1)
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise BoundedReadError(Path(path), size=len(data))
    return data


def read_at_most(descriptor: int, most: int) -> bytes:
    """At most ``most`` bytes of an open file, in blocks: a file that grows while it is read
    (or never ends) costs no more than that."""
    chunks: list[bytes] = []
    while most > 0 and (chunk := os.read(descriptor, min(most, 2**20))):
        chunks.append(chunk)
        most -= len(chunk)
    return b"".join(chunks)


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISFIFO(mode):
        return _("a FIFO (named pipe)")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("not a regular file")


def _check_output(raw: str | os.PathLike[str]) -> None:
    output_path(raw)


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        # One of them does not exist yet: the same file only if they name the same place.
        return os.path.abspath(os.path.realpath(a)) == os.path.abspath(os.path.realpath(b))


def check_paths(
    inputs: Mapping[str, str | os.PathLike[str] | None],
    outputs: Mapping[str, str | os.PathLike[str] | None],
) -> None:
    """Refuse, before anything is written, an output that is an input or another output.

    ``inputs`` and ``outputs`` map how the user named each path (``"--summary"``)
    to the path; ``None`` entries are ignored.
    """
    for raw in outputs.values():
        if raw is not None:
            _check_output(raw)
    ins = {k: Path(v) for k, v in inputs.items() if v is not None}
    outs = {k: Path(v) for k, v in outputs.items() if v is not None}
    for out_name, out in outs.items():
        for in_name, src in ins.items():
            if _same(src, out):
                raise SameFileError(
                    _(
                        "{output} {out} is the same file as {input} {src}: "
                        "it would be overwritten; choose another output"
                    ).format(output=out_name, out=out, input=in_name, src=src)
                )
    names = list(outs)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if _same(outs[first], outs[second]):
                raise SameFileError(
                    _(
                        "{first} {first_path} and {second} {second_path} are the same file; "
                        "choose two outputs"
                    ).format(
                        first=first,
                        first_path=outs[first],
                        second=second,
                        second_path=outs[second],
                    )
                )


def check_inside(
    outputs: Mapping[str, str | os.PathLike[str] | None],
    folders: Mapping[str, str | os.PathLike[str]],
) -> None:
    """Refuse an output that would land inside a folder a command reads from (a plugin's
    data folder: a new file there is read as the plugin's own next time)."""
    for out_name, raw in outputs.items():
        if raw is None:
            continue
        where = os.path.realpath(os.fspath(raw))
        for label, folder in folders.items():
            root = os.path.realpath(os.fspath(folder))
            if where == root or where.startswith(root.rstrip(os.sep) + os.sep):
                raise SameFileError(
                    _(
                        "{output} {out} is inside {input} {src}, which this command reads: "
                        "it would change its input; choose another output"
                    ).format(output=out_name, out=raw, input=label, src=folder)
                )
        try:
            info = os.stat(where)
        except OSError:
            continue  # not there yet: no other name can lead to it
        for label, folder in folders.items():
            for found in _files_under(folder):
                if (found.st_dev, found.st_ino) == (info.st_dev, info.st_ino):
                    raise SameFileError(
                        _(
                            "{output} {out} is the same file as one in {input} {src} (a hard "
                            "link), which this command reads; choose another output"
                        ).format(output=out_name, out=raw, input=label, src=folder)
                    )


def _files_under(folder: str | os.PathLike[str], limit: int = 20_000) -> Iterator[os.stat_result]:
    """The stat of every file under ``folder`` (at most ``limit``), symlinks not followed."""
    seen = 0
    for root, _dirs, names in os.walk(folder):
        for name in names:
            seen += 1
            if seen > limit:
                return
            with contextlib.suppress(OSError):
                yield os.stat(os.path.join(root, name), follow_symlinks=False)
