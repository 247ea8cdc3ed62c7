"""``python -m cec_advisor``: the same as the ``cec-advisor`` command."""

from cec_advisor.entry import main

main()
