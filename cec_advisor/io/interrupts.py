"""Ctrl-C that lands inside the rule engine is held until the engine returns.

durable-rules catches every exception raised in a rule action, a
``KeyboardInterrupt`` included, and stores it as the session's error text: a
Ctrl-C that arrives while an action runs would turn into a failed case and be
otherwise ignored. :func:`held_interrupts` records such an interrupt and
raises it once the engine call is over; a second Ctrl-C meanwhile is raised
at once, so a stuck engine can still be stopped. File writes use it too, so
an interrupt never falls between creating a temporary file and renaming it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def held_interrupts() -> Iterator[None]:
    """Hold SIGINT for the duration of the block, then raise ``KeyboardInterrupt`` if one came.

    Only in the main thread and only while SIGINT has Python's default handler
    (elsewhere the block runs unchanged: a program that set its own handler keeps it).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.default_int_handler:
        yield
        return
    received: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        if received:
            raise KeyboardInterrupt  # a second Ctrl-C: do not wait any longer
        received.append(signum)

    signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt
