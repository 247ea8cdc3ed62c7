"""Colour for pass/FAIL and findings on a terminal, and never anywhere else.

``auto`` (the default) colours a stream only when it is a terminal, ``TERM``
is not ``dumb`` and ``NO_COLOR`` is unset or empty (https://no-color.org);
``--color always`` / ``never`` override all of that.
"""

from __future__ import annotations

import os
from typing import Any, Literal

import click

Mode = Literal["auto", "always", "never"]
MODES: tuple[Mode, ...] = ("auto", "always", "never")

ROLES: dict[str, dict[str, Any]] = {
    "ok": {"fg": "green"},
    "fail": {"fg": "red", "bold": True},
    "warn": {"fg": "yellow"},
    "heading": {"bold": True},
}
"""What each role looks like; roles, not colours, are what callers name."""

_mode: list[Mode] = ["auto"]


def set_mode(mode: Mode) -> None:
    """Choose when to colour (the ``--color`` option)."""
    _mode[0] = mode


def enabled(stream: Any) -> bool:
    """Whether text written to ``stream`` should be coloured now."""
    if _mode[0] != "auto":
        return _mode[0] == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, role: str) -> str:
    """``text`` styled for ``role`` (ANSI escapes; the caller decides whether to colour at all)."""
    return click.style(text, **ROLES[role])
