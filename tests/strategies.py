"""Hypothesis strategies: valid case files (as data and YAML text) and hostile input."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import strategies as st

from cec_advisor.case import ENTRY_POINTS
from cec_advisor.facts import FACT_SCALES
from cec_advisor.scales import UNKNOWN, Scale

SERVICES_REQUESTABLE = ("slo-training", "teacher-evaluation", "data-use", "leadership-coaching", "strategic-planning")
STATES = ("IL", "WI", "OH", "TX")


def _value(scale: Scale) -> st.SearchStrategy[Any]:
    known: st.SearchStrategy[Any] = st.sampled_from(scale.known_values()) if scale.known_values() else st.nothing()
    return st.one_of(known, st.just(UNKNOWN)) if not scale.required else known


def _field(path: str) -> st.SearchStrategy[Any]:
    """Values for one case field: its scale's values, ``unknown``, or left out (``None``)."""
    return st.one_of(st.none(), _value(FACT_SCALES[path]))


def _block(prefix: str, names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({name: _field(f"{prefix}.{name}") for name in names}).map(
        lambda d: {k: v for k, v in d.items() if v is not None}
    )


@st.composite
def case_data(draw: st.DrawFn) -> dict[str, Any]:
    """A valid ``cec-case/1`` document as plain data, anywhere in the fact space."""
    anchors = draw(_block("anchors", ["written_agreement", "relationship", "interest_based_experience"]))
    anchors["board"] = draw(_block("anchors.board", ["commitment"]))
    anchors["administration"] = draw(_block("anchors.administration", ["commitment"]))
    anchors["union"] = draw(_block("anchors.union", ["commitment", "frame"]))
    data: dict[str, Any] = {
        "format": "cec-case/1",
        "id": draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)),
        "name": draw(st.text(min_size=1, max_size=40).filter(lambda s: s.strip() != "")),
        "level": draw(st.sampled_from(["district", "school"])),
        "state": draw(st.sampled_from([*STATES, UNKNOWN])),
        "entry_points": draw(st.lists(st.sampled_from(ENTRY_POINTS), unique=True, max_size=4)),
        "anchors": anchors,
        "structures": draw(
            _block(
                "structures",
                [
                    "district_leadership_team",
                    "school_leadership_teams",
                    "instructional_teams",
                    "partnership_council",
                    "team_skills",
                ],
            )
        ),
        "culture": draw(_block("culture", ["trust", "distributed_leadership", "leadership_turnover"])),
        "achievement": draw(
            _block("achievement", ["status", "trend", "history_of_low_achievement", "systemic_failure"])
        ),
        "grant": draw(_block("grant", ["sig"])),
        "context": draw(_block("context", ["strategic_plan", "whole_child_needs", "capacity", "teacher_evaluation"])),
    }
    if draw(st.booleans()):
        data["focus_on_learning"] = draw(_block("focus_on_learning", list("ABCDEFGHIJKLMNOP")))
    if draw(st.booleans()):
        request: dict[str, Any] = {"service": draw(st.sampled_from(SERVICES_REQUESTABLE))}
        months = draw(st.one_of(st.none(), st.integers(0, 120)))
        if months is not None:
            request["deadline_months"] = months
        data["request"] = request
    return data


def case_yaml(data: dict[str, Any]) -> bytes:
    """Serialise case data as YAML bytes, the way a user would write it."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode("utf-8")


yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
yaml_values = st.recursive(
    yaml_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
