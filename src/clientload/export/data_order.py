"""The Settings sheet's cells that say how `ClientMonths` is ordered (`cm_all_rows`,
`cm_sorted_rows`, `cm_tail_first`, `cm_has_tail`): the Model reads the ordered part by blocks
and the rows after it, pasted later, one by one (see `model_data`)."""

from __future__ import annotations

from typing import Any

from clientload.export.book import Book, cell

SHEET = "Settings"


def data_helpers(book: Book, sheet: Any, rows: Any) -> None:
    """How ClientMonths is ordered: the Model reads the rows up to `cm_sorted_rows` (sorted by
    client and month) by blocks and the rest, pasted later, row by row."""
    _ = book._
    ids = "ClientMonths[client_id]"
    months = "ClientMonths[month]"

    def shifted(col: str) -> tuple[str, str]:
        return (
            f"INDEX({col},2):INDEX({col},cm_all_rows)",
            f"INDEX({col},1):INDEX({col},cm_all_rows-1)",
        )

    (id_next, id_prev), (month_next, month_prev) = shifted(ids), shifted(months)
    # The first row that does not follow its predecessor by client, then month.
    order_break = (
        f"MATCH(TRUE,(({id_next}<{id_prev})+({id_next}={id_prev})*"
        f"({month_next}<={month_prev}))>0,0)"
    )
    for label, key, formula in (
        (_("Rows in ClientMonths"), "cm_all_rows", f"=ROWS({ids})"),
        (
            _("Of them in order of client and month from the top (read fast)"),
            "cm_sorted_rows",
            f"{{=IF(cm_all_rows<2,cm_all_rows,IFERROR({order_break},cm_all_rows))}}",
        ),
        (_("First row of the rest (read row by row)"), "cm_tail_first", "=cm_sorted_rows+1"),
        (_("Rows after the ordered ones?"), "cm_has_tail", "=cm_sorted_rows<cm_all_rows"),
        # The windows as SUMIFS criteria on months, for the rows after the ordered part.
        (_("The period's months from (criterion)"), "p_ge", '=">="&period_first_month'),
        (_("The period's months to (criterion)"), "p_le", '="<="&period_end'),
        (_("The previous period's months from (criterion)"), "q_ge", '=">="&previous_start'),
        (_("The previous period's months to (criterion)"), "q_le", '="<="&previous_end'),
    ):
        r = rows.next()
        book.text(sheet, r, 0, label)
        if formula.startswith("{"):
            sheet.write_array_formula(r, 1, r, 1, formula, book.fmt("number"))
        else:
            sheet.write_formula(r, 1, formula, book.fmt("number"))
        book.text(sheet, r, 2, key, "note")
        book.define(key, SHEET, cell(r, 1, absolute=True))
