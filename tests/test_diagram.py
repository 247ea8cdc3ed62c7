"""diagram: the path a case took through the Pathway, as Mermaid and Graphviz DOT."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cec_advisor.advisor import Advisor
from cec_advisor.cli.main import main
from cec_advisor.render.diagram import build_diagram, to_mermaid

from .conftest import CASES, SAMPLE_CASES, SUMMARY_DECISION_IDS


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_diagram_marks_exactly_the_path_taken(advisor: Advisor, path: Path) -> None:
    """Each decision column has exactly its concluded value highlighted; the others are greyed."""
    plan = advisor.plan_file(path)
    model = build_diagram(plan)
    for (title, nodes), decision in zip(model.columns, SUMMARY_DECISION_IDS, strict=False):
        taken = [n for n in nodes if n.taken]
        assert len(taken) == 1, title
        assert taken[0].id.startswith(decision)
    mermaid = to_mermaid(model)
    assert mermaid.startswith("flowchart LR") and "class " in mermaid and "notTaken" in mermaid
    assert "```mermaid" in CliRunner().invoke(main, ["plan", str(path)]).stdout


@pytest.mark.skipif(shutil.which("dot") is None and not os.environ.get("CI"), reason="Graphviz not installed")
def test_dot_output_is_valid_graphviz(advisor: Advisor, tmp_path: Path) -> None:
    """Graphviz's own `dot` accepts the --dot output and draws it."""
    result = CliRunner().invoke(main, ["diagram", str(CASES / "board-refuses.yaml"), "--dot"])
    assert result.exit_code == 0 and result.stdout.startswith("digraph pathway {")
    drawn = subprocess.run(["dot", "-Tsvg"], input=result.stdout, capture_output=True, text=True, check=False)
    assert drawn.returncode == 0, drawn.stderr
    assert "<svg" in drawn.stdout and "commitment_absent" in drawn.stdout
