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
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from kommuneintegration.errors import KommuneintegrationError

__all__ = [
    "SameFileError",
    "atomic_path",
    "atomic_write",
    "check_paths",
    "file_format",
    "write_bytes",
    "write_text",
]

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
    target = Path(target)
    _check_output(target)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        _keep_mode(target, tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


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


def _check_output(raw: str | os.PathLike[str]) -> None:
    # Checked on the name as given: pathlib drops the trailing "/" of "dir.parquet/".
    target = Path(raw)
    if os.fspath(raw).endswith(("/", os.sep)) or target.is_dir():
        raise SameFileError(f"{os.fspath(raw)}: is a folder; give a file name for the output")
    if not target.parent.is_dir():
        raise SameFileError(f"{target}: the folder {target.parent} does not exist")


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
                    f"{out_name} {out} is the same file as {in_name} {src}: "
                    "it would be overwritten; choose another output"
                )
    names = list(outs)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if _same(outs[first], outs[second]):
                raise SameFileError(
                    f"{first} {outs[first]} and {second} {outs[second]} are the same file; "
                    "choose two outputs"
                )
