"""The batch's output folder: locked against a second batch, and files streamed into it atomically.

A batch killed mid-run leaves no half-written file under a real name: every
file is written to a temporary and renamed into place, and the next run into
the folder removes the temporaries a killed run left behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from cec_advisor.errors import UserError
from cec_advisor.io.fileio import not_a_folder, output_mode
from cec_advisor.io.interrupts import held_interrupts

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # not POSIX: batches into one folder are then not guarded against each other
    fcntl = None

_STALE_TEMPORARY = re.compile(r"^\..+\.(?:md|json|html|csv)\.[a-z0-9_]{8}\.tmp$")
"""The temporary files this tool writes before an atomic rename (``.riverside-42.json.k2j4x9_a.tmp``)."""

__all__ = ["OutputFolder", "StreamedFile"]


class OutputFolder:
    """The batch's output folder: created, checked, locked against a second batch, cleared of stale temporaries.

    The lock is an advisory ``flock`` on the folder itself, held for the whole
    run and released by the kernel however the process ends (worker
    processes die with their parent, so they cannot keep it).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: int | None = None

    def __enter__(self) -> OutputFolder:
        """Create and check the folder, take its lock and remove stale temporaries; raise UserError if it cannot."""
        self._create()
        if fcntl is not None:
            self.handle = os.open(self.path, os.O_RDONLY)
            try:
                fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(self.handle)
                self.handle = None
                raise UserError(
                    f"{self.path}: another cec-advisor batch is writing into this folder; "
                    "wait for it to finish or choose another --out"
                ) from None
        for entry in os.scandir(self.path):
            if _STALE_TEMPORARY.match(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)  # left by a run that was killed: no live writer, we hold the lock
        return self

    def __exit__(self, *exc: object) -> None:
        """Release the lock."""
        if self.handle is not None:
            os.close(self.handle)
            self.handle = None

    def _create(self) -> None:
        """Create the folder if needed and prove it can be written into; raise UserError saying why not."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise UserError(f"{self.path}: cannot write: {not_a_folder(self.path)} is a file, not a folder") from None
        except OSError as exc:
            raise UserError(f"{self.path}: cannot create the folder: {exc.strerror}") from None
        try:  # a real write, not os.access: it also catches root on a read-only file system
            with held_interrupts():
                probe, name = tempfile.mkstemp(prefix=".cec-advisor-probe.", dir=self.path)
                os.close(probe)
                os.unlink(name)
        except OSError as exc:
            raise UserError(f"{self.path}: cannot write into this folder: {exc.strerror}") from None


class StreamedFile:
    """A file written line by line into a temporary file and renamed into place at the end (atomic).

    A write that fails (a full disk, a file-size limit) is remembered rather
    than raised, so the batch goes on writing the plans it can; ``error`` says
    what went wrong and the file is then not put in place.
    """

    def __init__(self, path: Path, *, in_place: bool = False) -> None:
        self.path = path
        self.in_place = in_place
        self.error = ""
        self.temporary = ""
        self.stream: Any = None
        try:
            if in_place:
                self.stream = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed in close()
            else:
                handle, self.temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
                os.fchmod(handle, output_mode(path))
                self.stream = os.fdopen(handle, "w", encoding="utf-8", newline="")
        except OSError as exc:
            self._fail(exc)

    def write(self, text: str, *, flush: bool = False) -> None:
        """Append ``text`` (and flush it to the kernel when ``flush``: it then survives a kill)."""
        if self.stream is None:
            return
        try:
            self.stream.write(text)
            if flush:
                self.stream.flush()
        except OSError as exc:
            self._fail(exc)

    def close(self, *, commit: bool) -> None:
        """Close; with ``commit`` and no error, put the file in place."""
        if self.stream is not None:
            try:
                self.stream.close()
            except OSError as exc:
                self.stream = None
                self._fail(exc)
            self.stream = None
        if self.temporary:
            if commit and not self.error:
                try:
                    os.replace(self.temporary, self.path)
                except OSError as exc:
                    self._fail(exc)
            Path(self.temporary).unlink(missing_ok=True)

    def _fail(self, exc: OSError) -> None:
        """Remember the first error and stop writing."""
        self.error = self.error or f"{self.path}: cannot write: {exc.strerror or exc}"
        if self.stream is not None:
            with contextlib.suppress(OSError):
                self.stream.close()
            self.stream = None
