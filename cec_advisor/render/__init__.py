"""Renderers: a plan as JSON (the contract), Markdown or a self-contained HTML page."""

from __future__ import annotations

from collections.abc import Callable

from cec_advisor.plan import Plan
from cec_advisor.render.html import render_html
from cec_advisor.render.json import render_json
from cec_advisor.render.markdown import render_markdown

RENDERERS: dict[str, Callable[[Plan], str]] = {
    "markdown": render_markdown,
    "json": render_json,
    "html": render_html,
}
"""Every output format by name."""

__all__ = ["RENDERERS", "render_html", "render_json", "render_markdown"]
