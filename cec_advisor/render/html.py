"""The HTML plan: one self-contained, printable page (no scripts, no network, no external assets).

Decisions with their reasons, warnings and open questions at the top, the
services as a phased timeline drawn in inline SVG, then each service with its
reasons, delivery, coaching and hand-off. All case and rule text is escaped.
"""

from __future__ import annotations

from html import escape

from cec_advisor.model.wording import decision_phrase, join_words, phrase
from cec_advisor.plan.build import Plan, PlannedService, Reason
from cec_advisor.render.diagram import build_diagram, to_svg, wrap_text
from cec_advisor.render.labels import ELEMENT_NAMES, STEP_NAMES, summary_decisions
from cec_advisor.render.sentences import delivery_intro, delivery_modes, open_question_sentences, service_names

STEP_COLOURS = {1: "#7b3f98", 2: "#2e6fb7", 3: "#2a8c82", 4: "#d08a1f", 5: "#3c8d3a"}
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:60rem;
color:#1d1d1f;line-height:1.45;padding:0 1rem}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:2px solid #ddd;padding-bottom:.2rem}
.meta{color:#555}.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.8rem}
.card{border:1px solid #ccc;border-radius:.5rem;padding:.6rem .8rem}.card b{display:block;font-size:1.15rem}
.card small{color:#555}.alert{border-left:.4rem solid #c0392b;background:#fdecea;padding:.6rem 1rem;margin:.6rem 0}
.open{border-left:.4rem solid #d08a1f;background:#fff4e0;padding:.6rem 1rem;margin:.6rem 0}
.service{border:1px solid #ddd;border-radius:.5rem;padding:.6rem 1rem;margin:.8rem 0;break-inside:avoid}
.service h3{margin:.1rem 0 .3rem}.tags{font-size:.85rem;color:#444}.flag{font-weight:600;color:#c0392b}
.reason small{color:#666}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25rem .5rem;
text-align:left;vertical-align:top}svg{max-width:100%;height:auto}
.card b,.service,.alert,.open,td{overflow-wrap:anywhere}
@media print{body{margin:0;max-width:none;font-size:10pt;line-height:1.3}h1{font-size:1.4rem}
h2{break-after:avoid;margin-top:1rem;font-size:1.15rem}h3{break-after:avoid;font-size:1rem}
.service{break-inside:auto;margin:.35rem 0;padding:.3rem .6rem}.service p{margin:.2rem 0}
.service ul{margin:.1rem 0}.cards{grid-template-columns:repeat(3,1fr);gap:.4rem}.card{padding:.3rem .5rem}
.alert,.open{padding:.3rem .6rem;margin:.3rem 0}details{display:block}}
"""


def render_html(plan: Plan, *, trace: bool = False) -> str:
    """The plan as a complete HTML document ending in a newline; ``trace`` adds the rule firings as an appendix."""
    title = f"Services plan: {plan.case_name}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">Case <code>{_e(plan.case_id)}</code> ({_e(phrase("level", plan.level))}), '
        "prepared with CEC Advisor following CEC's Collaborative Pathway to Continuous Improvement.</p>",
    ]
    parts += _alerts(plan)
    parts += _decisions(plan)
    parts += [
        '<h2 id="path">The path through the Pathway</h2>',
        "<p>Highlighted: the decisions taken for this case; grey: the branches not taken.</p>",
        to_svg(build_diagram(plan)),
    ]
    parts += _timeline(plan)
    parts += _delivery(plan)
    parts += ["<h2>The services, in order</h2>"]
    parts += [_service(service, plan) for service in plan.services]
    parts += _elements(plan)
    if trace:
        parts += _trace(plan)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _alerts(plan: Plan) -> list[str]:
    parts = []
    if plan.warnings:
        parts.append('<h2 id="warnings">Warnings</h2>')
        parts += [
            f'<div class="alert" role="alert"><b>Warning</b> ({_e(w.rule)}): {_e(w.message)}</div>'
            for w in plan.warnings
        ]
    if plan.undetermined:
        parts.append('<h2 id="open-questions">Open questions</h2>')
        for question in open_question_sentences(plan):
            parts.append(
                f'<div class="open">{_e(question.text)} <small>({_e(", ".join(question.rules))})</small></div>'
            )
    return parts


def _decisions(plan: Plan) -> list[str]:
    parts = ['<h2 id="decisions">Decisions</h2>', '<div class="cards">']
    for outcome, label in summary_decisions(plan):
        shown = decision_phrase(outcome.decision, outcome.value, plan.value("transformation_possible"))
        parts.append(f'<div class="card"><small>{_e(label)}</small><b>{_e(shown)}</b></div>')
    needs = ", ".join(phrase("need", n) for n in plan.greatest_areas_of_need) or "none identified"
    parts.append(f'<div class="card"><small>Greatest areas of need</small><b>{_e(needs)}</b></div>')
    assumed = " (assumed)" if plan.capacity_assumed else ""
    parts.append(f'<div class="card"><small>Services at once</small><b>{plan.capacity}{assumed}</b></div></div>')
    for outcome, label in summary_decisions(plan):
        shown = decision_phrase(outcome.decision, outcome.value, plan.value("transformation_possible"))
        parts.append(f"<h3>{_e(label)}: {_e(shown)}</h3>")
        parts.append(_reasons(outcome.reasons))
    return parts


def _timeline(plan: Plan) -> list[str]:
    """An SVG Gantt-like picture: one column per school year (and one for later work), one bar per service.

    Bar labels wrap onto two lines instead of being cut; the full name is the bar's tooltip.
    """
    phases = sorted({s.phase for s in plan.services})
    rows = max(sum(1 for s in plan.services if s.phase == p) for p in phases)
    column, bar, gap, top = 230, 38, 6, 34
    width = column * len(phases) + 10
    height = top + rows * (bar + gap) + 40
    parts = [
        '<h2 id="timeline">Timeline</h2>',
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Year-by-year timeline of {len(plan.services)} services">',
    ]
    for index, phase in enumerate(phases):
        x = 5 + index * column
        deferred = all(s.deferred for s in plan.services if s.phase == phase)
        label = "Later work" if deferred else f"Year {phase}"
        parts.append(f'<text x="{x + 4}" y="20" font-size="15" font-weight="bold">{_e(label)}</text>')
        for row, service in enumerate(s for s in plan.services if s.phase == phase):
            y = top + row * (bar + gap)
            dash = ' stroke-dasharray="4 3"' if service.deferred else ""
            opacity = "0.45" if service.deferred else "0.9"
            text = f"{service.order}. {service.name}"
            lines = wrap_text(text, 30, 2)
            fill = STEP_COLOURS[service.step]
            ink = "#222" if service.deferred else "#fff"
            spans = "".join(
                f'<tspan x="{x + 6}" y="{y + 16 + i * 15}">{_e(line)}</tspan>' for i, line in enumerate(lines)
            )
            parts.append(
                f"<g><title>{_e(text)} (Step {service.step})</title>"
                f'<rect x="{x}" y="{y}" width="{column - 10}" height="{bar}" rx="4" fill="{fill}" '
                f'fill-opacity="{opacity}" stroke="#333"{dash}/>'
                f'<text font-size="12.5" fill="{ink}">{spans}</text></g>'
            )
    legend_y = height - 12
    for step, colour in STEP_COLOURS.items():
        x = 5 + (step - 1) * 150
        parts.append(
            f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{legend_y}" font-size="11">Step {step}</text>'
        )
    parts.append("</svg>")
    return parts


def _delivery(plan: Plan) -> list[str]:
    """Each delivery mode the plan uses and the coaching that follows it, said once for every service."""
    items = "".join(
        f"<li><b>{_e(mode.capitalize())}.</b> {_e(coaching) if plan.coaching_model else ''}</li>"
        for mode, coaching in delivery_modes(plan)
    )
    return ['<h2 id="delivery">How CEC delivers</h2>', f"<p>{_e(delivery_intro(plan))}</p><ul>{items}</ul>"]


def _service(service: PlannedService, plan: Plan) -> str:
    flags = []
    if service.requested:
        flags.append('<span class="flag">requested by the district</span>')
    if service.deferred:
        flags.append('<span class="flag">later work</span>')
    extra = []
    if service.after:
        extra.append(f"<p>Builds on: {_e(service_names(plan, service.after))}.</p>")
    if service.hands_over_to:
        extra.append(f"<p>Overlaps with and hands over to: {_e(service_names(plan, service.hands_over_to))}.</p>")
    when = "Later work" if service.deferred else f"Year {service.phase}"
    placement = f"<p><b>When:</b> {_e(service.placement)}</p>" if service.placement else ""
    return (
        f'<section class="service" id="service-{_e(service.id)}"><h3>{service.order}. {_e(service.name)}</h3>'
        f'<div class="tags">{when} · Step {service.step}: {_e(STEP_NAMES[service.step])} · '
        f"{_e(ELEMENT_NAMES[service.element])} · <code>{_e(service.id)}</code> {' '.join(flags)}</div>"
        f"<p>{_e(service.summary)}</p>{placement}<b>Why</b>{_reasons(service.reasons)}"
        f"<p><b>Delivery:</b> {_e(join_words(list(service.delivery)))}.</p>"
        + "".join(extra)
        + f"<p><b>Hand-off:</b> {_e(service.handoff)} <i>Owner after hand-off: {_e(service.owner)}.</i></p></section>"
    )


def _elements(plan: Plan) -> list[str]:
    rows = []
    for element, name in ELEMENT_NAMES.items():
        count = sum(1 for s in plan.services if s.element == element and not s.diagnostic)
        rows.append(f"<tr><td>{_e(name)}</td><td>{count if count else '<b>not addressed</b>'}</td></tr>")
    return [
        '<h2 id="elements">Framework for Change</h2>',
        "<table><tr><th>Element</th><th>Services</th></tr>",
        *rows,
        "</table>",
    ]


def _trace(plan: Plan) -> list[str]:
    items = "".join(
        f"<li><code>{_e(f.rule)}</code> (Step {f.step}): {_e('; '.join(f.concluded))}</li>" for f in plan.trace
    )
    return [
        '<h2 id="trace">Appendix: how the advisor decided</h2>',
        f"<details><summary>{len(plan.trace)} rule firings, in firing order</summary><ol>{items}</ol></details>",
    ]


def _reasons(reasons: tuple[Reason, ...]) -> str:
    items = "".join(
        f'<li class="reason">{_e(r.because)} <small>({_e(r.rule)}; {_e(r.source)})</small></li>' for r in reasons
    )
    return f"<ul>{items or '<li>no rule concluded this</li>'}</ul>"


def _e(text: str) -> str:
    return escape(text, quote=True)
