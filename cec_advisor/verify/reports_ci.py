"""Reports for CI systems: JUnit XML for ``test``, GitHub Actions annotations and SARIF 2.1.0 for ``lint``.

- :func:`junit_xml`: one ``<testcase>`` per rule case (``classname`` the rule,
  ``name`` the case), a ``<failure>`` with every problem when it fails; what
  Jenkins, GitLab, Azure and the GitHub test-report actions read.
- :func:`github_annotations`: one ``::error file=…,line=…,title=…::message``
  workflow command per finding, so GitHub Actions marks the line in the diff.
- :func:`sarif`: the OASIS SARIF 2.1.0 log GitHub code scanning and other
  analysers take, with every check of the registry
  (:data:`cec_advisor.verify.lintcodes.CHECKS`) as a rule of the tool.

File paths are shown relative to the current folder when they are under it
(CI checks the repository out there), as given otherwise.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from cec_advisor import __version__
from cec_advisor.verify.lintcodes import CHECKS

if TYPE_CHECKING:
    from cec_advisor.verify.lint import Finding
    from cec_advisor.verify.rulecases import RuleCaseResult

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/cec-advisor/"


def shown_path(file: str) -> str:
    """``file`` relative to the current folder when it lies under it, with ``/`` separators."""
    path = Path(file)
    try:
        return path.absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def _xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (shown as ``\\xNN`` instead)."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def junit_xml(results: Sequence[RuleCaseResult], *, suite: str = "cec-advisor rule cases") -> str:
    """The rule-case results as a JUnit XML report."""
    failures = sum(1 for r in results if not r.passed)
    seconds = sum(r.seconds for r in results)
    counts = {"tests": str(len(results)), "failures": str(failures), "errors": "0", "skipped": "0"}
    root = ET.Element("testsuites", {"name": suite, **counts, "time": f"{seconds:.3f}"})
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
    tests = ET.SubElement(root, "testsuite", {"name": suite, **counts, "time": f"{seconds:.3f}", "timestamp": stamp})
    for result in results:
        loaded = result.case
        case = ET.SubElement(
            tests,
            "testcase",
            {
                "classname": _xml_text(loaded.rule),
                "name": _xml_text(loaded.case.name),
                "file": _xml_text(shown_path(loaded.file)),
                "time": f"{result.seconds:.3f}",
            },
        )
        if not result.passed:
            failure = ET.SubElement(case, "failure", {"message": _xml_text(result.problems[0])})
            failure.text = _xml_text("\n".join(result.problems))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(findings: Sequence[Finding]) -> str:
    """One GitHub Actions ``::error`` workflow command per finding (empty text when there are none)."""
    lines = []
    for finding in findings:
        properties = [f"file={_escape_property(shown_path(finding.file))}"]
        if finding.line:
            properties.append(f"line={finding.line}")
        check = CHECKS.get(finding.code)
        title = f"{finding.code} {check.title}" if check else finding.code
        properties.append(f"title={_escape_property(title)}")
        lines.append(f"::error {','.join(properties)}::{_escape_data(finding.detail())}\n")
    return "".join(lines)


def sarif(findings: Sequence[Finding]) -> str:
    """The findings as a SARIF 2.1.0 log (JSON), every check code a rule of the ``cec-advisor`` driver."""
    codes = list(CHECKS)
    rules = [
        {
            "id": check.code,
            "name": "".join(word.capitalize() for word in re.findall(r"[a-z0-9]+", check.title)),
            "shortDescription": {"text": check.title},
            "defaultConfiguration": {"level": "error"},
            "helpUri": INFORMATION_URI,
        }
        for check in CHECKS.values()
    ]
    results = []
    for finding in findings:
        location: dict[str, Any] = {"artifactLocation": _artifact(finding.file)}
        if finding.line:
            location["region"] = {"startLine": finding.line}
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "level": "error",
            "message": {"text": finding.detail()},
            "locations": [{"physicalLocation": location}],
        }
        if finding.code in CHECKS:
            result["ruleIndex"] = codes.index(finding.code)
        if finding.witness is not None:
            result["properties"] = {"witness": finding.witness}
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cec-advisor",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _artifact(file: str) -> dict[str, str]:
    """Where a file is, for SARIF: relative to the checkout (``%SRCROOT%``) when under it, else an absolute URI."""
    absolute = Path(file).absolute()
    try:
        relative = absolute.relative_to(Path.cwd())
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": "%SRCROOT%"}
