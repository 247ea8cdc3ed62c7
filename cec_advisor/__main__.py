"""``python -m cec_advisor``: the same as the ``cec-advisor`` command."""

from cec_advisor.cli import main

main()
