"""Case files (``cec-case/1``): pydantic models and validated loading.

The models follow the case format (``cec-case/1``, README "Case format") field for field. Every optional
scalar is guarded by a :class:`~cec_advisor.model.scales.Scale` and defaults to
``unknown``. :func:`load_case` reads a file safely and turns every problem into
one :class:`~cec_advisor.errors.CaseFileError` line with file, line and field.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator

from cec_advisor.errors import CaseFileError
from cec_advisor.io.validation import StrictModel, located_all, suggest, validate_model
from cec_advisor.io.yamlsource import Locator, parse_yaml, read_yaml
from cec_advisor.model.scales import UNKNOWN, Scale, enum

CASE_FORMAT = "cec-case/1"
CASE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"

COMMITMENT = enum("none", "exploring", "informal", "formal", meaning="Commitment of one anchor (002 Step 1)")
INDICATOR = Scale("int", low=1, high=4, meaning="1 absent, 2 beginning, 3 in place in parts, 4 system-wide")
STRUCTURE = enum("absent", "forming", "functioning", "effective")
YES_NO = Scale("bool")

Commitment = Annotated[str, COMMITMENT]
Indicator = Annotated[int | str, INDICATOR]
StructureState = Annotated[str, STRUCTURE]
YesNo = Annotated[bool | str, YES_NO]
ENTRY_POINTS = ("system_assessment", "strategic_planning", "grant_criteria", "district_request")
INDICATOR_GROUPS: dict[str, tuple[str, ...]] = {
    "curriculum": ("A", "B", "C"),
    "assessment": ("D", "E", "F", "G", "H"),
    "differentiation": ("I", "J", "K"),
    "focus": ("L", "M", "N", "O", "P"),
}
"""Appendix C indicator groups, in the order the spec lists them."""
INDICATORS = tuple(letter for letters in INDICATOR_GROUPS.values() for letter in letters)
"""The Appendix C indicators, A to P in order (the fields of :class:`FocusOnLearning`)."""
INDICATOR_MEANS: dict[str, tuple[str, ...]] = {**INDICATOR_GROUPS, "overall": INDICATORS}
"""Every derived mean fact (``focus_on_learning.<name>``) and the indicators it averages."""


class Anchor(StrictModel):
    """One of the three anchors (board, administration)."""

    commitment: Commitment = UNKNOWN


class UnionAnchor(Anchor):
    """The teachers union (or association, or representative group)."""

    frame: Annotated[
        str, enum("industrial", "professional", "social_justice", meaning="Three frames of unionism (002)")
    ] = UNKNOWN
    kind: Annotated[str, enum("union", "association", "representative_group")] = "union"


class Anchors(StrictModel):
    """Pathway Step 1: "Do we have a We?" (002)."""

    board: Anchor = Anchor()
    administration: Anchor = Anchor()
    union: UnionAnchor = UnionAnchor()
    written_agreement: Annotated[str, enum("none", "draft", "signed")] = UNKNOWN
    relationship: Annotated[str, enum("adversarial", "strained", "cooperative", "collaborative")] = UNKNOWN
    interest_based_experience: YesNo = UNKNOWN


class Structures(StrictModel):
    """Pathway Step 4 collaborative structures (002; 001)."""

    district_leadership_team: StructureState = UNKNOWN
    school_leadership_teams: StructureState = UNKNOWN
    instructional_teams: StructureState = UNKNOWN
    partnership_council: StructureState = UNKNOWN
    team_skills: Annotated[str, enum("low", "developing", "strong")] = UNKNOWN


class Culture(StrictModel):
    """Trust and leadership."""

    trust: Annotated[str, enum("low", "mixed", "high")] = UNKNOWN
    distributed_leadership: Annotated[str, enum("low", "emerging", "established")] = UNKNOWN
    leadership_turnover: Annotated[str, enum("low", "medium", "high")] = UNKNOWN


class Achievement(StrictModel):
    """Student achievement against the state average, and grant criteria."""

    status: Annotated[str, enum("far_below", "below", "near", "above", "far_above")] = UNKNOWN
    trend: Annotated[str, enum("declining", "flat", "improving", "sustained_growth")] = UNKNOWN
    history_of_low_achievement: YesNo = UNKNOWN
    systemic_failure: YesNo = UNKNOWN


class FocusOnLearning(StrictModel):
    """002 Appendix C indicators A..P, each rated 1..4 or unknown."""

    A: Indicator = UNKNOWN
    B: Indicator = UNKNOWN
    C: Indicator = UNKNOWN
    D: Indicator = UNKNOWN
    E: Indicator = UNKNOWN
    F: Indicator = UNKNOWN
    G: Indicator = UNKNOWN
    H: Indicator = UNKNOWN
    I: Indicator = UNKNOWN  # noqa: E741 - the indicator's name in Appendix C
    J: Indicator = UNKNOWN
    K: Indicator = UNKNOWN
    L: Indicator = UNKNOWN
    M: Indicator = UNKNOWN
    N: Indicator = UNKNOWN
    O: Indicator = UNKNOWN  # noqa: E741 - the indicator's name in Appendix C
    P: Indicator = UNKNOWN


class Request(StrictModel):
    """The "individual district request" entry point (002 Step 2, Appendix D)."""

    service: Annotated[str, Scale("service", required=True)]
    reason: str | None = Field(default=None, max_length=2000)
    deadline_months: Annotated[int | str, Scale("int", low=0, high=120, meaning="Months until a mandated deadline")] = (
        UNKNOWN
    )


class Grant(StrictModel):
    """School Improvement Grant partnership (000, 001, 003)."""

    sig: YesNo = UNKNOWN


class Context(StrictModel):
    """Planning context."""

    strategic_plan: Annotated[str, enum("none", "outdated", "current")] = UNKNOWN
    whole_child_needs: Annotated[str, enum("low", "medium", "high")] = UNKNOWN
    capacity: Annotated[
        int | str, Scale("int", low=1, high=10, meaning="Services the organisation can absorb at once")
    ] = UNKNOWN
    teacher_evaluation: Annotated[str, enum("none", "compliance", "growth_oriented")] = UNKNOWN


class Case(StrictModel):
    """One district or school: the diagnostic facts a consultant gathered."""

    format: Literal["cec-case/1"]
    id: str = Field(pattern=CASE_ID_PATTERN)
    name: str = Field(min_length=1, max_length=300)
    level: Literal["district", "school"]

    @field_validator("name")
    @classmethod
    def _name_is_not_blank(cls, value: str) -> str:
        """A name of only spaces is as empty as no name."""
        if not value.strip():
            raise ValueError("must not be blank (only spaces)")
        return value

    state: Annotated[str, Scale("code", pattern=r"[A-Z]{2}", meaning="Two-letter state code")] = UNKNOWN
    entry_points: tuple[
        Literal["system_assessment", "strategic_planning", "grant_criteria", "district_request"], ...
    ] = ()
    anchors: Anchors = Anchors()
    structures: Structures = Structures()
    culture: Culture = Culture()
    achievement: Achievement = Achievement()
    focus_on_learning: FocusOnLearning | None = None
    request: Request | None = None
    grant: Grant = Grant()
    context: Context = Context()

    @field_validator("entry_points")
    @classmethod
    def _entry_points_unique(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("lists an entry point twice")
        return value


BLOCK_FACTS: dict[str, str] = {"request": "request.made", "focus_on_learning": "focus_on_learning.assessed"}
"""The optional case-file blocks whose presence is itself a fact (true when the block is there), by block."""


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set the dotted case-data ``path`` in ``data`` (in place) to ``value``, making each missing block a mapping.

    ``None`` is a value here (written ``null``); :func:`with_changes` and
    :func:`put_fact` read ``None`` as "remove the key" instead.
    """
    block, key = _block_of(data, path)
    block[key] = value


def with_changes(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of case data with ``changes`` applied: dotted paths reach into blocks; ``None`` removes a key."""
    data = copy.deepcopy(base)
    for dotted_path, value in changes.items():
        _write(data, dotted_path, copy.deepcopy(value))
    return data


def fact_edit(data: Mapping[str, Any], fact: str, value: Any, *, service: str) -> tuple[str, Any]:
    """The one edit of case data that gives the fact path ``fact`` the value ``value``: where, and what to put there.

    Returns a dotted case-data path and its new value (``None``: remove it).
    A derived fact (:mod:`cec_advisor.model.facts`) is written where it comes
    from: a mean of indicators sets each indicator it averages, an
    ``entry_points.*`` flag edits the ``entry_points`` list, and a block fact
    (:data:`BLOCK_FACTS`) adds or removes its block. A fact of an optional block
    the data does not have brings the block; a new ``request`` block names
    ``service`` (the case format requires one).
    """
    block, _, rest = fact.partition(".")
    if fact == BLOCK_FACTS.get(block):
        present = data.get(block)
        if value is False:
            return block, None
        return block, present if isinstance(present, dict) else _new_block(block, service)
    if block == "focus_on_learning" and rest in INDICATOR_MEANS:
        return block, {**_mapping(data.get(block)), **dict.fromkeys(INDICATOR_MEANS[rest], value)}
    if block == "entry_points":
        points = [point for point in data.get(block) or () if point != rest]
        return block, [*points, rest] if value is True else points
    if block in BLOCK_FACTS and not isinstance(data.get(block), dict):
        made = _new_block(block, service)
        set_path(made, rest, value)
        return block, made
    return fact, value


def put_fact(data: dict[str, Any], fact: str, value: Any, *, service: str) -> None:
    """Give the fact path ``fact`` the value ``value`` in case data (in place), by :func:`fact_edit`."""
    _write(data, *fact_edit(data, fact, value, service=service))


def fact_sources(fact: str) -> tuple[str, ...]:
    """The case-data keys the fact path ``fact`` comes from (the reverse of :func:`fact_edit`).

    A block's presence counts as its fact (:data:`BLOCK_FACTS`): a mean of
    indicators comes from ``focus_on_learning.assessed`` and each indicator it
    averages, ``request.deadline_months`` from ``request.made`` and itself, an
    ``entry_points.*`` flag from ``entry_points``; any other fact from itself.
    """
    block, _, rest = fact.partition(".")
    if block == "entry_points":
        return (block,)
    if block == "focus_on_learning" and rest in INDICATOR_MEANS:
        return (BLOCK_FACTS[block], *(f"{block}.{letter}" for letter in INDICATOR_MEANS[rest]))
    if block in BLOCK_FACTS and rest and fact != BLOCK_FACTS[block]:
        return (BLOCK_FACTS[block], fact)
    return (fact,)


def _block_of(data: dict[str, Any], path: str) -> tuple[dict[str, Any], str]:
    """The mapping that holds the last key of ``path``, and that key; missing or non-mapping blocks become ``{}``."""
    *blocks, key = path.split(".")
    target = data
    for block in blocks:
        if not isinstance(target.get(block), dict):
            target[block] = {}
        target = target[block]
    return target, key


def _write(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``path`` to ``value`` in ``data``, or remove it when ``value`` is ``None``."""
    if value is None:
        block, key = _block_of(data, path)
        block.pop(key, None)
    else:
        set_path(data, path, value)


def _mapping(value: Any) -> dict[str, Any]:
    """A copy of ``value`` when it is a mapping (a block), else an empty one."""
    return dict(value) if isinstance(value, dict) else {}


def _new_block(block: str, service: str) -> dict[str, Any]:
    """An optional block as it is first written: a request names ``service``; an assessment is empty."""
    return {"service": service} if block == "request" else {}


def load_case(path: Path, service_ids: Iterable[str] = (), *, display: str | None = None) -> Case:
    """Read and validate one case file.

    ``service_ids`` (the catalogue's ids), when given, are the services a
    ``request.service`` may name. Raises :class:`CaseFileError` for any problem.
    """
    document = read_yaml(path, CaseFileError, display=display)
    return case_from_data(document.data, document.locator, service_ids)


def parse_case(raw: bytes, name: str, service_ids: Iterable[str] = ()) -> Case:
    """Validate case-file bytes that came from ``name`` (used by tests and fuzzing)."""
    document = parse_yaml(raw, name, CaseFileError)
    return case_from_data(document.data, document.locator, service_ids)


def case_problems(path: Path, service_ids: Iterable[str] = ()) -> list[CaseFileError]:
    """Every problem of one case file (empty when it is valid), in line order.

    Unreadable or invalid YAML stops at its first problem; problems of content
    (keys, values, types) are all reported.
    """
    try:
        document = read_yaml(path, CaseFileError)
    except CaseFileError as exc:
        return [exc]
    data, locator = document.data, document.locator
    try:
        case_from_data(data, locator, service_ids)
    except CaseFileError as first:
        if not isinstance(data, dict) or first.field == "format":
            return [first]
        try:
            Case.model_validate(data)
        except ValidationError as exc:
            return [e for e in located_all(exc, locator, Case, CaseFileError, data) if isinstance(e, CaseFileError)]
        return [first]
    return []


RULE_BASE_FORMATS = ("cec-rules/", "cec-services/", "cec-decisions/")


def _format_hint(found: object) -> str:
    """A pointer to the right command when a rule-base file is given where a case file belongs."""
    if isinstance(found, str) and found.startswith(RULE_BASE_FORMATS):
        return " (this is a rule-base file: check it with `cec-advisor lint`)"
    return ""


def case_from_data(data: Any, locator: Locator, service_ids: Iterable[str] = ()) -> Case:
    """Validate parsed case data; problems are reported at their line in ``locator.file``."""
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        raise CaseFileError(
            locator.file, locator.line_of(()), None, f"a case file must be a mapping of keys, not {kind}"
        )
    if "format" in data and data["format"] != CASE_FORMAT:
        raise CaseFileError(
            locator.file,
            locator.line_of(("format",)),
            "format",
            f"{data['format']!r} is not supported; expected {CASE_FORMAT}{_format_hint(data['format'])}",
        )
    case = validate_model(Case, data, locator, CaseFileError)
    if case.request is not None:
        problem = unknown_service(case.request.service, locator, service_ids)
        if problem is not None:
            raise problem
    return case


def unknown_service(service: str, locator: Locator, service_ids: Iterable[str]) -> CaseFileError | None:
    """The error for a requested ``service`` not in the catalogue ``service_ids`` (None if it is, or none given)."""
    known = set(service_ids)
    if not known or service in known:
        return None
    return CaseFileError(
        locator.file,
        locator.line_of(("request", "service")),
        "request.service",
        f"{service!r} is not a service in the catalogue{suggest(service, known)}",
    )
