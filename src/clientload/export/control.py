"""The Control sheet: does the client policy work? Groups over the kept runs, and migrations.

Each `clientload run` keeps a dated snapshot in the store (`history_runs`, `history_clients`). The
History sheet holds those snapshots as values; the Control sheet counts and sums them per run and
group with COUNTIFS/SUMIFS, adds the live figures of the Model sheet as the last row, and shows the
migrations between the previous run's group (Data sheet) and today's group (Model sheet).
"""

from __future__ import annotations

from datetime import datetime

from clientload.export.book import Book, column
from clientload.export.inputs import WorkbookInputs
from clientload.model.labels import SEGMENT_LABELS, SEGMENT_ORDER

CONTROL, HISTORY = "Control", "History"
HISTORY_COLUMNS = (
    "run_id",
    "client_id",
    "segment",
    "revenue",
    "contribution",
    "load_minutes",
    "deviations_cost",
)


def write_history_sheet(book: Book, inputs: WorkbookInputs) -> int:
    _ = book._
    sheet = book.sheet(HISTORY)
    book.text(sheet, 0, 0, _("History: each run's clients and groups (values)"), "title")
    heads = [
        _("Run"),
        _("Client ID"),
        _("Group"),
        _("Revenue"),
        _("Contribution"),
        _("Load, minutes"),
        _("Cost of policy deviations"),
    ]
    for i, h in enumerate(heads):
        book.text(sheet, 2, i, h, "header")
        sheet.set_column(i, i, 13)
    hist = inputs.history.get("clients")
    if hist is None or not len(hist):
        return 0
    hist = hist.sort_values(["run_id", "client_id"])
    fm = book.fmt("money")
    for i, rec in enumerate(hist.itertuples(index=False)):
        row = 3 + i
        sheet.write_number(row, 0, int(rec.run_id), book.fmt("number"))
        book.text(sheet, row, 1, rec.client_id)
        book.text(sheet, row, 2, rec.segment)
        for j, key in enumerate(HISTORY_COLUMNS[3:], start=3):
            v = getattr(rec, key)
            if v is None or v != v:
                sheet.write_blank(row, j, None, fm)
            else:
                sheet.write_number(row, j, float(v), fm)
    sheet.autofilter(2, 0, 2 + len(hist), len(heads) - 1)
    sheet.freeze_panes(3, 0)
    book.print_setup(sheet, 2)
    return len(hist)


def _not_among(values: str, among: tuple[float, ...], least: str = "") -> str:
    """How many numbers of the range `values` (each at least `least` when given) are none of
    `among`: settings whose figures ClientMonths does not hold."""
    value = f"(({values}>{least})*{values}+({values}<={least})*{least})" if least else values
    differs = "*".join(f"({value}<>{t!r})" for t in among) or "1"
    return f"SUMPRODUCT(ISNUMBER({values})*({values}>0)*{differs})"


def setting_checks(book: Book, inputs: WorkbookInputs) -> list[tuple[str, str, str]]:
    """Settings the data of this export cannot follow: counted, never left to give 0."""
    _ = book._
    waits = tuple(float(t) for t in inputs.rows.columns.waits)
    out = []
    if waits:
        free_out = "*".join(f"(free_days<>{t!r})" for t in waits)
        limits = ""
        if any("max_waiting_days" in p for p in inputs.settings.section("policy").values()):
            limits = "+" + _not_among("pol_max_waiting_days", waits, "free_days")
        out.append(
            (
                _(
                    "Free days or a group's allowed waiting days the data are not exported for "
                    "(their waiting counts 0: export again)"
                ),
                f"={free_out}{limits}",
                "bad",
            )
        )
    policies = inputs.settings.section("policy").values()
    if any(float(p.get("min_order_value", 0)) > 0 for p in policies):
        out.append(
            (
                _(
                    "Minimum order values the data are not exported for (their small orders "
                    "count 0: export again)"
                ),
                "=" + _not_among("pol_min_order_value", inputs.thresholds),
                "bad",
            )
        )
    if inputs.form == "summed":
        out.append(
            (
                _("The rhythm's months are not one the pre-summed data hold (1, 2, 3, 4, 6, 12)"),
                "=IF(ISNA(MATCH(rhythm_months,rhythm_choices,0)),1,0)",
                "bad",
            )
        )
    else:
        out.append(
            (
                _("Periods of the rhythm beyond the Settings' list (not counted)"),
                "=IF(rhythm_months>1,MAX(0,rhythm_buckets-ROWS(rhythm_starts)),0)",
                "bad",
            )
        )
    return out


def data_checks(book: Book) -> list[tuple[str, str, str]]:
    """(label, formula, kind) of the checks of the tables: "bad" ones should be 0."""
    _ = book._
    in_period = 'ClientMonths[month],">="&period_first_month,ClientMonths[month],"<="&period_end'
    return [
        (_("Rows in ClientMonths"), "=cm_all_rows", "info"),
        (_("Of them in the period"), f"=COUNTIFS({in_period})", "info"),
        (_("Rows of the period counted in the Model"), "=SUM(Model[period_rows])", "info"),
        (
            _("Rows whose client has no row in the Model (not counted: add the client's row)"),
            "=SUMPRODUCT(--ISNA(MATCH(ClientMonths[client_id],Model[client_id],0)))",
            "bad",
        ),
        (
            _("Rows whose month is not a date (not counted: enter the month as a date)"),
            "=SUMPRODUCT(--NOT(ISNUMBER(ClientMonths[month])))",
            "bad",
        ),
        (
            _("Model rows whose client is not in Clients (no name, no previous group)"),
            '=COUNTIF(Model[client_row],0)',
            "bad",
        ),
        (
            _("Clients without a row in the Model"),
            "=SUMPRODUCT(--ISNA(MATCH(Clients[client_id],Model[client_id],0)))",
            "bad",
        ),
        (
            _("Rows after the first one out of order (read row by row: slower)"),
            "=cm_all_rows-cm_sorted_rows",
            "info",
        ),
    ]


def write_control_sheet(book: Book, inputs: WorkbookInputs, history_rows: int) -> None:
    _ = book._
    sheet = book.sheet(CONTROL)
    segments = list(SEGMENT_ORDER)
    book.text(sheet, 0, 0, _("Control: how the groups move from period to period"), "title")
    book.text(
        sheet,
        1,
        0,
        _("One row per kept run of the model; the last row is today's Model sheet, live."),
        "subtitle",
    )
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 2, 11)
    sheet.set_column(3, 3 + len(segments), 15)
    row = 3
    book.text(sheet, row, 0, _("The data: every row of the period is counted"), "section")
    red = book.workbook.add_format({"font_color": "#C00000", "bold": True})
    for label, formula, kind in [*data_checks(book), *setting_checks(book, inputs)]:
        row += 1
        book.text(sheet, row, 0, label, "wrap")
        sheet.write_formula(row, 1, formula, book.fmt("bold_number"))
        if kind == "bad":
            sheet.conditional_format(
                row, 1, row, 1, {"type": "cell", "criteria": ">", "value": 0, "format": red}
            )
    row += 2
    runs = inputs.history.get("runs")
    run_list = [] if runs is None else list(runs.itertuples(index=False))
    last = 3 + max(history_rows, 1) - 1
    h = {
        key: f"{HISTORY}!${column(i)}$4:${column(i)}${last + 1}"
        for i, key in enumerate(HISTORY_COLUMNS)
    }
    seg = "Model[segment]"
    blocks = (
        (_("Clients per group"), None, "number", 1),
        (_("Revenue per group"), "revenue", "money", 1),
        (_("Contribution per group"), "contribution", "money", 1),
        (_("Load per group, hours"), "load_minutes", "number", 60),
        (_("Cost of policy deviations per group"), "deviations_cost", "money", 1),
    )
    for title, key, fmt, divisor in blocks:
        book.text(sheet, row, 0, title, "section")
        row += 1
        heads = [_("Run"), _("From"), _("To")] + [SEGMENT_LABELS[s][book.lang] for s in segments]
        sheet.set_row(row, 30)
        for i, t in enumerate(heads):
            book.text(sheet, row, i, t, "header")
        row += 1
        first = row
        for run in run_list:
            sheet.write_number(row, 0, int(run.run_id), book.fmt("number"))
            for col, day in ((1, run.period_start), (2, run.period_end)):
                d = day.date() if hasattr(day, "date") else day
                sheet.write_datetime(row, col, datetime(d.year, d.month, d.day), book.fmt("date"))
            for j, s in enumerate(segments, start=3):
                if history_rows == 0:
                    continue
                if key is None:
                    f = f'=COUNTIFS({h["run_id"]},$A{row + 1},{h["segment"]},"{s}")'
                else:
                    f = (
                        f'=SUMIFS({h[key]},{h["run_id"]},$A{row + 1},{h["segment"]},"{s}")'
                        f"/{divisor}"
                    )
                sheet.write_formula(row, j, f, book.fmt(fmt))
            row += 1
        book.text(sheet, row, 0, _("Today (live)"), "label")
        sheet.write_formula(row, 1, "=period_start", book.fmt("date"))
        sheet.write_formula(row, 2, "=period_end", book.fmt("date"))
        for j, s in enumerate(segments, start=3):
            if key is None:
                f = f'=COUNTIF({seg},"{s}")'
            else:
                f = f'=SUMIF({seg},"{s}",Model[{key}])/{divisor}'
            sheet.write_formula(row, j, f, book.fmt("bold_" + fmt))
        sheet.conditional_format(
            first,
            3,
            row,
            2 + len(segments),
            {"type": "2_color_scale", "min_color": "#FFFFFF", "max_color": "#9BC2E6"},
        )
        row += 2

    book.text(
        sheet,
        row,
        0,
        _("Migrations: group in the previous run (rows) → group today (columns)"),
        "section",
    )
    row += 1
    sheet.set_row(row, 30)
    book.text(sheet, row, 0, _("From → to"), "header")
    for j, s in enumerate(segments, start=1):
        book.text(sheet, row, j, SEGMENT_LABELS[s][book.lang], "header")
    row += 1
    prev = "Model[previous_group]"
    first = row
    for s in [*segments, ""]:
        book.text(
            sheet,
            row,
            0,
            SEGMENT_LABELS[s][book.lang] if s else _("(not in the previous run)"),
            "label",
        )
        for j, t in enumerate(segments, start=1):
            sheet.write_formula(row, j, f'=COUNTIFS({prev},"{s}",{seg},"{t}")', book.fmt("number"))
        row += 1
    sheet.conditional_format(
        first,
        1,
        row - 1,
        len(segments),
        {"type": "2_color_scale", "min_color": "#FFFFFF", "max_color": "#F4B183"},
    )
    book.print_setup(sheet)
