"""What the explanation tools share: the decisions that place a service, and the check of a service id."""

from __future__ import annotations

from cec_advisor.errors import UserError
from cec_advisor.io.validation import suggest
from cec_advisor.rulebase.model import RuleBase

ORDERING_DECISIONS = (
    "commitment_milestone",
    "diagnose_first",
    "defer_later_work",
    "phasing",
    "horizon",
    "assumed_capacity",
)
"""The decisions that place a service in the timeline (``why`` shows them; ``what-if`` names them for a move)."""
NOT_CONCLUDED = "not concluded"
"""A decision no rule concluded on a case, where the trainers' tools show values (as YAML writes them)."""


def known_service(rulebase: RuleBase, service_id: str) -> None:
    """Refuse (:class:`UserError`, with a suggestion) a service id the catalogue does not hold."""
    if service_id not in rulebase.catalogue:
        raise UserError(f"no service {service_id!r} in the catalogue{suggest(service_id, rulebase.catalogue.ids)}")


__all__ = ["NOT_CONCLUDED", "ORDERING_DECISIONS", "known_service"]
