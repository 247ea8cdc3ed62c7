"""schema: the JSON Schema of the case format validates every sample case."""

from __future__ import annotations

import json

from .conftest import CASES, invoke_cli


def test_schema_validates_the_sample_cases() -> None:
    """`schema` prints a JSON Schema that accepts every sample case and rejects a bad value."""
    import jsonschema
    import yaml

    code, out, _ = invoke_cli("schema")
    assert code == 0
    schema = json.loads(out)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted(CASES.glob("*.yaml")):
        assert list(validator.iter_errors(yaml.safe_load(path.read_text()))) == [], path.name
    bad = yaml.safe_load((CASES / "sig-school.yaml").read_text())
    bad["culture"]["trust"] = "medium"
    assert list(validator.iter_errors(bad))
    assert "slo-training" in schema["$defs"]["Request"]["properties"]["service"]["enum"]
