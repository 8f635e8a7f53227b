"""The client report as a PDF (fpdf2, core Helvetica, Windows-1252 text like the invoice PDF)."""

from __future__ import annotations

from typing import Any

from baton.core import formats


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


# --- Meeting preparation: the pre-meeting brief and the QBR pack ---------------------------------------------------


def _pdf(title: str, subtitle: str) -> Any:
    from fpdf import FPDF  # noqa: PLC0415 (loaded with the first PDF, as above)

    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, _text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, _text(subtitle), new_x="LMARGIN", new_y="NEXT")
    return pdf


def _section(pdf: Any, title: str, rows: list[str], empty: str = "None.") -> None:
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, _text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for r in rows or [empty]:
        pdf.multi_cell(0, 5, _text(f"- {r}"), new_x="LMARGIN", new_y="NEXT")


def _burn_line(row: dict[str, Any], show_money: bool) -> str:
    burn = row["burn"]
    line = f"{row['project']}: {formats.hm(burn.spent_minutes)} of {formats.hm(burn.budget_minutes)} h"
    if show_money:
        line += (
            f"; {formats.money(burn.spent_amount, burn.currency)} of {formats.money(burn.budget_amount, burn.currency)}"
        )
    return line


def _goal_line(row: dict[str, Any], value_key: str) -> str:
    goal = row["goal"]
    value = row[value_key]
    now = f"{formats.number(value, 2, trim=True)} {goal.unit}".strip() if value is not None else "no value"
    pct = (
        f" ({formats.number(row['progress_pct'], 1, trim=True)} % of the way)"
        if row["progress_pct"] is not None
        else ""
    )
    target = f"{formats.number(goal.target, 2, trim=True)} {goal.unit}".strip()
    return f"{goal.title} - {goal.metric}: {now} against a target of {target}{pct}"


def render_meeting_brief(brief: dict[str, Any]) -> bytes:
    meeting, client = brief["meeting"], brief["client"]
    pdf = _pdf(
        f"Brief: {meeting.title} with {client.name}",
        f"{meeting.get_kind_display()} on {formats.when(meeting.starts_at)} - internal, not for the client",
    )
    health = brief["health"]
    _section(pdf, "Attendees", [f"{a['name']} ({a['side']})" for a in brief["attendees"]])
    _section(
        pdf,
        "Open next steps",
        [
            f"{s.description} ({s.owner.name if s.owner else (s.owner_contact.name if s.owner_contact else '-')}"
            + (f", due {formats.day(s.due_on)})" if s.due_on else ")")
            for s in brief["next_steps"]
        ],
    )
    _section(pdf, "Goals and KPIs", [_goal_line(g, "latest_value") for g in brief["goals"]])
    _section(
        pdf,
        f"Health: {health['score']} ({health['band'].replace('_', ' ')})",
        [r["explanation"] for r in brief["health_reasons"]],
        "No signal is holding the score back.",
    )
    _section(
        pdf,
        f"Decisions since {formats.day(brief['since'])}",
        [f"{formats.day(d.decided_on)}: {d.title}" + (" (internal)" if d.internal else "") for d in brief["decisions"]],
    )
    _section(
        pdf,
        "Budget" + (" (shared with the client)" if brief["budget_shared"] else " (not shared with the client)"),
        [_burn_line(b, brief["show_money"]) for b in brief["budgets"]],
    )
    _section(pdf, "Risks", brief["risks"])
    return bytes(pdf.output())


def render_qbr(pack: dict[str, Any]) -> bytes:
    client = pack["client"]
    pdf = _pdf(
        f"{client.name}: quarterly business review {pack['quarter']}",
        f"{formats.day(pack['start'])} - {formats.day(pack['end'])}"
        + ("" if pack["client_facing"] else " - internal version"),
    )
    _section(pdf, "Results against goals", [_goal_line(g, "value") for g in pack["goals"]])
    _section(pdf, "Milestones reached", [f"{m.name} ({m.project.name})" for m in pack["milestones"]])
    _section(pdf, "Tasks done", [f"{t.title} ({t.project.name})" for t in pack["tasks"]])
    _section(
        pdf,
        f"Hours by project ({formats.hm(pack['total_minutes'])} in all)",
        [f"{h['project']}: {formats.hm(h['minutes'])}" for h in pack["hours"]],
    )
    if pack["budgets"]:
        _section(pdf, "Budget", [_burn_line(b, pack["show_money"]) for b in pack["budgets"]])
    _section(
        pdf,
        "Decisions",
        [f"{formats.day(d.decided_on)}: {d.title}" + (" (internal)" if d.internal else "") for d in pack["decisions"]],
    )
    if not pack["client_facing"]:
        health = pack["health"]
        _section(pdf, f"Health (internal): {health['score']} ({health['band']})", [])
        _section(pdf, "Escalations this quarter (internal)", [e.title for e in pack["escalations"]])
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, "Next quarter", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 5, _text(pack["proposal"]), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
