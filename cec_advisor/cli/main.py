"""The ``cec-advisor`` program: the command group with every role's commands registered on it."""

from cec_advisor.cli import consult as consult
from cec_advisor.cli import explain as explain
from cec_advisor.cli import verify as verify
from cec_advisor.cli.app import EXIT_CODES, main

__all__ = ["EXIT_CODES", "main"]
