"""Every module imports on its own in a fresh interpreter (no import cycles hidden by import order), and what
reads or renders a run (the trace types, the plan, the renderers, the explanation formatters) loads no engine."""

from __future__ import annotations

import ast
import pickle
import subprocess
import sys
from typing import Any

import pytest

from cec_advisor.advisor import Advisor

from .conftest import CASES, ROOT

MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts)
    for path in (ROOT / "cec_advisor").rglob("*.py")
    if path.name != "__main__.py"
)


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_alone(module: str) -> None:
    """Importing the module first, in a new process, works."""
    result = subprocess.run(
        [sys.executable, "-c", f"import {module.removesuffix('.__init__')}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-1500:]


ENGINE_MODULES = ("durable", "durable_rules_engine")
"""The rule engine's packages: only running a case may load them (engine.py, the adapter, is their only importer)."""

READERS = (
    "cec_advisor.engine.trace",
    "cec_advisor.plan.build",
    "cec_advisor.render",
    "cec_advisor.render.html",
    "cec_advisor.render.json",
    "cec_advisor.render.markdown",
    "cec_advisor.render.diagram",
    "cec_advisor.explain.formatters",
)
"""Modules that read or render what a run concluded: none of them may load the engine."""

RENDER = """
from cec_advisor.render.diagram import build_diagram, to_dot, to_mermaid
from cec_advisor.explain.formatters import what_if_lines, why_lines, why_not_lines
from cec_advisor.render import RENDERERS, render


def rendered(plan, why, why_not, what_if):
    texts = [render(fmt, plan, trace=True) for fmt in sorted(RENDERERS)]
    texts += [to_mermaid(build_diagram(plan)), to_dot(build_diagram(plan))]
    return texts + why_lines(why, "case.yaml") + why_not_lines(why_not, "case.yaml") + what_if_lines(what_if)
"""
"""Every rendering of a plan and of the explanations: run here and, on unpickled answers, in a fresh process."""


def _fresh_python(code: str, stdin: bytes = b"") -> str:
    result = subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr.decode()[-1500:]
    return result.stdout.decode()


def test_reading_and_rendering_modules_load_no_engine() -> None:
    """Importing the trace types, the plan, the renderers, the diagram and the explanation text loads no durable."""
    loaded = f"sorted(n for n in sys.modules if n.split('.')[0] in {ENGINE_MODULES!r})"
    code = f"import sys\nimport {', '.join(READERS)}\nprint({loaded})"
    assert _fresh_python(code).strip() == "[]"


def test_rendering_a_plan_made_elsewhere_loads_no_engine(advisor: Advisor) -> None:
    """A plan and its explanations, made by the engine in another process, render the same without loading durable."""
    from cec_advisor.explain.changes import parse_setting
    from cec_advisor.explain.what_if import what_if
    from cec_advisor.explain.why import why
    from cec_advisor.explain.why_not import why_not

    case = advisor.load(CASES / "riverside-adversarial.yaml")
    plan = advisor.plan(case)
    made = (
        plan,
        why(plan, advisor.rulebase, "instructional-model", case),
        why_not(advisor, case, "standards-based-curriculum", budget=50),
        what_if(advisor, case, [parse_setting("culture.trust=high")])[0],
    )
    here: dict[str, Any] = {}
    exec(RENDER, here)
    elsewhere = f"""{RENDER}
import pickle, sys
texts = rendered(*pickle.loads(sys.stdin.buffer.read()))
print(repr((sorted(n for n in sys.modules if n.split(".")[0] in {ENGINE_MODULES!r}), texts)))
"""
    assert ast.literal_eval(_fresh_python(elsewhere, pickle.dumps(made))) == ([], here["rendered"](*made))


def test_coverage_loads_no_batch() -> None:
    """Importing coverage, in a new process, does not import batch: the case files it reads come from sources."""
    code = "import sys\nimport cec_advisor.verify.coverage\nprint('cec_advisor.consult.batch' in sys.modules)"
    assert _fresh_python(code).strip() == "False"
