"""The project's own documents: the knowledge document matches the rules, and nothing points outside the project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cec_advisor.advisor import Advisor
from cec_advisor.rulebase.load import load_rulebase

from .conftest import ROOT

DOC = ROOT / "docs" / "pathway.md"
RULE_ID = re.compile(r"\bK\d+-[a-z0-9]+(?:-[a-z0-9]+)*")


def test_knowledge_document_cites_every_rule_and_only_real_ones(advisor: Advisor) -> None:
    """docs/pathway.md names every rule of the rule base, and every rule id it names exists."""
    cited = set(RULE_ID.findall(DOC.read_text(encoding="utf-8")))
    rules = set(advisor.rulebase.by_id)
    assert sorted(rules - cited) == [], "rules the knowledge document does not explain"
    assert sorted(cited - rules) == [], "rule ids in the knowledge document that do not exist"


def test_knowledge_document_states_the_json_contract() -> None:
    """The JSON plan contract the README points to is in docs/pathway.md, with its key fields."""
    text = DOC.read_text(encoding="utf-8")
    assert "## The JSON plan" in text
    contract = text[text.index("## The JSON plan") :]
    top_level = [d.id for d in load_rulebase().decisions.values() if d.plan_field]
    assert top_level, "decisions.yaml marks the JSON plan's top-level decisions (plan_field)"
    for field in (*top_level, "undetermined", "owner"):
        assert f"`{field}`" in contract


@pytest.mark.parametrize(
    "path",
    [ROOT / "README.md", DOC, *sorted((ROOT / "cec_advisor").rglob("*.py")), *sorted((ROOT / "rules").glob("*.yaml"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_nothing_points_outside_the_project(path: Path) -> None:
    """Users install without the developers' shared folder: no document, module or rule file refers to it."""
    text = path.read_text(encoding="utf-8")
    for outside in ("shared/", "spec/pathway", "case-format.md", "durable-rules.md", "real-engagements.md"):
        assert outside not in text, f"{path.name} refers to {outside}"
