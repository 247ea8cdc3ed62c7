"""The JSON Schema of the case format, for editors (YAML language server) and other tools."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cec_advisor.model.case import CASE_FORMAT, INDICATOR_GROUPS, Case
from cec_advisor.model.wording import GROUP_NAMES, INDICATOR_NAMES, INDICATOR_RATINGS

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def case_json_schema(service_ids: Iterable[str]) -> dict[str, Any]:
    """The JSON Schema of ``cec-case/1``; ``request.service`` lists the catalogue's service ids."""
    schema = {"$schema": SCHEMA_DIALECT, "title": f"CEC Advisor case file ({CASE_FORMAT})", **Case.model_json_schema()}
    schema["description"] = "Diagnostic facts about one district or school (the cec-case/1 format)."
    request = schema["$defs"]["Request"]["properties"]
    request["service"] = {"enum": sorted(service_ids), "description": "A service id from the catalogue"}
    _describe_indicators(schema["$defs"]["FocusOnLearning"]["properties"])
    return schema


def _describe_indicators(properties: dict[str, Any]) -> None:
    """Give each Appendix C indicator A-P its name and rating scale, so an editor shows them while a case is written."""
    ratings = ", ".join(f"{value} {meaning}" for value, meaning in INDICATOR_RATINGS.items())
    for letter, name in INDICATOR_NAMES.items():
        group = next(g for g, letters in INDICATOR_GROUPS.items() if letter in letters)
        properties[letter]["title"] = f"{letter}: {name}"
        properties[letter]["description"] = (
            f"Appendix C indicator {letter}, {name} (one of the {GROUP_NAMES[group]} practices). "
            f"Rating: {ratings}; or unknown."
        )
