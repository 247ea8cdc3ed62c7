"""The batch's summary table: one row per case file, as CSV for spreadsheets or JSON for tools.

A planned case's row holds its key decisions and first services; a case that
could not be planned has only its id, name, file and error. The table is
written as the batch goes, one piece at a time (see :class:`SummaryText`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from cec_advisor.io.safetext import csv_safe
from cec_advisor.plan.build import Plan

SUMMARY_FORMATS = {"csv": "summary.csv", "json": "summary.json"}
"""The summary's formats and file names: a spreadsheet's CSV, or JSON for tools."""
SUMMARY_COLUMNS = (
    "id",
    "name",
    "file",
    "commitment",
    "readiness",
    "emphasis",
    "plan_type",
    "services",
    "first_services",
    "warnings",
    "error",
)

__all__ = [
    "SUMMARY_COLUMNS",
    "SUMMARY_FORMATS",
    "SummaryText",
    "error_row",
    "json_row",
    "summary_row",
]


def summary_row(plan: Plan, file: str) -> dict[str, str]:
    """The summary.csv row of a planned case."""
    return {
        "id": plan.case_id,
        "name": plan.case_name,
        "file": file,
        "commitment": str(plan.value("commitment")),
        "readiness": str(plan.value("readiness")),
        "emphasis": str(plan.value("emphasis")),
        "plan_type": str(plan.value("plan_type")),
        "services": str(len(plan.services)),
        "first_services": "; ".join(s.id for s in plan.services[:3]),
        "warnings": "; ".join(w.rule for w in plan.warnings),
        "error": "",
    }


def error_row(file: str, error: str, case_id: str = "", name: str = "") -> dict[str, str]:
    """The summary.csv row of a case that could not be planned."""
    row = dict.fromkeys(SUMMARY_COLUMNS, "")
    row.update({"id": case_id, "name": name, "file": file, "error": error})
    return row


def json_row(row: dict[str, str]) -> dict[str, object]:
    """A summary row for JSON: the number of services as a number, the lists as lists."""
    data: dict[str, object] = dict(row)
    data["services"] = int(row["services"]) if row["services"] else None
    for column in ("first_services", "warnings"):
        data[column] = row[column].split("; ") if row[column] else []
    return data


def _csv_line(cells: Iterable[str]) -> str:
    """One CSV record, ending in a newline."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(list(cells))
    return buffer.getvalue()


class SummaryText:
    """The summary file's text, piece by piece: its start, each case's row, its end.

    CSV: a header line, then one line per row with every cell made safe for
    spreadsheets (:func:`~cec_advisor.io.safetext.csv_safe`). JSON: an object
    whose ``cases`` list holds :func:`json_row` rows, one per line, closed by
    the counts of planned and failed cases.
    """

    def __init__(self, summary_format: str) -> None:
        self.summary_format = summary_format
        self.rows = 0

    def start(self) -> str:
        """What the file begins with: the CSV header, or the opening of the JSON object."""
        return _csv_line(SUMMARY_COLUMNS) if self.summary_format == "csv" else '{"cases": ['

    def row(self, row: dict[str, str]) -> str:
        """One case's row."""
        first = self.rows == 0
        self.rows += 1
        if self.summary_format == "csv":
            return _csv_line(csv_safe(row[column]) for column in SUMMARY_COLUMNS)
        return ("" if first else ",") + "\n  " + json.dumps(json_row(row), ensure_ascii=False)

    def end(self, planned: int, failed: int) -> str:
        """What the file ends with: nothing for CSV, the close of the list and the counts for JSON."""
        if self.summary_format == "csv":
            return ""
        return f'\n], "planned": {planned}, "failed": {failed}}}\n'
