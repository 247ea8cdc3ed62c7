"""Which case files a set of paths names: folders expand to their YAML files, files stay as given."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def collect_case_files(sources: Iterable[Path]) -> list[str]:
    """Expand folders into their ``*.yaml`` / ``*.yml`` files (sorted); keep files as given, without repeats.

    Paths are plain strings: a batch of 100,000 files keeps only their names in memory.
    """
    given = list(sources)
    files: list[str] = []
    for source in given:
        if source.is_dir():
            found: list[str] = []
            for folder, _, names in os.walk(source):
                found.extend(os.path.join(folder, n) for n in names if n.endswith((".yaml", ".yml")))
            found.sort()
            files.extend(found)
        else:
            files.append(str(source))
    return files if len(given) == 1 else list(dict.fromkeys(files))
