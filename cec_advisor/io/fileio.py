"""Atomic file output: a reader never sees a half-written file."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from functools import cache
from pathlib import Path

from cec_advisor.errors import UserError
from cec_advisor.io.interrupts import held_interrupts


@cache
def _umask() -> int:
    """The process umask (read once: reading it means setting it, so it is restored at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def output_mode(path: Path) -> int:
    """The mode a shell redirect would give ``path``: an existing file keeps its mode, a new one 0666 less the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def write_atomic(path: Path, text: str, *, sync: bool = True) -> None:
    """Write ``text`` (UTF-8) to ``path`` via a temporary file in the same folder and an atomic rename.

    Readers never see a partial file either way; ``sync`` also flushes the data
    to disk before the rename (skip it for bulk output, where it dominates the time).
    A path that is a pipe or a device (``/dev/stdout``, a FIFO, ``>(...)``) is
    written straight into, as a shell redirect would, never replaced by a file.
    """
    if _is_stream(path):
        _write_stream(path, text)
        return
    with held_interrupts():  # Ctrl-C waits for the rename: no temporary file is ever left behind
        _write_via_temporary(path, text, sync=sync)


def _write_via_temporary(path: Path, text: str, *, sync: bool) -> None:
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        os.fchmod(handle, output_mode(path))
    except (FileExistsError, NotADirectoryError):
        raise UserError(f"{path}: cannot write: {not_a_folder(folder)} is a file, not a folder") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            if sync:
                out.flush()
                os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise UserError(f"{path}: cannot write: {exc.strerror}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _is_stream(path: Path) -> bool:
    """Whether ``path`` (symbolic links followed) is a FIFO, a character device or a socket."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)


def _write_stream(path: Path, text: str) -> None:
    """Write into a pipe or device; a FIFO nobody reads is refused at once instead of waited on."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        reason = "no process is reading from it" if exc.errno == errno.ENXIO else exc.strerror
        raise UserError(f"{path}: cannot write: {reason}") from None
    try:
        os.set_blocking(fd, True)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n", closefd=False) as out:
            out.write(text)
    except OSError as exc:
        raise UserError(f"{path}: cannot write: {exc.strerror}") from None
    finally:
        os.close(fd)


def not_a_folder(folder: Path) -> Path:
    """The first of ``folder`` and its ancestors (from the top) that exists and is not a folder; else ``folder``."""
    for candidate in (*reversed(folder.parents), folder):
        if candidate.exists() and not candidate.is_dir():
            return candidate
    return folder


class NotARegularFileError(OSError):
    """The path is a FIFO, device or socket: reading it could block forever or never end."""


def read_regular(path: Path | str, limit: int) -> bytes:
    """Up to ``limit`` bytes of ``path``, which must be a regular file.

    The file is opened without blocking, so a FIFO with no writer cannot hang
    the caller; anything but a regular file (or a directory, reported as
    such by the usual ``IsADirectoryError``) raises :class:`NotARegularFileError`.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "Is a directory", str(path))
        if not stat.S_ISREG(mode):
            raise NotARegularFileError(0, "not a regular file (a FIFO, device or socket)", str(path))
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(limit)
    finally:
        os.close(fd)
