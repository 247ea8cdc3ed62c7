"""Views of the service catalogue for ``cec-advisor services``: text for people, data for JSON."""

from __future__ import annotations

from cec_advisor.errors import UserError
from cec_advisor.io.validation import suggest
from cec_advisor.render.labels import ELEMENT_NAMES, STEP_NAMES
from cec_advisor.rulebase.model import Rule, RuleBase


def recommending_rules(rulebase: RuleBase, service_id: str) -> list[tuple[Rule, str]]:
    """Every rule that can put ``service_id`` in a plan, with how (recommends, requested, settles)."""
    found = []
    for rule in rulebase.rules:
        if service_id in rule.then.recommend:
            found.append((rule, "recommends it"))
        elif rule.then.undetermined is not None and service_id in rule.then.undetermined.settling_services():
            found.append((rule, "recommends it to settle an open question"))
        elif rule.then.recommend_requested:
            found.append((rule, "keeps it when the district requests it"))
    return found


def list_services(rulebase: RuleBase) -> str:
    """One line per service, grouped by Pathway step."""
    lines: list[str] = []
    step = 0
    for service in rulebase.catalogue.services:
        if service.step != step:
            step = service.step
            if lines:
                lines.append("")
            lines.append(f"Step {step}: {STEP_NAMES[step]}")
        lines.append(f"  {service.id:<32} {service.name}")
    lines += ["", "Show one with: cec-advisor services SERVICE_ID"]
    return "\n".join(lines) + "\n"


def describe_service(rulebase: RuleBase, service_id: str) -> str:
    """One service in full: step, element, delivery, prerequisites, hand-off, source and rules."""
    catalogue = rulebase.catalogue
    if service_id not in catalogue:
        raise UserError(f"no service {service_id!r} in the catalogue{suggest(service_id, catalogue.ids)}")
    service = catalogue[service_id]
    lines = [
        f"{service.name} ({service.id})",
        f"  {service.summary}",
        f"  Step:          {service.step} ({STEP_NAMES[service.step]})",
        f"  Element:       {ELEMENT_NAMES[service.element]} ({service.element})",
        f"  Delivery:      {', '.join(service.delivery)}",
        f"  Prerequisites: {', '.join(service.prerequisites) or 'none'}",
        f"  Targets:       {', '.join(service.targets) or 'no indicator group'}",
        f"  Hand-off:      {service.handoff}",
        f"  Source:        {service.source}",
        "  Coaching:",
        *(f"    after {mode}: {catalogue.coaching[mode]}" for mode in service.delivery),
        "  Rules that can recommend it:",
    ]
    rules = recommending_rules(rulebase, service_id)
    lines += [f"    {rule.id}: {rule.title} ({how})" for rule, how in rules] or ["    none"]
    return "\n".join(lines) + "\n"


def services_json(rulebase: RuleBase, service_id: str | None = None) -> dict[str, object]:
    """The catalogue (or one service, refused like :func:`describe_service` when unknown) as JSON-ready data."""
    catalogue = rulebase.catalogue
    if service_id is not None and service_id not in catalogue:
        raise UserError(f"no service {service_id!r} in the catalogue{suggest(service_id, catalogue.ids)}")
    chosen = [catalogue[service_id]] if service_id is not None else list(catalogue.services)
    return {
        "services": [
            {
                **service.model_dump(mode="json"),
                "step_name": STEP_NAMES[service.step],
                "element_name": ELEMENT_NAMES[service.element],
                "recommended_by": [
                    {"rule": rule.id, "how": how} for rule, how in recommending_rules(rulebase, service.id)
                ],
            }
            for service in chosen
        ]
    }
