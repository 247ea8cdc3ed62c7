"""The package's layout is its architecture: a core pipeline, role packages over it, and a thin CLI.

The core (errors, io, model, rulebase, engine, plan, render, advisor) imports
no role package; each core layer imports only layers below it; role packages
(consult, explain, verify) import the core and not each other's code; only the
CLI imports every role. Imports under ``if TYPE_CHECKING:`` are for types only
and do not count; imports inside functions do (they run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "cec_advisor"
CORE_LAYERS = ("errors", "limits", "io", "model", "rulebase", "engine", "plan", "render", "advisor")
"""The core, bottom first: a layer may import itself and the layers before it."""
ROLES = ("consult", "explain", "verify")
TOP = ("__init__", "__main__", "entry", "cli")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50
LONG_REASON = "Long because"
"""The phrase a module's or function's docstring uses to give the reason it is over the size limit."""


def _part(path: Path) -> str:
    """The layer or role a module belongs to: its first name under cec_advisor/."""
    first = path.relative_to(PACKAGE).parts[0]
    return first.removesuffix(".py")


def _runtime_imports(path: Path) -> list[tuple[int, str]]:
    """The cec_advisor modules a file imports at run time (line, dotted name), type-only imports left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cec_advisor"):
            names = [node.module] if node.module != "cec_advisor" else [f"cec_advisor.{a.name}" for a in node.names]
            found.extend((node.lineno, name) for name in names)
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names if a.name.startswith("cec_advisor"))
    return found


def _target(dotted: str) -> str:
    """The layer or role a dotted import names (``cec_advisor.plan.build`` -> ``plan``)."""
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_belongs_to_a_known_part() -> None:
    """Every module sits in a core layer, a role package or the CLI: a new folder must be placed on purpose."""
    known = {*CORE_LAYERS, *ROLES, *TOP}
    assert sorted({_part(path) for path in MODULES} - known) == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_imports_follow_the_architecture(path: Path) -> None:
    """The core imports only lower core layers; a role imports the core and itself; only the CLI imports roles."""
    part = _part(path)
    wrong = []
    for line, dotted in _runtime_imports(path):
        target = _target(dotted)
        if dotted == "cec_advisor.__version__":
            continue
        if part in CORE_LAYERS:
            allowed = set(CORE_LAYERS[: CORE_LAYERS.index(part) + 1]) | {"__init__"}
        elif part in ROLES:
            allowed = {*CORE_LAYERS, part, "__init__"}
        else:
            allowed = {*CORE_LAYERS, *ROLES, *TOP}
        if target not in allowed:
            wrong.append(f"{path.relative_to(ROOT)}:{line} imports {dotted}")
    assert wrong == []


def _size_problems() -> list[str]:
    problems = []
    for path in MODULES:
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        where = path.relative_to(ROOT)
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES and LONG_REASON not in (ast.get_docstring(tree) or ""):
            problems.append(f"{where}: {lines} lines")
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > MAX_FUNCTION_LINES and LONG_REASON not in (ast.get_docstring(node) or ""):
                    problems.append(f"{where}:{node.lineno}: {node.name} is {size} lines")
    return problems


def test_modules_and_functions_are_small_or_say_why() -> None:
    """No module over 400 lines and no function over 50 unless its docstring says 'Long because ...'."""
    assert _size_problems() == []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _declared_all(path: Path) -> list[str] | None:
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return list(ast.literal_eval(node.value))
    return None


def _isort(name: str) -> tuple[int, str]:
    """isort's order for ``__all__`` (as ruff's RUF022): CONSTANTS, then Classes, then functions."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def test_every_all_is_sorted_and_lists_what_others_import() -> None:
    """A module's ``__all__`` is sorted and names every public name another module or test imports from it."""
    exported = {_module_name(path): names for path in MODULES if (names := _declared_all(path)) is not None}
    problems = [
        f"{module}: __all__ is not sorted" for module, names in exported.items() if names != sorted(names, key=_isort)
    ]
    importers = [*MODULES, *(ROOT / "tests").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]
    for path in importers:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in exported:
                problems.extend(
                    f"{path.relative_to(ROOT)}:{node.lineno}: {alias.name} is not in {node.module}.__all__"
                    for alias in node.names
                    if not alias.name.startswith("_") and alias.name not in exported[node.module]
                )
    assert problems == []
