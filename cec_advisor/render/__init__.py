"""Renderers: a plan as JSON (the contract), Markdown or a self-contained HTML page."""

from __future__ import annotations

from collections.abc import Callable

from cec_advisor.plan.build import Plan
from cec_advisor.render.html import render_html
from cec_advisor.render.json import render_json
from cec_advisor.render.markdown import render_markdown

RENDERERS: dict[str, Callable[[Plan], str]] = {
    "markdown": render_markdown,
    "json": render_json,
    "html": render_html,
}
"""Every output format by name (the district-facing formats without the trace appendix)."""


def render(fmt: str, plan: Plan, *, trace: bool = False) -> str:
    """The plan in format ``fmt``; ``trace`` adds the rule firings to Markdown and HTML (JSON always has them)."""
    if fmt == "markdown":
        return render_markdown(plan, trace=trace)
    if fmt == "html":
        return render_html(plan, trace=trace)
    return RENDERERS[fmt](plan)


__all__ = ["RENDERERS", "render", "render_html", "render_json", "render_markdown"]
