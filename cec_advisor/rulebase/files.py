"""The rule files' YAML schema: pydantic models of ``decisions.yaml``, ``tiers.yaml`` and each rule file.

Layout of a rules directory:

- ``decisions.yaml``: the decisions the rules conclude (commitment, emphasis ...),
  their values and whether each is single-valued;
- ``tiers.yaml``: the tiers of firing order, the first listed fires first,
  each with a one-line meaning;
- ``services.yaml``: the service catalogue (:mod:`cec_advisor.rulebase.catalogue`);
- every other ``*.yaml``: rule files, read in file-name order.

A rule, as ``rules/step3-direction.yaml`` writes it::

    - id: K10-achievement-based-transformation
      title: Poor achievement with instruction, curriculum and data all weak is ...
      rationale: >
        "Transformational work can also be achievement-based. ..."
      source: "002 Step 5"
      tier: plan-type
      when:
        - emphasis: achievement
        - culture_level: some
        - achievement.status: [far_below, below]
        - focus_on_learning.curriculum: {below: 3}
        - focus_on_learning.differentiation: {below: 3}
        - focus_on_learning.G: [1, 2]
      then:
        conclude: {plan_type: transformation}
      because: >-
        The culture has some collaborative elements, but achievement is
        {achievement.status} and all three system-wide approaches are weak ...

``tier`` names a tier of ``tiers.yaml``: rules of an earlier tier fire first;
within a tier, rules fire in the order written. ``k``, the Pathway decisions
the rule serves, is the one its id names (``K10``) unless the rule lists more,
the id's first (``k: [K10, K19]``).

``when`` is a list of conditions that all hold, one an item:

- ``- culture.trust: low``: a fact path and its test;
- ``- emphasis: achievement``: a decision and its value (or a list of values);
- ``- any of:`` a list of two or more alternatives, each a mapping of fact
  tests that all hold; at least one alternative holds;
- ``- lacks: {emphasis: [culture, achievement]}``, in review-phase rules only:
  decisions that must *not* have been concluded with those values.

A fact test is a value, a list of values (any of them), ``{not: [...]}``
(any value but these), a comparison ``{below: 3}``, ``{at most: 3}``,
``{above: 3}``, ``{at least: 3}``, or a range of two comparisons that both hold
(``{at least: 2.5, below: 3.5}``). ``unknown`` matches a fact that is unknown
or left out. ``because`` is block text (``because: >-``, so colons need no
quotes): the sentence a plan quotes, each ``{fact.path}`` or ``{decision}``
filled with its value.

Everything is checked at load; problems are
:class:`~cec_advisor.errors.RuleFileError` lines with file and line. The first
format's spellings (``salience``, ``{lt: 3}``, ``any_<name>``, ``when`` as a
mapping) are refused with the new spelling named
(:mod:`cec_advisor.rulebase.spellings`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictStr

from cec_advisor.io.validation import NonEmpty, StrictModel
from cec_advisor.model.scales import Scale

RULE_ID_PATTERN = r"^K([1-9]|1[0-9]|2[0-3])-[a-z0-9]+(-[a-z0-9]+)*$"
DECISION_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
TIER_ID_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"

Phase = Literal["decide", "review"]

STEP = Scale("int", low=1, high=5, required=True, meaning="Pathway step")
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


class TierModel(StrictModel):
    """One tier of firing order: its id (what rules write) and what its rules decide, in a consultant's words."""

    id: StrictStr = Field(pattern=TIER_ID_PATTERN)
    meaning: StrictStr = Field(min_length=1)


class TiersFile(StrictModel):
    """The layout of ``tiers.yaml``: the tiers in firing order, the first fires first."""

    format: Literal["cec-tiers/1"]
    tiers: NonEmpty[TierModel]


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
    k: NonEmpty[StrictStr] | None = None
    """Written only when the rule serves more decisions than its id names; else the id's."""
    rationale: StrictStr = Field(min_length=1)
    source: StrictStr = Field(min_length=1)
    because: StrictStr = Field(min_length=1)
    step: Annotated[int | None, STEP] = None
    tier: StrictStr = Field(min_length=1)
    phase: Phase = "decide"
    when: NonEmpty[Any]
    then: ThenModel


class RuleFileModel(StrictModel):
    """The layout of a rule file."""

    format: Literal["cec-rules/1"]
    step: Annotated[int, STEP]
    title: StrictStr = Field(min_length=1)
    rules: NonEmpty[RuleModel]
