"""The client report as a PDF (fpdf2, core Helvetica, Windows-1252 text like the invoice PDF)."""

from __future__ import annotations

from typing import Any


def _text(value: object) -> str:
    return str(value).encode("cp1252", errors="replace").decode("cp1252")


def render_client_report(report: dict[str, Any]) -> bytes:
    # fpdf2 and what it loads (~50 MB) come with the first PDF a process renders, not into every web worker.
    from fpdf import FPDF  # noqa: PLC0415

    client = report["client"]
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _text(f"{client.name}: progress against your goals"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, _text(f"Report of {report['date']:%d %B %Y}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, "Goals", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    if not report["goals"]:
        pdf.cell(0, 6, "No goals recorded yet.", new_x="LMARGIN", new_y="NEXT")
    for row in report["goals"]:
        goal = row["goal"]
        pct = row["progress_pct"]
        latest = row["latest_value"]
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(0, 6, _text(goal.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(
            0,
            5,
            _text(
                f"{goal.metric}: baseline {goal.baseline} {goal.unit}, target {goal.target} {goal.unit}"
                + (f" by {goal.target_date:%d %b %Y}" if goal.target_date else "")
                + (f"; now {latest} {goal.unit} ({pct} % of the way)" if latest is not None else "; no value yet")
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        width = 120
        x, y = pdf.get_x(), pdf.get_y() + 1
        pdf.set_fill_color(230, 230, 230)
        pdf.rect(x, y, width, 3, style="F")
        if pct:
            pdf.set_fill_color(40, 120, 80)
            pdf.rect(x, y, width * float(pct) / 100, 3, style="F")
        pdf.ln(6)
    for title, rows in (
        ("Milestones reached", [f"{m.name} ({m.project.name})" for m in report["milestones"]]),
        ("Status updates", [u.subject for u in report["status_updates"]]),
        ("Decisions", [f"{d.decided_on:%d %b}: {d.title}" for d in report["decisions"]]),
    ):
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        for r in rows or ["None in the last 90 days."]:
            pdf.multi_cell(0, 5, _text(f"- {r}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
