"""Output folders that a command fills with files it names itself (``generate``'s cases, ``gaps``' witnesses).

The command lists what it wrote in a small manifest in the folder,
``.cec-advisor-<command>.json``. The next run into the same folder removes
the files that manifest lists and the run does not write again, so a smaller
corpus or a fixed gap leaves no stale file behind; files the command did not
write (a user's own, another command's) are never touched, only counted.

The manifest is rewritten before the first file is written (listing the
earlier files and the new ones) and again at the end (the new ones only), so
an interrupted run still has every file it wrote on record.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cec_advisor.io.fileio import write_atomic

PATTERNS = {"generate": re.compile(r"gen-[0-9]+-[0-9]+\.yaml"), "gaps": re.compile(r"gap-[0-9]{3,}\.yaml")}
"""The only names each command writes, and so the only names it will ever remove."""


@dataclass(frozen=True)
class Tidied:
    """What finishing a run did to the files that were already in the folder."""

    removed: tuple[str, ...]
    """Files an earlier run of the command wrote that this run did not: removed."""
    others: tuple[str, ...]
    """``*.yaml`` files the command did not write (kept)."""


class GeneratedFolder:
    """The output folder of one command, with the manifest of the files that command wrote there."""

    def __init__(self, folder: Path, command: str) -> None:
        self.folder = folder
        self.command = command
        self.pattern = PATTERNS[command]
        self.manifest = folder / f".cec-advisor-{command}.json"
        self.earlier = self._read()
        self.names: list[str] = []

    def begin(self, names: Iterable[str]) -> None:
        """Record the files this run is about to write (besides the earlier ones) before it writes any."""
        self.names = list(dict.fromkeys(names))
        for name in self.names:
            if not self.pattern.fullmatch(name):
                raise ValueError(f"{name!r} is not a name {self.command} writes")
        if self.names or self.earlier:
            self._write(sorted({*self.earlier, *self.names}))

    def finish(self) -> Tidied:
        """Remove the earlier run's files this run did not write again; record this run's files only."""
        written = set(self.names)
        removed = []
        for name in sorted(self.earlier - written):
            path = self.folder / name
            if os.path.lexists(path) and not path.is_dir():
                path.unlink()
                removed.append(name)
        if self.names or self.earlier:
            self._write(sorted(written))
        others = sorted(p.name for p in self._listing() if p.name.endswith((".yaml", ".yml")) and p.name not in written)
        return Tidied(tuple(removed), tuple(others))

    def _listing(self) -> list[Path]:
        try:
            return list(self.folder.iterdir())
        except OSError:
            return []

    def _read(self) -> set[str]:
        """The names an earlier run recorded; an unreadable or foreign manifest records none (nothing is removed)."""
        try:
            data = json.loads(self.manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return set()
        files = data.get("files") if isinstance(data, dict) and data.get("command") == self.command else None
        if not isinstance(files, list):
            return set()
        return {name for name in files if isinstance(name, str) and self.pattern.fullmatch(name)}

    def _write(self, names: list[str]) -> None:
        note = f"files cec-advisor {self.command} wrote here; the next run removes those it does not write again"
        text = json.dumps({"command": self.command, "note": note, "files": names}, indent=1) + "\n"
        write_atomic(self.manifest, text, sync=False)
