"""The Settings sheet's activities: each activity's time equation as input cells — its base
minutes per event and the minutes of each term (per line, if the client is new, if picked up …),
labelled in words — with its department, and the unit costs the policy reads.

An activity's minutes in the Model = base × the driver's events + Σ each term's minutes × the
term's quantity (`ClientMonths[<driver>__<term key>]`), as `clientload.model.costing`.
"""

from __future__ import annotations

from typing import Any

from clientload.export.book import Book, cell, column
from clientload.export.settings_cells import NONNEG, SHEET, Rows, act_name, term_name
from clientload.model.labels import equation_text, term_words


def write_activities(book: Book, sheet: Any, rows: Rows, settings: Any) -> None:
    _ = book._
    book.text(sheet, rows.next(), 0, _("Activities and their time equations"), "section")
    r = rows.next()
    sheet.set_row(r, 30)
    for c, h in enumerate(
        [
            _("Activity"),
            _("Base minutes per event"),
            _("Department"),
            _("Driver"),
            _("Interaction type"),
            _("Cost of one event"),
            _("Cost of the urgent extra"),
        ]
    ):
        book.text(sheet, r, c, h, "header")
    book.text(sheet, r, 10, _("Time equation at export (the terms are below)"), "header")
    first = rows.row
    for act in settings.activities.values():
        r = rows.next()
        book.text(sheet, r, 0, act.name)
        sheet.write_number(r, 1, act.minutes, book.fmt("input_number2"))
        book.define(act_name("min", act.name), SHEET, cell(r, 1, absolute=True))
        book.text(sheet, r, 2, act.department, "input_text")
        book.define(act_name("dept", act.name), SHEET, cell(r, 2, absolute=True))
        book.text(sheet, r, 3, act.driver)
        book.text(sheet, r, 4, act.type or "")
        rate = f"INDEX(dept_cpm,MATCH({cell(r, 2)},dept_names,0))"
        sheet.write_formula(r, 5, f"={cell(r, 1)}*{rate}", book.fmt("money2"))
        # The policy's urgent order costs the urgent term of the orders' equations too
        # (`clientload.model.policy.unit_cost`).
        urgent = [t for t in act.terms if t.key == "when_urgent"]
        if act.driver == "orders" and urgent:
            sheet.write_formula(
                r, 6, f"={term_name(act.name, 'when_urgent')}*{rate}", book.fmt("money2")
            )
        else:
            sheet.write_number(r, 6, 0, book.fmt("money2"))
        book.text(sheet, r, 10, equation_text(act, book.lang), "note")
    last = rows.row - 1
    for nm, letter in (
        ("act_names", "A"),
        ("act_drivers", "D"),
        ("act_event_cost", "F"),
        ("act_urgent_cost", "G"),
    ):
        book.define(nm, SHEET, f"${letter}${first + 1}:${letter}${max(last, first) + 1}")
    if settings.activities:
        sheet.data_validation(first, 1, last, 1, NONNEG)
        sheet.data_validation(first, 2, last, 2, {"validate": "list", "source": "=dept_names"})
    _terms(book, sheet, rows, settings)
    # The activities' departments in a row, in the Model's order of its act__ columns: each
    # department's minutes are one SUMIF over the client's row.
    r = rows.next()
    book.text(sheet, r, 0, _("Departments of the activities, in the Model's order"), "note")
    for i, act in enumerate(settings.activities.values(), start=1):
        sheet.write_formula(r, i, f'={act_name("dept", act.name)}&""', book.fmt("text"))
    if settings.activities:
        book.define(
            "act_dept_row", SHEET, f"$B${r + 1}:${column(len(settings.activities))}${r + 1}"
        )
    r = rows.next()
    book.text(
        sheet,
        r,
        0,
        _(
            "An event of an order driver takes the base minutes plus each term's minutes: per "
            "line, unit or change of its order, or when the order meets the term's condition. "
            "A contact takes its recorded minutes, else the base minutes."
        ),
        "note",
    )
    for driver, label in (
        ("order_changes", _("Cost of one order change")),
        ("urgent_orders", _("Cost of one urgent order")),
        ("deliveries", _("Cost of one delivery")),
    ):
        r = rows.next()
        book.text(sheet, r, 0, label)
        formula = f'=SUMIF(act_drivers,"{driver}",act_event_cost)'
        if driver == "urgent_orders":
            formula += "+SUM(act_urgent_cost)"
        sheet.write_formula(r, 1, formula, book.fmt("money2"))
        book.define(f"unit_cost_{driver}", SHEET, cell(r, 1, absolute=True))
    rows.next()


def _terms(book: Book, sheet: Any, rows: Rows, settings: Any) -> None:
    """One input row per term of every activity's time equation (none: the row says so)."""
    _ = book._
    terms = [(a, t) for a in settings.activities.values() for t in a.terms]
    r = rows.next()
    sheet.set_row(r, 30)
    for c, h in enumerate(
        [_("Activity"), _("Minutes"), _("Term of the time equation"), _("Driver"), _("As written")]
    ):
        book.text(sheet, r, c, h, "header")
    if not terms:
        book.text(sheet, rows.next(), 0, _("No activity has terms."), "note")
    for act, term in terms:
        r = rows.next()
        book.text(sheet, r, 0, act.name)
        # A term may take minutes off (a picked-up order needs no dispatch): no validation.
        sheet.write_number(r, 1, term.minutes, book.fmt("input_number2"))
        book.define(term_name(act.name, term.key), SHEET, cell(r, 1, absolute=True))
        book.text(sheet, r, 2, term_words(term, book.lang))
        book.text(sheet, r, 3, act.driver)
        book.text(sheet, r, 4, term.text, "note")
