"""Fact paths written back into case data, and the case data a fact comes from: one owner, model/case.py."""

from __future__ import annotations

from typing import Any

import pytest

from cec_advisor.io.yamlsource import Locator
from cec_advisor.model.case import (
    BLOCK_FACTS,
    INDICATOR_MEANS,
    case_from_data,
    fact_edit,
    fact_sources,
    put_fact,
    set_path,
    with_changes,
)
from cec_advisor.model.facts import FACT_SCALES, case_facts
from cec_advisor.model.scales import UNKNOWN, same_value

BARE: dict[str, Any] = {"format": "cec-case/1", "id": "x", "name": "X", "level": "district"}
"""The smallest valid case: no optional block, every fact unknown."""
FULL: dict[str, Any] = {
    **BARE,
    "entry_points": ["district_request"],
    "focus_on_learning": {"A": 2, "B": 3},
    "request": {"service": "data-use", "deadline_months": 6},
}
"""A case with both optional blocks and an entry point."""


def _facts(data: dict[str, Any]) -> dict[str, Any]:
    return case_facts(case_from_data(data, Locator("test")))


def _values(path: str) -> list[Any]:
    scale = FACT_SCALES[path]
    if path.removeprefix("focus_on_learning.") in INDICATOR_MEANS:
        return [1, 4]
    if scale.kind == "service":
        return ["culture-survey"]
    if scale.kind == "code":
        return ["IL"]
    return [v for v in scale.known_values() if v != UNKNOWN][:3]


@pytest.mark.parametrize("base", [BARE, FULL], ids=["bare", "full"])
@pytest.mark.parametrize("path", sorted(FACT_SCALES))
def test_putting_a_fact_gives_the_case_that_fact(base: dict[str, Any], path: str) -> None:
    """Every fact a rule may test, derived ones included, written into case data reads back as that value."""
    for value in _values(path):
        data = with_changes(base, {})
        put_fact(data, path, value, service="data-use")
        expected = float(value) if FACT_SCALES[path].kind == "number" else value  # a mean is a number
        assert same_value(_facts(data)[path], expected), (path, value, data)


def test_a_new_request_names_the_service_it_is_made_for() -> None:
    """A request block made for a fact asks for the service given; one already there keeps its own."""
    assert fact_edit(BARE, "request.made", True, service="slo-training") == ("request", {"service": "slo-training"})
    assert fact_edit(BARE, "request.deadline_months", 3, service="slo-training") == (
        "request",
        {"service": "slo-training", "deadline_months": 3},
    )
    assert fact_edit(FULL, "request.deadline_months", 3, service="slo-training") == ("request.deadline_months", 3)
    assert fact_edit(FULL, "request.made", False, service="slo-training") == ("request", None)


def test_derived_facts_are_written_where_they_come_from() -> None:
    """A mean rates every indicator it averages (keeping the others), an entry point edits the list in place."""
    path, block = fact_edit(FULL, "focus_on_learning.curriculum", 1, service="data-use")
    assert (path, block) == ("focus_on_learning", {"A": 1, "B": 1, "C": 1})
    path, block = fact_edit(FULL, "focus_on_learning.assessment", 4, service="data-use")
    assert block == {"A": 2, "B": 3, **dict.fromkeys("DEFGH", 4)}
    assert fact_edit(FULL, "entry_points.grant_criteria", True, service="data-use") == (
        "entry_points",
        ["district_request", "grant_criteria"],
    )
    assert fact_edit(FULL, "entry_points.district_request", False, service="data-use") == ("entry_points", [])


def test_with_changes_copies_and_none_removes() -> None:
    """with_changes leaves its input alone, reaches into blocks (making them), and removes a key set to None."""
    changed = with_changes(FULL, {"culture.trust": "high", "request.deadline_months": None, "focus_on_learning": None})
    assert changed["culture"] == {"trust": "high"}
    assert changed["request"] == {"service": "data-use"} and "focus_on_learning" not in changed
    assert FULL["request"] == {"service": "data-use", "deadline_months": 6} and "culture" not in FULL


def test_set_path_writes_null_and_replaces_a_null_block() -> None:
    """set_path writes None as a value (a case file's null) and turns a null block on the way into a mapping."""
    data: dict[str, Any] = {"request": None}
    set_path(data, "request.reason", None)
    assert data == {"request": {"reason": None}}


@pytest.mark.parametrize("path", sorted(FACT_SCALES))
def test_a_fact_comes_from_the_data_its_edit_writes(path: str) -> None:
    """The case data a fact comes from (fact_sources) lies in the block its edit writes, and a block's own fact
    is among the sources of every fact inside that block."""
    sources = fact_sources(path)
    written, _ = fact_edit(BARE, path, _values(path)[0], service="data-use")
    block = written.split(".")[0]
    assert all(source.split(".")[0] == block for source in sources), (path, sources, written)
    if block in BLOCK_FACTS:
        assert BLOCK_FACTS[block] in sources
    if path.removeprefix("focus_on_learning.") in INDICATOR_MEANS:
        assert sources[1:] == tuple(f"focus_on_learning.{x}" for x in INDICATOR_MEANS[path.split(".")[1]])
