"""Text from case, rule and file-name data made safe to print or to put in a spreadsheet cell."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str, *, one_line: bool = False) -> str:
    """``text`` with control characters (ESC, BEL, CR, C1 ...) shown as ``\\xNN``: data never drives the terminal.

    Newlines and tabs, which the tool's own layout uses, are kept unless
    ``one_line`` (an error line, which must stay one line whatever a file name holds).
    """
    escaped = _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)
    return escaped.replace("\n", "\\x0a").replace("\t", "\\x09") if one_line else escaped


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula (OWASP CSV injection)."""


def csv_safe(value: str) -> str:
    """``value`` made inert for a spreadsheet cell: one line, no control characters, no formula.

    Control characters (a newline in a file name, say) are shown as ``\\xNN``
    so every row stays one line; a cell that still starts like a formula gets
    a leading quote.
    """
    value = printable(value, one_line=True)
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value
