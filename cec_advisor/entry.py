"""The ``cec-advisor`` program: check the memory limit, then load and run the command line.

This module imports only the standard library before the check, so a
process that could not load the engine gets a one-line reason instead of a
crash or a traceback.
"""

from __future__ import annotations

import sys

from cec_advisor.limits import memory_limit_note, too_little_memory


def main() -> None:
    """Run ``cec-advisor`` with the process's arguments."""
    problem = too_little_memory()
    if problem:
        print(f"Error: {problem}", file=sys.stderr)
        sys.exit(2)
    try:
        from cec_advisor.cli.main import main as cli_main
    except MemoryError:
        print(f"Error: out of memory while starting{memory_limit_note()}", file=sys.stderr)
        sys.exit(4)  # the exit code of an internal error or out of memory (cli.INTERNAL_ERROR)
    cli_main()
