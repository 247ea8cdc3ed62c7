"""Case facts as the rules see them: dotted paths with scalar values.

:func:`case_facts` flattens a :class:`~cec_advisor.model.case.Case` into
``{"anchors.union.frame": "industrial", ...}``. A fact that is ``unknown`` is
left out, so a rule's ``unknown`` test is a test for absence. A few facts are
derived, never guessed: whether a system assessment exists, the mean rating of
each Appendix C indicator group and of all sixteen, entry points as flags, and whether a request
was made. :data:`FACT_SCALES` lists every path a rule may test, with its scale.
"""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel

from cec_advisor.model.case import ENTRY_POINTS, INDICATOR_GROUPS, INDICATOR_MEANS, Case, FocusOnLearning
from cec_advisor.model.scales import UNKNOWN, Scalar, Scale

Facts = dict[str, Scalar]

_NOT_FACTS = frozenset({"format", "id", "name", "entry_points", "focus_on_learning", "request"})
"""Case fields that are identification or are flattened by hand below."""


def _scale_of(annotation: Any, metadata: list[Any]) -> Scale | None:
    for item in [*metadata, *getattr(annotation, "__metadata__", ())]:
        if isinstance(item, Scale):
            return item
    return None


def _model_scales(model: type[BaseModel], prefix: str) -> dict[str, Scale]:
    """Collect the scale of every scalar field of ``model``, keyed by dotted path."""
    scales: dict[str, Scale] = {}
    for name, field in model.model_fields.items():
        if not prefix and name in _NOT_FACTS:
            continue
        path = f"{prefix}{name}"
        scale = _scale_of(field.annotation, field.metadata)
        if scale is not None:
            scales[path] = scale
        elif isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            scales.update(_model_scales(field.annotation, f"{path}."))
        elif get_args(field.annotation) and all(isinstance(a, str) for a in get_args(field.annotation)):
            scales[path] = Scale("enum", values=tuple(get_args(field.annotation)), required=True)
    return scales


def _fact_scales() -> dict[str, Scale]:
    scales = _model_scales(Case, "")
    for point in ENTRY_POINTS:
        scales[f"entry_points.{point}"] = Scale("bool", required=True, meaning="This entry point brought the case")
    scales["focus_on_learning.assessed"] = Scale(
        "bool", required=True, meaning="A system assessment (the focus_on_learning block) exists"
    )
    scales.update({f"focus_on_learning.{name}": scale for name, scale in _model_scales(FocusOnLearning, "").items()})
    for group in INDICATOR_GROUPS:
        scales[f"focus_on_learning.{group}"] = Scale(
            "number", low=1, high=4, meaning=f"Mean rating of the known {group} indicators"
        )
    scales["focus_on_learning.overall"] = Scale(
        "number", low=1, high=4, meaning="Mean rating of all known Appendix C indicators (A-P)"
    )
    scales["request.made"] = Scale("bool", required=True, meaning="The case names a requested service")
    scales["request.service"] = Scale("service", meaning="The requested service")
    scales["request.deadline_months"] = Scale("int", low=0, high=120, meaning="Months until a mandated deadline")
    return dict(sorted(scales.items()))


FACT_SCALES: dict[str, Scale] = _fact_scales()
"""Every fact path a rule may test, with the values it can take."""


def case_facts(case: Case) -> Facts:
    """Flatten ``case`` into the facts the rules test; ``unknown`` facts are left out."""
    facts: Facts = {}
    _flatten(case, "", facts)
    for point in ENTRY_POINTS:
        facts[f"entry_points.{point}"] = point in case.entry_points
    assessment = case.focus_on_learning
    facts["focus_on_learning.assessed"] = assessment is not None
    if assessment is not None:
        _flatten(assessment, "focus_on_learning.", facts)
        for name, letters in INDICATOR_MEANS.items():
            ratings = [getattr(assessment, letter) for letter in letters]
            known = [r for r in ratings if r != UNKNOWN]
            if known:
                facts[f"focus_on_learning.{name}"] = round(sum(known) / len(known), 2)
    facts["request.made"] = case.request is not None
    if case.request is not None:
        facts["request.service"] = case.request.service
        if case.request.deadline_months != UNKNOWN:
            facts["request.deadline_months"] = case.request.deadline_months
    return dict(sorted(facts.items()))


def _flatten(model: BaseModel, prefix: str, facts: Facts) -> None:
    for name in type(model).model_fields:
        if not prefix and name in _NOT_FACTS:
            continue
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            _flatten(value, f"{prefix}{name}.", facts)
        elif isinstance(value, (str, int, float, bool)) and value != UNKNOWN:
            facts[f"{prefix}{name}"] = value
