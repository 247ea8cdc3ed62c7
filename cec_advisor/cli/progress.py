"""A progress bar for the long testers' runs (``gaps``, ``generate``), on a terminal only.

The bar goes to standard error, and only when that is a terminal that
understands cursor movement: nothing at all is written when standard error is
a file or a pipe, or under ``TERM=dumb``. The work reports to it as a plain
callable, ``progress(steps, total)`` (steps just done, total steps of the
run), so the library never depends on the terminal.
"""

from __future__ import annotations

import os
import sys
from types import TracebackType
from typing import Any

import click


def on_terminal() -> bool:
    """Whether standard error is a terminal that can redraw a bar (not piped, not ``TERM=dumb``)."""
    return sys.stderr.isatty() and os.environ.get("TERM") != "dumb"


class ProgressBar:
    """``progress(steps, total)`` drawn as a click progress bar on standard error when :func:`on_terminal`.

    Use as a context manager; the bar appears at the first report (when the
    total is known) and is closed on exit. Off a terminal every call does nothing.
    """

    def __init__(self, label: str) -> None:
        self.label = label
        self.shown = on_terminal()
        self._bar: Any = None

    def __call__(self, steps: int, total: int) -> None:
        if not self.shown:
            return
        if self._bar is None:
            self._bar = click.progressbar(length=max(total, 1), label=self.label, file=sys.stderr)
            self._bar.__enter__()
        self._bar.length = max(total, 1)
        self._bar.update(steps)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.__exit__(kind, error, traceback)
            self._bar = None
