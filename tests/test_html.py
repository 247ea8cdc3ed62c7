"""The HTML report: self-contained, escaped, and checked in a real headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cec_advisor.advisor import Advisor
from cec_advisor.model.case import parse_case
from cec_advisor.render.html import render_html

from .conftest import CASES, SAMPLE_CASES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
SCRIPT_CASE = b"format: cec-case/1\nid: x\nname: '<script>alert(1)</script> & <b>Co</b>'\nlevel: school\n"


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_report_is_self_contained(advisor: Advisor, path: Path) -> None:
    """No scripts, no external stylesheets, images or fonts: one file that works offline."""
    page = render_html(advisor.plan_file(path))
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert page.count("<svg") == 2 and "Year 1" in page, "the path diagram and the timeline"


def test_case_text_is_escaped(advisor: Advisor) -> None:
    """A case name with markup is shown as text."""
    page = render_html(advisor.plan(parse_case(SCRIPT_CASE, "x.yaml")))
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;" in page


def test_warnings_and_open_questions_come_first(advisor: Advisor) -> None:
    """Warnings and open questions appear before the decisions and services."""
    page = render_html(advisor.plan_file(CASES / "unknown-facts.yaml"))
    assert page.index('id="warnings"') < page.index('id="open-questions"') < page.index('id="decisions"')
    assert page.index('id="decisions"') < page.index('id="timeline"')


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (.ci/run installs the Debian package)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def _script_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "CONSOLE" in line and re.search(r"Uncaught|Error", line)]


def test_browser_check_detects_script_errors(tmp_path: Path) -> None:
    """The console check used below does catch a page with a script error."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><script>notDefined();</script></body></html>")
    result = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert _script_errors(result.stderr), result.stderr[-2000:]


@pytest.mark.parametrize("name", ["riverside-adversarial", "unknown-facts"])
def test_report_renders_and_prints_in_chromium(tmp_path: Path, advisor: Advisor, name: str) -> None:
    """Chromium renders the report with its timeline and services, prints it to PDF, and logs no script error."""
    page = tmp_path / f"{name}.html"
    plan = advisor.plan_file(CASES / f"{name}.yaml")
    page.write_text(render_html(plan), encoding="utf-8")
    rendered = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert rendered.returncode == 0, rendered.stderr[-2000:]
    assert "<svg" in rendered.stdout
    assert rendered.stdout.count('class="service"') == len(plan.services)
    assert _script_errors(rendered.stderr) == []
    pdf = tmp_path / f"{name}.pdf"
    printed = _chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    assert printed.returncode == 0, printed.stderr[-2000:]
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    assert _script_errors(printed.stderr) == []


def test_markup_in_a_case_name_stays_text_in_the_browser(tmp_path: Path, advisor: Advisor) -> None:
    """In the rendered DOM the case name is text: no script element, no bold element from the name."""
    page = tmp_path / "script.html"
    page.write_text(render_html(advisor.plan(parse_case(SCRIPT_CASE, "x.yaml"))), encoding="utf-8")
    result = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert "<script" not in result.stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result.stdout
    assert _script_errors(result.stderr) == []


_OVERFLOW_PROBE = """<script>
window.addEventListener('load', () => {
  const bad = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('svg') || el.id === 'overflow-report') continue;
    if (getComputedStyle(el).display === 'inline') continue;
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
      bad.push(el.tagName + ': ' + el.textContent.trim().slice(0, 50));
    }
  }
  for (const g of document.querySelectorAll('svg g')) {
    const rect = g.querySelector('rect'), text = g.querySelector('text');
    if (!rect || !text) continue;
    const r = rect.getBBox(), t = text.getBBox();
    if (t.x + t.width > r.x + r.width + 1 || t.y + t.height > r.y + r.height + 2) {
      bad.push('svg: ' + text.textContent.trim().slice(0, 50));
    }
  }
  const svgTitles = [...document.querySelectorAll('svg > text')];
  for (let i = 0; i + 1 < svgTitles.length; i++) {
    const a = svgTitles[i].getBBox(), b = svgTitles[i + 1].getBBox();
    if (Math.abs(a.y - b.y) < 1 && a.x < b.x && a.x + a.width > b.x) bad.push('svg title: ' + svgTitles[i].textContent);
  }
  const out = document.createElement('pre');
  out.id = 'overflow-report';
  out.textContent = JSON.stringify(bad);
  document.body.appendChild(out);
});
</script>"""


def _pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_report_prints_compactly_and_no_text_overflows(tmp_path: Path, advisor: Advisor, path: Path) -> None:
    """In Chromium, no text box or SVG label overflows its box, and the plan prints compactly
    (at most 7 + 0.2 pages a service on Letter with default margins: a 25-service plan in 12 pages)."""
    import html as html_module

    plan = advisor.plan_file(path)
    page = render_html(plan)
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", _OVERFLOW_PROBE + "</body>"), encoding="utf-8")
    rendered = _chromium(tmp_path, "--virtual-time-budget=5000", "--window-size=1280,900", "--dump-dom", probe.as_uri())
    found = re.search(r'<pre id="overflow-report">(.*?)</pre>', rendered.stdout, re.S)
    assert found, rendered.stderr[-2000:]
    assert html_module.unescape(found.group(1)) == "[]"
    report = tmp_path / "report.html"
    report.write_text(page, encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    _chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", report.as_uri())
    assert _pages(pdf) <= 7 + 0.2 * len(plan.services), (_pages(pdf), len(plan.services))
