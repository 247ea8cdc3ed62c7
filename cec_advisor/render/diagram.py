"""A picture of the path a case took through the Pathway: Mermaid, Graphviz DOT, or inline SVG.

Each Pathway decision is a column holding every value it can take (from
``decisions.yaml``); the value the rules concluded is highlighted and the
branches not taken are greyed. The edges follow the taken values and are
labelled with the rules that concluded the next decision (from the trace).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from html import escape

from cec_advisor.model.scales import same_value
from cec_advisor.model.wording import plain_word
from cec_advisor.plan.build import Plan

COLUMNS = (
    ("commitment", 1, "Commitment"),
    ("transformation_possible", 1, "Transformation possible"),
    ("readiness", 2, "Readiness"),
    ("emphasis", 3, "Emphasis"),
    ("plan_type", 3, "Plan type"),
    ("track", 3, "Track"),
)


@dataclass(frozen=True)
class Node:
    """One box: a decision value (or the structures / support summary), taken or not."""

    id: str
    label: str
    step: int
    taken: bool


@dataclass(frozen=True)
class Edge:
    """A step along the taken path: the rules that concluded its target, and a short label naming them."""

    source: str
    target: str
    rules: tuple[str, ...]

    @property
    def label(self) -> str:
        """The first two rules, and how many more (the full list is the edge's tooltip in SVG)."""
        shown = ", ".join(self.rules[:2])
        return f"{shown} (+{len(self.rules) - 2} more)" if len(self.rules) > 2 else shown


@dataclass(frozen=True)
class PathDiagram:
    """The nodes in columns, and the edges of the path taken."""

    columns: tuple[tuple[str, tuple[Node, ...]], ...]
    edges: tuple[Edge, ...]


def build_diagram(plan: Plan) -> PathDiagram:
    """The diagram model of ``plan``: every value of each decision, the taken ones marked."""
    columns: list[tuple[str, tuple[Node, ...]]] = []
    path: list[tuple[str, tuple[str, ...]]] = []
    for decision, step, title in COLUMNS:
        outcome = next(d for d in plan.decisions if d.decision == decision)
        taken_value = outcome.value
        nodes = tuple(
            Node(
                f"{decision}_{_slug(value)}",
                f"{title}: {plain_word(value)}",
                step,
                same_value(value, taken_value),
            )
            for value in outcome.options
        )
        columns.append((title, nodes))
        rules = tuple(dict.fromkeys(r.rule for r in outcome.reasons))
        taken = next((n.id for n in nodes if n.taken), None)
        if taken:
            path.append((taken, rules))
    structures = [s for s in plan.services if s.step == 4]
    support = [s for s in plan.services if s.step == 5]
    teams = f"{len(structures)} structure service{'s' if len(structures) != 1 else ''}" if structures else "none needed"
    step4 = Node("structures", f"Structures: {teams}", 4, bool(structures))
    needs = ", ".join(plain_word(need) for need in plan.greatest_areas_of_need) or "no area of need"
    step5 = Node("support", f"Targeted support: {len(support)} services ({needs})", 5, bool(support))
    columns += [("Structures", (step4,)), ("Targeted support", (step5,))]
    structure_rules = tuple(dict.fromkeys(r.rule for s in structures for r in s.reasons))
    support_rules = tuple(dict.fromkeys(r.rule for s in support for r in s.reasons))
    path += [("structures", structure_rules), ("support", support_rules)]
    edges = tuple(Edge(a[0], b[0], b[1]) for a, b in itertools.pairwise(path))
    return PathDiagram(tuple(columns), edges)


def to_mermaid(diagram: PathDiagram) -> str:
    """The diagram as a Mermaid flowchart (left to right; untaken branches greyed)."""
    lines = ["flowchart LR"]
    for index, (title, nodes) in enumerate(diagram.columns):
        step = nodes[0].step
        lines.append(f'  subgraph c{index}["Step {step}: {_mermaid(title)}"]')
        lines.append("    direction TB")
        lines += [f'    {node.id}["{_mermaid(node.label)}"]' for node in nodes]
        lines.append("  end")
    for edge in diagram.edges:
        label = f"|{_mermaid(edge.label)}|" if edge.label else ""
        lines.append(f"  {edge.source} -->{label} {edge.target}")
    lines.append("  classDef taken fill:#d6eaff,stroke:#2e6fb7,stroke-width:2px,color:#111")
    lines.append("  classDef notTaken fill:#f2f2f2,stroke:#c8c8c8,color:#9a9a9a,stroke-dasharray:4 3")
    taken = [n.id for _, nodes in diagram.columns for n in nodes if n.taken]
    other = [n.id for _, nodes in diagram.columns for n in nodes if not n.taken]
    if taken:
        lines.append(f"  class {','.join(taken)} taken")
    if other:
        lines.append(f"  class {','.join(other)} notTaken")
    return "\n".join(lines) + "\n"


def to_dot(diagram: PathDiagram) -> str:
    """The diagram as Graphviz DOT (left to right; untaken branches grey and dashed)."""
    lines = ["digraph pathway {", "  rankdir=LR;", '  node [shape=box, style="rounded,filled", fontname="Helvetica"];']
    for index, (title, nodes) in enumerate(diagram.columns):
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f'    label="Step {nodes[0].step}: {_dot(title)}"; color="#bbbbbb";')
        for node in nodes:
            style = (
                'fillcolor="#d6eaff", color="#2e6fb7", penwidth=2'
                if node.taken
                else 'fillcolor="#f2f2f2", color="#c8c8c8", fontcolor="#9a9a9a", style="rounded,filled,dashed"'
            )
            label = "\\n".join(_dot(line) for line in wrap_text(node.label, 24, 4))
            lines.append(f'    {node.id} [label="{label}", {style}];')
        lines.append("  }")
    for edge in diagram.edges:
        label = "\\n".join(_dot(rule) for rule in edge.rules[:2]) + (
            f"\\n(+{len(edge.rules) - 2} more)" if len(edge.rules) > 2 else ""
        )
        lines.append(f'  {edge.source} -> {edge.target} [label="{label}", fontsize=10];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_svg(diagram: PathDiagram) -> str:
    """The diagram as inline SVG for the HTML report (no scripts, no external assets).

    Column titles take two lines (the step, then the decision), node labels
    wrap onto up to three lines and the columns wrap five to a row, so no text
    is cut, runs into its neighbour or shrinks below reading size on a page.
    """
    box_w, line_h, gap_x, gap_y, per_row = 168, 15, 30, 8, 5
    positions: dict[str, tuple[int, int, int]] = {}
    parts: list[str] = []
    height = width = 0
    row_top = 0
    for index, (title, nodes) in enumerate(diagram.columns):
        if index and index % per_row == 0:
            row_top = height + 16
        x = 10 + (index % per_row) * (box_w + gap_x)
        top = row_top + 44
        parts.append(
            f'<text x="{x}" y="{row_top + 16}" font-size="11" fill="#555">Step {nodes[0].step}</text>'
            f'<text x="{x}" y="{row_top + 32}" font-size="12" font-weight="bold">{escape(title)}</text>'
        )
        y = top
        for node in nodes:
            lines = wrap_text(node.label.split(": ", 1)[-1], 22, 3)
            box_h = 14 + line_h * len(lines)
            positions[node.id] = (x, y, box_h)
            fill, stroke, ink = ("#d6eaff", "#2e6fb7", "#111") if node.taken else ("#f2f2f2", "#c8c8c8", "#777")
            dash = "" if node.taken else ' stroke-dasharray="4 3"'
            text = "".join(
                f'<tspan x="{x + 8}" y="{y + 19 + i * line_h}">{escape(line)}</tspan>' for i, line in enumerate(lines)
            )
            parts.append(
                f'<g><title>{escape(node.label)}</title><rect x="{x}" y="{y}" width="{box_w}" '
                f'height="{box_h}" rx="6" fill="{fill}" stroke="{stroke}"{dash}/>'
                f'<text font-size="12" fill="{ink}">{text}</text></g>'
            )
            y += box_h + gap_y
        height = max(height, y)
        width = max(width, x + box_w + 10)
    for edge in diagram.edges:
        (x1, y1, h1), (x2, y2, h2) = positions[edge.source], positions[edge.target]
        parts.insert(
            0,
            f'<line x1="{x1 + box_w}" y1="{y1 + h1 // 2}" x2="{x2}" y2="{y2 + h2 // 2}" '
            f'stroke="#2e6fb7" stroke-width="2"><title>{escape(", ".join(edge.rules))}</title></line>',
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 4}" role="img" '
        f'aria-label="The path this case took through the Pathway">' + "".join(parts) + "</svg>"
    )


def wrap_text(text: str, width: int, most: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters (words kept whole), at most ``most`` lines."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > most:
        lines = [*lines[: most - 1], " ".join(lines[most - 1 :])]
        if len(lines[-1]) > width:
            lines[-1] = lines[-1][: width - 1] + "…"
    return lines or [""]


def _slug(value: object) -> str:
    return str(value).lower().replace(" ", "_").replace("-", "_")


def _mermaid(text: str) -> str:
    return text.replace('"', "#quot;").replace("|", "#124;")


def _dot(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


__all__ = ["PathDiagram", "build_diagram", "to_dot", "to_mermaid", "to_svg", "wrap_text"]
