"""Load a rules directory: read its files, validate them and return a :class:`RuleBase`."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from cec_advisor.errors import RuleFileError, UserError
from cec_advisor.io.fileio import NotARegularFileError, read_regular
from cec_advisor.io.validation import validate_model
from cec_advisor.io.yamlsource import read_yaml
from cec_advisor.rulebase.catalogue import load_catalogue
from cec_advisor.rulebase.checker import RuleChecker
from cec_advisor.rulebase.files import DecisionsFile, TiersFile
from cec_advisor.rulebase.model import (
    ELEMENT_DECISION,
    MAX_RULES,
    SERVICE_DECISION,
    Decision,
    Rule,
    RuleBase,
    Tier,
)

NOT_RULE_FILES = ("decisions.yaml", "services.yaml", "tiers.yaml")
"""The files of a rules directory that are not rule files."""


def default_rules_dir() -> Path:
    """The rule base shipped with the advisor (the repository's ``rules/`` when run from a checkout)."""
    here = Path(__file__).resolve().parent.parent
    checkout = here.parent / "rules"
    return checkout if (checkout / "decisions.yaml").is_file() else here / "_rules"


def load_rulebase(directory: Path | None = None) -> RuleBase:
    """Load and validate a rules directory (default: :func:`default_rules_dir`)."""
    root = directory or default_rules_dir()
    if not root.is_dir():
        raise RuleFileError(str(root), None, None, "rules directory not found")
    digest = hashlib.sha256()
    decisions = _load_decisions(root / "decisions.yaml")
    catalogue = load_catalogue(root / "services.yaml")
    tiers = _load_tiers(root / "tiers.yaml")
    rule_files = sorted(p for p in root.glob("*.yaml") if p.name not in NOT_RULE_FILES)
    if not rule_files:
        raise RuleFileError(str(root), None, None, "no rule files (*.yaml) found")
    for path in [*(root / name for name in NOT_RULE_FILES), *rule_files]:
        try:
            content = read_regular(path, 1 << 24)
        except NotARegularFileError:
            raise RuleFileError(
                str(path), None, None, "not a regular file (a FIFO, device or socket); refused"
            ) from None
        except OSError:
            continue  # missing or unreadable: read_yaml below reports it with the file named
        digest.update(path.name.encode() + b"\0" + content + b"\0")
    documents = [read_yaml(path, RuleFileError) for path in rule_files]
    count = sum(_rule_count(document.data) for document in documents)
    if count > MAX_RULES:
        raise UserError(
            f"{root}: the rule base holds {count} rules, more than the {MAX_RULES} the rule engine can run; "
            "remove or merge rules"
        )
    checker = RuleChecker(decisions, catalogue, tiers)
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for document in documents:
        for rule in checker.check_file(document):
            if rule.id in seen:
                raise RuleFileError(
                    rule.file,
                    rule.line,
                    "id",
                    f"duplicate rule id {rule.id!r} (first in {seen[rule.id]})",
                    code="CEC104",
                )
            seen[rule.id] = f"{rule.file}:{rule.line}"
            rules.append(rule)
    return RuleBase(decisions, catalogue, tiers, tuple(rules), digest.hexdigest()[:16])


def _rule_count(data: Any) -> int:
    """How many rules a parsed rule file lists (before they are validated)."""
    rules = data.get("rules") if isinstance(data, dict) else None
    return len(rules) if isinstance(rules, list) else 0


def _load_decisions(path: Path) -> dict[str, Decision]:
    document = read_yaml(path, RuleFileError)
    parsed = validate_model(DecisionsFile, document.data, document.locator, RuleFileError)
    decisions: dict[str, Decision] = {}
    for index, model in enumerate(parsed.decisions):
        if model.outcome is not None and any(d.outcome == model.outcome for d in decisions.values()):
            line = document.locator.line_of(("decisions", index, "outcome"))
            raise RuleFileError(
                document.locator.file, line, f"decisions[{index}].outcome", f"outcome place {model.outcome} is taken"
            )
        if model.id in decisions or model.id in (SERVICE_DECISION, ELEMENT_DECISION):
            line = document.locator.line_of(("decisions", index, "id"))
            raise RuleFileError(
                document.locator.file,
                line,
                f"decisions[{index}].id",
                f"duplicate or reserved decision id {model.id!r}",
                code="CEC104",
            )
        decisions[model.id] = Decision(
            model.id,
            model.title,
            model.values,
            model.single,
            model.required,
            model.source,
            summary=model.summary,
            plan_field=model.plan_field,
            outcome=model.outcome,
        )
    return decisions


def _load_tiers(path: Path) -> tuple[Tier, ...]:
    """The tiers of ``tiers.yaml`` in firing order (rank 0 fires first); a tier id may be declared once."""
    document = read_yaml(path, RuleFileError)
    parsed = validate_model(TiersFile, document.data, document.locator, RuleFileError)
    tiers: dict[str, Tier] = {}
    for rank, model in enumerate(parsed.tiers):
        if model.id in tiers:
            raise RuleFileError(
                document.locator.file,
                document.locator.line_of(("tiers", rank, "id")),
                f"tiers[{rank}].id",
                f"duplicate tier id {model.id!r}",
                code="CEC104",
            )
        tiers[model.id] = Tier(model.id, model.meaning.strip(), rank)
    return tuple(tiers.values())
