"""The JSON plan (its contract: docs/pathway.md): one object, stable key order, byte-identical per input."""

from __future__ import annotations

from typing import Any

import orjson

from cec_advisor.plan.build import PLAN_FORMAT, Plan, PlannedService, Reason


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as JSON-ready data, keys in contract order."""
    data: dict[str, Any] = {
        "format": PLAN_FORMAT,
        "case": {"id": plan.case_id, "name": plan.case_name, "level": plan.level},
    }
    data.update(_top_level_decisions(plan))
    data["greatest_areas_of_need"] = list(plan.greatest_areas_of_need)
    data["weakest_indicators"] = list(plan.weakest_indicators)
    data["capacity"] = {"concurrent_services": plan.capacity, "assumed": plan.capacity_assumed}
    data["timeline"] = {"period": "school year", "horizon": plan.horizon, "milestone_phase": plan.milestone_phase}
    data["services"] = [_service(s) for s in plan.services]
    data["decisions"] = {
        d.decision: {"value": d.value, "title": d.title, "reasons": [_reason(r) for r in d.reasons]}
        for d in plan.decisions
    }
    data["elements_untouched"] = list(plan.elements_untouched)
    data["warnings"] = [{"rule": w.rule, "message": w.message} for w in plan.warnings]
    data["undetermined"] = [
        {"decision": u.decision, "missing": list(u.missing), "settle_with": u.settle_with, "rules": list(u.rules)}
        for u in plan.undetermined
    ]
    data["trace"] = [
        {"rule": f.rule, "step": f.step, "facts": dict(f.facts), "concluded": "; ".join(f.concluded)}
        for f in plan.trace
    ]
    return data


def _top_level_decisions(plan: Plan) -> dict[str, Any]:
    """The decisions the contract (docs/pathway.md) puts at the top level: ``plan_field`` in decisions.yaml.

    ``transformation_possible`` is true, false or null when unknown (K19).
    """
    fields: dict[str, Any] = {}
    for outcome in plan.decisions:
        if outcome.plan_field:
            unknown = outcome.decision == "transformation_possible" and outcome.value == "undetermined"
            fields[outcome.decision] = None if unknown else outcome.value
    return fields


def _service(service: PlannedService) -> dict[str, Any]:
    """One planned service, keys in contract order."""
    return {
        "order": service.order,
        "id": service.id,
        "name": service.name,
        "step": service.step,
        "element": service.element,
        "phase": service.phase,
        "delivery": list(service.delivery),
        "requested": service.requested,
        "deferred": service.deferred,
        "after": list(service.after),
        "hands_over_to": list(service.hands_over_to),
        "urgency": service.urgency,
        "placement": service.placement,
        "first_round_phase": service.first_round_phase,
        "handoff": service.handoff,
        "owner": service.owner,
        "coaching": list(service.coaching),
        "reasons": [_reason(r) for r in service.reasons],
    }


def _reason(reason: Reason) -> dict[str, Any]:
    """One reason, keys in contract order."""
    return {"rule": reason.rule, "because": reason.because, "facts": dict(reason.facts), "source": reason.source}


def render_json(plan: Plan) -> str:
    """The plan as pretty-printed (2-space) UTF-8 JSON text ending in a newline."""
    return orjson.dumps(plan_to_dict(plan), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode()
