"""The service catalogue, loaded from ``rules/services.yaml``.

Each service has a stable id (a contract: docs/pathway.md lists them), a Pathway step, a
Framework for Change element, delivery modes, prerequisites, a hand-off
milestone and a seed source. The catalogue also holds the Coaching Delivery
Model: the coaching that follows each delivery mode (002, K15).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr

from cec_advisor.errors import RuleFileError
from cec_advisor.io.validation import NonEmpty, StrictModel, suggest, validate_model
from cec_advisor.io.yamlsource import read_yaml
from cec_advisor.model.scales import SERVICE_ID_PATTERN

Element = Literal["student-learning", "pedagogy", "profession", "labor-management"]
Delivery = Literal["training", "facilitating", "networking", "mentoring"]
ELEMENTS: tuple[str, ...] = ("student-learning", "pedagogy", "profession", "labor-management")
DELIVERY_MODES: tuple[str, ...] = ("training", "facilitating", "networking", "mentoring")
IndicatorGroup = Literal["curriculum", "assessment", "differentiation", "focus"]


class Service(StrictModel):
    """One service CEC can offer."""

    id: StrictStr = Field(pattern=f"^{SERVICE_ID_PATTERN}$")
    name: StrictStr = Field(min_length=1)
    summary: StrictStr = Field(min_length=1)
    step: StrictInt = Field(ge=1, le=5)
    element: Element
    delivery: NonEmpty[Delivery]
    prerequisites: tuple[StrictStr, ...] = ()
    targets: tuple[IndicatorGroup, ...] = ()
    handoff: StrictStr = Field(min_length=1)
    owner: StrictStr = Field(min_length=1)
    """Who carries the service locally once CEC hands it off (K23), e.g. "the DLT", "union leaders"."""
    source: StrictStr = Field(min_length=1)
    diagnostic: StrictBool = False
    """A diagnosis (K4, K6): it serves no Framework element by itself, so K18 does not count it."""
    needs_all_anchors: StrictBool = False
    """Work that needs board, administration and union at the table; it waits while an anchor refuses (K2)."""


class CatalogueFile(StrictModel):
    """The layout of ``services.yaml``."""

    format: Literal["cec-services/1"]
    coaching: dict[Delivery, StrictStr]
    services: NonEmpty[Service]


class Catalogue:
    """The services by id, in file order, with the coaching text per delivery mode."""

    def __init__(self, services: tuple[Service, ...], coaching: dict[str, str]) -> None:
        self.services = services
        self.coaching = coaching
        self.by_id = {service.id: service for service in services}
        self.position = {service.id: index for index, service in enumerate(services)}

    def __contains__(self, service_id: object) -> bool:
        return service_id in self.by_id

    def __getitem__(self, service_id: str) -> Service:
        return self.by_id[service_id]

    @property
    def ids(self) -> tuple[str, ...]:
        """Every service id, in catalogue order."""
        return tuple(self.by_id)

    @cached_property
    def names(self) -> dict[str, str]:
        """Every service's name by id, in catalogue order."""
        return {service.id: service.name for service in self.services}


def load_catalogue(path: Path) -> Catalogue:
    """Load and check ``services.yaml``: unique ids, known prerequisites, no prerequisite cycle."""
    document = read_yaml(path, RuleFileError)
    locator = document.locator
    parsed = validate_model(CatalogueFile, document.data, locator, RuleFileError)
    missing = [mode for mode in DELIVERY_MODES if mode not in parsed.coaching]
    if missing:
        raise RuleFileError(
            locator.file, locator.line_of(("coaching",)), "coaching", f"no coaching text for {', '.join(missing)}"
        )
    seen: dict[str, int] = {}
    for index, service in enumerate(parsed.services):
        where = ("services", index)
        if service.id in seen:
            raise RuleFileError(
                locator.file,
                locator.line_of((*where, "id")),
                f"services[{index}].id",
                f"duplicate service id {service.id!r}",
                code="CEC104",
            )
        seen[service.id] = index
    for index, service in enumerate(parsed.services):
        for position, prerequisite in enumerate(service.prerequisites):
            if prerequisite not in seen:
                raise RuleFileError(
                    locator.file,
                    locator.line_of(("services", index, "prerequisites", position)),
                    f"services[{index}].prerequisites",
                    f"unknown service {prerequisite!r}{suggest(prerequisite, seen)}",
                    code="CEC103",
                )
    cycle = prerequisite_cycle({s.id: s.prerequisites for s in parsed.services})
    if cycle:
        index = seen[cycle[0]]
        raise RuleFileError(
            locator.file,
            locator.line_of(("services", index, "prerequisites")),
            f"services[{index}].prerequisites",
            f"prerequisite cycle: {' -> '.join(cycle)}",
            code="CEC106",
        )
    return Catalogue(parsed.services, {str(mode): text for mode, text in parsed.coaching.items()})


def prerequisite_cycle(prerequisites: dict[str, tuple[str, ...]]) -> list[str]:
    """Return one prerequisite cycle as ``[a, b, ..., a]``, or ``[]`` when there is none."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in prerequisites.get(node, ()):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return []

    for node in prerequisites:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []
