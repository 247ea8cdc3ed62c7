"""The JSON Schema of the case format, for editors (YAML language server) and other tools."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cec_advisor.case import CASE_FORMAT, Case

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def case_json_schema(service_ids: Iterable[str]) -> dict[str, Any]:
    """The JSON Schema of ``cec-case/1``; ``request.service`` lists the catalogue's service ids."""
    schema = {"$schema": SCHEMA_DIALECT, "title": f"CEC Advisor case file ({CASE_FORMAT})", **Case.model_json_schema()}
    schema["description"] = "Diagnostic facts about one district or school (the cec-case/1 format)."
    request = schema["$defs"]["Request"]["properties"]
    request["service"] = {"enum": sorted(service_ids), "description": "A service id from the catalogue"}
    return schema
