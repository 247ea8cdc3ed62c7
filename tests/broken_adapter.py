"""A deliberately broken durable adapter for crosscheck's tests: the compiled rules lose their negations.

Run as ``python -m tests.broken_adapter ARGS...``: the same as ``cec-advisor ARGS...``
except that every negated pattern (``lacks``, a negated decision test) is dropped
from the durable ruleset, the trap ``crosscheck`` exists to catch.
"""

from __future__ import annotations

import sys
from typing import Any

from cec_advisor.engine import compile as compile_module

_compile_rule = compile_module.compile_rule


def compile_without_negations(rule: Any) -> compile_module.CompiledRule:
    """Compile ``rule`` as the adapter does, then drop its negated patterns."""
    compiled = _compile_rule(rule)
    kept = [pattern for pattern in compiled.definition["all"] if not any("$not" in alias for alias in pattern)]
    return compile_module.CompiledRule(compiled.rule, {**compiled.definition, "all": kept}, compiled.decision_aliases)


if __name__ == "__main__":
    compile_module.compile_rule = compile_without_negations
    from cec_advisor.cli.main import main

    main(sys.argv[1:], prog_name="cec-advisor")
