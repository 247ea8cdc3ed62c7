"""The rule files' YAML schema: pydantic models of ``decisions.yaml`` and each rule file.


Layout of a rules directory:

- ``decisions.yaml``: the decisions the rules conclude (commitment, emphasis ...),
  their values and whether each is single-valued;
- ``services.yaml``: the service catalogue (:mod:`cec_advisor.rulebase.catalogue`);
- every other ``*.yaml``: rule files, read in file-name order.

A rule's ``when`` is a mapping. Its keys are fact paths (``culture.trust``),
decision ids (``emphasis``), ``any`` / ``any_<name>`` (a list of fact-test
mappings, at least one of which holds) or, in review-phase rules only,
``lacks`` (decisions that must *not* have been concluded). A fact test is a
value, a list of values (any of them), or ``{not: [...]}``, ``{lt: n}``,
``{lte: n}``, ``{gt: n}``, ``{gte: n}``, or a range of comparisons that all
hold (``{gte: 2.5, lt: 3.5}``). ``unknown`` matches a fact that is
unknown or left out. Everything is checked at load; problems are
:class:`~cec_advisor.errors.RuleFileError` lines with file and line.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictStr

from cec_advisor.io.validation import NonEmpty, StrictModel
from cec_advisor.model.scales import Scale

RULE_ID_PATTERN = r"^K([1-9]|1[0-9]|2[0-3])-[a-z0-9]+(-[a-z0-9]+)*$"
DECISION_ID_PATTERN = r"^[a-z][a-z0-9_]*$"

Phase = Literal["decide", "review"]

STEP = Scale("int", low=1, high=5, required=True, meaning="Pathway step")
SALIENCE = Scale("int", low=0, high=100, required=True, meaning="Higher fires first")
OUTCOME = Scale("int", low=1, high=20, required=True, meaning="Place among coverage's outcome decisions")


class DecisionModel(StrictModel):
    """One decision the rules conclude."""

    id: StrictStr = Field(pattern=DECISION_ID_PATTERN)
    title: StrictStr = Field(min_length=1)
    values: NonEmpty[StrictStr | StrictBool]
    single: StrictBool
    required: StrictBool = False
    source: StrictStr = Field(min_length=1)
    summary: StrictStr | None = Field(default=None, min_length=1)
    """The label a plan's summary shows it under (summary decisions are shown in file order)."""
    plan_field: StrictBool = False
    """The JSON plan carries its value at the top level (in file order; docs/pathway.md's contract)."""
    outcome: Annotated[int | None, OUTCOME] = None
    """Its place among the decisions whose value combinations coverage counts (1 first)."""


class DecisionsFile(StrictModel):
    """The layout of ``decisions.yaml``."""

    format: Literal["cec-decisions/1"]
    decisions: NonEmpty[DecisionModel]


class UndeterminedModel(StrictModel):
    """A decision the case facts cannot settle (K19)."""

    decision: StrictStr
    missing: NonEmpty[StrictStr]
    settle_with: StrictStr
    settle: dict[StrictStr, StrictStr] = Field(default_factory=dict)
    """Missing facts that another diagnosis settles (fact → service); the rest are ``settle_with``'s."""

    def settling_services(self) -> tuple[str, ...]:
        """Every service this open question may recommend, ``settle_with`` first."""
        return tuple(dict.fromkeys([self.settle_with, *self.settle.values()]))


class ThenModel(StrictModel):
    """What a rule concludes when it fires."""

    conclude: dict[str, StrictStr | StrictBool] = Field(default_factory=dict)
    recommend: tuple[str, ...] = ()
    recommend_requested: StrictBool = False
    warn: StrictStr | None = None
    undetermined: UndeterminedModel | None = None
    """A decision left open; its ``settle_with`` service is recommended as well (K19)."""
    schedule: (
        Literal[
            "commitment_work", "diagnosis", "from_the_start", "early", "requested", "first_round", "closing", "optional"
        ]
        | None
    ) = None
    """The urgency class (K21) of the services this rule recommends or tests (``service: ...``)."""


class RuleModel(StrictModel):
    """One rule as written in a rule file."""

    id: StrictStr = Field(pattern=RULE_ID_PATTERN)
    title: StrictStr = Field(min_length=1, max_length=120)
    k: NonEmpty[StrictStr]
    rationale: StrictStr = Field(min_length=1)
    source: StrictStr = Field(min_length=1)
    because: StrictStr = Field(min_length=1)
    step: Annotated[int | None, STEP] = None
    salience: Annotated[int, SALIENCE] = 50
    phase: Phase = "decide"
    when: dict[str, Any]
    then: ThenModel


class RuleFileModel(StrictModel):
    """The layout of a rule file."""

    format: Literal["cec-rules/1"]
    step: Annotated[int, STEP]
    title: StrictStr = Field(min_length=1)
    rules: NonEmpty[RuleModel]
